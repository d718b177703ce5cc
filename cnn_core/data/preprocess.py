"""Turn any picture of a digit into the 28×28 image an MNIST model expects.

The steps follow how MNIST itself was made, plus what real drawings need:

1. ``gray``: any size, gray / RGB / RGBA (transparent areas count as paper) → gray in [0, 1].
2. ``ink``: the polarity is detected from the border (paper is what surrounds the digit), so
   dark-on-light and light-on-dark both become white ink on black; contrast is stretched.
3. ``cropped``: cut to the bounding box of the ink.
4. ``stroke``: the stroke width is measured and brought into MNIST's range (a 1-pixel pen on
   a large canvas becomes a pen stroke; a fat marker is thinned).
5. ``fitted``: scaled to fit 20×20, keeping the aspect ratio (antialiased).
6. ``centred``: pasted into 28×28 so that the centre of mass sits at the centre.

Normalisation with the training set's mean and std is done by the predictor, which knows
which dataset the model was trained on. The pipeline is numpy alone (no torch), so that the
window can answer a drawing before torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .images import MAX_PIXELS, ImageError, load_image, to_gray

__all__ = ["ImageError", "Placement", "Preprocessed", "Step", "load_image", "preprocess",
           "to_gray", "to_ink"]

_WORK_SIZE = 112  # longest side of the cropped digit while its stroke is adjusted
_TARGET_STROKE = 0.11  # MNIST's typical stroke width as a fraction of the digit's height
_BLANK_CONTRAST = 0.08  # less ink contrast than this is an empty picture


@dataclass(frozen=True)
class Step:
    """One intermediate image of the pipeline (float32 in [0, 1], ink = 1)."""

    key: str
    title: str
    image: np.ndarray


@dataclass(frozen=True)
class Placement:
    """Where the 28×28 image sits in the input picture: an axis-aligned scale and offset.

    ``source`` and ``target`` are ``(x0, y0, x1, y1)`` rectangles (pixel edges) of the same
    region, in input-picture pixels and in 28×28 pixels. Anything drawn over the 28×28 image
    (a saliency map) lines up with the picture when mapped with :meth:`to_source`.
    """

    source: tuple[float, float, float, float]
    target: tuple[float, float, float, float]

    def to_source(self, x: float, y: float) -> tuple[float, float]:
        """A point in 28×28 coordinates (pixel edges) in input-picture coordinates."""
        sx0, sy0, sx1, sy1 = self.source
        tx0, ty0, tx1, ty1 = self.target
        return (sx0 + (x - tx0) * (sx1 - sx0) / (tx1 - tx0),
                sy0 + (y - ty0) * (sy1 - sy0) / (ty1 - ty0))

    def square(self) -> tuple[float, float, float, float]:
        """The whole 28×28 square as ``(x0, y0, x1, y1)`` in input-picture coordinates."""
        return (*self.to_source(0.0, 0.0), *self.to_source(28.0, 28.0))


@dataclass(frozen=True)
class Preprocessed:
    """The result of :func:`preprocess`."""

    blank: bool  # no digit in the picture
    image28: np.ndarray  # float32 [28, 28] in [0, 1], ink = 1 (zeros when blank)
    steps: tuple[Step, ...]  # every intermediate image, in order
    inverted: bool  # the input was dark ink on light paper
    placement: Placement | None = None  # how 28×28 maps onto the input (None when blank)


def to_ink(gray: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """White ink on black paper from a gray picture of either polarity.

    This is DigitLab's one polarity decision: the paper is the median of the picture's
    border (what surrounds the digit); on light paper the picture is inverted. The ink is
    the difference from the paper, stretched so that the strongest ink is 1.

    Returns
    -------
    ink, inverted, contrast
        float32 ``[H, W]`` in [0, 1]; whether the paper was light; the ink's contrast with
        the paper before stretching (0 for an empty picture).
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    paper = float(np.median(border))
    inverted = paper > 0.5
    ink = np.clip((paper - gray) if inverted else (gray - paper), 0.0, None)
    contrast = float(ink.max())
    if contrast > 0:
        ink = ink / contrast
    return ink.astype(np.float32, copy=False), inverted, contrast


