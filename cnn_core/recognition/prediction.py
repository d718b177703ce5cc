"""What a model says about one picture, whatever computes its class scores (no torch here).

:class:`Prediction` is the answer; :class:`ScorePredictor` turns a model's class scores into
one (probabilities, the detector's score, the verdict). Its subclasses say where the scores
come from: :class:`~cnn_core.recognition.predict.Predictor` runs a checkpoint's torch model,
:class:`~cnn_core.recognition.onnx_predict.OnnxPredictor` an exported ONNX file through
onnxruntime. Nothing here imports torch, so that the window can answer a drawing with the ONNX
copy of the bundled model while torch is still being imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from ..data.preprocess import Preprocessed, preprocess
from .feature_head import FeatureHead, combine
from .verdict import Verdict, VerdictRule, decide

__all__ = ["Prediction", "PredictionError", "ScorePredictor", "calibrated", "softmax"]


class PredictionError(Exception):
    """The model gave no usable answer for a picture (NaN or infinite scores)."""


@dataclass(frozen=True)
class Prediction:
    """What the model says about one picture.

    ``label`` is always the classifier's answer (its most likely class), whatever the
    verdict; None only for a blank picture. ``verdict`` says what to make of it:
    ``"digit"``, ``"unsure"``, ``"not_a_digit"`` or ``"blank"`` (see
    :mod:`cnn_core.recognition.verdict`). A consumer that wants digits only filters on the
    verdict.
    """

    label: int | None  # the classifier's answer; None only when blank
    confidence: float  # probability of the most likely class (0 when blank)
    probabilities: np.ndarray  # float32 [num_classes], zeros when blank
    preprocessed: Preprocessed
    verdict: Verdict | Literal[""] = ""  # "" = derived: "blank" without a label, else "digit"
    digit_score: float | None = None  # the score the verdict read; None when no detector ran

    def __post_init__(self) -> None:
        if not self.verdict:
            object.__setattr__(self, "verdict", "blank" if self.label is None else "digit")

    @property
    def runner_up(self) -> int | None:
        """The second most likely class (None when blank)."""
        if self.verdict == "blank" or len(self.probabilities) < 2:
            return None
        return int(np.argsort(np.asarray(self.probabilities))[-2])


class Detector(Protocol):
    """What a predictor needs of a digit detector (torch's or the ONNX copy's)."""

    not_digit_below: float
    unsure_below: float
    head: FeatureHead | None  # the bundled classifier's feature head, when there is one

    def digit_probability(self, images: np.ndarray) -> np.ndarray: ...


class ScorePredictor:
    """Preprocessing, probabilities and the verdict around a model's class scores.

    Subclasses implement :meth:`logits` and call :meth:`_read_for` when they are made.
    """

    def _read_for(self, checkpoint: Any, num_classes: int,
                  detector: Detector | None | Literal["bundled"], rule: VerdictRule,
                  bundled: Callable[[], Detector | None]) -> None:
        """What every predictor keeps of its model, whatever computes the class scores: the
        classes, the detector (``"bundled"``: ``bundled()`` for a model of the ten digits,
        else none), the rule, the temperature. ``checkpoint`` has ``has_digit_classes`` and
        ``temperature``."""
        self.checkpoint = checkpoint
        self.num_classes = num_classes
        self.digits = bool(checkpoint.has_digit_classes)
        if detector == "bundled":
            detector = bundled() if self.digits else None
        self.detector: Detector | None = detector
        head = getattr(detector, "head", None)
        # The head reads one classifier's features: used for that classifier's file only.
        self.head: FeatureHead | None = (
            head if head is not None and head.fits(getattr(checkpoint, "source_sha256", None))
            else None)
        self.rule = rule
        self.temperature = float(checkpoint.temperature)

    def logits(self, pre: Preprocessed) -> np.ndarray:
        """The model's raw class scores for a preprocessed picture (float32 ``[classes]``).

        Raises :class:`PredictionError` when they are NaN or infinite."""
        raise NotImplementedError

    @property
    def thresholds(self) -> tuple[float, float]:
        """``(not_digit_below, unsure_below)`` on the digit score: the feature head's when it
        applies, else the detector's ((0.5, 0.5) without a detector; then unused)."""
        source = self.head if self.head is not None else self.detector
        if source is None:
            return 0.5, 0.5
        return source.not_digit_below, source.unsure_below

    def scores(self, pre: Preprocessed) -> tuple[np.ndarray, np.ndarray | None]:
        """The class scores and, when the feature head applies (:attr:`head`), the features
        the model's last linear layer reads; else None. Subclasses that can give the
        features override it."""
        return self.logits(pre), None

    def probabilities(self, pre: Preprocessed) -> np.ndarray:
        """Class probabilities for a preprocessed picture (raises :class:`PredictionError`)."""
        return softmax(self.logits(pre))

    def predict(self, image: np.ndarray) -> Prediction:
        """Preprocess a picture (any size, either polarity), classify it and give a verdict."""
        return self.predict_preprocessed(preprocess(image))

    def predict_preprocessed(self, pre: Preprocessed) -> Prediction:
        """Classify an already preprocessed picture and give a verdict."""
        if pre.blank:
            return Prediction(None, 0.0, np.zeros(self.num_classes, np.float32), pre, "blank")
        logits, features = self.scores(pre)
        probs = softmax(logits)
        best = int(probs.argmax())
        score, detector_says_no = self._digit_score(pre, features)
        verdict = decide(softmax(logits / self.temperature), score, *self.thresholds,
                         rule=self.rule, digits=self.digits)
        if detector_says_no and verdict != "not_a_digit":
            verdict = "not_a_digit"
        return Prediction(best, float(probs[best]), probs, pre, verdict, score)

    def _digit_score(self, pre: Preprocessed, features: np.ndarray | None
                     ) -> tuple[float | None, bool]:
        """The score the verdict reads (None without a detector), and whether the detector
        alone is sure enough that it is not a digit whatever the head says (below its own
        ``not_digit_below``; only when the head applies, and only for digit models)."""
        if self.detector is None:
            return None, False
        score = float(self.detector.digit_probability(pre.image28)[0])
        if self.head is None or features is None:
            return score, False
        alone_says_no = self.digits and score < self.detector.not_digit_below
        return float(combine(score, self.head.digit_probability(features)[0])), alone_says_no


def softmax(logits: np.ndarray) -> np.ndarray:
    """``softmax(logits)`` of one picture's class scores (computed in float64; float32)."""
    z = np.exp(logits.astype(np.float64) - logits.max())
    return (z / z.sum()).astype(np.float32)


def calibrated(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The temperature-scaled probabilities ``softmax(logits / T)`` from ``softmax(logits)``.

    ``log softmax(z)`` is ``z`` less a constant, so dividing it by ``T`` and taking the softmax
    again gives exactly ``softmax(z / T)``: the probabilities DigitLab shows everywhere (the
    verdict, the bars, the evaluation) can be had from the plain ones. Works on ``[C]`` and
    ``[N, C]``; a probability of 0 stays 0.
    """
    probs = np.asarray(probabilities, dtype=np.float64)
    if temperature == 1.0:
        return probs.astype(np.float32)
    with np.errstate(divide="ignore"):
        scaled = np.log(probs) / float(temperature)
    scaled -= scaled.max(axis=-1, keepdims=True)
    z = np.exp(scaled)
    return (z / z.sum(axis=-1, keepdims=True)).astype(np.float32)
