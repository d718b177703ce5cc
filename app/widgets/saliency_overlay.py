""""Why this answer": a saliency overlay on the drawing canvas and the controls that drive it.

The map is computed for the 28×28 image the model sees; the preprocessing's
:class:`~cnn_core.data.preprocess.Placement` says where that square lies on the canvas, so the
overlay is drawn exactly over the strokes that produced it (red pushed the answer towards the
chosen class, blue away from it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from cnn_core.analysis.saliency import explain

from .canvas import CANVAS_SIZE, DrawingCanvas

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.data.preprocess import Placement
    from cnn_core.recognition.predict import Prediction

    from ..analysis_worker import AnalysisWorker

__all__ = ["SaliencyControls", "SaliencyOverlay", "SaliencyResult", "diverging_rgba",
           "square_on_canvas"]

_POSITIVE = np.array([215, 48, 39], np.float32)  # red: pushed towards the class
_NEGATIVE = np.array([49, 130, 220], np.float32)  # blue: pushed away from it
_MAX_ALPHA = 215.0


def diverging_rgba(values: np.ndarray) -> np.ndarray:
    """A signed map as RGBA uint8: red for positive, blue for negative, opacity by size.

    The scale is the 99th percentile of ``|values|``, so one extreme pixel does not wash the
    rest out; zero is fully transparent.
    """
    values = np.asarray(values, np.float32)
    scale = float(np.percentile(np.abs(values), 99)) or float(np.abs(values).max()) or 1.0
    strength = np.clip(np.abs(values) / scale, 0.0, 1.0)
    rgba = np.zeros((*values.shape, 4), np.uint8)
    colour = np.where((values >= 0)[..., None], _POSITIVE, _NEGATIVE)
    rgba[..., :3] = colour.astype(np.uint8)
    rgba[..., 3] = (np.sqrt(strength) * _MAX_ALPHA).astype(np.uint8)  # faint parts stay seen
    return rgba


def picture_on_canvas(height: int, width: int) -> QRectF:
    """How a ``height``×``width`` model input is shown on the canvas image.

    The drawing itself is the canvas image (identity); an opened picture, which the model
    reads at full size, is shown fitted and centred as ``picture_data.fit_to_square`` does.
    Returns ``QRectF(x offset, y offset, x scale, y scale)``: canvas = offset + scale × picture.
    """
    if (height, width) == (CANVAS_SIZE, CANVAS_SIZE):
        return QRectF(0.0, 0.0, 1.0, 1.0)
    shown = QSize(width, height).scaled(CANVAS_SIZE, CANVAS_SIZE,
                                        Qt.AspectRatioMode.KeepAspectRatio)
    return QRectF((CANVAS_SIZE - shown.width()) // 2, (CANVAS_SIZE - shown.height()) // 2,
                  shown.width() / width, shown.height() / height)


def square_on_canvas(canvas: DrawingCanvas, placement: Placement,
                     source_shape: tuple[int, int]) -> QRectF:
    """Where the model's 28×28 square is drawn on ``canvas``, in the canvas's widget pixels.

    The preprocessing's ``placement`` says where the square lies in the picture the model
    read (``source_shape``: its height and width), so anything drawn in 28×28 coordinates
    lands on the strokes that made it.
    """
    view = QRectF(canvas.visible_rect())
    scale = view.width() / CANVAS_SIZE
    fit = picture_on_canvas(*source_shape)
    x0, y0, x1, y1 = placement.square()
    x0, y0, x1, y1 = (fit.x() + x0 * fit.width(), fit.y() + y0 * fit.height(),
                      fit.x() + x1 * fit.width(), fit.y() + y1 * fit.height())
    return QRectF(view.x() + x0 * scale, view.y() + y0 * scale,
                  (x1 - x0) * scale, (y1 - y0) * scale)


@dataclass(frozen=True)
class SaliencyResult:
    """One computed map, with what it explains and where it sits on the canvas."""

    values: np.ndarray  # float32 [28, 28], signed
    target: int  # the class explained
    method: str  # a key of cnn_core.analysis.saliency.METHODS
    placement: Placement  # where the 28×28 square lies in the model's input picture
    source_shape: tuple[int, int]  # (height, width) of that picture


class SaliencyOverlay(QWidget):
    """A transparent child of the canvas that paints a saliency map over the drawing."""

    def __init__(self, canvas: DrawingCanvas) -> None:
        super().__init__(canvas)
        self.setObjectName("saliencyOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._canvas = canvas
        self._result: SaliencyResult | None = None
        self._image = QImage()
        canvas.installEventFilter(self)
        self.setGeometry(canvas.rect())
        self.hide()

    def result(self) -> SaliencyResult | None:
        """The map shown (``None`` when there is none)."""
        return self._result

    def set_result(self, result: SaliencyResult | None) -> None:
        """Show ``result`` (``None`` clears the overlay)."""
        self._result = result
        if result is not None:
            rgba = np.ascontiguousarray(diverging_rgba(result.values))
            height, width = rgba.shape[:2]
            self._image = QImage(rgba.data, width, height, 4 * width,
                                 QImage.Format.Format_RGBA8888).copy()
        self.update()

    def map_rect(self) -> QRectF:
        """Where the 28×28 square is drawn, in this widget's (= the canvas's) coordinates."""
        if self._result is None:
            return QRectF()
        return square_on_canvas(self._canvas, self._result.placement, self._result.source_shape)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._canvas.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._result is None or self._image.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setClipRect(self._canvas.visible_rect())
        painter.drawImage(self.map_rect(), self._image)
        painter.end()


class SaliencyControls(QWidget):
    """The toggle, class and method choosers, and the glue to the worker and the overlay.

    While the toggle is on, every new prediction asks the worker for a map (the latest
    request wins), so the overlay follows the drawing without slowing it down.
    """

    def __init__(self, canvas: DrawingCanvas, worker: AnalysisWorker,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._prediction: Prediction | None = None
        self.overlay = SaliencyOverlay(canvas)
        self.last_seconds: float | None = None  # how long the last map took

        self.toggleAction = QAction(self.tr("Why this answer?"), self)
        self.toggleAction.setCheckable(True)
        self.toggleAction.setShortcut(QKeySequence("Ctrl+E"))
        self.toggleAction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.toggleAction.setToolTip(self.tr(
            "Show which pixels pushed the answer (Ctrl+E): red towards the chosen class, "
            "blue away from it"))
        self.saliencyToggle = QToolButton(self)
        self.saliencyToggle.setObjectName("saliencyToggle")
        self.saliencyToggle.setDefaultAction(self.toggleAction)
        self.saliencyClass = QComboBox(self)
        self.saliencyClass.setObjectName("saliencyClass")
        self.saliencyClass.setToolTip(self.tr("Explain the answer, or ask \"why not a 7?\""))
        self.saliencyMethod = QComboBox(self)
        self.saliencyMethod.setObjectName("saliencyMethod")
        for key, text in (("occlusion", self.tr("Occlusion")),
                          ("integrated_gradients", self.tr("Integrated gradients")),
                          ("gradient_x_input", self.tr("Gradient × input"))):
            self.saliencyMethod.addItem(text, key)
        self.saliencyMethod.setToolTip(self.tr(
            "Occlusion covers 4×4 patches and measures the loss; integrated gradients and "
            "gradient × input follow the model's gradients"))
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("saliencyStatus")
        self.statusLabel.setWordWrap(True)  # its own line: it never widens the canvas panel
        self.set_class_names([str(d) for d in range(10)])
        self._build_layout()
        self._set_controls_enabled(False)
        self.saliencyToggle.toggled.connect(self._on_toggled)
        self.saliencyClass.currentIndexChanged.connect(self._request)
        self.saliencyMethod.currentIndexChanged.connect(self._request)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)

    def _build_layout(self) -> None:
        for combo in (self.saliencyClass, self.saliencyMethod):
            # Shrinkable, so that a narrow canvas panel (small windows) still fits them.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
        top = QHBoxLayout()
        top.addWidget(self.saliencyToggle)
        top.addWidget(self.statusLabel, 1)
        choices = QHBoxLayout()
        choices.addWidget(QLabel(self.tr("Explain"), self))
        choices.addWidget(self.saliencyClass, 1)
        choices.addWidget(QLabel(self.tr("by"), self))
        choices.addWidget(self.saliencyMethod, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 0, 6, 0)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(choices)

    # ----------------------------------------------------------------- inputs
    def set_class_names(self, names: list[str]) -> None:
        """The classes of the canvas model (from its checkpoint's metadata)."""
        current = self.saliencyClass.currentData()
        self.saliencyClass.blockSignals(True)
        self.saliencyClass.clear()
        self.saliencyClass.addItem(self.tr("the answer"), -1)
        for index, name in enumerate(names):
            self.saliencyClass.addItem(self.tr("“{0}”").format(name), index)
        found = self.saliencyClass.findData(current)
        self.saliencyClass.setCurrentIndex(max(found, 0))
        self.saliencyClass.blockSignals(False)

    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """The canvas model changed: new class names, and a new map for it."""
        self.set_class_names(list(checkpoint.classes))
        self._request()

    def set_prediction(self, prediction: Prediction) -> None:
        """A new prediction of the drawing: explain it if the overlay is on."""
        self._prediction = prediction
        self._request()

    # ---------------------------------------------------------------- helpers
    def target(self) -> int | None:
        """The class being explained (the predicted one unless another is chosen)."""
        chosen = self.saliencyClass.currentData()
        if chosen is not None and chosen >= 0:
            return int(chosen)
        return None if self._prediction is None else self._prediction.label

    def _set_controls_enabled(self, on: bool) -> None:
        self.saliencyClass.setEnabled(on)
        self.saliencyMethod.setEnabled(on)

    def _on_toggled(self, on: bool) -> None:
        self._set_controls_enabled(on)
        self.overlay.setVisible(on)
        if on:
            self.overlay.raise_()
            self._request()
        else:
            self._worker.cancel("saliency")
            self.overlay.set_result(None)
            self.statusLabel.clear()

    def _request(self) -> None:
        if not self.saliencyToggle.isChecked():
            return
        prediction, target = self._prediction, self.target()
        if prediction is None or prediction.preprocessed.blank or target is None:
            self._worker.cancel("saliency")
            self.overlay.set_result(None)
            self.statusLabel.setText(self.tr("Draw a digit to see why."))
            return
        pre, method = prediction.preprocessed, str(self.saliencyMethod.currentData())
        job = partial(_explain, image28=pre.image28, target=target, method=method,
                      placement=pre.placement, source_shape=pre.steps[0].image.shape[:2])
        self._worker.submit("saliency", job)

    def _on_finished(self, key: str, result: object, seconds: float) -> None:
        if key != "saliency" or not self.saliencyToggle.isChecked():
            return
        assert isinstance(result, SaliencyResult)
        self.last_seconds = seconds
        self.overlay.set_result(result)
        name = self.saliencyClass.itemText(self.saliencyClass.findData(result.target))
        self.statusLabel.setText(self.tr(
            "Red pixels pushed the model towards {0}, blue ones away from it ({1:.0f} ms)."
        ).format(name, seconds * 1000))

    def _on_failed(self, key: str, message: str) -> None:
        if key == "saliency":
            self.overlay.set_result(None)
            self.statusLabel.setText(self.tr("Could not explain: {0}").format(message))


def _explain(checkpoint: Checkpoint, *, image28: np.ndarray, target: int, method: str,
             placement: Placement, source_shape: tuple[int, int]) -> SaliencyResult:
    """The worker's job: one map for one drawing."""
    values = explain(checkpoint, image28, target, method)
    return SaliencyResult(values, target, method, placement, tuple(source_shape))
