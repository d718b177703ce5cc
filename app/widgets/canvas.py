"""The drawing surface: white ink on a black square, like an MNIST digit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from cnn_core.data.data_picture import DataPicture
from cnn_core.data.images import ImageError, decode_image, load_image

from ..language import say
from .canvas_brush import PAPER, outline_rect, paint_segment, segment_rect, stroke_width
from .canvas_history import DrawingHistory
from .picture_data import (
    busy_cursor,
    fit_to_square,
    gray_array,
    holds_picture,
    mime_picture,
    qimage_gray,
)

__all__ = ["CANVAS_SIZE", "DrawingCanvas"]

CANVAS_SIZE = 280  # logical pixels: 10× MNIST's 28, so strokes keep their detail



class DrawingCanvas(QWidget):
    """A square drawing surface that scales with its widget.

    Left button draws with an antialiased round brush, right button erases. Every stroke can
    be undone and redone. The drawing is a ``CANVAS_SIZE``×``CANVAS_SIZE`` grayscale image,
    white ink on black, available as a numpy array from :meth:`image_array`.

    Opened, pasted and dropped pictures are read by :mod:`cnn_core.data.images` (the loader of
    ``digitlab predict``) and shown fitted to the canvas. Until something is drawn on such a
    picture, :meth:`model_input` is the picture itself at its full size, not the canvas: the
    model then reads exactly what ``digitlab predict`` reads for the same file.
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
        self._image.fill(PAPER)
        # the loaded picture (a data set's as such), while shown unchanged
        self._picture: np.ndarray | DataPicture | None = None
        self._history = DrawingHistory()
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
        return gray_array(self._image)

    def model_input(self) -> np.ndarray:
        """What the model reads: the loaded picture (gray float, full size) until something
        is drawn on it or it is cleared, otherwise the drawing (:meth:`image_array`)."""
        picture = self._picture
        if isinstance(picture, DataPicture):
            return picture.image
        return picture if picture is not None else self.image_array()

    def model_reading(self) -> np.ndarray | DataPicture:
        """:meth:`model_input`, but a data set's picture as such: the model reads it as the
        data set gives it (:func:`cnn_core.data.data_picture.prepare`), as evaluation does."""
        picture = self._picture
        return picture if isinstance(picture, DataPicture) else self.model_input()

    def data_picture(self) -> DataPicture | None:
        """The data set's picture shown unchanged, if that is what the canvas holds."""
        return self._picture if isinstance(self._picture, DataPicture) else None

    def has_picture(self) -> bool:
        """True while the canvas shows a loaded picture that nothing was drawn on."""
        return self._picture is not None

    def is_blank(self) -> bool:
        """True when nothing is drawn."""
        return not self.image_array().any()

    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return self._history.can_undo()

    def can_redo(self) -> bool:
        """True when there is an undone step to redo."""
        return self._history.can_redo()

    def undo(self) -> None:
        """Go back one stroke (or clear, or load)."""
        state = self._history.undo((self._image, self._picture))
        if state is not None:
            self._image, self._picture = state
            self._after_edit()

    def redo(self) -> None:
        """Redo the last undone step."""
        state = self._history.redo((self._image, self._picture))
        if state is not None:
            self._image, self._picture = state
            self._after_edit()

    def clear(self) -> None:
        """Erase everything (undoable)."""
        if self.is_blank():
            return
        self._push_undo()
        self._image.fill(PAPER)
        self._after_edit()

    def set_picture(self, gray: np.ndarray | DataPicture) -> None:
        """Show a gray picture (as :mod:`cnn_core.data.images` reads it) fitted to the canvas.

        The picture is made white ink on black by the core's polarity rule
        (:func:`cnn_core.data.preprocess.to_ink`); the model reads the picture itself (see
        :meth:`model_input`). A :class:`~cnn_core.data.data_picture.DataPicture` (from a data set)
        is shown as it is and read as the data set gives it. Undoable.
        """
        from cnn_core.data.preprocess import to_ink  # imports torch: not before the window shows

        if isinstance(gray, DataPicture):
            ink = gray.image
        else:
            ink, _, _ = to_ink(np.asarray(gray, dtype=np.float32))
        image = fit_to_square(ink, CANVAS_SIZE)
        self._push_undo()
        self._image, self._picture = image, gray
        self._after_edit()

    def load_file(self, path: str | Path) -> bool:
        """Load an image file into the canvas; ``False`` (and :attr:`load_failed`) if unreadable."""
        return self._load(lambda: load_image(path), Path(path).name)

    def load_bytes(self, data: bytes, what: str) -> bool:
        """Load an encoded image (PNG, JPEG, … bytes); ``what`` names it in error messages."""
        return self._load(lambda: decode_image(data), what)

    def load_qimage(self, image: QImage, what: str) -> bool:
        """Load a decoded QImage (clipboard data) through the same loader as files."""
        return self._load(lambda: qimage_gray(image), what)

    def save_file(self, path: str | Path) -> bool:
        """Save the drawing as an image file (format from the suffix, PNG by default)."""
        suffix = Path(path).suffix.lstrip(".").upper() or "PNG"
        return self._image.save(str(path), suffix)

    def load_mime_data(self, mime: QMimeData, what: str | None = None) -> bool:
        """Load the picture of drop or clipboard data (:func:`.picture_data.mime_picture`);
        ``what`` ("the pasted image") names it in error messages."""
        found = mime_picture(mime)
        if found is None:
            return False
        read, name = found
        return self._load(read, name or what or self.tr("the image"))

    def paste(self) -> bool:
        """Paste an image (or an image file) from the clipboard."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not holds_picture(mime):
            self.load_failed.emit(self.tr("The clipboard holds no image."))
            return False
        return self.load_mime_data(mime, self.tr("the pasted image"))

    def _load(self, read: Callable[[], np.ndarray], what: str) -> bool:
        """Show the picture ``read()`` gives; ``False`` and :attr:`load_failed` (naming it
        ``what``) when it is not one."""
        try:
            with busy_cursor():
                gray = read()
        except ImageError as exc:
            self.load_failed.emit(self.tr("Cannot open {0}: {1}").format(what, say(exc.reason)))
            return False
        self.set_picture(gray)
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

    def _outline_radius(self, rect: QRectF) -> float:
        """The brush outline's radius in widget pixels, for the drawing shown in ``rect``."""
        return self._current_width() * rect.width() / CANVAS_SIZE / 2

    def _paint_brush_outline(self, painter: QPainter, rect: QRectF) -> None:
        radius = self._outline_radius(rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(255, 140, 0, 200), 1.2))
        painter.drawEllipse(self._hover, radius, radius)

    def _current_width(self) -> float:
        return stroke_width(self._brush_width, self._erasing())

    def _paint_segment(self, start: QPointF, end: QPointF, erase: bool) -> None:
        paint_segment(self._image, start, end, self._brush_width, erase)

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
        # Only the pixels that change are repainted: the new segment and the brush outline's
        # old and new places. A whole repaint rescales the full drawing 60 times a second
        # while a stroke is drawn, GUI time that a training run in the background needs.
        dirty = self._outline_rect(self._hover)
        self._hover = event.position()
        dirty |= self._outline_rect(self._hover)
        if self._stroke_button is not None:
            point = self._to_image(event.position())
            self._paint_segment(self._last_point, point, self._erasing())
            dirty |= self._segment_rect(self._last_point, point)
            self._last_point = point
            self._changed(dirty)
        else:
            self.update(dirty)

    def _outline_rect(self, centre: QPointF | None) -> QRect:
        return outline_rect(centre, self._outline_radius(self._target_rect()))

    def _segment_rect(self, start: QPointF, end: QPointF) -> QRect:
        return segment_rect(start, end, self._target_rect(), CANVAS_SIZE, self._brush_width)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != self._stroke_button:
            super().mouseReleaseEvent(event)
            return
        point = self._to_image(event.position())
        dirty = self._outline_rect(self._hover)
        if point != self._last_point:
            self._paint_segment(self._last_point, point, self._erasing())
            dirty |= self._segment_rect(self._last_point, point)
        self._stroke_button = None
        # all of it only when the placeholder comes back (the stroke erased everything)
        self._after_edit(None if self.is_blank() else dirty)

    def leaveEvent(self, event: QEvent) -> None:
        dirty = self._outline_rect(self._hover)
        self._hover = None
        self.update(dirty)

    def _erasing(self) -> bool:
        return self._stroke_button == Qt.MouseButton.RightButton

    # ------------------------------------------------------------ drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if holds_picture(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        event.acceptProposedAction()  # a failed load is reported by load_failed
        self.load_mime_data(event.mimeData(), self.tr("the dropped image"))

    # ---------------------------------------------------------------- history
    def _push_undo(self) -> None:
        """Remember the current state before an edit; the edit replaces any loaded picture."""
        self._history.push((self._image.copy(), self._picture))
        self._picture = None

    def _changed(self, dirty: QRect | None = None) -> None:
        """Repaint ``dirty`` (widget pixels; everything for ``None``) and say so."""
        if dirty is None:
            self.update()
        else:
            self.update(dirty)
        self.changed.emit()

    def _after_edit(self, dirty: QRect | None = None) -> None:
        self._changed(dirty)
        self.stroke_finished.emit()
        self.undo_available.emit(self.can_undo())
        self.redo_available.emit(self.can_redo())

    def visible_rect(self) -> QRect:
        """The widget-pixel rectangle the drawing occupies (for tests and overlays)."""
        return self._target_rect().toRect()
