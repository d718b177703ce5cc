"""Training runs as records that outlive the app: metadata, the final model, epoch snapshots.

A :class:`RunRecord` is what the model shelf shows for one training run: how it ended, its
metrics, its loss curve, the final weights and one :class:`Snapshot` of the weights per epoch
(plus the initial weights), so that the run can be replayed epoch by epoch. A
:class:`RunStore` keeps records in a folder, one sub-folder per run::

    runs/0003-20261127T013000/
        run.json                 the record (written last: a run without it is incomplete)
        final.safetensors        the weights the run ended with
        epoch-000.safetensors    the initial weights, then one file per kept epoch

Every ``.safetensors`` file is an ordinary DigitLab checkpoint (``load_checkpoint`` opens
it); every write is atomic. At most :data:`MAX_SNAPSHOTS` snapshots are kept per run: past
that, every other one between the first and the last is dropped, so a long run keeps an
evenly thinned history. Qt-free.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import logging
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..data.datasets import DATASETS
from ..runtime.atomic_files import write_bytes_atomic
from ..runtime.user_data import SHELF_STATE_FILE, read_shelf_state
from . import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    make_metadata,
    save_weights,
)

__all__ = ["MAX_RUNS", "MAX_SNAPSHOTS", "RUN_STATUSES", "RunRecord", "RunStore", "Snapshot",
           "capture_state", "run_metadata", "write_json_atomic"]

log = logging.getLogger(__name__)

MAX_SNAPSHOTS = 32  # per run: initial weights + epochs, thinned evenly past this
MAX_RUNS = 20  # runs a store keeps; the oldest go first
RUN_STATUSES = ("running", "finished", "stopped", "diverged", "interrupted")
_RECORD = "run.json"
_FINAL = "final.safetensors"
_FORMAT = "digitlab-run"


def capture_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """A private CPU copy of ``model``'s weights and buffers (contiguous, detached)."""
    return {key: value.detach().to("cpu").clone(memory_format=torch.contiguous_format)
            for key, value in model.state_dict().items()}


@dataclass(frozen=True)
class _SpecOnly:
    spec: dict[str, Any]  # all make_metadata reads from a model


