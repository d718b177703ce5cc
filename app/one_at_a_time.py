"""One background task of a kind at a time: the life cycle a view drives.

A training run, a fine-tuning and an evaluation each subclass :class:`OneAtATime`: it builds
its :class:`~app.background.Task`, starts it with :meth:`~OneAtATime.launch` (through the
application's :func:`~app.background.owner`) and says when it is running;
:func:`app.background.stop_all` stops it with everything else.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from .background import Task, owner

__all__ = ["OneAtATime"]


class OneAtATime(QObject):
    """One task of a kind at a time (a training run, a fine-tuning, an evaluation): the life
    cycle a view drives. Subclasses build the task and :meth:`launch` it.

    ``run_created(task)`` is emitted before the task's thread starts: views connect to the
    task's own signals then, one hop from the worker thread. ``running_changed`` is emitted
    when a task starts and when it has finished (or was given up at a stop, by this object or
    by :func:`stop_all`).
    """

    run_created = Signal(object)  # the Task, not started yet
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task: Task | None = None

    def current(self) -> Task | None:
        """The task going now, if any."""
        return self._task

    def is_running(self) -> bool:
        """Whether a task is going (from :meth:`launch` until its ``finished``)."""
        return self._task is not None

    def launch(self, task: Task) -> Task:
        """Announce ``task`` and start it with :func:`owner`.

        Raises
        ------
        RuntimeError
            If one is still going (stop it and wait for ``running_changed(False)``).
        """
        if self._task is not None:
            raise RuntimeError(f"{task.objectName()}: one is already going")
        task.finished.connect(self._on_task_finished)
        task.abandoned.connect(self._on_task_finished)
        self._task = task
        self.run_created.emit(task)
        owner().start(task)
        self.running_changed.emit(True)
        return task

    def stop(self) -> None:
        """Ask the task going now to end soon."""
        if self._task is not None:
            self._task.stop()

    def shutdown(self, timeout_ms: int = 2000, kill_after_ms: int = 3000) -> bool:
        """Stop the task and wait for it (see :meth:`BackgroundWork.stop`); True if it ended.
        One that has not is given up: it emits nothing more, and this one is free again."""
        task = self._task
        return task is None or owner().stop([task], timeout_ms, kill_after_ms)

    def _finish(self, task: Task) -> None:
        """The current task has finished (subclasses may say more, then call this)."""
        self._end()

    @Slot()
    def _on_task_finished(self) -> None:
        task = self._task
        if task is not None and self.sender() is task:
            self._finish(task)

    def _end(self) -> None:
        self._task = None
        self.running_changed.emit(False)
