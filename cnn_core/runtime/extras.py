"""Optional packages (the install's extras): whether one is here, and how to get it.

Nothing here imports the packages, or torch: the window asks before it shows a control
that needs one.
"""

from __future__ import annotations

import importlib.util

__all__ = ["TENSORBOARD_INSTALL", "tensorboard_available"]

TENSORBOARD_INSTALL = "pip install 'digitlab[tensorboard]'"
"""The command that installs what TensorBoard logging and viewing need."""


def tensorboard_available() -> bool:
    """Whether the ``tensorboard`` package is installed (it is not imported)."""
    return importlib.util.find_spec("tensorboard") is not None
