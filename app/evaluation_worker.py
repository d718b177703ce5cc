"""Evaluation off the GUI thread: a :class:`~app.background.Task` drives the core generator.

:class:`EvaluationRunner` lives in the GUI thread and runs one evaluation at a time. Each is
an :class:`Evaluation` task that iterates :func:`cnn_core.analysis.evaluation.evaluate_steps`
in its thread and sends out only immutable things: the core's frozen progress events
(throttled) and the final :class:`~cnn_core.analysis.evaluation.EvaluationResult`
(read-only arrays). Cancelling stops the task after the current batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import Signal

from cnn_core.analysis.evaluation import (
    EvalSet,
    EvaluationProgress,
    EvaluationResult,
    evaluate_steps,
)
from cnn_core.checkpoints import Checkpoint

from .background import Task, worker_threads
from .one_at_a_time import OneAtATime

__all__ = ["Evaluation", "EvaluationRunner"]

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second
GUI_BATCH_SIZE = 250  # small batches: a cancel is honoured within one of them


class Evaluation(Task):
    """Evaluates a private model copy on ``make_set()`` (read in the worker thread too)."""

    progress = Signal(object)  # EvaluationProgress, throttled (from the worker thread)
    evaluated = Signal(object)  # EvaluationResult (from the worker thread)

    def __init__(self, checkpoint: Checkpoint, make_set: Callable[[], EvalSet],
                 batch_size: int = GUI_BATCH_SIZE) -> None:
        super().__init__("evaluation", torch_threads=worker_threads())
        self._checkpoint: Checkpoint | None = checkpoint
        self._make_set = make_set
        self._batch_size = batch_size
        self._last_progress = 0.0
        self.result: EvaluationResult | None = None

    def work(self) -> Iterator[object]:
        checkpoint, self._checkpoint = self._checkpoint, None  # freed when the task ends
        assert checkpoint is not None
        yield from evaluate_steps(checkpoint, self._make_set(), batch_size=self._batch_size)

    def handle(self, item: object) -> None:
        if isinstance(item, EvaluationResult):
            self.result = item
            self.evaluated.emit(item)
        elif isinstance(item, EvaluationProgress):
            now = time.monotonic()
            if now - self._last_progress >= PROGRESS_INTERVAL_S or item.done == item.total:
                self._last_progress = now
                self.progress.emit(item)


class EvaluationRunner(OneAtATime):
    """Starts evaluations; its signals are emitted in the GUI thread.

    Each evaluation's own signals are connected, before it starts, straight to the runner's
    signals: Qt queues them to the GUI thread and emits the runner's there, without a slot in
    between. So views may connect to and disconnect from the runner at any time (a signal of
    a running task must not be connected or disconnected from another thread).
    """

    progress = Signal(object)  # EvaluationProgress
    finished = Signal(object)  # EvaluationResult
    failed = Signal(str)
    cancelled = Signal()

    def start(self, checkpoint: Checkpoint, make_set: Callable[[], EvalSet]) -> None:
        """Evaluate a private copy of ``checkpoint`` on ``make_set()`` in the background."""
        if self.is_running():
            raise RuntimeError("an evaluation is already running")
        task = Evaluation(checkpoint.copy(), make_set)
        task.progress.connect(self.progress)
        task.evaluated.connect(self.finished)
        task.failed.connect(self.failed)
        self.launch(task)

    def cancel(self) -> None:
        """Stop after the current batch; :attr:`cancelled` follows."""
        self.stop()

    def shutdown(self, timeout_ms: int = 2000, kill_after_ms: int = 0) -> bool:
        """Cancel and wait up to ``timeout_ms`` for the evaluation to end; True if it did."""
        return super().shutdown(timeout_ms, kill_after_ms)

    def _finish(self, task: Task) -> None:
        if task.stop_requested() and getattr(task, "result", None) is None:
            self.cancelled.emit()
        super()._finish(task)
