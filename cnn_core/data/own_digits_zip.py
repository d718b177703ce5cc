"""Zips of the user's own digits: export, and an import that trusts nothing in the file.

:func:`export_zip` writes ``samples/LABEL_ID.png``, ``drawings/LABEL_ID.png`` and a small
``manifest.json``. :func:`import_zip` takes that layout, or pictures named
``LABEL_anything.png`` (``.jpg``, ``.bmp``, …) or placed in a folder ``0`` … ``9``:

- entry names are only ever read for their digit, never used as paths (nothing is extracted);
  absolute names, ``..``, backslashes and drive letters are refused all the same;
- the zip file, each entry (declared and actual size), the compression ratio, the number of
  entries and the total read are bounded (no zip bomb);
- every picture is decoded by :mod:`cnn_core.data.images` and made a 28×28 sample by
  :func:`cnn_core.data.own_digits.to_sample28`; blank pictures and samples already in the store
  are skipped.

A bad entry is skipped with its reason (:class:`~cnn_core.data.own_digits.ImportReport`), never an
exception. Qt-free.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..runtime.atomic_files import write_atomic
from ..runtime.messages import Core, Message
from .images import ImageError, decode_image, load_image
from .own_digits import (
    DRAWINGS,
    MAX_SAMPLES,
    SAMPLES,
    ImportReport,
    OwnDigitStore,
    OwnSample,
    fingerprint,
    label_of,
    png_bytes,
    to_sample28,
)

__all__ = ["MAX_ENTRY_BYTES", "MAX_TOTAL_BYTES", "MAX_ZIP_BYTES", "MAX_ZIP_ENTRIES",
           "export_zip", "import_zip"]

MAX_ZIP_BYTES = 64 * 1024 * 1024  # a zip file larger than this is not opened
MAX_ZIP_ENTRIES = 2 * MAX_SAMPLES + 16  # samples + drawings + a manifest
MAX_ENTRY_BYTES = 4 * 1024 * 1024  # one picture, uncompressed (a 280×280 PNG is ~10 KB)
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything read from one zip, uncompressed
_MANIFEST = "manifest.json"
_FORMAT = "digitlab-own-digits"


def export_zip(store: OwnDigitStore, path: str | Path,
               samples: Iterable[OwnSample] | None = None) -> int:
    """Write the samples (default: all) and their drawings to a zip; return the count.

    The zip is written to a temporary file beside ``path`` and renamed, so an existing
    file at ``path`` is replaced only by a complete zip.
    """
    chosen = list(store.samples() if samples is None else samples)

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = {"format": _FORMAT, "version": 1, "count": len(chosen),
                        "labels": [s.label for s in chosen]}
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=1))
            for sample in chosen:
                archive.write(sample.path, f"{SAMPLES}/{sample.name}")
                if sample.drawing is not None and sample.drawing.is_file():
                    archive.write(sample.drawing, f"{DRAWINGS}/{sample.name}")

    write_atomic(path, write)
    return len(chosen)


def import_zip(store: OwnDigitStore, path: str | Path) -> ImportReport:
    """Add the samples of a zip (see the module docstring); bad entries are skipped.

    Samples already in the store (the same 28×28 pixels) are skipped too, so importing
    the same zip twice adds nothing the second time.

    Raises
    ------
    ValueError
        When the file itself cannot be used (missing, too large, not a zip); one line.
    """
    source = Path(path)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise ValueError(f"{source}: {exc.strerror or exc}") from None
    if size > MAX_ZIP_BYTES:
        raise ValueError(Core.tr("{name}: too large for a zip of digits ({size:.0f} MB; the "
                                 "limit is {limit} MB)", name=source.name, size=size / 2**20,
                                 limit=MAX_ZIP_BYTES // 2**20))
    try:
        with zipfile.ZipFile(source) as archive:
            return _import(store, archive)
    except zipfile.BadZipFile as exc:
        raise ValueError(Core.tr("{name}: not a zip file ({why})", name=source.name,
                                 why=str(exc))) from None
    except OSError as exc:
        raise ValueError(f"{source.name}: {exc.strerror or exc}") from None


def _import(store: OwnDigitStore, archive: zipfile.ZipFile) -> ImportReport:
    infos = archive.infolist()
    skipped: list[Message] = []
    if len(infos) > MAX_ZIP_ENTRIES:
        skipped.append(Core.tr("{n} entries past the first {limit:,}: too many entries",
                               n=len(infos) - MAX_ZIP_ENTRIES, limit=MAX_ZIP_ENTRIES))
        infos = infos[:MAX_ZIP_ENTRIES]
    drawings = {PurePosixPath(i.filename).name: i for i in infos
                if _safe_name(i.filename) is None and _is_drawing(i.filename)}
    known = {_fingerprint_of_file(s.path) for s in store.samples()}
    room = MAX_SAMPLES - len(store.samples())
    added: list[OwnSample] = []
    budget = [MAX_TOTAL_BYTES]
    for info in infos:
        name = info.filename
        if info.is_dir() or name == _MANIFEST or _is_drawing(name):
            continue
        reason = _safe_name(name) or _entry_problem(info)
        label = label_of(name) if reason is None else None
        if reason is None and label is None:
            reason = Core.tr("no digit in its name (name files like 7_mine.png or put them "
                             "in 7/)")
        if reason is None and len(added) >= room:
            reason = Core.tr("the store is full ({n:,} samples)", n=MAX_SAMPLES)
        if reason is not None:
            skipped.append(_skipped(name, reason))
            continue
        try:
            data = _read_entry(archive, info, budget)
            sample = to_sample28(decode_image(data))
            print_ = fingerprint(sample)
            if print_ in known:
                raise ImageError(Core.tr("already in your samples"))
            drawing = _drawing_of(archive, drawings.get(PurePosixPath(name).name),
                                       budget)
        except ImageError as exc:
            skipped.append(_skipped(name, exc.reason))
            continue
        known.add(print_)
        stored = store.add_png(label, png_bytes(sample), drawing)
        added.append(stored)
    return ImportReport(tuple(added), tuple(skipped))


def _skipped(name: str, reason: str) -> Message:
    """One line of :attr:`ImportReport.skipped`: the entry and why it was not imported."""
    return Core.tr("{name}: {reason}", name=name, reason=reason)


def _drawing_of(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None,
                budget: list[int]) -> bytes | None:
    """A sample's drawing from the zip, re-encoded; ``None`` when absent or unusable."""
    if info is None or _entry_problem(info) is not None:
        return None
    try:
        gray = decode_image(_read_entry(archive, info, budget))
    except ImageError:
        return None
    return png_bytes(gray)


