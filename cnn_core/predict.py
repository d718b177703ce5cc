"""Classify pictures of digits with a checkpoint: preprocessing + forward pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .checkpoints import Checkpoint
from .preprocess import Preprocessed, preprocess

__all__ = ["Prediction", "PredictionError", "Predictor"]


class PredictionError(Exception):
    """The model gave no usable answer for a picture (NaN or infinite scores)."""


@dataclass(frozen=True)
class Prediction:
    """What the model says about one picture."""

    label: int | None  # None when the picture is blank
    confidence: float  # probability of the label (0 when blank)
    probabilities: np.ndarray  # float32 [num_classes], zeros when blank
    preprocessed: Preprocessed


class Predictor:
    """Run a checkpoint's model on pictures.

    The predictor keeps its own reference to the checkpoint's model; give it a copy if
    something else may change that model (e.g. training).
    """

    def __init__(self, checkpoint: Checkpoint, device: str | torch.device = "cpu") -> None:
        self.checkpoint = checkpoint
        self.device = torch.device(device)
        self.model = checkpoint.model.to(self.device).eval()
        self.num_classes = int(checkpoint.model.spec.get("num_classes", 10))

    def input_tensor(self, pre: Preprocessed) -> torch.Tensor:
        """The normalised ``[1, 1, 28, 28]`` tensor the model sees for a preprocessed picture."""
        x = torch.from_numpy(pre.image28).to(self.device)[None, None]
        return (x - self.checkpoint.mean) / self.checkpoint.std

    @torch.no_grad()
    def probabilities(self, pre: Preprocessed) -> np.ndarray:
        """Class probabilities for a preprocessed picture.

        Raises
        ------
        PredictionError
            If the model's scores are NaN or infinite (broken weights), rather than
            returning probabilities that mean nothing.
        """
        logits = self.model(self.input_tensor(pre))
        if not bool(torch.isfinite(logits).all()):
            raise PredictionError(
                f"the model {self.checkpoint.name!r} gives NaN or infinite scores for this "
                f"picture; its weights are broken, retrain it or open another model")
        return torch.softmax(logits, dim=1)[0].float().cpu().numpy()

    def predict(self, image: np.ndarray) -> Prediction:
        """Preprocess a picture (any size, either polarity) and classify it."""
        pre = preprocess(image)
        if pre.blank:
            return Prediction(None, 0.0, np.zeros(self.num_classes, np.float32), pre)
        probs = self.probabilities(pre)
        label = int(probs.argmax())
        return Prediction(label, float(probs[label]), probs, pre)
