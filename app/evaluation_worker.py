"""Evaluation off the GUI thread: a worker ``QObject`` in a ``QThread`` drives the core generator.

:class:`EvaluationWorker` iterates :func:`cnn_core.analysis.evaluation.evaluate_steps` in its thread
and sends out only immutable things: the core's frozen progress events and the final
:class:`~cnn_core.analysis.evaluation.EvaluationResult` (read-only arrays). Cancelling is a
``threading.Event`` set directly from the GUI thread (the worker's event loop is busy inside
the loop); the worker checks it after every batch. :class:`EvaluationRunner` lives in the GUI
thread and runs one evaluation at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import torch
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from cnn_core.analysis.evaluation import (
    EvalSet,
    EvaluationProgress,
    EvaluationResult,
    evaluate_steps,
)
from cnn_core.checkpoints import Checkpoint

from .training.worker import describe_error, gui_training_threads

__all__ = ["EvaluationRunner", "EvaluationWorker", "wait_for_stragglers"]

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second
GUI_BATCH_SIZE = 250  # small batches: a cancel is honoured within one of them

_stragglers: dict[QThread, QObject] = {}  # threads still ending after a shutdown's time limit




def wait_for_stragglers(timeout_ms: int = 10_000) -> bool:
    """Wait up to ``timeout_ms`` for evaluation threads that outlived a shutdown; True if none
    is left (call it while the QApplication lives)."""
    for thread in list(_stragglers):
        thread.wait(max(0, timeout_ms))
    return all(thread.isFinished() for thread in _stragglers)

class EvaluationWorker(QObject):
    """Runs one evaluation; its signals are emitted from the worker thread.

    Parameters
    ----------
    checkpoint
        A private copy of the model (the worker moves it to channels_last and uses it).
    make_set
        Builds the :class:`~cnn_core.analysis.evaluation.EvalSet` (reading files happens here, in
        the worker thread, too).
    cancel
        Set by the GUI thread to stop after the current batch.
    home
        The thread the worker returns to when done (the GUI thread), for ``deleteLater``.
    """

    progress = Signal(object)  # EvaluationProgress
    finished = Signal(object)  # EvaluationResult
    failed = Signal(str)  # one line for the user
    cancelled = Signal()
    done = Signal()  # always last: the thread may quit

    def __init__(self, checkpoint: Checkpoint, make_set: Callable[[], EvalSet],
                 cancel: threading.Event, home: QThread,
                 batch_size: int = GUI_BATCH_SIZE) -> None:
        super().__init__()
        self._checkpoint = checkpoint
        self._make_set = make_set
        self._cancel = cancel
        self._home = home
        self._batch_size = batch_size

    @Slot()
    def run(self) -> None:
        """Evaluate to the end or until cancelled (runs in the worker thread)."""
        try:
            self._evaluate()
        except Exception as exc:  # a failed evaluation is a message, never a crash
            log.info("evaluation failed", exc_info=True)
            self.failed.emit(describe_error(exc))
        finally:
            self._checkpoint = None  # type: ignore[assignment]  # free the model copy now
            self.moveToThread(self._home)
            self.done.emit()

    def _evaluate(self) -> None:
        torch.set_num_threads(gui_training_threads())  # leave a core to the GUI thread
        eval_set = self._make_set()
        last = 0.0
        steps = evaluate_steps(self._checkpoint, eval_set, batch_size=self._batch_size)
        for event in steps:
            if self._cancel.is_set():
                steps.close()
                self.cancelled.emit()
                return
            if isinstance(event, EvaluationResult):
                self.finished.emit(event)
            elif isinstance(event, EvaluationProgress):
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL_S or event.done == event.total:
                    last = now
                    self.progress.emit(event)


class EvaluationRunner(QObject):
    """Starts evaluations in a worker thread; every signal arrives in the GUI thread."""

    progress = Signal(object)  # EvaluationProgress
    finished = Signal(object)  # EvaluationResult
    failed = Signal(str)
    cancelled = Signal()
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: EvaluationWorker | None = None
        self._cancel = threading.Event()

    def is_running(self) -> bool:
        """Whether an evaluation's thread exists."""
        return self._thread is not None

    def start(self, checkpoint: Checkpoint, make_set: Callable[[], EvalSet]) -> None:
        """Evaluate a private copy of ``checkpoint`` on ``make_set()`` in a new thread."""
        if self.is_running():
            raise RuntimeError("an evaluation is already running")
        self._cancel = threading.Event()
        thread = QThread(self)
        thread.setObjectName("evaluation")
        worker = EvaluationWorker(checkpoint.copy(), make_set, self._cancel, self.thread())
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        # Slots of this GUI-thread object: queued, and each drops what an evaluation that is
        # no longer the current one still had on its way.
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)

    def _current(self) -> bool:
        return self._worker is not None and self.sender() is self._worker

    @Slot(object)
    def _on_progress(self, event: EvaluationProgress) -> None:
        if self._current():
            self.progress.emit(event)

    @Slot(object)
    def _on_finished(self, result: EvaluationResult) -> None:
        if self._current():
            self.finished.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._current():
            self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._current():
            self.cancelled.emit()

    def cancel(self) -> None:
        """Stop after the current batch; :attr:`cancelled` follows."""
        self._cancel.set()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Cancel and wait up to ``timeout_ms`` for the thread; True if it ended."""
        thread = self._thread
        if thread is None:
            return True
        self.cancel()
        if thread.wait(max(0, timeout_ms)):
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            if self._thread is thread:
                self._end()
            return True
        log.warning("the evaluation thread did not stop within %d ms", timeout_ms)
        thread.finished.disconnect(self._on_thread_finished)
        thread.setParent(None)
        # Thread and worker stay referenced until the thread ends: Qt never destroys it running.
        _stragglers[thread] = self._worker  # type: ignore[assignment]
        thread.finished.connect(lambda: _stragglers.pop(thread, None))
        self._thread = self._worker = None
        self.running_changed.emit(False)
        return False

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._thread is not None and self.sender() is self._thread:
            self._end()

    def _end(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if worker is not None:
            worker.deleteLater()
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)