def _safe_name(name: str) -> str | None:
    """Why an entry name is unsafe (absolute, climbing out, odd characters), or ``None``."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return Core.tr("unsafe path in the zip")
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts) or len(parts) > 4 or len(name) > 255:
        return Core.tr("unsafe path in the zip")
    return None


def _is_drawing(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) >= 2 and parts[-2] == DRAWINGS


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & 0x1:
        return Core.tr("encrypted")
    if info.file_size > MAX_ENTRY_BYTES:
        return Core.tr("too large ({size:,} bytes uncompressed; the limit is {limit:,})",
                       size=info.file_size, limit=MAX_ENTRY_BYTES)
    if info.compress_size and info.file_size / info.compress_size > 1_000:
        return Core.tr("suspicious compression ratio (a zip bomb?)")
    return None


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """The entry's bytes, never more than its declared size or what is left of ``budget``."""
    limit = min(info.file_size, MAX_ENTRY_BYTES, budget[0])
    if limit < info.file_size:
        raise ImageError(Core.tr("the zip holds more data than a set of digits can"))
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        raise ImageError(Core.tr("cannot be read from the zip ({why})", why=str(exc))) from None
    if len(data) > limit:  # the header lied about the size
        raise ImageError(Core.tr("larger than its declared size"))
    budget[0] -= len(data)
    return data


def _fingerprint_of_file(path: Path) -> str:
    try:
        return fingerprint(to_sample28(load_image(path)))
    except ImageError:
        return ""
