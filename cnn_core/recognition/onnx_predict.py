"""Read with an exported ONNX file: the same predictions as the checkpoint, through onnxruntime.

``digitlab export --format onnx`` writes a graph that takes ``[N, 1, 28, 28]`` pictures in
[0, 1] and carries the checkpoint's class names, normalisation and temperature in its
``metadata_props`` (see :mod:`cnn_core.checkpoints.graph_export`). :class:`OnnxClassifier`
runs such a file; :class:`OnnxPredictor` is a :class:`~cnn_core.recognition.predict.Predictor`
whose class scores come from it, so preprocessing, the verdict and the JSON of
``digitlab predict`` stay the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..checkpoints import CheckpointError
from ..checkpoints.graph_export import require_export_extra
from ..data.preprocess import Preprocessed
from .predict import PredictionError, Predictor

__all__ = ["OnnxClassifier", "OnnxPredictor", "is_onnx_file"]

_DIGITS = [str(d) for d in range(10)]


def is_onnx_file(path: str | Path) -> bool:
    """Whether ``path`` names an ONNX file (by its ``.onnx`` suffix)."""
    return Path(path).suffix.lower() == ".onnx"


class OnnxClassifier:
    """An exported DigitLab model, run by onnxruntime on the CPU.

    Looks enough like a :class:`~cnn_core.checkpoints.Checkpoint` for the predictor and the
    command line: ``name``, ``classes``, ``temperature``, ``has_digit_classes``, ``meta``.
    """

    def __init__(self, path: str | Path) -> None:
        require_export_extra("onnx")
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise CheckpointError(f"{self.path}: no such file")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one picture at a time: threads cost more than win
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise CheckpointError(f"{self.path}: not a readable ONNX model ({exc})") from None
        props = self.session.get_modelmeta().custom_metadata_map
        if "digitlab.classes" not in props:
            raise CheckpointError(
                f"{self.path}: an ONNX model that DigitLab did not export (no class names in "
                f"its metadata); export it with digitlab export --format onnx")
        self.classes: list[str] = json.loads(props["digitlab.classes"])
        self.temperature = float(json.loads(props.get("digitlab.temperature", "1.0")))
        self.name = str(json.loads(props.get("digitlab.name", json.dumps(self.path.stem))))
        self.meta: dict[str, Any] = json.loads(props.get("digitlab.metadata", "{}"))
        self.has_digit_classes = self.classes == _DIGITS

    def logits(self, images28: np.ndarray) -> np.ndarray:
        """Class scores ``[N, classes]`` for pictures ``[N, 28, 28]`` in [0, 1] (ink = 1)."""
        x = np.ascontiguousarray(images28, np.float32)[:, None]
        return self.session.run(["logits"], {"image": x})[0]


class OnnxPredictor(Predictor):
    """A :class:`~.predict.Predictor` whose class scores come from an ONNX file."""

    def __init__(self, path: str | Path, detector: Any = "bundled") -> None:
        from .verdict import DEFAULT_RULE

        self.onnx = OnnxClassifier(path)
        self.model = None  # type: ignore[assignment]
        self._read_for(self.onnx, len(self.onnx.classes), detector,  # type: ignore[arg-type]
                       DEFAULT_RULE)

    def input_tensor(self, pre: Preprocessed):  # noqa: ANN201
        raise TypeError("an ONNX model has no torch input tensor; use logits()")

    def logits(self, pre: Preprocessed) -> np.ndarray:
        scores = self.onnx.logits(pre.image28[None])[0]
        if not np.isfinite(scores).all():
            raise PredictionError(
                f"the model {self.onnx.name!r} gives NaN or infinite scores for this picture")
        return scores.astype(np.float32)
