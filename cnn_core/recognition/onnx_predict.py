"""Read with an exported ONNX file: the same predictions as the checkpoint, through onnxruntime.

``digitlab export --format onnx`` writes a graph that takes ``[N, 1, 28, 28]`` pictures in
[0, 1] and carries the checkpoint's class names, normalisation and temperature in its
``metadata_props`` (see :mod:`cnn_core.checkpoints.graph_export`). :class:`OnnxClassifier`
runs such a file; :class:`OnnxPredictor` is a predictor
(:class:`~cnn_core.recognition.prediction.ScorePredictor`) whose class scores come from it, so
preprocessing, the verdict and the JSON of ``digitlab predict`` stay the same;
:class:`OnnxDetector` is the digit detector's exported copy.

Nothing here imports torch (unless a file is missing or unreadable: the error types live with
the checkpoints), so the window can answer with the bundled model's ONNX copy
(:mod:`.bundled_onnx`) while torch is still being imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..data.preprocess import Preprocessed
from .feature_head import FeatureHead
from .prediction import Detector, PredictionError, ScorePredictor
from .verdict import DEFAULT_RULE, VerdictRule

__all__ = ["SOURCE_KEY", "OnnxClassifier", "OnnxDetector", "OnnxPredictor", "is_onnx_file"]

_DIGITS = [str(d) for d in range(10)]

SOURCE_KEY = "digitlab.source_sha256"
"""The ``metadata_props`` key of the SHA-256 of the checkpoint file a copy was exported from
(a JSON string; the bundled copies have it)."""


def is_onnx_file(path: str | Path) -> bool:
    """Whether ``path`` names an ONNX file (by its ``.onnx`` suffix)."""
    return Path(path).suffix.lower() == ".onnx"


def _checkpoint_error(message: str) -> Exception:
    """A :class:`~cnn_core.checkpoints.CheckpointError` (imported only when one is raised:
    its package imports torch)."""
    from ..checkpoints import CheckpointError

    return CheckpointError(message)


def _onnxruntime() -> Any:
    """The onnxruntime module; without it, the error that names the extra to install."""
    try:
        import onnxruntime
    except ImportError:
        from ..checkpoints.graph_export import require_export_extra

        require_export_extra("onnx")  # raises ExportExtraMissing, naming the extra
        raise
    return onnxruntime


class OnnxClassifier:
    """An exported DigitLab model, run by onnxruntime on the CPU.

    Looks enough like a :class:`~cnn_core.checkpoints.Checkpoint` for the predictor and the
    command line and the prediction panel: ``name``, ``classes``, ``temperature``,
    ``has_digit_classes``, ``meta``, ``test_accuracy``;
    ``props`` holds every ``metadata_props`` entry as written (JSON text).
    """

    def __init__(self, path: str | Path) -> None:
        ort = _onnxruntime()
        self.path = Path(path)
        if not self.path.is_file():
            raise _checkpoint_error(f"{self.path}: no such file")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one picture at a time: threads cost more than win
        options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise _checkpoint_error(
                f"{self.path}: not a readable ONNX model ({exc})") from None
        self.props: dict[str, str] = dict(self.session.get_modelmeta().custom_metadata_map)
        if "digitlab.classes" not in self.props:
            raise _checkpoint_error(
                f"{self.path}: an ONNX model that DigitLab did not export (no class names in "
                f"its metadata); export it with digitlab export --format onnx")
        props = self.props
        self.classes: list[str] = json.loads(props["digitlab.classes"])
        self.temperature = float(json.loads(props.get("digitlab.temperature", "1.0")))
        self.name = str(json.loads(props.get("digitlab.name", json.dumps(self.path.stem))))
        self.meta: dict[str, Any] = json.loads(props.get("digitlab.metadata", "{}"))
        self.has_digit_classes = self.classes == _DIGITS
        # The SHA-256 of the checkpoint file it was exported from (the bundled copies).
        self.source_sha256: str | None = json.loads(
            props.get(SOURCE_KEY, "null"))
        self.has_features = "features" in {o.name for o in self.session.get_outputs()}

    @property
    def test_accuracy(self) -> float | None:
        """Test accuracy recorded when the exported checkpoint was made, if any."""
        value = self.meta.get("metrics", {}).get("test_accuracy")
        return None if value is None else float(value)

    def _run(self, output: str, images28: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(images28, np.float32).reshape(-1, 1, 28, 28)
        return self.session.run([output], {"image": x})[0]

    def logits(self, images28: np.ndarray) -> np.ndarray:
        """Class scores ``[N, classes]`` for pictures ``[N, 28, 28]`` in [0, 1] (ink = 1)."""
        return self._run("logits", images28)

    def probabilities(self, images28: np.ndarray) -> np.ndarray:
        """``softmax(logits)`` ``[N, classes]`` for pictures ``[N, 28, 28]`` (in the graph)."""
        return self._run("probabilities", images28)

    def logits_and_features(self, images28: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class scores ``[N, classes]`` and the features the last linear layer reads
        ``[N, D]`` (only a copy exported with them: :attr:`has_features`)."""
        x = np.ascontiguousarray(images28, np.float32).reshape(-1, 1, 28, 28)
        logits, features = self.session.run(["logits", "features"], {"image": x})
        return logits, features


