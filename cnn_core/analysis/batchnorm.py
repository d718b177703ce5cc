"""Inside a BatchNorm layer: its statistics, its parameters, and one drawing through it in
eval mode and in train mode.

BatchNorm normalises each channel, ``y = (x − μ) / √(σ² + ε) · γ + β``. In eval mode μ and
σ² are the running statistics gathered while training; in train mode they are the current
batch's own (μ_B and σ²_B, over the batch and, for a feature map, every position in it, the
variance without Bessel's correction). Here the batch is the one drawing, so train mode shows
what the layer does to a picture that is its whole batch.

Everything returned is a numpy copy, safe to hand to another thread.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..checkpoints import Checkpoint
from ..models.network import DigitNet
from .inspection import named_layers

__all__ = ["BatchNormInside", "batchnorm_inside", "batchnorm_layers", "look_inside_batchnorm"]

_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d)


@dataclass(frozen=True)
class BatchNormInside:
    """One BatchNorm layer and one drawing through it (per channel: arrays of ``[C]``)."""

    layer: str  # the module name, e.g. "features.bn2"
    eps: float
    gamma: np.ndarray  # the learned scale γ (ones without affine parameters)
    beta: np.ndarray  # the learned shift β (zeros without)
    running_mean: np.ndarray  # eval mode's μ
    running_var: np.ndarray  # eval mode's σ²
    batch_mean: np.ndarray | None  # μ_B of the drawing's batch (None: no batch statistics)
    batch_var: np.ndarray | None  # σ²_B, biased, as train mode normalises with it
    before: np.ndarray  # the layer's input for the drawing: [C, H, W] or [C]
    after_eval: np.ndarray  # its output in eval mode
    after_train: np.ndarray | None  # its output in train mode (None: see ``train_note``)
    train_note: str  # why there is no train-mode output ("" when there is one)

    @property
    def channels(self) -> int:
        """How many channels the layer normalises."""
        return len(self.gamma)


def batchnorm_layers(model: DigitNet) -> list[str]:
    """The model's top-level BatchNorm layers, by module name, in network order."""
    return [name for name, module in named_layers(model) if isinstance(module, _NORMS)]


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy().copy()


@torch.no_grad()
def look_inside_batchnorm(model: DigitNet, x: torch.Tensor, layer: str) -> BatchNormInside:
    """Run ``x`` (the normalised input, ``[1, 1, 28, 28]``) up to BatchNorm ``layer`` in eval
    mode, then through that layer in eval mode and in train mode.

    Train mode runs on a copy of the layer, so its running statistics do not move.

    Raises
    ------
    KeyError
        If ``layer`` is not one of :func:`batchnorm_layers`.
    """
    was_training = model.training
    model.eval()
    try:
        h = x.to(next(model.parameters()).device)
        for name, module in named_layers(model):
            if name == layer:
                break
            h = module(h)
        else:
            raise KeyError(f"the model has no layer {layer!r}")
    finally:
        model.train(was_training)
    if not isinstance(module, _NORMS):
        raise KeyError(f"{layer!r} is not a BatchNorm layer")
    return _inside(layer, module, h)


def _inside(layer: str, norm: nn.BatchNorm1d | nn.BatchNorm2d, h: torch.Tensor) -> BatchNormInside:
    channels = norm.num_features
    gamma = norm.weight if norm.weight is not None else torch.ones(channels)
    beta = norm.bias if norm.bias is not None else torch.zeros(channels)
    after_eval = copy.deepcopy(norm).eval()(h)
    positions = h[0].reshape(channels, -1)  # each channel's values in the batch of one
    if positions.shape[1] > 1:
        batch_mean = positions.mean(dim=1)
        batch_var = positions.var(dim=1, unbiased=False)
        after_train, note = _numpy(copy.deepcopy(norm).train()(h)[0]), ""
    else:  # one value per channel: its own mean, no spread
        batch_mean = batch_var = after_train = None
        note = ("A batch of one drawing has one value per unit here, so it has no spread: "
                "train mode needs a batch of several.")
    running_mean = norm.running_mean if norm.running_mean is not None else torch.zeros(channels)
    running_var = norm.running_var if norm.running_var is not None else torch.ones(channels)
    return BatchNormInside(
        layer, float(norm.eps), _numpy(gamma), _numpy(beta), _numpy(running_mean),
        _numpy(running_var), None if batch_mean is None else _numpy(batch_mean),
        None if batch_var is None else _numpy(batch_var), _numpy(h[0]), _numpy(after_eval[0]),
        after_train, note)


def batchnorm_inside(checkpoint: Checkpoint, image28: np.ndarray, layer: str) -> BatchNormInside:
    """:func:`look_inside_batchnorm` for a preprocessed drawing (``[0, 1]``, ink = 1),
    normalised with the checkpoint's mean and std as its predictor does."""
    image = torch.from_numpy(np.array(image28, dtype=np.float32))[None, None]
    return look_inside_batchnorm(checkpoint.model, (image - checkpoint.mean) / checkpoint.std,
                                 layer)
