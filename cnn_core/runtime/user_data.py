"""Where DigitLab keeps what the user makes (runs, the model shelf, their own digits).

``$DIGITLAB_DATA_DIR`` overrides the platform's user data folder (tests and the demo point
it at a scratch folder). The app and the command line read it through :func:`user_data_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "datasets_folder", "user_data_dir"]

DATA_DIR_ENV = "DIGITLAB_DATA_DIR"


def user_data_dir() -> Path:
    """Where DigitLab keeps runs and samples: ``$DIGITLAB_DATA_DIR``, else the user data folder.

    Read afresh on each call, so a change of the variable takes effect at once.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("DigitLab", "DigitLab"))


def datasets_folder() -> Path:
    """Where downloaded datasets go unless a folder is given (``--data-dir``, or the window's
    data-folder setting): ``datasets/`` in :func:`user_data_dir`."""
    return user_data_dir() / "datasets"
