"""The run's clock: time spent inside the run, without pauses or the caller's work."""

from __future__ import annotations

import time

__all__ = ["RunClock"]


class RunClock:
    """Counts seconds only while started; evaluation time is counted apart for the speed.

    The trainer starts it when its generator resumes and stops it before each yield, so time a
    caller spends handling an event, or a pause, never counts as training.
    """

    def __init__(self) -> None:
        self._total = 0.0
        self._since: float | None = None
        self.eval_seconds = 0.0  # part of elapsed spent on evaluation passes

    def start(self) -> None:
        """Count from now on (no-op when already counting)."""
        if self._since is None:
            self._since = time.perf_counter()

    def stop(self) -> None:
        """Stop counting (no-op when stopped)."""
        if self._since is not None:
            self._total += time.perf_counter() - self._since
            self._since = None

    @property
    def elapsed(self) -> float:
        """Seconds counted so far."""
        running = 0.0 if self._since is None else time.perf_counter() - self._since
        return self._total + running

    def add_eval(self, seconds: float) -> None:
        """Book ``seconds`` of the elapsed time as evaluation."""
        self.eval_seconds += seconds

    def rate(self, samples: int) -> float:
        """Training samples per second, evaluation passes excluded."""
        return samples / max(self.elapsed - self.eval_seconds, 1e-9)

    def eta(self, done: int, total: int) -> float:
        """Seconds left, at the pace so far, when ``done`` of ``total`` units are done."""
        return self.elapsed / max(done, 1) * (total - done)
