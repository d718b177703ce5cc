"""The drawing surface: white ink on a black square, like an MNIST digit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QImageReader,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["CANVAS_SIZE", "DrawingCanvas", "image_to_canvas"]

CANVAS_SIZE = 280  # logical pixels: 10× MNIST's 28, so strokes keep their detail
_UNDO_LIMIT = 64
_INK = QColor(255, 255, 255)
_PAPER = QColor(0, 0, 0)


def image_to_canvas(image: QImage, size: int = CANVAS_SIZE) -> QImage:
    """Fit any image into a ``size``×``size`` white-on-black grayscale canvas image.

    Transparent pixels count as paper, and an image on light paper (dark ink, as most scans
    and photos are) is inverted, so that it looks like something drawn on this canvas.
    """
    gray = _flatten_alpha(image).convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = _to_array(gray)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    if float(np.median(border)) > 127:
        gray.invertPixels()
    scaled = gray.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    result = QImage(size, size, QImage.Format.Format_Grayscale8)
    result.fill(_PAPER)
    painter = QPainter(result)
    painter.drawImage(QPoint((size - scaled.width()) // 2, (size - scaled.height()) // 2), scaled)
    painter.end()
    return result


def _flatten_alpha(image: QImage) -> QImage:
    """Composite an image with transparency onto white, so transparent means paper."""
    if not image.hasAlphaChannel():
        return image
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor(255, 255, 255))
    painter = QPainter(flat)
    painter.drawImage(QPoint(0, 0), image)
    painter.end()
    return flat


def _to_array(gray: QImage) -> np.ndarray:
    """Copy a Grayscale8 QImage into a (height, width) uint8 array (rows may be padded)."""
    height, width, stride = gray.height(), gray.width(), gray.bytesPerLine()
    buffer = np.frombuffer(gray.constBits(), dtype=np.uint8, count=height * stride)
    return buffer.reshape(height, stride)[:, :width].copy()


class DrawingCanvas(QWidget):
    """A square drawing surface that scales with its widget.

    Left button draws with an antialiased round brush, right button erases. Every stroke can
    be undone and redone. The drawing is a ``CANVAS_SIZE``×``CANVAS_SIZE`` grayscale image,
    white ink on black, available as a numpy array from :meth:`image_array`.
    """

    changed = Signal()  # the drawing changed (every mouse move while drawing)
    stroke_finished = Signal()  # a stroke ended, or the image was cleared, loaded or undone
    undo_available = Signal(bool)
    redo_available = Signal(bool)
    load_failed = Signal(str)  # a dropped or pasted file could not be read as an image

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setAccessibleName(self.tr("Drawing canvas"))
        self.setToolTip(self.tr("Draw a digit with the left mouse button; "
                                "the right button erases."))
        self._image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(_PAPER)
        self._undo: list[QImage] = []
        self._redo: list[QImage] = []
        self._brush_width = 20
        self._stroke_button: Qt.MouseButton | None = None
        self._last_point = QPointF()
        self._hover: QPointF | None = None
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # ----------------------------------------------------------------- public API
    def brush_width(self) -> int:
        """Brush diameter in canvas pixels (the canvas is ``CANVAS_SIZE`` wide)."""
        return self._brush_width

    def set_brush_width(self, width: int) -> None:
        """Set the brush diameter in canvas pixels."""
        self._brush_width = max(1, int(width))
        self.update()

    def image(self) -> QImage:
        """A copy of the drawing (Grayscale8, white ink on black)."""
        return self._image.copy()

    def image_array(self) -> np.ndarray:
        """The drawing as a (CANVAS_SIZE, CANVAS_SIZE) uint8 array, ink = 255."""
        return _to_array(self._image)

    def is_blank(self) -> bool:
        """True when nothing is drawn."""
        return not self.image_array().any()

    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True when there is an undone step to redo."""
        return bool(self._redo)

    def undo(self) -> None:
        """Go back one stroke (or clear, or load)."""
        if self._undo:
            self._redo.append(self._image)
            self._image = self._undo.pop()
            self._after_edit()

    def redo(self) -> None:
        """Redo the last undone step."""
        if self._redo:
            self._undo.append(self._image)
            self._image = self._redo.pop()
            self._after_edit()

    def clear(self) -> None:
        """Erase everything (undoable)."""
        if self.is_blank():
            return
        self._push_undo()
        self._image.fill(_PAPER)
        self._after_edit()

    def set_image(self, image: QImage) -> None:
        """Replace the drawing with ``image``, scaled to fit (undoable)."""
        self._push_undo()
        self._image = image_to_canvas(image)
        self._after_edit()

    def load_file(self, path: str | Path) -> bool:
        """Load an image file into the canvas; ``False`` (and :attr:`load_failed`) if unreadable."""
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        image = reader.read()
        if image.isNull():
            self.load_failed.emit(self.tr("Cannot open {0}: {1}").format(
                Path(path).name, reader.errorString()))
            return False
        self.set_image(image)
        return True

    def save_file(self, path: str | Path) -> bool:
        """Save the drawing as an image file (format from the suffix, PNG by default)."""
        suffix = Path(path).suffix.lstrip(".").upper() or "PNG"
        return self._image.save(str(path), suffix)

    def load_mime_data(self, mime: QMimeData) -> bool:
        """Load an image or the first local image file from clipboard or drop data."""
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.set_image(image)
                return True
        for url in mime.urls():
            if url.isLocalFile():
                return self.load_file(url.toLocalFile())
        return False

    def paste(self) -> bool:
        """Paste an image (or an image file) from the clipboard."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.load_mime_data(mime):
            self.load_failed.emit(self.tr("The clipboard holds no image."))
            return False
        return True

    def draw_stroke(self, points: list[tuple[float, float]], erase: bool = False) -> None:
        """Draw a polyline in canvas coordinates as one undoable stroke (for demos and scripts)."""
        if not points:
            return
        self._push_undo()
        self._last_point = QPointF(*points[0])
        self._paint_segment(self._last_point, self._last_point, erase)
        for x, y in points[1:]:
            point = QPointF(x, y)
            self._paint_segment(self._last_point, point, erase)
            self._last_point = point
        self._after_edit()

    # -------------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:
        return QSize(480, 480)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def _target_rect(self) -> QRectF:
        """Where the square image is shown inside the widget (as large as fits, at the top)."""
        side = max(1, min(self.width(), self.height()) - 2)
        return QRectF((self.width() - side) / 2, 1, side, side)

    def _to_image(self, pos: QPointF) -> QPointF:
        rect = self._target_rect()
        scale = CANVAS_SIZE / rect.width()
        return QPointF((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    # -------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self._target_rect()
        painter.drawImage(rect, self._image)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        if self._stroke_button is None and self.is_blank():
            self._paint_placeholder(painter, rect)
        if self._hover is not None and rect.contains(self._hover):
            self._paint_brush_outline(painter, rect)
        painter.end()

    def _paint_placeholder(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(QColor(150, 150, 150))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr(
            "Draw a digit here\n\nLeft button draws, right button erases.\n"
            "You can also drop or paste an image."))

    def _paint_brush_outline(self, painter: QPainter, rect: QRectF) -> None:
        radius = self._current_width() * rect.width() / CANVAS_SIZE / 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(255, 140, 0, 200), 1.2))
        painter.drawEllipse(self._hover, radius, radius)

    def _current_width(self) -> float:
        eraser = self._stroke_button == Qt.MouseButton.RightButton
        return self._brush_width * (1.5 if eraser else 1.0)

    def _paint_segment(self, start: QPointF, end: QPointF, erase: bool) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self._brush_width * (1.5 if erase else 1.0)
        pen = QPen(_PAPER if erase else _INK, width, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        painter.end()

    # ----------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            super().mousePressEvent(event)
            return
        if self._stroke_button is not None:  # a second button during a stroke: ignore it
            return
        self._push_undo()
        self._stroke_button = button
        self._last_point = self._to_image(event.position())
        self._hover = event.position()
        self._paint_segment(self._last_point, self._last_point, self._erasing())
        self._changed()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover = event.position()
        if self._stroke_button is not None:
            point = self._to_image(event.position())
            self._paint_segment(self._last_point, point, self._erasing())
            self._last_point = point
            self._changed()
        else:
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != self._stroke_button:
            super().mouseReleaseEvent(event)
            return
        point = self._to_image(event.position())
        if point != self._last_point:
            self._paint_segment(self._last_point, point, self._erasing())
        self._stroke_button = None
        self._after_edit()

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()

    def _erasing(self) -> bool:
        return self._stroke_button == Qt.MouseButton.RightButton

    # ------------------------------------------------------------ drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasImage() or any(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.load_mime_data(event.mimeData()):
            event.acceptProposedAction()

    # ---------------------------------------------------------------- history
    def _push_undo(self) -> None:
        self._undo.append(self._image.copy())
        del self._undo[:-_UNDO_LIMIT]
        self._redo.clear()

    def _changed(self) -> None:
        self.update()
        self.changed.emit()

    def _after_edit(self) -> None:
        self._changed()
        self.stroke_finished.emit()
        self.undo_available.emit(self.can_undo())
        self.redo_available.emit(self.can_redo())

    def visible_rect(self) -> QRect:
        """The widget-pixel rectangle the drawing occupies (for tests and overlays)."""
        return self._target_rect().toRect()
