"""Background work: every job longer than a frame runs as a :class:`Task`, owned by one
:class:`BackgroundWork`.

A task iterates a Qt-free piece of work (usually a generator of the core: training messages,
evaluation steps, fine-tuning events; or one function call) in a ``QThread`` of its own. The
task object itself lives in the GUI thread, but its signals are emitted from the worker
thread, so a GUI-thread object that connects one of its slots gets each item queued, in
order, in one hop (superqt's ``GeneratorWorker`` and napari's ``thread_worker`` work the same
way). ``finished`` is always the last word, emitted in the GUI thread once the thread has
ended. Only immutable things cross: frozen event dataclasses, numpy copies, model copies.

Stopping is a flag the GUI thread sets directly (the worker's event loop is busy inside the
work, so nothing could be queued to it): :meth:`Task.stop` calls the work's own stop (a
:class:`~cnn_core.training.TrainControl`, which makes training report ``Stopped``), or, for
work without one, breaks the loop after the current item.

:func:`owner` is the application's one :class:`BackgroundWork`: :meth:`~BackgroundWork.start`
keeps a task referenced until its thread has ended, so Qt never destroys a running
``QThread``; :meth:`~BackgroundWork.stop_all` is what the window calls when it closes; a task
that did not end in time is a straggler, waited for by :meth:`~BackgroundWork.wait_for_stragglers`
before the application quits. :class:`app.one_at_a_time.OneAtATime` is one task of a kind
at a time (a training run, a fine-tuning, an evaluation) on top of this.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from .language import say

__all__ = ["BackgroundWork", "Task", "describe_error", "owner", "stop_all", "stop_requested",
           "wait_for_stragglers", "worker_threads"]

log = logging.getLogger(__name__)

Work = Callable[[], Iterable[object]]

_here = threading.local()  # .task: the Task whose work runs in this thread


def stop_requested() -> bool:
    """Whether the task running in this thread was asked to stop (``False`` outside a task).

    For work that is one long call (an analysis job): pass it to a core loop that polls a
    ``stop`` callable between its steps, e.g. ``smallest_flip(..., stop=stop_requested)``.
    """
    task = getattr(_here, "task", None)
    return task is not None and task.stop_requested()


def worker_threads() -> int:
    """CPU threads for work next to a live GUI: all cores but one.

    The GUI thread (drawing, plots, live prediction) needs a core of its own. Without one,
    torch's OpenMP threads wait at every barrier for a thread that something else has
    pre-empted: on a 2-core machine with one core busy elsewhere we measured LeNet training
    at ~270 samples/s with 2 threads and ~7,000 with 1. ``DIGITLAB_TRAIN_THREADS`` overrides
    the count.
    """
    override = os.environ.get("DIGITLAB_TRAIN_THREADS", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    return max(1, (os.cpu_count() or 1) - 1)


def describe_error(exc: BaseException, expected: tuple[type[BaseException], ...] = ()) -> str:
    """One line for the user about ``exc``: its message for an error a user can cause (one of
    ``expected``, or a ``ValueError``), else its type too, since it is a bug."""
    if isinstance(exc, KeyError) and exc.args:
        return say(exc.args[0])
    if isinstance(exc, (ValueError, *expected)) and str(exc):
        return say(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class _Thread(QThread):
    def __init__(self, task: Task) -> None:
        super().__init__(task)
        self._task = task

    def run(self) -> None:
        self._task._run_here()


class Task(QObject):
    """One piece of background work in a ``QThread`` of its own (see the module docstring).

    Parameters
    ----------
    name
        The thread's name (shown by debuggers and ``py-spy``).
    work
        Returns the items to emit (a generator, usually); subclasses may override
        :meth:`work` instead.
    stop
        Asks the work to end soon (sets its flag; called from the GUI thread). Without one,
        :meth:`stop` breaks the loop after the current item.
    kill
        Ends the work at once if it is stoppable no other way (a child process).
    torch_threads
        Torch CPU threads for this thread (OpenMP's count is per thread); ``None`` leaves it.
    expected
        Exception types whose message is the whole story for the user (see
        :func:`describe_error`); anything else is logged as a bug.
    """

    yielded = Signal(object)  # each item the work produced (emitted from the worker thread)
    failed = Signal(str)  # the work raised; one line for the user (from the worker thread)
    finished = Signal()  # always last, in the GUI thread, after the thread has ended
    abandoned = Signal()  # given up at a stop (GUI thread): nothing more comes, not finished

    def __init__(self, name: str, work: Work | None = None, *,
                 stop: Callable[[], None] | None = None, kill: Callable[[], None] | None = None,
                 torch_threads: int | None = None,
                 expected: tuple[type[BaseException], ...] = ()) -> None:
        super().__init__()
        self.setObjectName(name)
        self._work = work
        self._stop_work = stop
        self._kill_work = kill
        self._torch_threads = torch_threads
        self._expected = expected
        self._stop_requested = threading.Event()
        self._abandoned = threading.Event()
        self._ended = False
        self._thread = _Thread(self)
        self._thread.setObjectName(name)
        self._thread.finished.connect(self._on_thread_finished)  # queued behind every item

    # ------------------------------------------------------------- for subclasses
    def work(self) -> Iterable[object]:
        """The items to emit, produced in the worker thread."""
        if self._work is None:
            raise NotImplementedError("give work= or override Task.work")
        return self._work()

    def handle(self, item: object) -> None:
        """Send ``item`` out (runs in the worker thread); subclasses route items to signals."""
        self.yielded.emit(item)

    # ------------------------------------------------------------ GUI thread
    def stop(self) -> None:
        """Ask the work to end soon (see ``stop`` in the class docstring)."""
        self._stop_requested.set()
        if self._stop_work is not None:
            self._stop_work()

    def stop_requested(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop_requested.is_set()

    def kill(self) -> None:
        """End the work at once where it can be (a child process); else the same as stop."""
        if self._kill_work is not None:
            self._kill_work()
        else:
            self.stop()

    def abandon(self) -> None:
        """Speak for no one from now on: emit no more items or failures (a task that
        outlived a stop; whoever started it has moved on)."""
        if not self._abandoned.is_set():
            self._abandoned.set()
            self.abandoned.emit()

    def is_abandoned(self) -> bool:
        """Whether :meth:`abandon` was called."""
        return self._abandoned.is_set()

    def is_running(self) -> bool:
        """Whether the task was started and its ``finished`` has not been emitted yet."""
        return self._thread.isRunning() or (self._thread.isFinished() and not self._ended)

    def has_ended(self) -> bool:
        """Whether ``finished`` has been emitted."""
        return self._ended

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Wait up to ``timeout_ms`` (``None``: as long as it takes) for the thread to end."""
        if timeout_ms is None:
            return self._thread.wait()
        return self._thread.wait(max(0, int(timeout_ms)))

    # ---------------------------------------------------------------- thread
    def _run_here(self) -> None:
        if self._torch_threads is not None:
            import torch

            torch.set_num_threads(self._torch_threads)
        breaks = self._stop_work is None
        _here.task = self
        try:
            items = self.work()
            for item in items:
                if self._abandoned.is_set():
                    break
                self.handle(item)
                if breaks and self._stop_requested.is_set():
                    close = getattr(items, "close", None)
                    if callable(close):
                        close()
                    break
        except Exception as exc:  # a failed task is a message, never a crash
            message = describe_error(exc, self._expected)
            if isinstance(exc, (ValueError, *self._expected)):
                log.info("%s could not run: %s", self.objectName(), message)
            else:
                log.warning("%s failed: %s", self.objectName(), message, exc_info=True)
            if not self._abandoned.is_set():
                self.failed.emit(message)
        finally:
            _here.task = None

    @Slot()
    def _on_thread_finished(self) -> None:
        self._ended = True
        self.finished.emit()


class BackgroundWork(QObject):
    """Every task of the application, and the one place that stops them all."""

    stopping = Signal()  # stop_all has begun: schedulers drop the work they have waiting

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[Task] = []
        self._closers: list[Callable[[], Callable[[], None] | None]] = []

    def start(self, task: Task) -> Task:
        """Start ``task``'s thread; it stays referenced here until ``finished``."""
        self._tasks.append(task)
        task.finished.connect(self._on_task_finished)
        task._thread.start()
        return task

    def tasks(self) -> list[Task]:
        """The tasks whose ``finished`` has not come yet (stragglers included)."""
        return list(self._tasks)

    def at_stop(self, close: Callable[[], None]) -> None:
        """Call ``close`` in :meth:`stop_all` once every task has ended (a writer's flush).

        A bound method is held weakly: its object may go away first.
        """
        if hasattr(close, "__self__"):
            self._closers.append(weakref.WeakMethod(close))  # type: ignore[arg-type]
        else:
            self._closers.append(lambda: close)

    def stop(self, tasks: Sequence[Task], timeout_ms: int = 2000,
             kill_after_ms: int = 3000) -> bool:
        """Stop ``tasks`` and wait up to ``timeout_ms`` for them; True if every one ended.

        One that has not ended by then is killed (if it can be) and gets ``kill_after_ms``
        more. What the ended tasks still had queued for the GUI thread (their last items,
        then ``finished``) is delivered now, in order, instead of left to an event loop that
        may never run again. A task still running after that is abandoned (it emits nothing
        more) and stays referenced until its thread ends (a straggler).
        """
        tasks = [t for t in tasks if not t.has_ended()]
        for task in tasks:
            task.stop()
        deadline = time.monotonic() + timeout_ms / 1000
        for task in tasks:
            if not task.wait(int((deadline - time.monotonic()) * 1000)):
                log.warning("%s did not stop within %d ms", task.objectName(), timeout_ms)
                task.kill()
                task.wait(kill_after_ms)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        stragglers = [task for task in tasks if not task.has_ended()]
        for task in stragglers:
            task.abandon()
        return not stragglers

    @Slot()
    def stop_all(self, timeout_ms: int = 2000, kill_after_ms: int = 3000) -> bool:
        """Stop every task (the window closes), then run the ``at_stop`` closers.

        A task started while the others' last events are delivered (a page asked for when
        its dataset arrived) is stopped too, in a second round.
        """
        self.stopping.emit()
        ended = True
        for _ in range(3):
            tasks = [t for t in self._tasks if not t.is_abandoned()]
            if not tasks:
                break
            ended = self.stop(tasks, timeout_ms, kill_after_ms) and ended
        for ref in list(self._closers):
            close = ref()
            if close is None:
                self._closers.remove(ref)
            else:
                close()
        return ended

    @Slot()
    def wait_for_stragglers(self, timeout_ms: int | None = None) -> bool:
        """Wait for tasks that outlived a stop (call it while the QApplication lives, before
        it quits); True if none is left. ``None`` waits as long as they take."""
        for task in list(self._tasks):
            task.wait(timeout_ms)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return not self._tasks

    @Slot()
    def _on_task_finished(self) -> None:
        task = self.sender()
        if task in self._tasks:
            self._tasks.remove(task)  # type: ignore[arg-type]


_owner: BackgroundWork | None = None


def owner() -> BackgroundWork:
    """The application's :class:`BackgroundWork` (made on first use). When the application
    is about to quit, it stops all background work and waits for the stragglers, so no
    thread outlives it even if no window was closed."""
    global _owner
    if _owner is None:
        app = QCoreApplication.instance()
        _owner = BackgroundWork(app)
        if app is not None:
            app.aboutToQuit.connect(_owner.stop_all)  # a window that was never closed
            app.aboutToQuit.connect(_owner.wait_for_stragglers)
    return _owner


def stop_all(timeout_ms: int = 2000) -> bool:
    """Stop all background work (the window calls this when it closes); True if all ended."""
    return owner().stop_all(timeout_ms)


def wait_for_stragglers(timeout_ms: int | None = None) -> bool:
    """Wait for the tasks that outlived :func:`stop_all`; True if none is left."""
    return owner().wait_for_stragglers(timeout_ms)