def run_metadata(spec: dict[str, Any], dataset: str, config: dict[str, Any]) -> dict[str, Any]:
    """Checkpoint metadata for a run that has not produced a model yet (its snapshots use it).

    ``spec`` is the full model spec, ``config`` the run's ``TrainConfig`` as a dict.
    """
    info = DATASETS[dataset]
    mean, std = info.normalization(bool(config.get("normalize", True)))
    return make_metadata(_SpecOnly(spec), dataset=dataset, mean=mean,  # type: ignore[arg-type]
                         std=std, classes=list(info.classes), config=config)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` via a temporary file and a rename."""
    write_bytes_atomic(path, json.dumps(data, indent=1).encode("utf-8"))


@dataclass
class Snapshot:
    """The weights at the end of one epoch (epoch 0: the initial weights) and its metrics.

    ``state`` is ``None`` once the snapshot lives only on disk (see :meth:`RunStore.load_snapshot`).
    """

    epoch: int
    metrics: dict[str, float]  # EpochDone.as_dict(); empty for the initial weights
    state: dict[str, torch.Tensor] | None = field(default=None, repr=False)
    file: str = ""  # file name inside the run's folder once written

    @classmethod
    def of(cls, epoch: int, model: nn.Module, metrics: dict[str, float] | None = None
           ) -> Snapshot:
        """Copy ``model``'s weights now (call between two yields of the training generator)."""
        return cls(epoch, dict(metrics or {}), capture_state(model))

    @property
    def test_accuracy(self) -> float | None:
        """Test accuracy after this epoch, if measured."""
        value = self.metrics.get("test_accuracy")
        return None if value is None else float(value)

    def nbytes(self) -> int:
        """Bytes of weights held in memory (0 when only on disk)."""
        return sum(t.numel() * t.element_size() for t in (self.state or {}).values())


@dataclass
class RunRecord:
    """One training run as the shelf knows it.

    ``meta`` is the checkpoint metadata of the final model (spec, dataset, classes, config,
    history); ``final`` the final model while in memory.
    """

    run_id: str
    number: int
    status: str  # one of RUN_STATUSES
    meta: dict[str, Any]
    ended_epoch: int = 0  # the epoch the run was in when it ended
    test_accuracy: float | None = None
    losses: list[tuple[float, float]] = field(default_factory=list)  # (epoch, batch loss)
    # (epoch, ((layer, gradient L2 norm), ...)) per report, as the loss
    grad_norms: list[tuple[float, tuple[tuple[str, float], ...]]] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    final: Checkpoint | None = field(default=None, repr=False)
    created: str = field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    _stride: int = field(default=1, repr=False)  # epochs between kept snapshots

    # ------------------------------------------------------------------ naming
    @property
    def model_name(self) -> str:
        """The model's name (from its spec)."""
        return str(self.meta.get("spec", {}).get("name", "model"))

    @property
    def dataset(self) -> str:
        """The dataset key it was trained on."""
        return str(self.meta.get("dataset", "mnist"))

    def title(self) -> str:
        """``"#3 lenet5 · sgd 0.5 · 98.4 % · stopped in epoch 2"``."""
        config = self.meta.get("config", {})
        parts = [f"#{self.number} {self.model_name}"]
        if config.get("optimizer"):
            parts.append(f"{config['optimizer']} {float(config.get('lr', 0)):g}")
        if self.dataset != "mnist":
            parts.append(self.dataset)
        if self.test_accuracy is not None:
            parts.append(f"{100 * self.test_accuracy:.1f} %")
        if self.status == "stopped":
            parts.append(f"stopped in epoch {self.ended_epoch}")
        elif self.status == "diverged":
            parts.append(f"diverged in epoch {self.ended_epoch}")
        elif self.status == "running":
            parts.append("training…")
        elif self.status == "interrupted":
            parts.append(f"interrupted after epoch {self.ended_epoch}")
        else:
            epochs = self.ended_epoch
            parts.append(f"{epochs} epoch{'s' if epochs != 1 else ''}")
        return " · ".join(parts)

    # -------------------------------------------------------------- snapshots
    def add_snapshot(self, snapshot: Snapshot) -> list[Snapshot]:
        """Append ``snapshot``, keeping at most :data:`MAX_SNAPSHOTS`, evenly spaced.

        The first and the latest snapshot are always kept; in between, epochs that are
        multiples of a stride that doubles each time the limit is passed. Returns the
        snapshots dropped (their files, if written, are deleted on the next save).
        """
        dropped = []
        if len(self.snapshots) >= 2 and self.snapshots[-1].epoch % self._stride:
            dropped.append(self.snapshots.pop())  # it was kept only as the latest
        self.snapshots.append(snapshot)
        while len(self.snapshots) > MAX_SNAPSHOTS:
            self._stride *= 2
            first, *interior, last = self.snapshots
            kept = [s for s in interior if s.epoch % self._stride == 0]
            dropped.extend(s for s in interior if s.epoch % self._stride)
            self.snapshots = [first, *kept, last]
        return dropped

    def snapshot_bytes(self) -> int:
        """Bytes of snapshot weights held in memory now."""
        return sum(s.nbytes() for s in self.snapshots)

    def to_json(self) -> dict[str, Any]:
        """The record without weights, for ``run.json``."""
        return {
            "format": _FORMAT, "format_version": 1, "run_id": self.run_id,
            "number": self.number, "status": self.status, "ended_epoch": self.ended_epoch,
            "test_accuracy": self.test_accuracy, "created": self.created,
            "losses": [[round(x, 5), y] for x, y in self.losses],
            "grad_norms": [[round(x, 5), [[layer, float(f"{norm:.4g}")] for layer, norm in norms]]
                           for x, norms in self.grad_norms],
            "snapshots": [{"epoch": s.epoch, "metrics": s.metrics, "file": s.file}
                          for s in self.snapshots],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        """Rebuild a record (weights stay on disk) from :meth:`to_json`'s output."""
        if data.get("format") != _FORMAT:
            raise ValueError("not a DigitLab run record")
        status = str(data["status"])
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        accuracy = data.get("test_accuracy")
        return cls(
            run_id=str(data["run_id"]), number=int(data["number"]), status=status,
            meta=dict(data["meta"]), ended_epoch=int(data.get("ended_epoch", 0)),
            test_accuracy=None if accuracy is None else float(accuracy),
            losses=[(float(x), float(y)) for x, y in data.get("losses", [])],
            grad_norms=[(float(x), tuple((str(layer), float(norm)) for layer, norm in norms))
                        for x, norms in data.get("grad_norms", [])],
            snapshots=[Snapshot(int(s["epoch"]), dict(s.get("metrics", {})), None,
                                str(s.get("file", ""))) for s in data.get("snapshots", [])],
            created=str(data.get("created", "")),
        )


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
