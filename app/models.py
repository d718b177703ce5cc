"""The model shelf: the bundled model, every training run, every model file opened.

:class:`ModelLibrary` is the application-level object that the model bar, epoch replay, the
comparison view and the Coach read: which models there are and which one the canvas uses.
Training is not its business (:class:`app.training.TrainingController` runs it); the shelf
only follows each run (:meth:`ModelLibrary.follow_run`) and takes it in when it ends, in one
hop from the run's worker thread. Runs are kept as
:class:`cnn_core.checkpoints.runs.RunRecord` objects and written by
:class:`~app.run_writer.RunWriter` into the user data directory (``DIGITLAB_DATA_DIR``
overrides it), so closing the app never loses a model.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from cnn_core.checkpoints import Checkpoint, CheckpointError, load_bundled, load_checkpoint
from cnn_core.checkpoints.run_store import MAX_RUNS, RunStore
from cnn_core.checkpoints.runs import RunRecord
from cnn_core.runtime.user_data import DATA_DIR_ENV, user_data_dir
from cnn_core.training import Diverged, Finished, Stopped
from cnn_core.training.finetune import FineTuneFinished

from .language import TextContext, say
from .run_writer import RunWriter
from .settings import BUNDLED_KEY
from .training.fine_tune import FineTuneRun
from .training.run import TrainingRun

__all__ = ["BUNDLED_KEY", "DATA_DIR_ENV", "MAX_FILES", "ModelLibrary", "ReplayPoint",
           "ShelfEntry", "data_dir"]

log = logging.getLogger(__name__)

MAX_FILES = 20  # opened model files remembered
MAX_SESSIONS = 5  # unsaved models (set from code, not from a file) kept on the shelf
_REPLAY_CACHE = 4  # replay checkpoints kept in memory (the rest load from disk)


def data_dir() -> Path:
    """Where runs and the shelf live (see :func:`cnn_core.runtime.user_data.user_data_dir`)."""
    return user_data_dir()


ModelShelf = TextContext("ModelShelf")  # ModelShelf.tr: a text in the window's language


@dataclass(eq=False)
class ShelfEntry:
    """One model on the shelf. ``key`` is stable across restarts (except session models)."""

    key: str
    kind: str  # "bundled" | "run" | "file" | "session"
    record: RunRecord | None = None
    path: Path | None = None
    checkpoint: Checkpoint | None = None  # loaded on first use
    error: str = ""  # why it cannot be used (a file that has gone)

    def title(self) -> str:
        """The shelf's line for this model."""
        if self.record is not None:
            return say(self.record.title())
        ckpt = self.checkpoint
        detail = ""
        if ckpt is not None:
            detail = f" · {ckpt.name}"
            dataset = str(ckpt.meta.get("dataset", "mnist"))
            if dataset != "mnist":
                detail += f" · {dataset}"
            if ckpt.test_accuracy is not None:
                detail += f" · {100 * ckpt.test_accuracy:.2f} %"
        if self.kind == BUNDLED_KEY:
            return ModelShelf.tr("Bundled model") + detail
        title = ckpt.meta.get("title") if ckpt is not None else None
        if isinstance(title, str) and title.strip() and not self.error:  # e.g. a tuned model
            accuracy = ckpt.test_accuracy  # type: ignore[union-attr]
            return title.strip() + ("" if accuracy is None else f" · {100 * accuracy:.2f} %")
        if self.kind == "file" and self.path is not None:
            if self.error:
                return ModelShelf.tr("{0} · file not found").format(self.path.name)
            return f"{self.path.name}{detail}"
        return ModelShelf.tr("Unsaved model") + detail


@dataclass(frozen=True)
class ReplayPoint:
    """One position of the replay slider: an epoch's snapshot, or where the run ended."""

    epoch: int
    test_accuracy: float | None
    final: bool  # the run's last weights (for a finished run, also its last epoch)
    label: str


