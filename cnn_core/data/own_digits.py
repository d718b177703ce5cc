"""The user's own labelled digits: a folder of PNG files in the user data directory.

Layout (``<data dir>/own-digits``; the data dir is ``$DIGITLAB_DATA_DIR`` or the platform's
user data folder, the same place as the training runs)::

    own-digits/
        samples/3_20261127T041502-5f2a9c.png    the 28×28 model input, white ink on black
        drawings/3_20261127T041502-5f2a9c.png   the drawing it was made from (optional)

A sample's label is the digit its file name starts with. Every write goes through a temporary
file and a rename, so a crash never leaves half a PNG. Every file read, from the folder or
from a zip, is decoded by :mod:`cnn_core.data.images` (size limits, one-line errors); a file that
cannot be used is skipped with its reason, never an exception.

Zips (:mod:`cnn_core.data.own_digits_zip`) hold
``samples/LABEL_ID.png`` and ``drawings/LABEL_ID.png`` plus a small ``manifest.json``. Import
also takes zips made by hand: any image named ``LABEL_anything.png`` (or ``.jpg``, ``.bmp``)
or placed in a folder named ``0`` … ``9``; pictures that are not 28×28 go through
:func:`cnn_core.data.preprocess.preprocess` as a drawing would. Nothing is ever extracted to disk
under a name taken from the zip (no path can escape), declared and actual sizes are both
bounded (no zip bomb), and the count of entries and of samples is limited.

Qt-free.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import torch

from ..runtime.atomic_files import write_bytes_atomic
from ..runtime.user_data import DATA_DIR_ENV, user_data_dir
from .images import ImageError, load_image
from .preprocess import preprocess, to_ink
from .split import DatasetUnavailable, Split

__all__ = ["DATA_DIR_ENV", "HOLDOUT_EVERY", "MAX_SAMPLES", "MIN_CLASSES", "MIN_SAMPLES",
           "DeletedSample", "ImportReport", "OwnData", "OwnDigitStore", "OwnSample",
           "default_own_dir", "fingerprint", "label_of", "load_own_data", "png_bytes",
           "to_sample28", "user_data_dir"]

OWN_FOLDER = "own-digits"
SAMPLES = "samples"
DRAWINGS = "drawings"
MAX_SAMPLES = 5_000  # per store: ~500 per digit is far more than fine-tuning needs
HOLDOUT_EVERY = 5  # every 5th sample of each digit (in drawing order) is held out for testing
MIN_SAMPLES = 10  # training samples below which a dataset is refused
MIN_CLASSES = 2  # digits a dataset must cover at least
_NAME = re.compile(r"^([0-9])_([0-9A-Za-z-]{1,64})\.png$")  # the store's own file names
_LOOSE = re.compile(r"^([0-9])(?:[_\- .].*)?\.(png|jpe?g|bmp|gif|webp)$", re.IGNORECASE)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def default_own_dir() -> Path:
    """The folder of the user's own digits inside :func:`user_data_dir`."""
    return user_data_dir() / OWN_FOLDER


# ---------------------------------------------------------------------- pictures


def to_sample28(gray: np.ndarray) -> np.ndarray:
    """A picture (gray float in [0, 1], any size, either polarity) as a 28×28 uint8 sample.

    A 28×28 picture is taken as a model input already (only its polarity is made white ink
    on black); any other size goes through :func:`~cnn_core.data.preprocess.preprocess`.

    Raises
    ------
    ImageError
        If there is no digit in the picture (blank).
    """
    if gray.shape == (28, 28):
        ink, _, contrast = to_ink(gray)
        if contrast < 0.08 or np.count_nonzero(ink > 0.5) < 3:
            raise ImageError("the picture is blank")
        image = ink
    else:
        result = preprocess(gray)
        if result.blank:
            raise ImageError("the picture is blank")
        image = result.image28
    return np.clip(np.rint(np.asarray(image, np.float32) * 255.0), 0, 255).astype(np.uint8)


