"""Model analyses that take longer than a frame (saliency, sweeps, adversarial search), run
off the GUI thread, one at a time, keeping only the latest request of each kind.

The worker gets its own deep copy of the canvas model whenever the canvas model changes, so
the GUI thread's live prediction and a training run never share a module with it. Jobs are
plain functions of that copy; what they return must be an immutable copy (numpy arrays,
frozen dataclasses), since it crosses back to the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from cnn_core.checkpoints import Checkpoint

from . import background
from .background import Task

__all__ = ["AnalysisWorker", "Job"]

log = logging.getLogger(__name__)

Job = Callable[[Checkpoint], Any]


def _timed(job: Job, checkpoint: Checkpoint) -> Iterator[tuple[Any, float]]:
    """Run ``job`` once (in the task's thread): its result and the seconds it took."""
    started = time.perf_counter()
    result = job(checkpoint)
    yield result, time.perf_counter() - started


class AnalysisWorker(QObject):
    """Runs analysis jobs as background tasks, one at a time; the latest request of each key
    wins.

    While a job runs, newer requests wait (one per key, replacing older ones), so a stream of
    drawing changes never builds a backlog and the last drawing is always answered. After a
    job the worker rests for as long as the job took, so that a stream of requests takes at
    most half of a core from the drawing and the live prediction.
    """

    finished = Signal(str, object, float)  # key, result, seconds the job took
    failed = Signal(str, str)  # key, message
    checkpoint_changed = Signal(object)  # the model analysed from now on (the caller's object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checkpoint: Checkpoint | None = None
        self._pending: dict[str, Job] = {}
        self._latest: dict[str, int] = {}  # key -> id of the newest request
        self._task: Task | None = None
        self._running: tuple[str, int] = ("", 0)  # the running task's key and request id
        self._next_id = 0
        self._rest = QTimer(self)  # the pause after a job, see the class docstring
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._dispatch)
        background.owner().stopping.connect(self._on_stopping)

    @Slot()
    def _on_stopping(self) -> None:
        """All background work is being stopped (the window closes): start nothing more."""
        self._pending.clear()
        self._rest.stop()

    def set_checkpoint(self, checkpoint: Checkpoint | None) -> None:
        """Analyse ``checkpoint`` from now on (the worker keeps a private deep copy)."""
        self._checkpoint = checkpoint.copy() if checkpoint is not None else None
        if checkpoint is not None:
            self.checkpoint_changed.emit(checkpoint)
        self._dispatch()

    def has_model(self) -> bool:
        """True once a model is set."""
        return self._checkpoint is not None

    def submit(self, key: str, job: Job) -> None:
        """Run ``job(model_copy)`` soon; an older waiting job of the same ``key`` is dropped."""
        self._pending[key] = job
        self._dispatch()

    def cancel(self, key: str) -> None:
        """Forget a waiting job and ignore the result of a running one of this ``key``."""
        self._pending.pop(key, None)
        self._latest[key] = -1

    def is_idle(self) -> bool:
        """True when nothing runs or waits."""
        return self._task is None and not self._pending

    def _dispatch(self) -> None:
        if (self._task is not None or self._rest.isActive() or not self._pending
                or self._checkpoint is None):
            return
        key = next(iter(self._pending))
        job = self._pending.pop(key)
        self._next_id += 1
        self._latest[key] = self._next_id
        self._running = (key, self._next_id)
        checkpoint = self._checkpoint
        task = Task(f"analysis-{key}", lambda: _timed(job, checkpoint))
        task.yielded.connect(self._on_done)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_task_finished)
        self._task = task
        background.owner().start(task)

    def _current(self) -> bool:
        return self._task is not None and self.sender() is self._task

    @Slot(object)
    def _on_done(self, outcome: tuple[Any, float]) -> None:
        key, request = self._running
        result, seconds = outcome
        if not self._current():
            return
        self._rest.start(min(int(seconds * 1000), 500))
        # A slightly stale answer (a newer request waits) is still shown: while the user
        # draws, the newest finished analysis is better than none.
        if self._latest.get(key) == request:
            self.finished.emit(key, result, seconds)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        key, request = self._running
        if self._current() and self._latest.get(key) == request:
            self.failed.emit(key, message)

    @Slot()
    def _on_task_finished(self) -> None:
        if self._current():
            self._task = None
            self._dispatch()

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Forget waiting jobs and wait up to ``timeout_ms`` for the running one (which
        reports nothing more)."""
        self._pending.clear()
        task, self._task = self._task, None
        if task is not None:
            background.owner().stop([task], timeout_ms)
