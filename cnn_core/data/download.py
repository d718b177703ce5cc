"""Downloading a dataset's files, one chunk at a time, as a generator of progress reports.

:func:`download_steps` is the one way DigitLab downloads: the command line's ``--download``
drains it and prints a line now and then; the window's data-folder dialog runs it in a
background task, shows each :class:`DownloadProgress` and cancels by closing the generator.

Where the files come from is torchvision's knowledge (its mirrors, file names and MD5
checksums), read through :func:`sources`. Each file is written to a hidden temporary file
beside its final place, checked against its checksum and then renamed, so a failed,
cancelled or interrupted download leaves the data folder as it found it: the folders it
created are removed again and no half-written file keeps a final name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..runtime.messages import Core
from .datasets import DATASETS, _data_folder, _missing_message, missing_files
from .split import DatasetUnavailable

__all__ = ["DownloadProgress", "Source", "download_dataset", "download_steps", "sources"]

CHUNK = 1 << 16  # bytes read per step
REPORT_EVERY = 0.1  # seconds between progress reports while a file downloads
TIMEOUT = 30.0  # seconds a server may stay silent


@dataclass(frozen=True)
class Source:
    """One file to fetch: its name, its MD5 checksum and the URLs to try, in order.

    ``members`` is for an archive (EMNIST's zip): the names inside it to keep (each written
    beside the archive under its base name); the archive itself is removed afterwards.
    """

    file: str
    md5: str
    urls: tuple[str, ...]
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class DownloadProgress:
    """Where a download stands: file ``index`` (0-based) of ``files``, ``done`` of ``total``
    bytes of it (``total`` is ``None`` when the server did not say), and whether the whole
    dataset is now in place (``finished``)."""

    dataset: str
    file: str
    index: int
    files: int
    done: int
    total: int | None
    finished: bool = False

    @property
    def fraction(self) -> float | None:
        """How much of the whole dataset is done, 0…1 (``None`` while a size is unknown)."""
        if self.finished:
            return 1.0
        if not self.total:
            return None
        return (self.index + min(1.0, self.done / self.total)) / self.files


def sources(name: str) -> list[Source]:
    """The files of dataset ``name`` (a key of :data:`~cnn_core.data.datasets.DATASETS`
    other than the bundled MNIST and the user's own digits), as torchvision publishes them."""
    import torchvision.datasets as tvd  # lazily: it imports torch

    info = DATASETS[name]
    cls = getattr(tvd, info.torchvision_class)
    if name == "emnist_digits":
        members = tuple(f"gzip/{info.file_stem}{part}-{kind}-idx{3 if kind == 'images' else 1}"
                        f"-ubyte.gz" for part in ("train", "test") for kind in ("images", "labels"))
        return [Source("gzip.zip", cls.md5, (cls.url,), members)]
    return [Source(file, md5, tuple(mirror + file for mirror in cls.mirrors))
            for file, md5 in cls.resources]


def _open(url: str, timeout: float) -> BinaryIO:
    """Open ``url`` for reading (the one place that reaches the network)."""
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - http(s) URLs only


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    lines = [ln.strip(" :") for ln in str(exc).splitlines() if ln.strip(" :")]
    return lines[-1][:200] if lines else type(exc).__name__


def _fetch(source: Source, target: Path, name: str, index: int,
           files: int) -> Iterator[DownloadProgress]:
    """Write ``source`` to ``target`` through a temporary file, reporting as it goes."""
    errors: list[str] = []
    for url in source.urls:
        try:
            response = _open(url, TIMEOUT)
        except (OSError, ValueError) as exc:  # URLError is an OSError
            errors.append(f"{url}: {_reason(exc)}")
            continue
        temp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            with response, open(temp, "wb") as out:
                length = response.headers.get("Content-Length") if hasattr(
                    response, "headers") else None
                total = int(length) if length and length.isdigit() else None
                digest, done, last = hashlib.md5(usedforsecurity=False), 0, 0.0
                yield DownloadProgress(name, source.file, index, files, 0, total)
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if time.monotonic() - last >= REPORT_EVERY:
                        last = time.monotonic()
                        yield DownloadProgress(name, source.file, index, files, done, total)
            if total is not None and done != total:
                raise DatasetUnavailable(Core.tr("{url}: the connection ended after {done:,} of "
                                                 "{total:,} bytes", url=url, done=done,
                                                 total=total))
            if source.md5 and digest.hexdigest() != source.md5:
                raise DatasetUnavailable(Core.tr("{url}: the file's checksum is wrong (damaged "
                                                 "on the way, or not the expected file)",
                                                 url=url))
            os.replace(temp, target)
            return
        except OSError as exc:
            errors.append(f"{url}: {_reason(exc)}")
        finally:
            temp.unlink(missing_ok=True)
    raise DatasetUnavailable("; ".join(errors) or f"no address for {source.file}")


def _unpack(archive: Path, members: tuple[str, ...], folder: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        for member in members:
            final = folder / Path(member).name
            temp = final.with_name(f".{final.name}.{os.getpid()}.part")
            try:
                with zipped.open(member) as src, open(temp, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                os.replace(temp, final)
            finally:
                temp.unlink(missing_ok=True)


def download_steps(name: str, data_dir: str | Path) -> Iterator[DownloadProgress]:
    """Download dataset ``name`` into ``data_dir`` (torchvision's layout ``CLASS/raw/``),
    yielding progress; the last item has ``finished`` set.

    Files already there are kept, not fetched again. Closing the generator (a Cancel) or
    any error removes what this download had added: new folders, files and temporary files.

    Raises
    ------
    DatasetUnavailable
        If no URL of a file could be read, or its size or checksum is wrong; the message
        names each URL tried and why it failed.
    """
    info = DATASETS[name]
    folder = Path(data_dir) / info.torchvision_class / "raw"
    missing = {f"{file}.gz" for file in missing_files(name, data_dir)}
    todo = [s for s in sources(name) if s.members or s.file in missing] if missing else []
    created = next((p for p in (Path(data_dir), folder.parent, folder) if not p.exists()), None)
    before = set(folder.iterdir()) if folder.is_dir() else set()
    complete = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for index, source in enumerate(todo):
            yield from _fetch(source, folder / source.file, name, index, len(todo))
            if source.members:
                _unpack(folder / source.file, source.members, folder)
                (folder / source.file).unlink()
        still = missing_files(name, data_dir)
        if still:
            raise DatasetUnavailable(Core.tr("{files} not found after the download",
                                             files=", ".join(still)))
        complete = True
        yield DownloadProgress(name, todo[-1].file if todo else "", len(todo), len(todo), 0,
                               None, finished=True)
    finally:
        if not complete:
            _undo(Path(created) if created else None, folder, before)


def _undo(created: Path | None, folder: Path, before: set[Path]) -> None:
    """Remove what an unfinished download added: the first folder it created (whole), else
    the entries it added to the dataset's folder."""
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
        return
    if not folder.is_dir():
        return
    for entry in set(folder.iterdir()) - before:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def download_dataset(name: str, data_dir: str | Path | None = None,
                     report: Callable[[DownloadProgress], None] | None = None) -> None:
    """Download both splits of a dataset into ``data_dir`` (default
    :func:`~cnn_core.runtime.user_data.datasets_folder`)
    unless its files are there already; bundled MNIST needs nothing. ``report`` is called
    with each step's progress (see :func:`cnn_core.data.download.download_steps`).

    Nothing else in DigitLab downloads: :func:`~cnn_core.data.datasets.load_split` only
    reads files.

    Raises
    ------
    KeyError
        For an unknown dataset name.
    DatasetUnavailable
        If a download fails; the folders and files it had created are removed again.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if not missing_files(name, data_dir):
        return  # there, bundled, or drawn by the user: nothing to download
    folder = _data_folder(data_dir)
    try:
        for step in download_steps(name, folder):
            if report is not None:
                report(step)
    except DatasetUnavailable as exc:
        raise DatasetUnavailable(
            _missing_message(DATASETS[name], folder, f"download failed: {exc}")) from None