class OnnxDetector:
    """The digit detector's exported copy: the same ``digit_probability`` and thresholds as
    :class:`~cnn_core.recognition.detector.DigitDetector`, through onnxruntime."""

    def __init__(self, path: str | Path, head: FeatureHead | None = None) -> None:
        self.graph = OnnxClassifier(path)
        self.head = head
        info = self.graph.meta.get("detector")
        if not isinstance(info, dict) or len(self.graph.classes) != 2:
            raise _checkpoint_error(f"{self.graph.path}: not a digit detector's export")
        self.not_digit_below = float(info.get("not_digit_below", 0.5))
        self.unsure_below = max(self.not_digit_below, float(info.get("unsure_below", 0.5)))

    def digit_probability(self, images: np.ndarray) -> np.ndarray:
        """P(digit) for ``[28, 28]`` or ``[N, 28, 28]`` images in [0, 1] (ink = 1)."""
        return self.graph.probabilities(np.asarray(images, np.float32))[:, 1]


class OnnxPredictor(ScorePredictor):
    """A predictor whose class scores come from an ONNX file.

    ``detector``: ``"bundled"`` is the bundled torch detector (for a digit model), or give one
    (:class:`OnnxDetector` keeps the predictor free of torch), or None.
    """

    def __init__(self, path: str | Path, detector: Detector | None | Literal["bundled"] = "bundled",
                 rule: VerdictRule = DEFAULT_RULE) -> None:
        self.onnx = OnnxClassifier(path)
        self.model = None
        self._read_for(self.onnx, len(self.onnx.classes), detector, rule, _bundled_detector)

    def input_tensor(self, pre: Preprocessed):  # noqa: ANN201
        raise TypeError("an ONNX model has no torch input tensor; use logits()")

    def logits(self, pre: Preprocessed) -> np.ndarray:
        return self._checked(self.onnx.logits(pre.image28[None])[0])

    def scores(self, pre: Preprocessed) -> tuple[np.ndarray, np.ndarray | None]:
        """The class scores and, when the feature head applies and the copy gives them, the
        features (one run of the graph either way)."""
        if self.head is None or not self.onnx.has_features:
            return self.logits(pre), None
        logits, features = self.onnx.logits_and_features(pre.image28[None])
        return self._checked(logits[0]), features[0]

    def _checked(self, scores: np.ndarray) -> np.ndarray:
        if not np.isfinite(scores).all():
            raise PredictionError(
                f"the model {self.onnx.name!r} gives NaN or infinite scores for this picture")
        return scores.astype(np.float32)


def _bundled_detector() -> Detector | None:
    from .detector import load_bundled_detector  # torch

    return load_bundled_detector()
