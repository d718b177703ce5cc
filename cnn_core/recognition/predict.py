"""Classify pictures of digits with a checkpoint: preprocessing + forward pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from ..checkpoints import Checkpoint
from ..data.preprocess import Preprocessed, preprocess
from .detector import DigitDetector, load_bundled_detector
from .verdict import DEFAULT_RULE, Verdict, VerdictRule, decide

__all__ = ["Prediction", "PredictionError", "Predictor"]


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
    digit_score: float | None = None  # the detector's P(digit); None when none was run

    def __post_init__(self) -> None:
        if not self.verdict:
            object.__setattr__(self, "verdict", "blank" if self.label is None else "digit")

    @property
    def runner_up(self) -> int | None:
        """The second most likely class (None when blank)."""
        if self.verdict == "blank" or len(self.probabilities) < 2:
            return None
        return int(np.argsort(np.asarray(self.probabilities))[-2])


class Predictor:
    """Run a checkpoint's model on pictures.

    The predictor keeps its own reference to the checkpoint's model; give it a copy if
    something else may change that model (e.g. training).
    """

    def __init__(self, checkpoint: Checkpoint, device: str | torch.device = "cpu",
                 detector: DigitDetector | None | Literal["bundled"] = "bundled",
                 rule: VerdictRule = DEFAULT_RULE) -> None:
        self.device = torch.device(device)
        self.model = checkpoint.model.to(self.device).eval()
        self._read_for(checkpoint, int(checkpoint.model.spec.get("num_classes", 10)), detector,
                       rule)

    def _read_for(self, checkpoint: Checkpoint, num_classes: int,
                  detector: DigitDetector | None | Literal["bundled"],
                  rule: VerdictRule) -> None:
        """What every predictor keeps of its model, whatever computes the class scores: the
        classes, the detector (the bundled one for a digit model), the rule, the temperature."""
        self.checkpoint = checkpoint
        self.num_classes = num_classes
        self.digits = checkpoint.has_digit_classes
        if detector == "bundled":
            detector = load_bundled_detector() if self.digits else None
        self.detector: DigitDetector | None = detector
        self.rule = rule
        self.temperature = checkpoint.temperature

    def input_tensor(self, pre: Preprocessed) -> torch.Tensor:
        """The normalised ``[1, 1, 28, 28]`` tensor the model sees for a preprocessed picture."""
        x = torch.from_numpy(pre.image28).to(self.device)[None, None]
        return (x - self.checkpoint.mean) / self.checkpoint.std

    @torch.no_grad()
    def logits(self, pre: Preprocessed) -> np.ndarray:
        """The model's raw class scores for a preprocessed picture.

        Raises
        ------
        PredictionError
            If the model's scores are NaN or infinite (broken weights), rather than
            returning scores that mean nothing.
        """
        logits = self.model(self.input_tensor(pre))
        if not bool(torch.isfinite(logits).all()):
            raise PredictionError(
                f"the model {self.checkpoint.name!r} gives NaN or infinite scores for this "
                f"picture; its weights are broken, retrain it or open another model")
        return logits[0].float().cpu().numpy()

    def probabilities(self, pre: Preprocessed) -> np.ndarray:
        """Class probabilities for a preprocessed picture (raises :class:`PredictionError`)."""
        return _softmax(self.logits(pre))

    def predict(self, image: np.ndarray) -> Prediction:
        """Preprocess a picture (any size, either polarity), classify it and give a verdict."""
        return self.predict_preprocessed(preprocess(image))

    def predict_preprocessed(self, pre: Preprocessed) -> Prediction:
        """Classify an already preprocessed picture and give a verdict."""
        if pre.blank:
            return Prediction(None, 0.0, np.zeros(self.num_classes, np.float32), pre, "blank")
        logits = self.logits(pre)
        probs = _softmax(logits)
        best = int(probs.argmax())
        score = None
        thresholds: tuple[float, float] = (0.5, 0.5)
        if self.detector is not None:
            score = float(self.detector.digit_probability(pre.image28)[0])
            thresholds = (self.detector.not_digit_below, self.detector.unsure_below)
        verdict = decide(_softmax(logits / self.temperature), score, *thresholds,
                         rule=self.rule, digits=self.digits)
        return Prediction(best, float(probs[best]), probs, pre, verdict, score)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits.astype(np.float64) - logits.max())
    return (z / z.sum()).astype(np.float32)
