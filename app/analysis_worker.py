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
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from cnn_core.checkpoints import Checkpoint

__all__ = ["AnalysisWorker", "Job"]

log = logging.getLogger(__name__)

Job = Callable[[Checkpoint], Any]


class _Runner(QObject):
    """Lives in the worker thread and runs one job per queued call."""

    done = Signal(str, int, object, float)  # key, request id, result, seconds
    failed = Signal(str, int, str)  # key, request id, one-line message

    @Slot(str, int, object, object)
    def run(self, key: str, request: int, job: Job, checkpoint: Checkpoint) -> None:
        started = time.perf_counter()
        try:
            result = job(checkpoint)
        except Exception as exc:  # a failing analysis must not take the app down
            log.exception("analysis %s failed", key)
            self.failed.emit(key, request, f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(key, request, result, time.perf_counter() - started)


class AnalysisWorker(QObject):
    """Runs analysis jobs in a worker thread; the latest request of each key wins.

    While a job runs, newer requests wait (one per key, replacing older ones), so a stream of
    drawing changes never builds a backlog and the last drawing is always answered. After a
    job the worker rests for as long as the job took, so that a stream of requests takes at
    most half of a core from the drawing and the live prediction.
    """

    finished = Signal(str, object, float)  # key, result, seconds the job took
    failed = Signal(str, str)  # key, message
    checkpoint_changed = Signal(object)  # the model analysed from now on (the caller's object)
    _start = Signal(str, int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checkpoint: Checkpoint | None = None
        self._pending: dict[str, Job] = {}
        self._latest: dict[str, int] = {}  # key -> id of the newest request
        self._busy = False
        self._next_id = 0
        self._rest = QTimer(self)  # the pause after a job, see the class docstring
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._dispatch)
        self._thread = QThread(self)
        self._thread.setObjectName("analysisThread")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._start.connect(self._runner.run)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._thread.finished.connect(self._runner.deleteLater)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:  # a window deleted without closing must not kill a live thread
            app.aboutToQuit.connect(self.shutdown)

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
        return not self._busy and not self._pending

    def _dispatch(self) -> None:
        if (self._busy or self._rest.isActive() or not self._pending
                or self._checkpoint is None):
            return
        key = next(iter(self._pending))
        job = self._pending.pop(key)
        self._next_id += 1
        self._latest[key] = self._next_id
        self._busy = True
        self._start.emit(key, self._next_id, job, self._checkpoint)

    def _on_done(self, key: str, request: int, result: object, seconds: float) -> None:
        self._busy = False
        self._rest.start(min(int(seconds * 1000), 500))
        # A slightly stale answer (a newer request waits) is still shown: while the user
        # draws, the newest finished analysis is better than none.
        if self._latest.get(key) == request:
            self.finished.emit(key, result, seconds)
        self._dispatch()

    def _on_failed(self, key: str, request: int, message: str) -> None:
        self._busy = False
        if self._latest.get(key) == request:
            self.failed.emit(key, message)
        self._dispatch()

    def shutdown(self) -> None:
        """Stop the thread after the running job (call before the window closes)."""
        self._pending.clear()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
        self._busy = False  # a job that ended during the wait never reports back now
