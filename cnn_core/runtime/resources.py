"""Where the bundled files (MNIST, the default model) live, in a checkout or installed, and
which version of a file one is (its SHA-256)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

__all__ = ["BUNDLED_DETECTOR", "BUNDLED_MODEL", "file_sha256", "resource_path"]

BUNDLED_MODEL = "digitnet.safetensors"  # the canvas's model, trained with the bundled recipe
BUNDLED_DETECTOR = "digit_detector.safetensors"  # the digit detector (is it a digit at all?)

_TREE = Path(__file__).resolve().parents[2] / "resources"  # cnn_core/runtime/ -> the checkout


def resource_path(name: str) -> Path:
    """Return the path of a bundled resource file.

    In a source checkout that is ``resources/NAME``; in an installed copy it is the same file
    inside the ``digitlab_resources`` package.
    """
    if (_TREE / name).exists():
        return _TREE / name
    try:
        return Path(str(resources.files("digitlab_resources").joinpath(name)))
    except ModuleNotFoundError:  # neither a checkout nor installed: report the tree path
        return _TREE / name


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex: which version of a model file one is."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