class ModelLibrary(QObject):
    """The set of models and runs, and which one the canvas uses. Lives in the GUI thread.

    Parameters
    ----------
    root
        Folder for runs and the shelf state (default: :func:`data_dir`).
    """

    entries_changed = Signal()  # an entry was added, removed or renamed
    canvas_model_changed = Signal(object, object)  # ShelfEntry, Checkpoint
    failed = Signal(str)  # a shelf model could not be loaded or saved; one line

    def __init__(self, root: str | Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = RunStore(root if root is not None else data_dir())
        self.writer = RunWriter(self.store, self)
        self.writer.failed.connect(self.failed)
        self._entries: list[ShelfEntry] = [ShelfEntry(BUNDLED_KEY, BUNDLED_KEY)]
        self._canvas: ShelfEntry | None = None
        self._sessions = 0
        self._replay_cache: OrderedDict[tuple[str, int], Checkpoint] = OrderedDict()
        self.restore_seconds = 0.0

    # ---------------------------------------------------------------- entries
    def entries(self) -> list[ShelfEntry]:
        """The shelf, bundled model first, then runs (oldest first), then files."""
        return list(self._entries)

    def entry(self, key: str) -> ShelfEntry | None:
        """The entry with ``key``, if any."""
        return next((e for e in self._entries if e.key == key), None)

    def canvas_entry(self) -> ShelfEntry | None:
        """The entry the canvas predicts with."""
        return self._canvas

    def runs(self) -> list[RunRecord]:
        """The runs on the shelf, oldest first."""
        return [e.record for e in self._entries if e.record is not None]

    def restore(self) -> str:
        """Read the runs and opened files from the data folder; return the saved canvas key.

        Only metadata is read; weights load when a model is first used.
        """
        import time

        started = time.perf_counter()
        records = self.store.load_records()
        self.store.prune(records)
        state = self.store.read_state()
        files = [Path(p) for p in state.get("files", []) if isinstance(p, str)]
        self._entries = [self._entries[0]]
        self._entries += [ShelfEntry(f"run:{r.run_id}", "run", record=r) for r in records]
        self.writer.saved.update(r.run_id for r in records)
        for path in files[-MAX_FILES:]:
            entry = ShelfEntry(f"file:{path}", "file", path=path)
            if not path.is_file():
                entry.error = ModelShelf.tr("{0}: file not found").format(path)
            self._entries.append(entry)
        self.restore_seconds = time.perf_counter() - started
        self.entries_changed.emit()
        canvas = state.get("canvas")
        return canvas if isinstance(canvas, str) else ""

    # ----------------------------------------------------------------- choose
    def load(self, entry: ShelfEntry) -> Checkpoint:
        """The entry's model, loaded on first use.

        Raises
        ------
        CheckpointError
            The file is gone or unreadable (also recorded in ``entry.error``).
        """
        if entry.checkpoint is not None:
            return entry.checkpoint
        try:
            if entry.kind == BUNDLED_KEY:
                entry.checkpoint = load_bundled()
            elif entry.record is not None:
                entry.checkpoint = self.store.load_final(entry.record)
            elif entry.path is not None:
                entry.checkpoint = load_checkpoint(entry.path)
            else:
                raise CheckpointError("this model is no longer in memory")
        except CheckpointError as exc:
            entry.error = str(exc)
            self.entries_changed.emit()
            raise
        entry.error = ""
        self.entries_changed.emit()  # its title now has the model's name and accuracy
        return entry.checkpoint

    def choose(self, key: str) -> Checkpoint | None:
        """Make entry ``key`` the canvas model; ``None`` (and ``failed``) if it cannot load."""
        entry = self.entry(key)
        if entry is None:
            self.failed.emit(self.tr("No model {0} on the shelf.").format(key))
            return None
        try:
            checkpoint = self.load(entry)
        except CheckpointError as exc:
            self.failed.emit(self.tr("Could not use {0}: {1}").format(entry.title(), say(exc)))
            return None
        self._set_canvas(entry, checkpoint)
        return checkpoint

    def use_bundled(self) -> Checkpoint | None:
        """Go back to the bundled model."""
        return self.choose(BUNDLED_KEY)

    def add_checkpoint(self, checkpoint: Checkpoint, path: str | Path | None = None,
                       make_canvas: bool = True) -> ShelfEntry:
        """Put a model on the shelf (a file that was opened, or a model from memory)."""
        if path is not None:
            resolved = Path(path).resolve()
            entry = self.entry(f"file:{resolved}")
            if entry is None:
                entry = ShelfEntry(f"file:{resolved}", "file", path=resolved)
                self._entries.append(entry)
                self._trim_files()
            entry.checkpoint, entry.error = checkpoint, ""
        else:
            self._sessions += 1
            entry = ShelfEntry(f"session:{self._sessions}", "session", checkpoint=checkpoint)
            self._entries.append(entry)
            self._trim_files()
        self.entries_changed.emit()
        if make_canvas:
            self._set_canvas(entry, checkpoint)
        else:
            self._save_state()
        return entry

    def remove(self, key: str) -> bool:
        """Take an entry off the shelf (never the bundled model); a run's files are deleted."""
        entry = self.entry(key)
        if entry is None or entry.kind == BUNDLED_KEY:
            return False
        self._entries.remove(entry)
        if entry.record is not None:
            self.writer.delete(entry.record)
        if entry is self._canvas:
            self.use_bundled()
        self._save_state()
        self.entries_changed.emit()
        return True

    def _trim_files(self) -> None:
        for kind, most in (("file", MAX_FILES), ("session", MAX_SESSIONS)):
            kept = [e for e in self._entries if e.kind == kind and e is not self._canvas]
            for entry in kept[: max(0, len(kept) - most)]:
                self._entries.remove(entry)

    def _set_canvas(self, entry: ShelfEntry, checkpoint: Checkpoint) -> None:
        self._canvas = entry
        self._save_state()
        self._release_idle()
        self.canvas_model_changed.emit(entry, checkpoint)

    def _release_idle(self, keep: ShelfEntry | None = None) -> None:
        """Drop the weights of saved runs nobody uses; they load from disk when picked.

        Memory then holds the canvas model, the newest run and a few replay snapshots,
        however many runs the shelf lists.
        """
        for entry in self._entries:
            record = entry.record
            if (record is None or entry is self._canvas or entry is keep
                    or record.run_id not in self.writer.saved):
                continue
            entry.checkpoint = record.final = None

    def _save_state(self) -> None:
        canvas = self._canvas
        state = {
            "canvas": canvas.key if canvas is not None and canvas.kind != "session" else "",
            "files": [str(e.path) for e in self._entries if e.kind == "file"],
        }
        try:
            self.store.write_state(state)
        except OSError as exc:
            log.warning("could not save the shelf: %s", exc)

    # ----------------------------------------------------------------- replay
    def replay_points(self, entry: ShelfEntry | None) -> list[ReplayPoint]:
        """The replay slider's positions for ``entry`` (empty if it is not a run)."""
        record = entry.record if entry is not None else None
        if record is None or not record.snapshots:
            return []
        points = [ReplayPoint(s.epoch, s.test_accuracy, False,
                              self.tr("initial weights") if s.epoch == 0
                              else self.tr("epoch {0}").format(s.epoch))
                  for s in record.snapshots]
        last = record.snapshots[-1]
        if record.status in ("finished", "interrupted") and last.epoch == record.ended_epoch:
            points[-1] = dataclasses.replace(points[-1], final=True)
        else:
            how = (self.tr("diverged in epoch {0}") if record.status == "diverged"
                   else self.tr("stopped in epoch {0}"))
            # Its weights were never tested (the run ended mid-epoch): no accuracy to show.
            points.append(ReplayPoint(record.ended_epoch, None, True,
                                      how.format(record.ended_epoch)))
        return points

    def replay_checkpoint(self, entry: ShelfEntry, index: int) -> Checkpoint:
        """The model at replay position ``index`` (the last one is the entry's own model).

        Raises
        ------
        CheckpointError
            A snapshot file is missing or unreadable.
        """
        points = self.replay_points(entry)
        if points[index].final:
            return self.load(entry)
        record = entry.record
        assert record is not None
        key = (record.run_id, index)
        checkpoint = self._replay_cache.get(key)
        if checkpoint is None:
            checkpoint = self.store.load_snapshot(record, index)
            self._replay_cache[key] = checkpoint
            while len(self._replay_cache) > _REPLAY_CACHE:
                self._replay_cache.popitem(last=False)
        self._replay_cache.move_to_end(key)
        return checkpoint

    # --------------------------------------------------------------- training
    def next_run_number(self) -> int:
        """The number the next run will get (numbers go on across restarts)."""
        return max((r.number for r in self.runs()), default=0) + 1

    @Slot(object)
    def follow_run(self, run: TrainingRun) -> None:
        """Put ``run`` on the shelf when it ends (a finished one becomes the canvas model)."""
        run.ended.connect(self._on_run_ended)

    @Slot(object)
    def follow_fine_tune(self, run: FineTuneRun) -> None:
        """Put the model ``run`` tunes on the shelf (as the canvas model) when it is done."""
        run.ended.connect(self._on_tuned)

    @Slot(object, str)
    def _on_tuned(self, event: object, path: str) -> None:
        if isinstance(event, FineTuneFinished):
            self.add_checkpoint(event.checkpoint, path or None)

    @Slot(object)
    def _on_run_ended(self, event: Finished | Stopped | Diverged) -> None:
        run = self.sender()
        if not isinstance(run, TrainingRun):
            return
        record, checkpoint = run.record, event.checkpoint  # the run has brought it up to date
        entry = ShelfEntry(f"run:{record.run_id}", "run", record=record, checkpoint=checkpoint)
        run_count = sum(1 for e in self._entries if e.record is not None)
        self._entries.insert(1 + run_count, entry)
        self._evict(protect=entry if isinstance(event, Finished) else None)
        self._release_idle(keep=entry)
        self.entries_changed.emit()
        if isinstance(event, Finished):  # a finished run becomes the canvas model
            self._set_canvas(entry, checkpoint)

    def shutdown(self) -> None:
        """Wait for every pending write (the window's close does it through
        :func:`app.background.stop_all`)."""
        self.writer.shutdown()

    def flush(self) -> None:
        """Wait until every queued write is on disk."""
        self.writer.flush()

    def _evict(self, protect: ShelfEntry | None) -> None:
        protected = {e.record.run_id for e in (self._canvas, protect)
                     if e is not None and e.record is not None}
        runs = [e for e in self._entries if e.record is not None]
        excess = len(runs) - MAX_RUNS
        for entry in runs:
            if excess <= 0:
                break
            if entry.record.run_id in protected:
                continue
            self._entries.remove(entry)
            self.writer.delete(entry.record)
            excess -= 1
