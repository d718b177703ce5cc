"""Small helpers to show numpy arrays as images with plain Qt (no pyqtgraph scene)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

__all__ = ["ImageThumb", "TitledThumb", "gray_qimage"]


def gray_qimage(values: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> QImage:
    """A Grayscale8 QImage of a 2-D array, ``lo`` → black and ``hi`` → white."""
    span = hi - lo if hi > lo else 1.0
    scaled = np.clip((np.asarray(values, dtype=np.float32) - lo) / span, 0.0, 1.0)
    data = np.ascontiguousarray((scaled * 255).round().astype(np.uint8))
    height, width = data.shape
    return QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


class ImageThumb(QWidget):
    """Shows an image scaled to fit, its aspect ratio kept, with sharp (nearest-neighbour)
    pixels and a thin frame around it."""

    def __init__(self, side: int = 64, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._shown = self._image  # what is painted: the image, or a smooth reduction of it
        self._side = side
        self.setMinimumSize(side // 2, side // 2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def set_image(self, image: QImage) -> None:
        """Show ``image`` (any size; it is scaled to fit)."""
        self._image = image
        # A large picture (an opened photo) is shrunk once, smoothly: painting it at thumbnail
        # size costs every paint. The canvas's own 280×280 drawing is not: it is shown with
        # each prediction, ~30 times a second while drawing, and smooth painting reduces it.
        limit = 8 * self._side
        if max(image.width(), image.height()) > limit:
            self._shown = image.scaled(limit, limit, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
        else:
            self._shown = image
        self.update()

    def image(self) -> QImage:
        """The image shown (unscaled)."""
        return self._image

    def image_rect(self) -> QRectF:
        """Where the image is painted: as large as fits, its aspect ratio kept (a tall thin
        crop stays tall and thin, never stretched into a square), centred."""
        side = max(1, min(self.width(), self.height()) - 2)
        width = height = float(side)
        if not self._image.isNull():
            w, h = self._image.width(), self._image.height()
            scale = side / max(w, h)
            width, height = max(1.0, w * scale), max(1.0, h * scale)
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.image_rect()
        if self._shown.isNull():
            painter.fillRect(rect, QColor(0, 0, 0))
        else:
            if self._shown.width() > rect.width():  # shrinking: smooth, or thin strokes drop
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(rect, self._shown)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()


class TitledThumb(QWidget):
    """An :class:`ImageThumb` with a small caption underneath."""

    def __init__(self, title: str, side: int = 64, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumb = ImageThumb(side, self)
        self.caption = QLabel(title, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.caption.setWordWrap(True)
        font = self.caption.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        self.caption.setFont(font)
        self.thumb.setFixedSize(side, side)
        self.setFixedWidth(side + 24)  # captions wrap under the picture, pictures line up
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)
        layout.addStretch(1)
