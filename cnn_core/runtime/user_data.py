"""Where DigitLab keeps what the user makes (runs, the model shelf, their own digits).

``$DIGITLAB_DATA_DIR`` overrides the platform's user data folder (tests and the demo point
it at a scratch folder). The app and the command line read it through :func:`user_data_dir`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR_ENV", "SHELF_STATE_FILE", "datasets_folder", "read_shelf_state",
           "user_data_dir"]

DATA_DIR_ENV = "DIGITLAB_DATA_DIR"
SHELF_STATE_FILE = "shelf.json"  # the model shelf's small state, in the data folder


def user_data_dir() -> Path:
    """Where DigitLab keeps runs and samples: ``$DIGITLAB_DATA_DIR``, else the user data folder.

    Read afresh on each call, so a change of the variable takes effect at once.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("DigitLab", "DigitLab"))


def read_shelf_state(root: str | Path) -> dict[str, Any]:
    """The model shelf's small JSON state in data folder ``root`` (``{}`` when missing or
    unreadable)."""
    try:
        data = json.loads((Path(root) / SHELF_STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def datasets_folder() -> Path:
    """Where downloaded datasets go unless a folder is given (``--data-dir``, or the window's
    data-folder setting): ``datasets/`` in :func:`user_data_dir`."""
    return user_data_dir() / "datasets"
