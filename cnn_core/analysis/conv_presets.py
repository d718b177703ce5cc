"""What the Convolution tab starts from: named kernels, weights fitted to the settings, and
a trained model's own feature maps."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .conv_settings import ConvSettings
from .kernel_learning import tutorial_edge_image

__all__ = ["INPUT_PRESETS", "KERNEL_PRESETS", "MIXING_1X1", "fit_weight", "model_feature_maps",
           "preset_weight"]

# Named kernels a learner recognises, [kh, kw]; ``edge`` is the tutorials' [1, −1], which
# answers where neighbouring pixels differ from left to right.
KERNEL_PRESETS: dict[str, np.ndarray] = {
    "edge": np.array([[1.0, -1.0]]),
    "sobel_x": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]),
    "sobel_y": np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
}


# Inputs a learner can type, named: the tutorials' own toy examples. ``corr2d`` is the 3×3
# grid 0 … 8 their hand-written cross-correlation starts from (with the kernel
# [[0, 1], [2, 3]] it gives [[19, 25], [37, 43]]); ``edge_6x8`` the 6×8 picture of ones with a
# band of zeros in columns 2 to 5, on which the [1, −1] kernel answers 1 and −1 at the edges.
# name → (input, the kernel that goes with it)
INPUT_PRESETS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "corr2d": (np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [2.0, 3.0]])),
    "edge_6x8": (tutorial_edge_image().astype(np.float64), KERNEL_PRESETS["edge"]),
}

# A 1×1 convolution from 3 channels to 2: output 0 is a weighted mix of the three inputs,
# output 1 the difference of the first two. [out, in, 1, 1]
MIXING_1X1 = np.array([[0.5, 0.3, 0.2], [1.0, -1.0, 0.0]])[:, :, None, None]


def preset_weight(name: str, settings: ConvSettings) -> np.ndarray:
    """A preset as a weight for these settings: the 2-D kernel in every (out, in) slot, or,
    for ``"mixing_1x1"``, :data:`MIXING_1X1` repeated over more channels than it has."""
    out_c, in_c, kh, kw = settings.weight_shape
    if name == "mixing_1x1":
        rows = np.arange(out_c) % MIXING_1X1.shape[0]
        cols = np.arange(in_c) % MIXING_1X1.shape[1]
        base = MIXING_1X1[rows][:, cols]
    else:
        base = KERNEL_PRESETS[name][None, None]
    return fit_weight(base, settings)


def fit_weight(weight: np.ndarray, settings: ConvSettings) -> np.ndarray:
    """``weight`` cut or zero-extended to the settings' weight shape (channels repeat)."""
    out_c, in_c, kh, kw = settings.weight_shape
    weight = np.asarray(weight, np.float64)
    rows = np.arange(out_c) % weight.shape[0]
    cols = np.arange(in_c) % weight.shape[1]
    tiled = weight[rows][:, cols]
    out = np.zeros((out_c, in_c, kh, kw))
    h, w = min(kh, tiled.shape[2]), min(kw, tiled.shape[3])
    out[:, :, :h, :w] = tiled[:, :, :h, :w]
    return out


def model_feature_maps(model: nn.Module, image28: np.ndarray, mean: float,
                       std: float) -> list[tuple[str, np.ndarray]]:
    """The model's normalised input and every layer output that is a ``[C, H, W]`` map.

    ``image28`` is the 28×28 picture in [0, 1] (ink = 1); it is normalised with the model's
    ``mean`` and ``std`` as the model reads it. Returns ``(layer name, maps)`` pairs, the input
    first (named ``"input"``).
    """
    from .inspection import feature_maps  # inspection imports the network; keep this light

    x = (np.asarray(image28, np.float32) - mean) / std
    maps = [("input", x[None].astype(np.float64))]
    for layer in feature_maps(model, torch.from_numpy(x)[None, None]):  # type: ignore[arg-type]
        if layer.maps.ndim == 3:
            maps.append((layer.name, layer.maps.astype(np.float64)))
    return maps
