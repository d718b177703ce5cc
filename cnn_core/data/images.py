"""Read picture files and bytes into one kind of array: gray float32 in [0, 1].

This is the only place where DigitLab decodes images and turns colour, palettes, 16-bit
samples and transparency into gray. The command line (``digitlab predict``) and the GUI
(open, paste, drag and drop) both come through here, so the same file gives the same array,
and therefore the same probabilities, everywhere.

What is handled:

- any format Pillow reads (PNG, JPEG, GIF, BMP, TIFF, WebP, …); the first frame of an
  animation; the EXIF orientation of photos;
- gray, gray + alpha, palette (with or without a transparent colour), RGB, RGBA, CMYK, 16-bit
  gray and 32-bit integer or float samples;
- transparency: transparent areas count as paper (see :func:`to_gray`);
- a size limit of :data:`MAX_PIXELS`, checked from the header before any pixel is decoded,
  so a decompression bomb (a tiny file declaring a huge picture) costs nothing;
- missing, empty, truncated, corrupt and non-image files: :class:`ImageError` with one line.

The polarity (dark ink on light paper or the reverse) is decided later, by
:func:`cnn_core.data.preprocess.to_ink`.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path
from typing import IO

import numpy as np

from ..runtime.messages import Core, Message

__all__ = ["MAX_PIXELS", "ImageError", "check_size", "decode_image", "load_image", "to_gray"]

MAX_PIXELS = 40_000_000  # 40 megapixels: more than any camera or scan of a digit needs

# Pillow modes kept as they are; everything else is converted to one of them first.
_DIRECT_MODES = ("L", "LA", "RGB", "RGBA", "I;16", "I;16L", "I;16B", "I;16N", "I", "F")


class ImageError(ValueError):
    """A picture is missing, unreadable, not an image, or too large.

    ``str(error)`` is one line: ``"<name>: <reason>"`` (or just the reason when there is no
    name). ``reason`` alone is there for callers that show the name their own way.
    """

    def __init__(self, reason: str, name: str | None = None) -> None:
        # always one line (a Message is, and stays translatable)
        self.reason = reason if isinstance(reason, Message) else " ".join(str(reason).split())
        self.name = name
        super().__init__(Message("{name}: {reason}", name=name, reason=self.reason) if name
                         else self.reason)


def check_size(width: int, height: int, name: str | None = None) -> None:
    """Raise :class:`ImageError` if a ``width``×``height`` picture is over :data:`MAX_PIXELS`.

    Call it with the size from a header, before decoding the pixels.
    """
    if width <= 0 or height <= 0:
        raise ImageError(Core.tr("the image has no pixels ({width}×{height})", width=width,
                                 height=height), name)
    if width * height > MAX_PIXELS:
        raise ImageError(Core.tr("image too large ({width}×{height} pixels; the limit is "
                                 "{limit} megapixels)", width=width, height=height,
                                 limit=MAX_PIXELS // 1_000_000), name)


def load_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file as gray float32 ``[H, W]`` in [0, 1] (see the module docstring).

    Raises
    ------
    ImageError
        If the file is missing, empty, not an image, corrupt or truncated, or larger than
        :data:`MAX_PIXELS`. The message starts with ``path`` as given.
    """
    name = str(path)
    path = Path(path)
    if not path.is_file():
        reason = (Core.tr("is a folder") if path.is_dir() else
                  Core.tr("not a regular file") if path.exists() else Core.tr("file not found"))
        raise ImageError(reason, name)
    try:
        with open(path, "rb") as file:
            if os.fstat(file.fileno()).st_size == 0:
                raise ImageError(Core.tr("the file is empty"), name)
            return _decode(file, name)
    except PermissionError:
        raise ImageError(Core.tr("permission denied"), name) from None
    except IsADirectoryError:
        raise ImageError(Core.tr("is a folder"), name) from None


def decode_image(data: bytes, name: str | None = None) -> np.ndarray:
    """Decode an encoded image (the bytes of a PNG, JPEG, … file) like :func:`load_image`.

    ``name`` (e.g. "the clipboard") starts error messages.
    """
    if not data:
        raise ImageError(Core.tr("no image data (0 bytes)"), name)
    return _decode(io.BytesIO(data), name)


