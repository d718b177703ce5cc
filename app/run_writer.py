"""Writes runs to the user data folder in a thread of its own, so the GUI never waits on disk.

Both the live run (its replay snapshots, then its end) and the model shelf (removing a run)
queue their writes here, in order. :func:`app.background.stop_all` flushes the queue once
every task has ended, so the run a shutdown stopped is on disk before the window goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from cnn_core.checkpoints import CheckpointError
from cnn_core.checkpoints.run_store import RunStore
from cnn_core.checkpoints.runs import RunRecord, Snapshot

from . import background

__all__ = ["RunWriter"]

log = logging.getLogger(__name__)


class RunWriter(QObject):
    """One writer thread over ``store``; ``failed`` (queued to the GUI thread) says what broke.

    ``saved`` holds the ids of the runs whose files are complete (the shelf may then drop
    their weights from memory: they load back from disk).
    """

    failed = Signal(str)  # one line for the user

    def __init__(self, store: RunStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.saved: set[str] = set()  # written by the writer thread, read by the GUI thread
        self._executor: ThreadPoolExecutor | None = None  # made on the first write
        self._pending: list[Future] = []
        background.owner().at_stop(self.shutdown)

    def save(self, record: RunRecord) -> None:
        """Write a run that has ended, completely."""
        self._submit(self._save, record)

    def write_snapshot(self, record: RunRecord, snapshot: Snapshot) -> None:
        """Write one replay snapshot of a live run and its progress so far."""
        self._submit(self._write_snapshot, record, snapshot)

    def delete(self, record: RunRecord) -> None:
        """Remove a run's files."""
        self._submit(self.store.delete, record)

    def flush(self) -> None:
        """Wait until every queued write is on disk."""
        for future in list(self._pending):
            future.result()
        self._pending.clear()

    def shutdown(self) -> None:
        """Flush, then end the writer thread (a later write starts a new one)."""
        self.flush()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _save(self, record: RunRecord) -> None:
        self.store.save(record)
        self.saved.add(record.run_id)

    def _write_snapshot(self, record: RunRecord, snapshot: Snapshot) -> None:
        if snapshot in record.snapshots:  # not thinned out meanwhile
            self.store.save_snapshot(record, snapshot)
            self.store.release(snapshot)
            self.store.save_progress(record)  # a crash now keeps the epochs so far

    def _submit(self, work: Callable[..., None], *args: object) -> None:
        self._pending = [f for f in self._pending if not f.done()]
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="digitlab-store")
        self._pending.append(self._executor.submit(self._guarded, work, *args))

    def _guarded(self, work: Callable[..., None], *args: object) -> None:
        # Runs in the writer thread; failed is a signal, so it is queued to the GUI thread.
        try:
            work(*args)
        except (OSError, CheckpointError) as exc:
            log.warning("could not save a run: %s", exc)
            self.failed.emit(self.tr("Could not save the run to {0}: {1}").format(
                self.store.root, getattr(exc, "strerror", None) or exc))
