"""Write a file so that a crash leaves either the old file or the new one, never half of it.

Every writer here puts the new content in a temporary file beside the target
(``.NAME.<random>.tmp``, same folder so the rename stays on one file system), flushes and
fsyncs it, then renames it over the target. A failure removes the temporary file and
re-raises; a process killed outright may leave one behind (see :func:`temp_files_of`).
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["temp_files_of", "write_atomic", "write_bytes_atomic"]


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
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Atomically replace ``path`` with ``data`` (see :func:`write_atomic`)."""
    return write_atomic(path, lambda handle: handle.write(data))


def temp_files_of(path: str | Path) -> Iterator[Path]:
    """The temporary files of writes to ``path`` that are in progress or were killed."""
    path = Path(path)
    return path.parent.glob(f".{glob.escape(path.name)}.*.tmp")
