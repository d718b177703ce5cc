"""Training runs on disk: one folder per run, and the shelf's small state file beside them.

A :class:`RunStore` keeps :class:`~.runs.RunRecord` s in ``root/runs``::

    runs/0003-20261127T013000/
        run.json                 the record (written last: a run without it is incomplete)
        final.safetensors        the weights the run ended with
        epoch-000.safetensors    the initial weights, then one file per kept epoch

Every ``.safetensors`` file is an ordinary DigitLab checkpoint (``load_checkpoint`` opens
it); every write is atomic. Qt-free.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import logging
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..runtime.atomic_files import write_bytes_atomic
from ..runtime.user_data import SHELF_STATE_FILE, read_shelf_state
from . import Checkpoint, CheckpointError, load_checkpoint, save_weights
from .runs import RunRecord, Snapshot

__all__ = ["MAX_RUNS", "RunStore", "write_json_atomic"]

log = logging.getLogger(__name__)

MAX_RUNS = 20  # runs a store keeps; the oldest go first
_RECORD = "run.json"
_FINAL = "final.safetensors"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` via a temporary file and a rename."""
    write_bytes_atomic(path, json.dumps(data, indent=1).encode("utf-8"))


class RunStore:
    """Run records in ``root/runs``, and a small JSON state file beside them.

    Writes are atomic; a run folder whose ``run.json`` is missing or unreadable (a crash
    before the run ended) is skipped when loading and removed by :meth:`prune`.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"

    # ----------------------------------------------------------------- naming
    def new_run_id(self, number: int) -> str:
        """A folder name for run ``number`` that sorts by time and never collides."""
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S")
        run_id = f"{number:04d}-{stamp}"
        suffix = 1
        while (self.runs_dir / run_id).exists():
            suffix += 1
            run_id = f"{number:04d}-{stamp}-{suffix}"
        return run_id

    def folder(self, record: RunRecord) -> Path:
        """Where ``record``'s files live."""
        return self.runs_dir / record.run_id

    # ------------------------------------------------------------------ write
    def save_snapshot(self, record: RunRecord, snapshot: Snapshot) -> None:
        """Write one snapshot's weights (a checkpoint file) and note its file name."""
        state = snapshot.state
        if state is None:
            return
        name = f"epoch-{snapshot.epoch:03d}.safetensors"
        meta = copy.deepcopy(record.meta)
        meta["epochs"] = snapshot.epoch
        meta["metrics"] = {k: snapshot.metrics[k] for k in
                           ("test_accuracy", "test_loss", "train_accuracy")
                           if k in snapshot.metrics}
        meta["replay"] = {"run_id": record.run_id, "epoch": snapshot.epoch}
        save_weights(self.folder(record) / name, state, meta)
        snapshot.file = name

    def release(self, snapshot: Snapshot) -> None:
        """Drop a written snapshot's weights from memory (they load from its file again)."""
        if snapshot.file:
            snapshot.state = None

    def save(self, record: RunRecord) -> None:
        """Write the final weights, any unwritten snapshots, then ``run.json`` (last).

        Snapshot files no longer listed (thinned out) are deleted.
        """
        folder = self.folder(record)
        folder.mkdir(parents=True, exist_ok=True)
        for snapshot in record.snapshots:
            if not snapshot.file:
                self.save_snapshot(record, snapshot)
        if record.final is not None and not (folder / _FINAL).exists():
            final = record.final
            save_weights(folder / _FINAL, final.model.state_dict(),
                         {**final.meta, "spec": final.model.spec})
        write_json_atomic(folder / _RECORD, record.to_json())
        listed = {s.file for s in record.snapshots}
        for path in folder.glob("epoch-*.safetensors"):
            if path.name not in listed:
                path.unlink(missing_ok=True)

    def save_progress(self, record: RunRecord) -> None:
        """Write ``run.json`` of a run still training (its snapshots so far), so that a crash
        leaves an ``"interrupted"`` run whose last snapshot is its model."""
        if record.status == "running":
            write_json_atomic(self.folder(record) / _RECORD, record.to_json())

    def delete(self, record: RunRecord) -> None:
        """Remove a run's folder."""
        shutil.rmtree(self.folder(record), ignore_errors=True)

    # ------------------------------------------------------------------- read
    def load_records(self) -> list[RunRecord]:
        """Every complete run, oldest (lowest number) first; broken folders are skipped."""
        records = []
        if not self.runs_dir.is_dir():
            return records
        for folder in sorted(self.runs_dir.iterdir()):
            path = folder / _RECORD
            if not path.is_file():
                continue
            try:
                record = RunRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("skipping run %s: %s", folder.name, exc)
                continue
            if record.run_id != folder.name:
                log.warning("skipping run %s: its record names %s", folder.name, record.run_id)
                continue
            if record.status == "running" and not self._recover(record):
                continue
            records.append(record)
        return sorted(records, key=lambda r: r.number)

    def _recover(self, record: RunRecord) -> bool:
        """A run that was training when the app ended: keep it up to its last written epoch."""
        record.snapshots = [s for s in record.snapshots
                            if s.file and (self.folder(record) / s.file).is_file()]
        if not record.snapshots:
            return False
        last = record.snapshots[-1]
        record.status, record.ended_epoch = "interrupted", last.epoch
        record.test_accuracy = last.test_accuracy
        return True

    def load_final(self, record: RunRecord) -> Checkpoint:
        """The run's final model (cached on the record); an interrupted run's last snapshot."""
        if record.final is None:
            if record.status == "interrupted":
                record.final = self.load_snapshot(record, len(record.snapshots) - 1)
            else:
                record.final = load_checkpoint(self.folder(record) / _FINAL)
        return record.final

    def load_snapshot(self, record: RunRecord, index: int) -> Checkpoint:
        """Snapshot ``index`` of ``record`` as a checkpoint (from memory or from its file)."""
        snapshot = record.snapshots[index]
        state = snapshot.state  # read once: a writer thread may release it after saving
        if state is not None:
            from ..models.specs import build_model

            model = build_model(record.meta["spec"])
            model.load_state_dict(state)
            model.eval()
            meta = copy.deepcopy(record.meta)
            meta["epochs"] = snapshot.epoch
            meta["metrics"] = {k: v for k, v in snapshot.metrics.items()
                               if k in ("test_accuracy", "test_loss", "train_accuracy")}
            return Checkpoint(model, meta)
        if not snapshot.file:
            raise CheckpointError(f"run {record.run_id}: epoch {snapshot.epoch} was not kept")
        return load_checkpoint(self.folder(record) / snapshot.file)

    # -------------------------------------------------------------- eviction
    def evict(self, records: Iterable[RunRecord], keep: int = MAX_RUNS,
              protect: str | None = None) -> list[RunRecord]:
        """Delete the oldest runs beyond ``keep``, never the run ``protect`` (by id).

        Returns the records deleted.
        """
        records = sorted(records, key=lambda r: r.number)
        excess = len(records) - keep
        removed = []
        for record in records:
            if excess <= 0:
                break
            if record.run_id == protect or record.status == "running":
                continue
            self.delete(record)
            removed.append(record)
            excess -= 1
        return removed

    def prune(self, known: Iterable[RunRecord]) -> None:
        """Remove folders of runs that never completed (no ``run.json``), except ``known``."""
        if not self.runs_dir.is_dir():
            return
        ids = {r.run_id for r in known}
        for folder in self.runs_dir.iterdir():
            if folder.is_dir() and folder.name not in ids and not (folder / _RECORD).exists():
                shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------------ state
    def read_state(self) -> dict[str, Any]:
        """The shelf's small JSON state (``{}`` when missing or unreadable)."""
        return read_shelf_state(self.root)

    def write_state(self, state: dict[str, Any]) -> None:
        """Replace the shelf's JSON state atomically."""
        write_json_atomic(self.root / SHELF_STATE_FILE, state)
