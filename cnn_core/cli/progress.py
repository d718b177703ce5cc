"""Progress on stderr: a redrawn bar on a terminal, plain lines in a log or a pipe."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from .common import fmt_time

__all__ = ["ProgressBar"]

FIRST_LOG_LINE_S = 2.0
"""Without a terminal, the first progress line comes this many seconds into the work …"""
LOG_EVERY_S = 15.0
"""… and the next ones this often, so that a log shows life well within an epoch."""


class ProgressBar:
    """Progress on stderr.

    On a terminal, a bar redrawn at most ten times a second; in a log or a pipe, a plain line
    after :data:`FIRST_LOG_LINE_S` seconds and then every :data:`LOG_EVERY_S` seconds.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 24) -> None:
        # sys.stderr is looked up now, not at import: redirections made later must apply
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last = 0.0
        self._next_log = time.monotonic() + FIRST_LOG_LINE_S

    def _due(self) -> bool:
        now = time.monotonic()
        if self.tty:
            if now - self._last < 0.1:
                return False
            self._last = now
            return True
        if now < self._next_log:
            return False
        self._next_log = now + LOG_EVERY_S
        return True

    def _show(self, text: str) -> None:
        if self.tty:
            self.stream.write(f"\r{text} ")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _bar(self, frac: float) -> str:
        filled = int(frac * self.width)
        return "[" + "█" * filled + "·" * (self.width - filled) + "] " if self.tty else ""

    def batch(self, ev: Any, epochs: int, steps_per_epoch: int) -> None:
        """A training step's report (:class:`cnn_core.training.BatchDone`)."""
        if not self._due():
            return
        batch = ev.step - (ev.epoch - 1) * steps_per_epoch
        frac = batch / max(1, steps_per_epoch)
        self._show(f"epoch {ev.epoch}/{epochs} {self._bar(frac)}{frac:5.1%}  "
                   f"loss {ev.loss:.4f}  {ev.samples_per_second:,.0f} img/s  "
                   f"ETA {fmt_time(ev.eta)}")

    def progress(self, done: int, total: int, eta: float) -> None:
        """``done`` of ``total`` images."""
        if not self._due():
            return
        frac = done / max(1, total)
        self._show(f"{self._bar(frac)}{done:,}/{total:,} images  ETA {fmt_time(eta)}")

    def line(self, text: str) -> None:
        """A line that stays (clears the bar first on a terminal)."""
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()
