"""Pictures coming into the canvas: drop and clipboard data, PNG bytes, display fitting.

Decoding, gray conversion and polarity are not here: they are :mod:`cnn_core.data.images` and
:func:`cnn_core.data.preprocess.to_ink`, shared with ``digitlab predict``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter

__all__ = ["busy_cursor", "fit_to_square", "holds_picture", "image_formats", "png_bytes"]


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