def _ink(gray: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """:func:`to_ink` without paper texture and antialiasing halos."""
    ink, inverted, contrast = to_ink(gray)
    ink[ink < 0.15] = 0.0
    return ink, inverted, contrast


def _crop_at(ink: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The bounding box of the ink, and its top and left offsets."""
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    cols = np.flatnonzero(ink.max(axis=0) > 0)
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], int(rows[0]), int(cols[0])


def _resize_taps(size_in: int, size_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Each output pixel's input pixels ``[size_out, taps]`` and weights along one axis, for an
    antialiased bilinear resize.

    The triangle filter widened by the shrink factor, each pixel's weights summing to 1: the
    rule of PyTorch's ``F.interpolate(mode="bilinear", antialias=True, align_corners=False)``
    (and Pillow's), written here so that preprocessing needs no torch.
    """
    scale = size_in / size_out
    support = max(scale, 1.0)  # the filter's half-width in input pixels
    centre = scale * (np.arange(size_out) + 0.5)
    lo = np.maximum((centre - support + 0.5).astype(np.int64), 0)  # truncated, as C does
    hi = np.minimum((centre + support + 0.5).astype(np.int64), size_in)
    index = lo[:, None] + np.arange(int((hi - lo).max()))
    weights = np.clip(1.0 - np.abs((index - centre[:, None] + 0.5) / support), 0.0, None)
    weights[index >= hi[:, None]] = 0.0
    total = weights.sum(axis=1, keepdims=True)
    return np.minimum(index, size_in - 1), np.divide(weights, total, where=total > 0,
                                                     out=weights)


def _resize(img: np.ndarray, height: int, width: int) -> np.ndarray:
    """``img`` resized to ``height`` × ``width`` (antialiased bilinear; float32): along the
    rows first, then the columns."""
    h, w = img.shape
    cols, col_weights = _resize_taps(w, max(1, width))
    rows, row_weights = _resize_taps(h, max(1, height))
    across = (np.asarray(img, np.float64)[:, cols] * col_weights).sum(axis=-1)
    return (across[rows] * row_weights[..., None]).sum(axis=1).astype(np.float32)


def _stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary mask: 2 × area / perimeter."""
    area = float(mask.sum())
    if area == 0:
        return 0.0
    padded = np.pad(mask, 1)
    interior = (padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1]
                & padded[1:-1, :-2] & padded[1:-1, 2:])
    perimeter = float((mask & ~interior).sum())
    return 2.0 * area / max(perimeter, 1.0)


def _morph(img: np.ndarray, radius: int, grow: bool) -> np.ndarray:
    """Dilate (``grow``) or erode by a disc of ``radius`` pixels.

    The disc is an octagon made of alternating 3×3 squares and crosses, so that a round
    stroke stays round (a square element would leave a round 0 with a square hole).
    """
    t = np.asarray(img, np.float32)
    t = t if grow else -t
    for i in range(radius):
        p = np.pad(t, 1, constant_values=-np.inf)
        cross = np.maximum.reduce([t, p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]])
        if i % 2 == 0:  # the 3×3 square: the cross's corners added
            t = np.maximum.reduce([cross, p[:-2, :-2], p[:-2, 2:], p[2:, :-2], p[2:, 2:]])
        else:
            t = cross
    return t if grow else -t


def _normalise_stroke(crop: np.ndarray) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Work at a fixed size and bring the stroke width into MNIST's range.

    Also returns the result's rectangle ``(x0, y0, x1, y1)`` in ``crop``'s pixel coordinates.
    """
    h, w = crop.shape
    factor = _WORK_SIZE / max(h, w)
    source = crop
    if factor != 1:  # small drawings too: the stroke is measured and changed at one scale
        crop = _resize(crop, round(h * factor), round(w * factor))
        crop = crop / max(float(crop.max()), 1e-6)  # faint thin strokes back to full ink
    fy, fx = crop.shape[0] / h, crop.shape[1] / w
    size = max(crop.shape)
    width = _stroke_width(crop > 0.5)
    target = _TARGET_STROKE * size
    pad = max(2, round(target))
    work = np.pad(crop, pad)
    if width < 0.75 * target:
        work = _morph(work, max(1, round((target - width) / 2)), grow=True)
    elif width > 2.2 * target:
        work = _morph(work, max(1, round((width - 1.6 * target) / 2)), grow=False)
    if work.max() <= 0:
        return np.clip(crop, 0, 1), (0.0, 0.0, float(source.shape[1]), float(source.shape[0]))
    out, top, left = _crop_at(np.where(work > 0.05, work, 0.0))
    box = ((left - pad) / fx, (top - pad) / fy,
           (left - pad + out.shape[1]) / fx, (top - pad + out.shape[0]) / fy)
    return np.clip(out, 0, 1), box


def _fit20(img: np.ndarray) -> np.ndarray:
    h, w = img.shape
    scale = 20.0 / max(h, w)
    out = _resize(img.astype(np.float32), round(h * scale), round(w * scale))
    return np.clip(out / max(float(out.max()), 1e-6), 0.0, 1.0)


def _centre28(img: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Paste into 28×28 with the centre of mass at the centre (as MNIST did).

    Also returns the top and left offsets of the pasted image.
    """
    h, w = img.shape
    total = float(img.sum())
    ys, xs = np.mgrid[0:h, 0:w]
    cy = float((ys * img).sum() / total) if total else (h - 1) / 2
    cx = float((xs * img).sum() / total) if total else (w - 1) / 2
    top = int(np.clip(round(13.5 - cy), 0, 28 - h))
    left = int(np.clip(round(13.5 - cx), 0, 28 - w))
    out = np.zeros((28, 28), dtype=np.float32)
    out[top:top + h, left:left + w] = img
    return out, top, left


def preprocess(image: np.ndarray) -> Preprocessed:
    """Run the whole pipeline on one picture (see the module docstring).

    Parameters
    ----------
    image
        ``[H, W]``, ``[H, W, 3]`` or ``[H, W, 4]``; uint8 (0..255) or float (0..1).

    Returns
    -------
    Preprocessed
        ``blank`` is true when there is no digit; then ``image28`` is all zeros.
    """
    gray = to_gray(image)
    if gray.size > MAX_PIXELS:
        raise ImageError(f"image too large ({gray.shape[1]}×{gray.shape[0]} pixels)")
    ink, inverted, contrast = _ink(gray)
    steps = [Step("gray", "Input (gray)", gray), Step("ink", "Ink, white on black", ink)]
    if contrast < _BLANK_CONTRAST or np.count_nonzero(ink > 0.5) < 3:
        empty = np.zeros((28, 28), dtype=np.float32)
        return Preprocessed(True, empty, tuple(steps), inverted)
    crop, crop_top, crop_left = _crop_at(ink)
    stroke, (bx0, by0, bx1, by1) = _normalise_stroke(crop)
    fitted = _fit20(stroke)
    centred, top, left = _centre28(fitted)
    placement = Placement(
        source=(crop_left + bx0, crop_top + by0, crop_left + bx1, crop_top + by1),
        target=(float(left), float(top), float(left + fitted.shape[1]),
                float(top + fitted.shape[0])))
    steps += [Step("cropped", "Cropped to the ink", crop),
              Step("stroke", "Stroke width adjusted", stroke.astype(np.float32)),
              Step("fitted", "Scaled to fit 20×20", fitted.astype(np.float32)),
              Step("centred", "Centred in 28×28", centred)]
    return Preprocessed(False, centred, tuple(steps), inverted, placement)
