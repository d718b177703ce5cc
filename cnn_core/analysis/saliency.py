"""Why did the model give this answer? Pixel attributions for one class on a 28×28 input.

Every method scores a class by its log-odds, ``log p / (1 − p)``: it neither saturates for
a confident answer (as the probability does) nor depends on the other logits' offset (as a
raw logit does). A map is signed: positive pixels pushed the input towards the class,
negative ones away from it.

- :func:`occlusion` (model-agnostic): cover the input patch by patch with the background value
  and see how much the class loses; all patches go through the model in one batch.
- :func:`integrated_gradients`: average the gradient along the straight path from a blank
  image to the input, times the input's difference from blank (the attributions add up to
  the score's change from blank to input).
- :func:`gradient_x_input`: the gradient at the input times the difference from blank.

The functions take the model and its normalised ``[1, 1, 28, 28]`` input (for instance
:meth:`cnn_core.recognition.predict.Predictor.input_tensor`), leave the model's train/eval mode and
every parameter's ``requires_grad`` as they found them, and never accumulate parameter gradients.
:func:`deletion_curve` measures how faithful a map is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from ..checkpoints import Checkpoint

__all__ = [
    "METHODS",
    "SaliencyMethod",
    "class_log_odds",
    "eval_mode",
    "deletion_curve",
    "explain",
    "gradient_x_input",
    "integrated_gradients",
    "occlusion",
    "saliency",
]

SaliencyMethod = Callable[..., np.ndarray]


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[None]:
    """Eval mode for the duration, then each module's own mode back."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training


def class_log_odds(logits: torch.Tensor, target: int) -> torch.Tensor:
    """``log p / (1 − p)`` of class ``target`` for each row of ``logits`` ``[N, C]``."""
    others = torch.cat([logits[:, :target], logits[:, target + 1:]], dim=1)
    return logits[:, target] - torch.logsumexp(others, dim=1)


def _check(x: torch.Tensor, target: int) -> None:
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"expected one input of shape [1, C, H, W], got {tuple(x.shape)}")
    if target < 0:
        raise ValueError(f"class index must be ≥ 0, got {target}")


def _background(x: torch.Tensor, baseline: float | None) -> float:
    # Paper is the darkest value of a normalised MNIST-style input.
    return float(x.min()) if baseline is None else float(baseline)


def occlusion(model: nn.Module, x: torch.Tensor, target: int, *,
              baseline: float | None = None, patch: int = 4, stride: int = 2) -> np.ndarray:
    """Occlusion map: how much class ``target`` loses when each patch is covered.

    Parameters
    ----------
    model
        Any classifier of ``[N, 1, H, W]`` inputs.
    x
        The normalised input, ``[1, 1, H, W]``.
    target
        The class to explain.
    baseline
        The value a covered pixel gets: the normalised background (``-mean / std``);
        by default the input's minimum.
    patch, stride
        Patch side and step in pixels; every pixel is covered by at least one patch.

    Returns
    -------
    numpy.ndarray
        ``[H, W]`` float32: for each pixel the mean log-odds loss of the patches covering it.
    """
    _check(x, target)
    height, width = x.shape[-2:]
    masks = _patch_masks(int(height), int(width), patch, stride).to(x.device)  # [P, H, W]
    fill = torch.tensor(_background(x, baseline), dtype=x.dtype, device=x.device)
    covered = torch.where(masks[:, None], fill, x.detach())  # [P, C, H, W]
    with eval_mode(model), torch.no_grad():
        scores = class_log_odds(model(torch.cat([x.detach(), covered])).float(), target)
    drops = (scores[0] - scores[1:]).cpu()
    weights = masks.cpu().float()
    total = (drops[:, None, None] * weights).sum(dim=0)
    return (total / weights.sum(dim=0).clamp(min=1)).numpy().astype(np.float32).copy()


@functools.lru_cache(maxsize=8)
def _patch_masks(height: int, width: int, patch: int, stride: int) -> torch.Tensor:
    """One boolean ``[H, W]`` mask per patch position (cached: the same for every input)."""
    positions = [(t, le) for t in _starts(height, patch, stride)
                 for le in _starts(width, patch, stride)]
    masks = torch.zeros(len(positions), height, width, dtype=torch.bool)
    for i, (top, left) in enumerate(positions):
        masks[i, top:top + patch, left:left + patch] = True
    return masks


def _starts(size: int, patch: int, stride: int) -> list[int]:
    starts = list(range(0, max(size - patch, 0) + 1, stride))
    if starts[-1] + patch < size:  # the last row/column gets a patch of its own
        starts.append(size - patch)
    return starts


