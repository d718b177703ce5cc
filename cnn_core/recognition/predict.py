"""Classify pictures of digits with a checkpoint: preprocessing + forward pass.

The answer (:class:`Prediction`), the verdict around the class scores and the error are the
torch-free :mod:`.prediction`'s; :class:`Predictor` computes the scores with the torch model.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch

from ..checkpoints import Checkpoint
from ..data.preprocess import Preprocessed
from .detector import DigitDetector, load_bundled_detector
from .prediction import Prediction, PredictionError, ScorePredictor
from .verdict import DEFAULT_RULE, VerdictRule

__all__ = ["Prediction", "PredictionError", "Predictor"]


class Predictor(ScorePredictor):
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
                       rule, load_bundled_detector)

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
        return self._checked(self.model(self.input_tensor(pre)))

    @torch.no_grad()
    def scores(self, pre: Preprocessed) -> tuple[np.ndarray, np.ndarray | None]:
        """The class scores and, for the classifier the feature head was made for, the
        features its last linear layer reads (one forward pass either way)."""
        if self.head is None:
            return self.logits(pre), None
        logits, features = self.model.logits_and_features(self.input_tensor(pre))
        return self._checked(logits), features[0].float().cpu().numpy()

    def _checked(self, logits: torch.Tensor) -> np.ndarray:
        if not bool(torch.isfinite(logits).all()):
            raise PredictionError(
                f"the model {self.checkpoint.name!r} gives NaN or infinite scores for this "
                f"picture; its weights are broken, retrain it or open another model")
        return logits[0].float().cpu().numpy()
