"""The digit datasets: MNIST from the bundled copy, the others through torchvision's files.

Only :mod:`cnn_core.data.download` downloads (the CLI's ``--download``, the window's Datasets
dialog); loading never touches the network, so a test run or an offline machine cannot start
a download unasked.

Every dataset is held as one uint8 tensor of shape ``[N, 28, 28]`` and one int64 label tensor;
training slices batches from it on the device, so there is no per-sample Python work.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..runtime.resources import resource_path
from ..runtime.user_data import datasets_folder
from .idx import IdxError, read_idx
from .split import DatasetUnavailable, Split

__all__ = [
    "DATASETS",
    "DatasetInfo",
    "OWN",
    "DatasetUnavailable",
    "Split",
    "default_data_dirs",
    "dataset_folder",
    "datasets_folder",
    "load_split",
    "missing_files",
    "locate_test_split",
]

log = logging.getLogger(__name__)

_DIGITS = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is called and how its pixels are normalised."""

    name: str  # registry key, e.g. "mnist"
    title: str  # shown to people
    classes: tuple[str, ...]  # class names, index = label
    mean: float  # pixel mean of the training set, for images scaled to [0, 1]
    std: float  # pixel standard deviation of the training set
    torchvision_class: str  # name of the torchvision dataset class (and its folder)
    file_stem: str = ""  # prefix of the IDX file names (EMNIST only)

    def normalization(self, normalize: bool = True) -> tuple[float, float]:
        """``(mean, std)`` a model's input is normalised with: this dataset's, or ``(0, 1)``
        (pixels left in [0, 1]) when ``normalize`` is off."""
        return (self.mean, self.std) if normalize else (0.0, 1.0)


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo("mnist", "MNIST digits", _DIGITS, 0.1307, 0.3081, "MNIST"),
    "fashion_mnist": DatasetInfo(
        "fashion_mnist",
        "Fashion-MNIST",
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        0.2860,
        0.3530,
        "FashionMNIST",
    ),
    "kmnist": DatasetInfo(
        "kmnist",
        "Kuzushiji-MNIST",
        ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
        0.1918,
        0.3483,
        "KMNIST",
    ),
    "emnist_digits": DatasetInfo(
        "emnist_digits", "EMNIST digits", _DIGITS, 0.1733, 0.3317, "EMNIST", "emnist-digits-"
    ),
    # The user's own digits (cnn_core.data.own_digits): made like MNIST's, so normalised like it.
    "own": DatasetInfo("own", "Your own digits", _DIGITS, 0.1307, 0.3081, ""),
}
OWN = "own"  # the key of the user's own digits: read from a folder of PNGs, never cached


def _file_names(info: DatasetInfo, train: bool) -> tuple[str, str]:
    part = "train" if train else ("test" if info.file_stem else "t10k")
    return (
        f"{info.file_stem}{part}-images-idx3-ubyte",
        f"{info.file_stem}{part}-labels-idx1-ubyte",
    )


def _candidate_dirs(info: DatasetInfo, data_dir: Path) -> list[Path]:
    return [
        data_dir,
        data_dir / info.torchvision_class / "raw",
        data_dir / info.torchvision_class,
        data_dir / "gzip",
        data_dir / info.torchvision_class / "raw" / "gzip",
    ]


def _find(name: str, dirs: list[Path]) -> Path | None:
    for folder in dirs:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _missing_message(info: DatasetInfo, data_dir: Path, why: str) -> str:
    """Every file of the data set (both splits) that is not there, in one message."""
    missing = [f"{name}.gz" for train in (True, False)
               for name, found in zip(_file_names(info, train), _paths(info, train, data_dir),
                                      strict=True) if found is None]
    folder = data_dir / info.torchvision_class / "raw"
    return (
        f"{info.title} is not on this machine ({why}). Put {', '.join(missing)} "
        f"(or the uncompressed files) in {folder} or in {data_dir}, or download them there "
        f"once with: digitlab train --dataset {info.name} --data-dir {data_dir} --download"
    )


def _paths(info: DatasetInfo, train: bool, data_dir: Path) -> list[Path | None]:
    dirs = _candidate_dirs(info, data_dir)
    return [_find(name, dirs) for name in _file_names(info, train)]


def missing_files(name: str, data_dir: str | Path | None = None) -> list[str]:
    """The IDX files of dataset ``name`` (both splits) not found in ``data_dir`` (default:
    :func:`datasets_folder`); empty when it is all there, and always for the bundled MNIST
    and the user's own digits."""
    info = DATASETS[name]
    if (name == "mnist" and data_dir is None) or name == OWN:
        return []
    folder = _data_folder(data_dir)
    return [file for train in (True, False)
            for file, found in zip(_file_names(info, train), _paths(info, train, folder),
                                   strict=True) if found is None]


