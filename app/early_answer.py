"""The canvas answered before torch is imported: the bundled model's ONNX copy, then hand-over.

Importing torch takes seconds; onnxruntime a tenth of one. A window that starts with the
bundled model (:func:`app.window_startup.starts_with_bundled`) gets, a few tenths of a second
after its first paint, an :class:`EarlyAnswer`: the bundled model and digit detector exported
to ONNX (:mod:`cnn_core.recognition.bundled_onnx`), answering the canvas the way live
inference does (throttled to one answer a frame while drawing, at once when a stroke ends),
into the same prediction panel. Once torch and the model are loaded, the window stops it and
live inference (:mod:`app.inference`) answers the same drawing with the torch model: the same
probabilities (within 1e-4), detector score and verdict, so the answer on screen stays as it
was. Nothing here imports torch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from cnn_core.data.data_picture import prepare

if TYPE_CHECKING:
    from cnn_core.recognition.onnx_predict import OnnxPredictor

    from .main_window import MainWindow

__all__ = ["FRAME_MS", "EarlyAnswer"]

log = logging.getLogger(__name__)

FRAME_MS = 33  # at most ~30 answers a second while drawing (live inference's frame too)


class EarlyAnswer(QObject):
    """Answers ``window``'s canvas with ``predictor`` (no torch) until :meth:`stop`; call
    :meth:`answer` once for the drawing made before it was there."""

    predicted = Signal(object)  # a Prediction, shown in the window's prediction panel

    def __init__(self, window: MainWindow, predictor: OnnxPredictor) -> None:
        super().__init__(window)
        self._window = window
        self.predictor = predictor
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.answer)
        panel = window.prediction_panel
        panel.set_classes(predictor.onnx.classes)
        panel.set_model(predictor.onnx)  # its temperature and accuracy, as the checkpoint's
        window.canvas.changed.connect(self._request)
        window.canvas.stroke_finished.connect(self.answer)
        self.predicted.connect(panel.show_prediction)

    def _request(self) -> None:
        """The drawing changed: answer within a frame (the first change starts the frame)."""
        if not self._timer.isActive():
            self._timer.start()

    def answer(self) -> None:
        """Answer the drawing as it is now."""
        self._timer.stop()
        try:
            prediction = self.predictor.predict_preprocessed(
                prepare(self._window.canvas.model_reading()))
        except Exception:  # noqa: BLE001 - the torch model answers once it is loaded
            log.exception("the bundled model's ONNX copy failed on this drawing")
            return
        self.predicted.emit(prediction)

    def stop(self) -> None:
        """Answer no more (live inference takes over)."""
        self._timer.stop()
        self._window.canvas.changed.disconnect(self._request)
        self._window.canvas.stroke_finished.disconnect(self.answer)