def _decode(file: IO[bytes], name: str | None) -> np.ndarray:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        # Our own limit (checked below from the header) is lower than Pillow's, whose warning
        # would be a second message (or an exception where warnings are errors).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as img:
                check_size(img.width, img.height, name)
                img.load()  # the first frame of an animation
                upright = ImageOps.exif_transpose(img)
                return to_gray(_pixels(upright))
    except Image.DecompressionBombError as exc:  # over Pillow's own limit, checked first
        found = re.search(r"\((\d+) pixels\)", str(exc))
        limit = MAX_PIXELS // 1_000_000
        raise ImageError(Core.tr("image too large ({pixels:,} pixels; the limit is {limit} "
                                 "megapixels)", pixels=int(found.group(1)), limit=limit)
                         if found else
                         Core.tr("image too large (the limit is {limit} megapixels)",
                                 limit=limit), name) from None
    except UnidentifiedImageError:
        raise ImageError(Core.tr("not an image file that can be read"), name) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError(Core.tr("corrupt or truncated image ({why})", why=str(exc)),
                         name) from None


def _pixels(img: object) -> np.ndarray:
    """The pixels of a Pillow image as gray, gray + alpha, RGB or RGBA (any sample type)."""
    from PIL import Image

    assert isinstance(img, Image.Image)
    mode = img.mode
    if (mode == "P" and "transparency" in img.info) or mode in ("PA", "RGBa", "La"):
        img = img.convert("RGBA")
    elif mode == "1":
        img = img.convert("L")
    elif mode not in _DIRECT_MODES:  # P, CMYK, YCbCr, LAB, HSV, RGBX, other 16-bit layouts
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    arr = np.asarray(img)
    if img.mode == "F":
        arr = arr.astype(np.float32)
        top = float(np.nanmax(arr)) if arr.size else 0.0
        return arr / top if top > 1.0 else arr  # float samples: 0..1, or 0..max
    if img.mode == "I":  # 32-bit integers: Pillow's mode for 16-bit samples in some formats
        return arr.astype(np.uint16 if arr.max(initial=0) <= 65535 else np.uint32)
    return arr


def to_gray(image: np.ndarray) -> np.ndarray:
    """Convert gray / gray + alpha / RGB / RGBA pixels to float32 gray in [0, 1].

    uint8 samples are divided by 255, uint16 by 65535, uint32 by 2³²−1; float samples are
    taken as 0..1. Colour becomes gray with the ITU-R 601 weights (as Pillow does).

    Transparent areas count as paper. Which colour the paper is depends on what is opaque:
    when the opaque pixels hold both dark and light, they include the paper (a card with
    transparent margins), and the paper is their median colour; when they are all of one
    colour, they are the ink (a digit drawn on a transparent sheet) and the paper is its
    opposite: white under dark ink, black under light ink.
    """
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (2, 3, 4)):
        raise ImageError(f"expected a gray, RGB or RGBA image, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ImageError("the image is empty")
    scale = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0,
             np.dtype(np.uint32): 4294967295.0}.get(arr.dtype, 1.0)
    floats = arr.dtype.kind == "f"
    arr = arr.astype(np.float32) / np.float32(scale)
    if floats:  # NaN or infinite samples would poison every later step
        arr = np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0)
    if arr.ndim == 2:
        return np.clip(arr, 0.0, 1.0)
    alpha = np.clip(arr[:, :, -1], 0.0, 1.0) if arr.shape[2] in (2, 4) else None
    color = arr[:, :, :-1] if alpha is not None else arr
    gray = color[:, :, 0] if color.shape[2] == 1 else color @ np.float32([0.299, 0.587, 0.114])
    gray = np.clip(gray, 0.0, 1.0)
    if alpha is not None and float(alpha.min()) < 1.0:
        paper = _paper_under(gray, alpha)
        gray = gray * alpha + np.float32(paper) * (1.0 - alpha)
    return gray.astype(np.float32, copy=False)


def _paper_under(gray: np.ndarray, alpha: np.ndarray) -> float:
    """The paper colour that transparent pixels stand for (see :func:`to_gray`)."""
    opaque = gray[alpha > 0.5]
    if opaque.size == 0:
        return 1.0  # nothing there: white paper (the picture is blank either way)
    if opaque.size > 1_000_000:  # a regular sample is plenty for three percentiles
        opaque = opaque[:: opaque.size // 1_000_000]
    low, median, high = (float(v) for v in np.percentile(opaque, [1, 50, 99]))
    if high - low > 0.5:  # both ink and paper are opaque: the paper is the majority
        return median
    return 1.0 if median < 0.5 else 0.0  # one colour, the ink: the paper is its opposite