def _as_uint8(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(np.rint(arr.astype(np.float32) * 255.0), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def png_bytes(image: np.ndarray) -> bytes:
    """A picture (uint8, or float in [0, 1]) as the PNG bytes the store keeps."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(_as_uint8(image), mode="L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def fingerprint(sample28: np.ndarray) -> str:
    """The identity of a sample's pixels: equal for two samples with the same 28×28 pixels.

    An import uses it to skip samples the store already holds.
    """
    return hashlib.sha1(_as_uint8(sample28).tobytes()).hexdigest()


# ---------------------------------------------------------------------- records


@dataclass(frozen=True)
class OwnSample:
    """One stored sample: its digit and its file."""

    label: int
    name: str  # file name inside samples/, e.g. "3_20261127T041502-5f2a9c.png"
    path: Path
    drawing: Path | None = None  # the original drawing, when kept

    @property
    def stem(self) -> str:
        """The sample's id (the file name without ``.png``)."""
        return self.name[:-4]


@dataclass(frozen=True)
class DeletedSample:
    """What :meth:`OwnDigitStore.delete` removed, kept in memory so it can be put back."""

    label: int
    name: str
    png: bytes = field(repr=False)
    drawing_png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ImportReport:
    """The result of :func:`cnn_core.data.own_digits_zip.import_zip`."""

    added: tuple[OwnSample, ...]
    skipped: tuple[str, ...]  # "entry name: reason", one per entry not imported

    def summary(self) -> str:
        """One line for the user."""
        text = f"imported {len(self.added)} sample{'s' * (len(self.added) != 1)}"
        if self.skipped:
            text += f", skipped {len(self.skipped)} (first: {self.skipped[0]})"
        return text


@dataclass(frozen=True)
class OwnData:
    """The samples of a folder as tensors: training part, held-out part, and what was skipped."""

    train: Split
    test: Split
    skipped: tuple[str, ...]
    folder: Path

    def counts(self) -> list[int]:
        """Samples per digit, training and held-out together."""
        labels = torch.cat([self.train.labels, self.test.labels])
        return torch.bincount(labels, minlength=10).tolist()[:10]


# ---------------------------------------------------------------------- the store


class OwnDigitStore:
    """The folder of the user's own labelled digits (see the module docstring).

    Parameters
    ----------
    root
        The ``own-digits`` folder (default :func:`default_own_dir`); created on the first write.
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_own_dir()

    @property
    def samples_dir(self) -> Path:
        """Where the 28×28 samples are."""
        return self.root / SAMPLES

    @property
    def drawings_dir(self) -> Path:
        """Where the original drawings are."""
        return self.root / DRAWINGS

    # ------------------------------------------------------------ browse
    def samples(self) -> list[OwnSample]:
        """Every sample, in the order they were drawn (their names sort by time)."""
        folder = self.samples_dir
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.iterdir(), key=lambda p: p.name[2:] + p.name[:1]):
            match = _NAME.match(path.name)
            if match is None or not path.is_file():
                continue
            drawing = self.drawings_dir / path.name
            found.append(OwnSample(int(match.group(1)), path.name, path,
                                   drawing if drawing.is_file() else None))
        return found

    def counts(self) -> list[int]:
        """Samples per digit (index = digit)."""
        counts = [0] * 10
        for sample in self.samples():
            counts[sample.label] += 1
        return counts

    def load(self, sample: OwnSample) -> np.ndarray:
        """The sample's 28×28 picture as uint8 (white ink on black).

        Raises
        ------
        ImageError
            The file is unreadable, not an image, or blank.
        """
        return to_sample28(load_image(sample.path))

    # ------------------------------------------------------------ change
    def add(self, label: int, sample28: np.ndarray, drawing: np.ndarray | None = None
            ) -> OwnSample:
        """Store a sample (28×28, uint8 or float in [0, 1], white ink on black) of ``label``.

        ``drawing`` (the canvas it came from, any size) is kept beside it when given.

        Raises
        ------
        ValueError
            For a label outside 0..9, a picture that is not 28×28, or a full store.
        """
        if not 0 <= int(label) <= 9:
            raise ValueError(f"a digit's label must be 0 … 9, not {label}")
        if np.asarray(sample28).shape != (28, 28):
            raise ValueError(f"a sample must be 28×28, not {np.asarray(sample28).shape}")
        if len(self.samples()) >= MAX_SAMPLES:
            raise ValueError(f"the store is full ({MAX_SAMPLES:,} samples); delete some first")
        return self.add_png(int(label), png_bytes(sample28),
                            None if drawing is None else png_bytes(drawing))

    def add_png(self, label: int, png: bytes, drawing_png: bytes | None = None) -> OwnSample:
        """Store an encoded sample (see :func:`png_bytes`) of ``label`` under a new name.

        Unlike :meth:`add`, nothing is checked: the caller made ``png`` from a checked
        28×28 sample (an import does) and keeps count of the room left.
        """
        return self._write(label, self._new_name(label), png, drawing_png)

    def delete(self, sample: OwnSample) -> DeletedSample:
        """Remove a sample (and its drawing); the returned record can :meth:`restore` it."""
        png = sample.path.read_bytes()
        drawing = self.drawings_dir / sample.name
        drawing_png = drawing.read_bytes() if drawing.is_file() else None
        sample.path.unlink(missing_ok=True)
        drawing.unlink(missing_ok=True)
        return DeletedSample(sample.label, sample.name, png, drawing_png)

    def restore(self, deleted: DeletedSample) -> OwnSample:
        """Put a deleted sample back under its old name (undo of :meth:`delete`)."""
        return self._write(deleted.label, deleted.name, deleted.png, deleted.drawing_png)

    def _new_name(self, label: int) -> str:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        return f"{label}_{stamp}-{secrets.token_hex(3)}.png"

    def _write(self, label: int, name: str, png: bytes, drawing_png: bytes | None
               ) -> OwnSample:
        # The drawing first: a crash between the two leaves an orphan drawing, never a
        # sample that claims a drawing it does not have.
        drawing = None
        if drawing_png is not None:
            drawing = self.drawings_dir / name
            write_bytes_atomic(drawing, drawing_png)
        path = self.samples_dir / name
        write_bytes_atomic(path, png)
        return OwnSample(label, name, path, drawing)


# ---------------------------------------------------------------------- names


def label_of(name: str) -> int | None:
    """The digit a picture's file name gives (``7_mine.png`` or ``7/mine.png``), or None."""
    path = PurePosixPath(name)
    if path.suffix.lower() not in _IMAGE_SUFFIXES:
        return None
    match = _LOOSE.match(path.name)
    if match:
        return int(match.group(1))
    if len(path.parts) >= 2 and re.fullmatch(r"[0-9]", path.parts[-2]):
        return int(path.parts[-2])
    return None


# ---------------------------------------------------------------------- dataset


def _own_folder(folder: str | Path | None) -> Path:
    """``folder`` (the ``own-digits`` folder or its ``samples`` folder), or the default."""
    root = Path(folder) if folder is not None else default_own_dir()
    return root / SAMPLES if (root / SAMPLES).is_dir() else root


def load_own_data(folder: str | Path | None = None, holdout_every: int = HOLDOUT_EVERY,
                  min_samples: int = MIN_SAMPLES, min_classes: int = MIN_CLASSES) -> OwnData:
    """Read a folder of own digits as a training part and a held-out part.

    Every file named ``LABEL_anything.png`` (or another image type) is read through
    :mod:`cnn_core.data.images`; unreadable or blank files are skipped with their reason. Per
    digit, in file-name order (drawing order for the store's files), every
    ``holdout_every``-th sample is held out (with 5 samples of a digit, 1 is held out).

    Raises
    ------
    DatasetUnavailable
        The folder is missing, or holds fewer than ``min_samples`` training samples or fewer
        than ``min_classes`` digits; the message says what there is and what is needed.
    """
    root = _own_folder(folder)
    if not root.is_dir():
        raise DatasetUnavailable(f"your own digits: {root} is not a folder (collect samples "
                                 f"in the Coach tab, or import a zip there)")
    images: list[list[np.ndarray]] = [[] for _ in range(10)]
    skipped: list[str] = []
    for path in sorted(root.iterdir(), key=lambda p: p.name[2:] + p.name[:1]):
        if not path.is_file() or path.name.startswith("."):
            continue
        label = label_of(path.name)
        if label is None:
            if path.suffix.lower() in _IMAGE_SUFFIXES:
                skipped.append(f"{path.name}: no digit at the start of its name")
            continue
        try:
            images[label].append(to_sample28(load_image(path)))
        except ImageError as exc:
            skipped.append(f"{path.name}: {exc.reason}")
    every = max(2, int(holdout_every))
    parts: dict[bool, tuple[list[np.ndarray], list[int]]] = {True: ([], []), False: ([], [])}
    for digit, pictures in enumerate(images):
        for i, picture in enumerate(pictures):
            train = (i + 1) % every != 0
            parts[train][0].append(picture)
            parts[train][1].append(digit)
    counts = [len(p) for p in images]
    n_train, digits = len(parts[True][1]), sum(1 for c in counts if c)
    if n_train < min_samples or digits < min_classes:
        have = ", ".join(f"{d}×{c}" for d, c in enumerate(counts) if c) or "none"
        raise DatasetUnavailable(
            f"your own digits in {root}: {sum(counts)} usable samples of {digits} "
            f"digit{'s' * (digits != 1)} ({have}); at least {min_samples} for training "
            f"(besides every {every}th of each digit, held out for testing) covering "
            f"{min_classes} digits are needed: draw more in the Coach tab")
    return OwnData(_split(*parts[True]), _split(*parts[False]), tuple(skipped), root)


def _split(images: list[np.ndarray], labels: list[int]) -> Split:
    if not images:
        return Split(torch.zeros(0, 28, 28, dtype=torch.uint8), torch.zeros(0, dtype=torch.long))
    return Split(torch.from_numpy(np.stack(images)), torch.tensor(labels, dtype=torch.long))
