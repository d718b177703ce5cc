"""One training at a time, in its own ``QThread``: start, pause, resume, stop, shut down.

:class:`TrainingController` lives in the GUI thread. Each run gets a fresh
:class:`~app.training.worker.TrainingWorker` and ``QThread``; both are deleted with
``deleteLater`` when the thread ends, so starting and stopping any number of runs leaks
neither threads nor models. The controller does not relay what the worker reports: the
caller of :meth:`TrainingController.start` connects the worker's signals to its own GUI-thread
slots (queued, so they arrive in order), and each slot asks :meth:`~TrainingController.is_current`
whether its sender still speaks for the current run. A new run can only start once the
previous thread has ended, so no late event of an old run can reach the new one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from cnn_core.training import TrainConfig, TrainControl
from cnn_core.training.process import shared_control, shared_gate

from .worker import TrainingWorker, train_in_process

__all__ = ["TrainingController", "wait_for_stragglers"]

log = logging.getLogger(__name__)

# Runs that did not end within a shutdown's time limit (a long evaluation step): thread and
# worker stay referenced until the thread ends, so that Qt never destroys a running QThread.
_stragglers: dict[QThread, TrainingWorker] = {}


class _Reaper(QObject):
    """Deletes straggling runs once their threads have ended (lives in the GUI thread)."""

    @Slot()
    def reap(self) -> None:
        for thread in [t for t in _stragglers if t.isFinished()]:
            _stragglers.pop(thread).deleteLater()
            thread.deleteLater()

    @Slot()
    def wait_all(self) -> None:
        wait_for_stragglers()


def wait_for_stragglers(timeout_ms: int | None = None) -> bool:
    """Wait for the runs that outlived a shutdown (call it while the QApplication lives,
    before it quits); True if none is left. ``None`` waits as long as they take."""
    for thread in list(_stragglers):
        if timeout_ms is None:
            thread.wait()
        else:
            thread.wait(max(0, timeout_ms))
    if _reaper is not None:
        _reaper.reap()
    return all(thread.isFinished() for thread in _stragglers)


_reaper: _Reaper | None = None


def _adopt(thread: QThread, worker: TrainingWorker) -> None:
    global _reaper
    app = QCoreApplication.instance()
    if _reaper is None and app is not None:
        _reaper = _Reaper(app)
        app.aboutToQuit.connect(_reaper.wait_all)
    thread.setParent(app)
    _stragglers[thread] = worker
    if _reaper is not None:
        thread.finished.connect(_reaper.reap)  # queued to the GUI thread


class TrainingController(QObject):
    """Starts training runs in a worker thread; owns the thread's life, not its messages.

    ``running_changed`` is emitted in the GUI thread when a run's thread starts and ends.
    """

    running_changed = Signal(bool)  # a thread started (True) or ended (False)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._control: TrainControl | None = None
        self._receiver: QObject | None = None
        self._snapshot_gate = threading.Event()
        self.runs_started = 0

    # ----------------------------------------------------------------- state
    def is_running(self) -> bool:
        """Whether a run's thread exists (from :meth:`start` until the thread has ended)."""
        return self._thread is not None

    def is_paused(self) -> bool:
        """Whether the current run is paused."""
        return self._control is not None and self._control.paused

    def training_pid(self) -> int | None:
        """The current run's training process, if it trains in one (benchmarks read it)."""
        return self._worker.pid if self._worker is not None else None

    def is_current(self, sender: QObject | None) -> bool:
        """Whether ``sender`` (a slot's ``self.sender()``) is the current run's worker."""
        return self._worker is not None and sender is self._worker

    def snapshot_received(self) -> None:
        """A live snapshot arrived in the GUI thread: the worker may take the next one."""
        self._snapshot_gate.clear()

    # -------------------------------------------------------------- commands
    def start(self, config: TrainConfig, receiver: QObject,
              connect: Callable[[TrainingWorker], None]) -> TrainingWorker:
        """Start a run of ``config`` in a new thread.

        ``connect(worker)`` connects the worker's signals to slots of ``receiver`` (a
        GUI-thread object) before the thread starts.

        Raises
        ------
        RuntimeError
            If a run is still going (stop it and wait for ``running_changed(False)``).
        """
        if self.is_running():
            raise RuntimeError("a training run is already going")
        in_process = train_in_process()
        self._control = shared_control() if in_process else TrainControl()
        self._snapshot_gate = shared_gate() if in_process else threading.Event()
        thread = QThread(self)
        thread.setObjectName(f"training-{self.runs_started + 1}")
        worker = TrainingWorker(config, self._control, self.thread(), self._snapshot_gate,
                                in_process=in_process)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Direct: QThread.quit is thread-safe, and a GUI thread blocked in wait() could not
        # deliver a queued quit.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        connect(worker)
        # Queued behind every signal the worker sent, so it is the last word of a run.
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker, self._receiver = thread, worker, receiver
        self.runs_started += 1
        thread.start()
        self.running_changed.emit(True)
        return worker

    def pause(self) -> None:
        """Hold the run at the next batch (set directly: the worker's event loop is busy)."""
        if self._control is not None:
            self._control.pause()

    def resume(self) -> None:
        """Continue a paused run."""
        if self._control is not None:
            self._control.resume()

    def stop(self) -> None:
        """End the run at the next batch; it reports ``finished(Stopped)`` with its weights."""
        if self._control is not None:
            self._control.stop()

    def shutdown(self, timeout_ms: int = 2000, kill_after_ms: int = 3000) -> bool:
        """Stop the run and wait up to ``timeout_ms`` for its thread; True if it ended.

        A run in a child process that has not stopped by then (still starting, or in a long
        evaluation) is killed, and its thread gets ``kill_after_ms`` more to end. A thread
        still busy after that (an in-thread run) is kept referenced until it ends, and the
        application waits for it before quitting, so Qt never sees a running ``QThread``
        destroyed.
        """
        thread, worker = self._thread, self._worker
        if thread is None:
            return True
        self.stop()
        ended = thread.wait(max(0, timeout_ms))
        if not ended and worker is not None and worker.in_process:
            log.warning("the training process did not stop within %d ms: ending it", timeout_ms)
            worker.abort()
            ended = thread.wait(max(0, kill_after_ms))
        if ended:
            # Deliver what the run queued (its Stopped event to the receiver, then the
            # thread's end to us) now, in order, instead of leaving it to an event loop that
            # may never run again.
            if self._receiver is not None:
                QCoreApplication.sendPostedEvents(self._receiver, QEvent.Type.MetaCall)
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            if self._thread is thread:  # not ended by the delivery above (should not happen)
                self._end_run()
            return True
        log.warning("the training thread did not stop within %d ms", timeout_ms)
        self._keep_alive(thread)
        return False

    def _keep_alive(self, thread: QThread) -> None:
        worker = self._worker
        assert worker is not None
        thread.finished.disconnect(self._on_thread_finished)  # it speaks for no run of ours
        _adopt(thread, worker)
        self._forget()  # is_current() is False for it from now on
        self.running_changed.emit(False)

    # ----------------------------------------------------------------- slots
    @Slot()
    def _on_thread_finished(self) -> None:
        if self._thread is not None and self.sender() is self._thread:
            self._end_run()

    def _end_run(self) -> None:
        thread, worker = self._thread, self._worker
        self._forget()
        if worker is not None:
            worker.deleteLater()  # back in this thread since the end of its run
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)

    def _forget(self) -> None:
        self._thread = self._worker = self._control = self._receiver = None