def _read_pair(info: DatasetInfo, train: bool, data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    paths = _paths(info, train, data_dir)
    if None in paths:
        raise DatasetUnavailable(_missing_message(info, data_dir, "files not found"))
    return read_idx(paths[0]), read_idx(paths[1])  # type: ignore[arg-type]


def _validate(info: DatasetInfo, images: np.ndarray, labels: np.ndarray, source: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise IdxError(f"{source}: expected uint8 images of 28×28, got {images.shape}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise IdxError(
            f"{source}: {images.shape[0]} images but labels of shape {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= len(info.classes)):
        raise IdxError(f"{source}: labels outside 0..{len(info.classes) - 1}")


@functools.lru_cache(maxsize=8)
def _load_cached(name: str, train: bool, data_dir: str | None) -> Split:
    info = DATASETS[name]
    if name == "mnist" and data_dir is None:
        files = _file_names(info, train)
        images = read_idx(resource_path(f"{files[0]}.gz"))
        labels = read_idx(resource_path(f"{files[1]}.gz"))
        source = "bundled MNIST"
    else:
        folder = _data_folder(data_dir)
        images, labels = _read_pair(info, train, folder)
        source = f"{info.title} in {folder}"
        if info.name == "emnist_digits":  # EMNIST stores images transposed
            images = np.ascontiguousarray(images.transpose(0, 2, 1))
    _validate(info, images, labels, source)
    log.info("loaded %s (%s): %d images", info.title, "train" if train else "test", len(labels))
    return Split(torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64)))


def _data_folder(data_dir: str | Path | None) -> Path:
    return Path(data_dir) if data_dir else datasets_folder()


def load_split(name: str, train: bool, data_dir: str | Path | None = None) -> Split:
    """Load the training or test split of a dataset.

    Parameters
    ----------
    name
        A key of :data:`DATASETS`.
    train
        The training split if true, else the test split.
    data_dir
        Folder with the dataset's IDX files (torchvision's layout ``CLASS/raw/`` or flat).
        MNIST defaults to the bundled copy; the others to :func:`datasets_folder`.
        For ``"own"``: the folder of the user's own digits (default: the one the Coach tab
        fills, see :mod:`cnn_core.data.own_digits`); its test split is the held-out samples.
        Nothing is downloaded: see :func:`cnn_core.data.download.download_dataset`.

    Raises
    ------
    KeyError
        For an unknown dataset name.
    DatasetUnavailable
        If the files are missing; the message says where to put them and how to download them.
    IdxError
        If a file is corrupt.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == OWN:  # a folder the user changes: read afresh every time
        from .own_digits import load_own_data

        data = load_own_data(data_dir)
        return data.train if train else data.test
    if data_dir is None and name != "mnist":  # the cache must not outlive a change of folder
        data_dir = dataset_folder(name)
    return _load_cached(name, bool(train), str(data_dir) if data_dir is not None else None)


def default_data_dirs(name: str, folder: str | Path | None = None) -> list[Path]:
    """Where a dataset's files may already be on this computer, most likely first.

    ``folder`` (the window's data-folder setting), else DigitLab's own download folder
    (:func:`datasets_folder`); then Debian's dataset packages
    (``/usr/share/datasets/fashion-mnist`` from ``dataset-fashion-mnist``).
    """
    return [_data_folder(folder), Path("/usr/share/datasets") / name.replace("_", "-")]


def dataset_folder(name: str, folder: str | Path | None = None) -> Path:
    """The first of :func:`default_data_dirs` that holds every file of dataset ``name``,
    else the first (where a download would put it, and what a message names)."""
    dirs = default_data_dirs(name, folder)
    return next((d for d in dirs if not missing_files(name, d)), dirs[0])


def locate_test_split(name: str, folder: str | Path | None = None,
                      ) -> tuple[Path | None, str | None]:
    """Find a dataset's test split without downloading anything (in ``folder`` first, see
    :func:`default_data_dirs`).

    Returns ``(data_dir, None)`` where the files are (``data_dir`` is ``None`` for the bundled
    MNIST), or ``(None, why)`` with one line saying which files to put where.
    """
    info = DATASETS[name]
    if name == "mnist":
        return None, None
    if name == "own":
        from .own_digits import HOLDOUT_EVERY, OwnDigitStore

        store = OwnDigitStore()
        if max(store.counts()) >= HOLDOUT_EVERY:
            return store.root, None
        return None, (f"{info.title}: none held out for testing yet (every "
                      f"{HOLDOUT_EVERY}th sample of a digit is); draw at least "
                      f"{HOLDOUT_EVERY} of a digit in the Coach tab")
    names = _file_names(info, False)
    for place in default_data_dirs(name, folder):
        if all(_find(file, _candidate_dirs(info, place)) for file in names):
            return place, None
    home = default_data_dirs(name, folder)[0] / info.torchvision_class / "raw"
    return None, (f"{info.title} is not on this computer: put {names[0]}.gz and {names[1]}.gz "
                  f"in {home}, or download it (the window's Datasets dialog, or the "
                  f"command line's --download)")
