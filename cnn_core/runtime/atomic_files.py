"""Write a file so that a crash leaves either the old file or the new one, never half of it.

Every writer here puts the new content in a temporary file beside the target
(``.NAME.<random>.tmp``, same folder so the rename stays on one file system), flushes and
fsyncs it, then renames it over the target. The new file gets the old one's permissions, or
those the umask gives a new file. A failure removes the temporary file and
re-raises; a process killed outright may leave one behind (see :func:`temp_files_of`).
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["new_file_mode", "temp_files_of", "write_atomic", "write_bytes_atomic"]


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> Path:
    """Atomically replace ``path`` with what ``write`` writes to the binary handle it gets.

    ``write`` may stream (a zip archive, a large payload in parts); it must not close the
    handle. Creates the parent folder if needed. Returns ``path`` as a :class:`Path`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), new_file_mode(path))
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and put back at once
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode the target gets: its old file's, else what ``open()`` would give (0o666 less
    the umask), not the 0o600 of a temporary file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Atomically replace ``path`` with ``data`` (see :func:`write_atomic`)."""
    return write_atomic(path, lambda handle: handle.write(data))


def temp_files_of(path: str | Path) -> Iterator[Path]:
    """The temporary files of writes to ``path`` that are in progress or were killed."""
    path = Path(path)
    return path.parent.glob(f".{glob.escape(path.name)}.*.tmp")
