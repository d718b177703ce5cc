"""Change a 28×28 input a little and watch the answer: perturbations, sweeps, adversarial flips.

Images here are what :func:`cnn_core.data.preprocess.preprocess` makes: float32 ``[28, 28]`` in
``[0, 1]``, ink = 1, before normalisation. The model functions take a
:class:`~cnn_core.checkpoints.Checkpoint` for its model and normalisation; they run in eval
mode and put the model's mode back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..checkpoints import Checkpoint
from .saliency import eval_mode

__all__ = [
    "PARAMETERS",
    "Flip",
    "Perturbation",
    "perturb",
    "probabilities",
    "smallest_flip",
    "sweep",
]


@dataclass(frozen=True)
class Perturbation:
    """How to change an image; the defaults change nothing."""

    rotate: float = 0.0  # degrees, counter-clockwise
    scale: float = 1.0  # 1 = as is; about the image centre
    shift_x: float = 0.0  # pixels, positive = right
    shift_y: float = 0.0  # pixels, positive = down
    thickness: float = 0.0  # pixels of stroke grown (> 0) or eroded (< 0) on each side
    noise: float = 0.0  # standard deviation of Gaussian noise, in ink units
    seed: int = 0  # the noise pattern


PARAMETERS: tuple[str, ...] = tuple(f.name for f in fields(Perturbation) if f.name != "seed")


def _affine(images: torch.Tensor, p: Perturbation) -> torch.Tensor:
    if p.rotate == 0 and p.scale == 1 and p.shift_x == 0 and p.shift_y == 0:
        return images
    if p.scale <= 0:
        raise ValueError(f"scale must be positive, got {p.scale}")
    size = images.shape[-1]
    angle = math.radians(p.rotate)
    cos, sin = math.cos(angle) / p.scale, math.sin(angle) / p.scale
    # The grid maps output positions to input positions (normalised to [-1, 1]): the inverse
    # of rotating by +angle (counter-clockwise on screen, y pointing down) and scaling.
    tx, ty = -2 * p.shift_x / size, -2 * p.shift_y / size
    theta = torch.tensor([[cos, -sin, cos * tx - sin * ty],
                          [sin, cos, sin * tx + cos * ty]], dtype=images.dtype)
    grid = F.affine_grid(theta[None].expand(images.shape[0], 2, 3), list(images.shape),
                         align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False)


def _morph(images: torch.Tensor, steps: int) -> torch.Tensor:
    for _ in range(abs(steps)):
        images = (F.max_pool2d(images, 3, stride=1, padding=1) if steps > 0
                  else -F.max_pool2d(-images, 3, stride=1, padding=1))
    return images


def _thickness(images: torch.Tensor, amount: float) -> torch.Tensor:
    if amount == 0:
        return images
    # Whole pixels by 3×3 dilation/erosion; a fraction blends towards the next whole step.
    whole = math.floor(abs(amount))
    frac = abs(amount) - whole
    sign = 1 if amount > 0 else -1
    base = _morph(images, sign * whole)
    return base if frac == 0 else (1 - frac) * base + frac * _morph(base, sign)


def perturb(image: np.ndarray, p: Perturbation) -> np.ndarray:
    """Apply ``p`` to a 28×28 image in ``[0, 1]``: affine first, then stroke, then noise.

    Returns
    -------
    numpy.ndarray
        A new float32 ``[28, 28]`` array in ``[0, 1]``.
    """
    images = torch.from_numpy(np.array(image, dtype=np.float32))[None, None]
    out = _thickness(_affine(images, p), p.thickness)
    if p.noise > 0:
        gen = torch.Generator().manual_seed(int(p.seed))
        out = out + p.noise * torch.randn(out.shape, generator=gen)
    return out.clamp(0, 1)[0, 0].numpy().copy()


def _normalise(checkpoint: Checkpoint, images: torch.Tensor) -> torch.Tensor:
    return (images - checkpoint.mean) / checkpoint.std


def _probabilities(checkpoint: Checkpoint, images: torch.Tensor) -> torch.Tensor:
    model = checkpoint.model
    device = next(model.parameters()).device
    with eval_mode(model), torch.no_grad():
        logits = model(_normalise(checkpoint, images.to(device)))
    # temperature-scaled, as every other panel shows a model's probabilities
    return torch.softmax(logits.float() / checkpoint.temperature, dim=1).cpu()


def probabilities(checkpoint: Checkpoint, image: np.ndarray) -> np.ndarray:
    """Class probabilities for one 28×28 image in ``[0, 1]`` (float32 ``[C]``)."""
    images = torch.from_numpy(np.array(image, dtype=np.float32))[None, None]
    return _probabilities(checkpoint, images)[0].numpy().copy()


def sweep(checkpoint: Checkpoint, image: np.ndarray, base: Perturbation, parameter: str,
          values: np.ndarray) -> np.ndarray:
    """Class probabilities as one parameter of ``base`` runs through ``values``.

    Returns
    -------
    numpy.ndarray
        float32 ``[len(values), C]``; row ``i`` is for ``replace(base, parameter=values[i])``.
    """
    if parameter not in PARAMETERS:
        raise KeyError(f"unknown perturbation {parameter!r}; choose one of {', '.join(PARAMETERS)}")
    batch = np.stack([perturb(image, replace(base, **{parameter: float(v)})) for v in values])
    return _probabilities(checkpoint, torch.from_numpy(batch)[:, None]).numpy().copy()


@dataclass(frozen=True)
class Flip:
    """The smallest change found that makes the model change its answer."""

    image: np.ndarray  # float32 [28, 28] in [0, 1]: the adversarial input
    epsilon: float  # its L∞ distance from the original (ink units)
    original: int  # the class before
    label: int  # the class after
    probabilities: np.ndarray  # float32 [C] for the adversarial input


def smallest_flip(checkpoint: Checkpoint, image: np.ndarray, *, max_epsilon: float = 0.5,
                  budgets: int = 50, steps: int = 20,
                  stop: Callable[[], bool] | None = None) -> Flip | None:
    """Search for the smallest L∞ change that changes the predicted class (I-FGSM / PGD).

    Every budget ε in ``max_epsilon / budgets, 2 max_epsilon / budgets, …`` is attacked at
    once, in one batch: ``steps`` signed-gradient steps of size ``2.5 ε / steps`` that raise
    the loss of the original class, projected back into the ε-ball around the image and into
    ``[0, 1]``. The first step alone is FGSM. The smallest budget whose result is read as
    another class wins.

    ``stop`` is asked before every step; when it says so, the search ends with ``None``
    (the caller was cancelled and wants no answer).

    Returns
    -------
    Flip or None
        ``None`` when no budget up to ``max_epsilon`` flips the answer. ``epsilon`` is the
        measured L∞ distance of the returned image (at most its budget).
    """
    model = checkpoint.model
    device = next(model.parameters()).device
    x = torch.from_numpy(np.array(image, dtype=np.float32))[None, None].to(device)
    original = int(_probabilities(checkpoint, x).argmax())
    eps = torch.linspace(max_epsilon / budgets, max_epsilon, budgets,
                         device=device).view(-1, 1, 1, 1)
    start = x.expand(budgets, -1, -1, -1)
    adv = start.clone()
    labels = torch.full((budgets,), original, dtype=torch.long, device=device)
    with eval_mode(model), torch.enable_grad():
        for _ in range(steps):
            if stop is not None and stop():
                return None
            adv.requires_grad_(True)
            loss = F.cross_entropy(model(_normalise(checkpoint, adv)).float(), labels,
                                   reduction="sum")
            (grad,) = torch.autograd.grad(loss, adv)
            adv = adv.detach() + 2.5 * eps / steps * grad.sign()
            adv = torch.minimum(torch.maximum(adv, start - eps), start + eps).clamp(0, 1)
    probs = _probabilities(checkpoint, adv)
    flipped = torch.nonzero(probs.argmax(dim=1) != original).flatten()
    if len(flipped) == 0:
        return None
    best = int(flipped[0])
    result = adv[best, 0].cpu().numpy().copy()
    return Flip(image=result, epsilon=float(np.abs(result - np.asarray(image)).max()),
                original=original, label=int(probs[best].argmax()),
                probabilities=probs[best].numpy().copy())
