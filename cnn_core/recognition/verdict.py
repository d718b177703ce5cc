"""The verdict on a picture: a digit, "not sure", "not a digit", or blank.

Two sources decide it. The digit detector (:mod:`cnn_core.recognition.detector`) scores how much the
preprocessed picture looks like a digit at all; the classifier's calibrated probabilities
(its logits divided by the checkpoint's temperature) say how sure it is *which* digit.

- ``"blank"``: nothing drawn.
- ``"not_a_digit"``: the detector's digit probability is below its ``not_digit_below``
  threshold (letters, symbols, shapes, scribbles).
- ``"unsure"``: the detector hesitates (below ``unsure_below``), or the calibrated top
  probability is below :attr:`VerdictRule.min_confidence`, or the top two are closer than
  :attr:`VerdictRule.min_margin`.
- ``"digit"``: otherwise.

Models whose classes are not the ten digits (Fashion-MNIST, KMNIST) never get "not a
digit": the detector knows digits only. Without a detector, a generic rule stands in: a
calibrated top probability below :attr:`VerdictRule.fallback_not_digit_below` is "not a digit".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["DEFAULT_RULE", "VERDICTS", "Verdict", "VerdictRule", "classifier_doubts", "decide"]

Verdict = Literal["digit", "unsure", "not_a_digit", "blank"]
VERDICTS: tuple[Verdict, ...] = ("digit", "unsure", "not_a_digit", "blank")


@dataclass(frozen=True)
class VerdictRule:
    """Thresholds on the classifier's calibrated probabilities."""

    min_confidence: float = 0.5  # calibrated top probability below this: "not sure"
    min_margin: float = 0.15  # top minus second below this: "not sure"
    fallback_not_digit_below: float = 0.3  # no detector: top probability below this


DEFAULT_RULE = VerdictRule()


def decide(calibrated: np.ndarray, digit_score: float | None,
           not_digit_below: float = 0.5, unsure_below: float = 0.5,
           rule: VerdictRule = DEFAULT_RULE, digits: bool = True) -> Verdict:
    """The verdict for a non-blank picture.

    Parameters
    ----------
    calibrated
        The classifier's calibrated class probabilities.
    digit_score
        The detector's probability that the picture is a digit; None when no detector
        applies (then the fallback rule decides "not a digit").
    not_digit_below, unsure_below
        The detector's thresholds.
    digits
        The model's classes are the ten digits; when false, nothing is "not a digit".
    """
    top = float(np.max(calibrated))
    if not digits:
        pass
    elif digit_score is None:
        if top < rule.fallback_not_digit_below:
            return "not_a_digit"
    elif digit_score < not_digit_below:
        return "not_a_digit"
    elif digit_score < unsure_below:
        return "unsure"
    return "unsure" if classifier_doubts(calibrated, rule) else "digit"


def classifier_doubts(calibrated: np.ndarray, rule: VerdictRule = DEFAULT_RULE) -> bool:
    """True when the classifier itself is not sure which digit: a weak or close answer."""
    probs = np.sort(np.asarray(calibrated, dtype=np.float64))[::-1]
    top = float(probs[0])
    second = float(probs[1]) if len(probs) > 1 else 0.0
    return top < rule.min_confidence or top - second < rule.min_margin
