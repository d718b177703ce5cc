"""What every ``digitlab`` command shares: errors, exit codes, output checks and formatting.

Nothing here imports torch: ``digitlab --help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_STOPPED", "EXIT_USAGE", "CliError",
           "HelpFormatter", "OutputFile", "UsageError", "check_output_file", "download",
           "exit_codes", "fmt_time", "load_checkpoint", "plural", "print_json",
           "require_tensorboard_option", "say"]

EXIT_OK = 0
EXIT_ERROR = 1
"""A user-facing failure (a bad file, a missing data set, a diverged run): one line on stderr."""
EXIT_USAGE = 2
"""A usage error: an unknown option, or an option value out of range."""
EXIT_STOPPED = 3
"""Stopped by Ctrl+C after something was saved (``train``: the checkpoint of the weights so far).
"""
EXIT_INTERRUPTED = 130
"""Ctrl+C with nothing written (128 + SIGINT)."""


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""


class UsageError(CliError):
    """An option value that cannot work (``--epochs 0``): usage and one line, exit code 2."""


def exit_codes(extra: dict[int, str] | None = None) -> str:
    """The epilog paragraph that lists a command's exit codes; ``extra`` adds the command's
    own (or more to say about a shared one)."""
    codes = {EXIT_OK: "success",
             EXIT_ERROR: "an error (a bad file, a missing data set): one line on stderr",
             EXIT_USAGE: "a usage error (an unknown option or a value out of range)",
             EXIT_INTERRUPTED: "interrupted by Ctrl+C before anything was written"}
    for code, text in (extra or {}).items():
        codes[code] = f"{codes[code]}; {text}" if code in codes else text
    lines = [textwrap.fill(f"  {code:>3}  {codes[code]}", 78, subsequent_indent=" " * 7)
             for code in sorted(codes)]
    return "\n".join(["Exit status:", *lines])


class HelpFormatter(argparse.HelpFormatter):
    """Wraps each paragraph of a description or epilog on its own and keeps indented lines
    (examples) as written; appends ``(default: X)`` to options whose default says something."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out = []
        for para in text.split("\n"):
            if para.startswith(" ") or not para:
                out.append(indent + para)
            else:
                out.append(textwrap.fill(para, width, initial_indent=indent,
                                         subsequent_indent=indent))
        return "\n".join(out)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if ("%(default)" in text or "default" in text or not action.option_strings
                or default in (None, False, argparse.SUPPRESS)):
            return text
        return f"{text} (default: %(default)s)"


def fmt_time(seconds: float) -> str:
    """``75.4`` → ``"1:15"``; ``3725`` → ``"1:02:05"``."""
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def plural(n: int, noun: str) -> str:
    """``plural(1, "epoch")`` → ``"1 epoch"``; ``plural(2_000, "image")`` → ``"2,000 images"``;
    ``plural(3, "batch")`` → ``"3 batches"``."""
    if n == 1:
        return f"{n:,} {noun}"
    return f"{n:,} {noun}es" if noun.endswith(("ch", "sh", "s", "x")) else f"{n:,} {noun}s"


def print_json(obj: Any) -> None:
    """The command's result as JSON on stdout (progress and notes go to stderr)."""
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")
    sys.stdout.flush()


def say(text: str) -> None:
    """A note for the user on stderr ("saved …", "wrote …", "skipped …"): stdout holds only
    results, so that ``--json`` output and pipes stay clean."""
    print(text, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- inputs


def load_checkpoint(path: str | None) -> Any:
    """``--checkpoint PATH``, or the bundled model."""
    from ..checkpoints import bundled_checkpoint_path
    from ..checkpoints import load_checkpoint as load

    return load(Path(path) if path else bundled_checkpoint_path())


def download(dataset: str, data_dir: str | None) -> None:
    """``--download``: fetch the dataset's files unless they are there (progress on stderr,
    so that ``--json`` output stays clean)."""
    from ..data.download import download_dataset

    shown: dict[str, int] = {}

    def report(step: Any) -> None:  # one line per tenth of a file, and one at the end
        if step.finished:
            say(f"downloaded {dataset}")
        elif step.total and step.done * 10 // step.total > shown.get(step.file, -1):
            shown[step.file] = step.done * 10 // step.total
            say(f"downloading {step.file} ({step.index + 1}/{step.files}): "
                f"{step.done / 1e6:.1f} of {step.total / 1e6:.1f} MB")

    download_dataset(dataset, data_dir, report)


# ----------------------------------------------------------------------------- outputs


def require_tensorboard_option() -> None:
    """``--tensorboard`` needs the tensorboard extra: a usage error (exit 2) that names it."""
    from ..training.tensorboard_log import TensorBoardMissing, require_tensorboard

    try:
        require_tensorboard()
    except TensorBoardMissing as exc:
        raise UsageError(str(exc)) from None


def check_output_file(path: str | Path, option: str = "--out") -> Path:
    """Refuse an output path that cannot be written, before any work starts.

    A folder (existing, or written with a trailing separator), a path through a file, or a
    folder the user may not write into is a :class:`CliError` naming ``option``. Missing
    folders on the way are fine (the save creates them).
    """
    text = str(path)
    path = Path(path)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise CliError(f"{option} {text}: is a folder; give a file name "
                       f"(e.g. {path / 'model.safetensors'})")
    parent = path.parent
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise CliError(f"{option} {text}: {parent} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".digitlab-write-check.", dir=parent)
    except OSError as exc:
        raise CliError(f"{option} {text}: cannot write into {parent} "
                       f"({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
    return path


@dataclass
class OutputFile:
    """A file a command will write: tells afterwards whether it was (re)written.

    Read from the file system, not from the program's own bookkeeping, so that a Ctrl+C that
    lands between the rename of a save and the next line still counts the file as written.
    """

    path: Path
    note: str = ""  # what to say once it is written, if not "saved PATH"
    _before: tuple[int, int] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._before = self._identity()

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    @property
    def written(self) -> bool:
        """Whether the file now at the path is another one than when this was made."""
        now = self._identity()
        return now is not None and now != self._before
