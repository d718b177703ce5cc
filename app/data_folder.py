"""The window's data-folder setting: where datasets other than the bundled MNIST are read
from and downloaded to (what ``--data-dir`` is for the command line).

Unset, DigitLab uses :func:`cnn_core.runtime.user_data.datasets_folder` and Debian's dataset
packages (see :func:`cnn_core.data.datasets.default_data_dirs`). Every part of the window
that reads a dataset asks :func:`dataset_dir` here, so a change applies to the next training
run, evaluation or page of the dataset browser.
"""

from __future__ import annotations

from pathlib import Path

from cnn_core.data.datasets import OWN, dataset_folder
from cnn_core.runtime.user_data import datasets_folder

from .settings import Keys, open_settings, read_str

__all__ = ["chosen_folder", "dataset_dir", "set_chosen_folder", "shown_folder"]


def chosen_folder() -> Path | None:
    """The folder the user chose in File ▸ Datasets…, or ``None`` for the default."""
    text = read_str(open_settings(), Keys.DATASETS_FOLDER)
    return Path(text) if text else None


def set_chosen_folder(folder: Path | None) -> None:
    """Remember ``folder`` (``None``: back to the default)."""
    settings = open_settings()
    if folder is None:
        settings.remove(Keys.DATASETS_FOLDER)
    else:
        settings.setValue(Keys.DATASETS_FOLDER, str(folder))
    settings.sync()


def shown_folder() -> Path:
    """The folder downloads go to: the chosen one, else the default."""
    return chosen_folder() or datasets_folder()


def dataset_dir(name: str) -> str | None:
    """The ``data_dir`` to read dataset ``name`` from: ``None`` for the bundled MNIST and the
    user's own digits (their own places), else the folder that holds it (see
    :func:`~cnn_core.data.datasets.dataset_folder`)."""
    if name in ("mnist", OWN):
        return None
    return str(dataset_folder(name, chosen_folder()))