def _gradients(model: nn.Module, inputs: torch.Tensor, target: int) -> torch.Tensor:
    """d log-odds / d input for a batch, without touching parameter gradients."""
    inputs = inputs.detach().clone().requires_grad_(True)
    with eval_mode(model), torch.enable_grad():
        score = class_log_odds(model(inputs).float(), target).sum()
        (grad,) = torch.autograd.grad(score, inputs)
    return grad.detach()


def integrated_gradients(model: nn.Module, x: torch.Tensor, target: int, *,
                         baseline: float | None = None, steps: int = 32) -> np.ndarray:
    """Integrated gradients from a blank image (all ``baseline``) to ``x``.

    The path integral is a midpoint sum over ``steps`` points, all in one batch. The map adds
    up (approximately) to the class log-odds of ``x`` minus that of the blank image.

    Returns
    -------
    numpy.ndarray
        ``[H, W]`` float32 (summed over channels).
    """
    _check(x, target)
    if steps < 1:
        raise ValueError(f"steps must be ≥ 1, got {steps}")
    blank = torch.full_like(x, _background(x, baseline))
    alphas = (torch.arange(steps, dtype=x.dtype, device=x.device) + 0.5) / steps
    path = blank + alphas.view(-1, 1, 1, 1) * (x.detach() - blank)
    grad = _gradients(model, path, target).mean(dim=0, keepdim=True)
    return _to_map(grad * (x.detach() - blank))


def gradient_x_input(model: nn.Module, x: torch.Tensor, target: int, *,
                     baseline: float | None = None) -> np.ndarray:
    """The gradient at ``x`` times ``x``'s difference from a blank image.

    Returns
    -------
    numpy.ndarray
        ``[H, W]`` float32 (summed over channels).
    """
    _check(x, target)
    blank = torch.full_like(x, _background(x, baseline))
    return _to_map(_gradients(model, x, target) * (x.detach() - blank))


def _to_map(attribution: torch.Tensor) -> np.ndarray:
    return attribution[0].sum(dim=0).float().cpu().numpy().astype(np.float32).copy()


METHODS: dict[str, SaliencyMethod] = {
    "occlusion": occlusion,
    "integrated_gradients": integrated_gradients,
    "gradient_x_input": gradient_x_input,
}


def saliency(method: str, model: nn.Module, x: torch.Tensor, target: int, *,
             baseline: float | None = None) -> np.ndarray:
    """Run the method named ``method`` (a key of :data:`METHODS`) with its defaults."""
    if method not in METHODS:
        raise KeyError(f"unknown saliency method {method!r}; choose one of {', '.join(METHODS)}")
    return METHODS[method](model, x, target, baseline=baseline)


def explain(checkpoint: Checkpoint, image28: np.ndarray, target: int,
            method: str) -> np.ndarray:
    """Saliency of class ``target`` for a preprocessed 28×28 image (``[0, 1]``, ink = 1).

    The image is normalised with the checkpoint's mean and std, and covered / blanked with
    the normalised background (paper).
    """
    device = next(checkpoint.model.parameters()).device
    image = torch.from_numpy(np.array(image28, dtype=np.float32))[None, None].to(device)
    x = (image - checkpoint.mean) / checkpoint.std  # as Predictor.input_tensor does
    background = -checkpoint.mean / checkpoint.std
    return saliency(method, checkpoint.model, x, target, baseline=background)


def deletion_curve(model: nn.Module, x: torch.Tensor, target: int, order: np.ndarray, *,
                   baseline: float | None = None, points: int = 21) -> np.ndarray:
    """Probability of ``target`` as the pixels in ``order`` are set to the background.

    Parameters
    ----------
    order
        Flat pixel indices (into ``H × W``), deleted first to last.
    points
        How many fractions of ``order`` to delete, evenly from none to all.

    Returns
    -------
    numpy.ndarray
        ``[points]`` float32 probabilities; their mean is the area under the curve (lower
        means the order found the pixels the answer depends on sooner).
    """
    _check(x, target)
    fill = _background(x, baseline)
    counts = np.linspace(0, len(order), points).round().astype(int)
    batch = x.detach().repeat(points, 1, 1, 1)
    flat = batch.view(points, x.shape[1], -1)
    index = torch.from_numpy(np.array(order, dtype=np.int64))
    for row, count in enumerate(counts):
        flat[row, :, index[:count]] = fill
    with eval_mode(model), torch.no_grad():
        probs = torch.softmax(model(batch).float(), dim=1)[:, target]
    return probs.cpu().numpy().astype(np.float32).copy()
