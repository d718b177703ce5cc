"""Batched data augmentation on the training device (no per-sample Python, no PIL)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = ["AugmentConfig", "augment_batch"]


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random distortions; each sample draws its own values."""

    rotation: float = 12.0  # degrees, ±
    shear: float = 10.0  # degrees, ±
    scale: tuple[float, float] = (0.85, 1.12)  # zoom factor range
    shift: float = 2.5  # pixels, ± in x and y (of 28)
    thickness: float = 0.6  # probability of changing stroke width (half thicker, half thinner)


def _uniform(n: int, low: float, high: float, gen: torch.Generator | None,
             device: torch.device) -> torch.Tensor:
    return torch.rand(n, generator=gen, device=device) * (high - low) + low


def _affine_theta(n: int, cfg: AugmentConfig, gen: torch.Generator | None,
                  device: torch.device, size: int) -> torch.Tensor:
    """Random 2×3 matrices mapping output to input coordinates (affine_grid's convention)."""
    angle = _uniform(n, -cfg.rotation, cfg.rotation, gen, device) * (math.pi / 180)
    shear = _uniform(n, -cfg.shear, cfg.shear, gen, device) * (math.pi / 180)
    # zoom in by s means sampling the input at coordinates divided by s
    inv_scale = 1.0 / _uniform(n, cfg.scale[0], cfg.scale[1], gen, device)
    shift = _uniform(2 * n, -cfg.shift, cfg.shift, gen, device).view(n, 2) * (2.0 / size)
    cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear)
    theta = torch.empty(n, 2, 3, device=device)
    # rotation @ shear(x by y) @ scale
    theta[:, 0, 0] = cos * inv_scale
    theta[:, 0, 1] = (cos * tan - sin) * inv_scale
    theta[:, 1, 0] = sin * inv_scale
    theta[:, 1, 1] = (sin * tan + cos) * inv_scale
    theta[:, :, 2] = shift
    return theta


def _vary_thickness(x: torch.Tensor, p: float, gen: torch.Generator | None) -> torch.Tensor:
    """Blend each image towards its dilation or erosion by a random amount."""
    n = x.shape[0]
    draw = torch.rand(n, generator=gen, device=x.device)
    amount = torch.rand(n, generator=gen, device=x.device).view(n, 1, 1, 1)
    thicker = (draw < p / 2).view(n, 1, 1, 1)
    thinner = ((draw >= p / 2) & (draw < p)).view(n, 1, 1, 1)
    dilated = F.max_pool2d(x, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-x, 3, stride=1, padding=1)
    # erosion removes thin strokes entirely, so it is only ever applied half-way
    x = torch.where(thicker, x + amount * (dilated - x), x)
    return torch.where(thinner, x + 0.5 * amount * (eroded - x), x)


def augment_batch(x: torch.Tensor, cfg: AugmentConfig | None = None,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Randomly distort a batch of images.

    Parameters
    ----------
    x
        Float tensor ``[B, 1, H, W]`` with ink = 1 on a background of 0 (not yet normalised).
    cfg
        Distortion ranges; defaults to :class:`AugmentConfig()`.
    generator
        Random generator on ``x``'s device, for repeatable runs.

    Returns
    -------
    torch.Tensor
        A new tensor of the same shape, on the same device.
    """
    cfg = cfg or AugmentConfig()
    if cfg.thickness > 0:
        x = _vary_thickness(x, cfg.thickness, generator)
    theta = _affine_theta(x.shape[0], cfg, generator, x.device, x.shape[-1])
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
