"""Pictures coming into the canvas (drop and clipboard data, PNG bytes, display fitting)
and going out of it (its pixels as an array).

Decoding, gray conversion and polarity are not here: they are :mod:`cnn_core.data.images` and
:func:`cnn_core.data.preprocess.to_ink`, shared with ``digitlab predict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter

from cnn_core.data.images import check_size, decode_image, load_image

__all__ = ["busy_cursor", "fit_to_square", "gray_array", "holds_picture", "image_formats",
           "mime_picture", "png_bytes", "qimage_gray"]


def fit_to_square(ink: np.ndarray, size: int) -> QImage:
    """Show white-on-black ``ink`` (float in [0, 1]) scaled to fit a ``size`` square."""
    data = np.ascontiguousarray(np.rint(ink * 255.0).astype(np.uint8))
    height, width = data.shape
    image = QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8)
    scaled = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    result = QImage(size, size, QImage.Format.Format_Grayscale8)
    result.fill(0)  # black paper
    painter = QPainter(result)
    painter.drawImage(QPoint((size - scaled.width()) // 2, (size - scaled.height()) // 2), scaled)
    painter.end()
    return result


def gray_array(gray: QImage) -> np.ndarray:
    """Copy a Grayscale8 QImage into a (height, width) uint8 array (rows may be padded)."""
    height, width, stride = gray.height(), gray.width(), gray.bytesPerLine()
    buffer = np.frombuffer(gray.constBits(), dtype=np.uint8, count=height * stride)
    return buffer.reshape(height, stride)[:, :width].copy()


def png_bytes(image: QImage) -> bytes:
    """Encode a QImage as PNG without compression (fast; decoded again by the core)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG", 100):  # quality 100 = no compression
        return b""
    return bytes(buffer.data())


@contextmanager
def busy_cursor() -> Iterator[None]:
    """A wait cursor while a large picture is decoded (that takes up to a second or two)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def image_formats(mime: QMimeData) -> list[str]:
    """The encoded image formats (``image/png``, …) in drop or clipboard data, PNG first."""
    formats = [f for f in mime.formats() if f.startswith("image/")]
    return sorted(formats, key=lambda f: f != "image/png")


def holds_picture(mime: QMimeData) -> bool:
    """True when drop or clipboard data offers a local file or an image."""
    return (any(url.isLocalFile() for url in mime.urls()) or bool(image_formats(mime))
            or mime.hasImage())


def qimage_gray(image: QImage) -> np.ndarray:
    """A decoded QImage (clipboard data) read as the core reads files: its size checked
    first, then its PNG encoding decoded. Raises :class:`~cnn_core.data.images.ImageError`."""
    check_size(image.width(), image.height())  # before spending time encoding it
    return decode_image(png_bytes(image))


def mime_picture(mime: QMimeData) -> tuple[Callable[[], np.ndarray], str | None] | None:
    """How to read the picture in drop or clipboard data, and its file name where it is a
    file: the first local file, else the encoded image, else Qt's decoded image (the encoded
    bytes first, so the core decodes the original data, as it does for a file). ``None`` when
    it holds none; the reader raises :class:`~cnn_core.data.images.ImageError`."""
    for url in mime.urls():
        if url.isLocalFile():
            path = url.toLocalFile()
            return partial(load_image, path), Path(path).name
    for mime_type in image_formats(mime):
        data = bytes(mime.data(mime_type).data())
        if data:
            return partial(decode_image, data), None
    if mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            return partial(qimage_gray, image), None
    return None
