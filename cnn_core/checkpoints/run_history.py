"""A training run's history as tables: one row per epoch, or one per logged batch, as CSV.

A run is read from what DigitLab keeps of it (:func:`read_run`): a run folder of the model
shelf (``run.json`` beside the weights), its ``run.json``, or a checkpoint file (whose
metadata carries the per-epoch history; a checkpoint inside a run folder also finds the
folder's ``run.json``, and with it the per-batch losses and gradient norms).

* :func:`epoch_table`: ``epoch, train_loss, train_accuracy, val_loss, val_accuracy,
  test_loss, test_accuracy, lr, samples_per_second, elapsed_seconds`` per epoch (accuracies
  as fractions 0–1; an empty cell where the run measured nothing, e.g. no validation split).
* :func:`batch_table`: ``epoch, loss, grad_norm:LAYER...`` per logged batch, ``epoch``
  being the batch's place on the epoch axis (1.5 = half-way through the second epoch).

Qt-free; the CLI (``digitlab runs export``) and the model shelf both use it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..runtime.atomic_files import write_bytes_atomic
from . import CheckpointError, load_checkpoint
from .runs import RunRecord

__all__ = ["EPOCH_COLUMNS", "RunSource", "Table", "batch_table", "batches_path", "epoch_table",
           "has_batches", "read_run", "write_csv"]

RUN_RECORD = "run.json"

EPOCH_COLUMNS = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
                 "test_loss", "test_accuracy", "lr", "samples_per_second", "elapsed_seconds")
_EPOCH_KEYS = {"elapsed_seconds": "elapsed"}  # column → key of an EpochDone record


@dataclass(frozen=True)
class RunSource:
    """What DigitLab kept of one run: its checkpoint metadata and, for a shelf run, its record.

    ``label`` names it for people ("run 0003-20261127T013000", "lenet5.safetensors").
    """

    meta: dict[str, Any]
    record: RunRecord | None
    label: str

    @classmethod
    def of_record(cls, record: RunRecord) -> RunSource:
        """A shelf run held in memory."""
        return cls(record.meta, record, f"run #{record.number} ({record.run_id})")


@dataclass(frozen=True)
class Table:
    """A header and rows of cells (``None``: nothing measured)."""

    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def to_csv(self) -> str:
        """The table as CSV text (comma-separated, ``\\n`` line ends, a header row)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in self.rows)
        return buffer.getvalue()


def _read_record(path: Path) -> RunRecord:
    try:
        return RunRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: file not found") from None
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path}: not a DigitLab run record ({exc})") from None


def read_run(path: str | Path) -> RunSource:
    """The run at ``path``: a run folder, its ``run.json``, or a checkpoint file.

    Raises
    ------
    CheckpointError
        If ``path`` is none of these, or cannot be read (one line naming it).
    """
    path = Path(path)
    if path.is_dir():
        if not (path / RUN_RECORD).is_file():
            raise CheckpointError(f"{path}: a folder without a {RUN_RECORD}: not a DigitLab "
                                  "run (give a run folder or a checkpoint file)")
        path = path / RUN_RECORD
    if path.name == RUN_RECORD:
        record = _read_record(path)
        return RunSource(record.meta, record, f"run #{record.number} ({path.parent})")
    meta = load_checkpoint(path).meta
    beside = path.parent / RUN_RECORD
    record = _read_record(beside) if beside.is_file() else None
    return RunSource(meta, record, path.name)


def _epoch_records(source: RunSource) -> list[dict[str, Any]]:
    """The run's per-epoch records: its final history, or (a run cut off before it ended)
    the metrics of the epochs it kept."""
    history = source.meta.get("history") or []
    if not history and source.record is not None:
        history = [s.metrics for s in source.record.snapshots if s.epoch > 0 and s.metrics]
    return [h for h in history if isinstance(h, dict)]


def epoch_table(source: RunSource) -> Table:
    """One row per epoch (see the module's docstring); no rows for a run without epochs."""
    rows = [tuple(record.get(_EPOCH_KEYS.get(column, column)) for column in EPOCH_COLUMNS)
            for record in _epoch_records(source)]
    return Table(EPOCH_COLUMNS, rows)


def batch_table(source: RunSource) -> Table:
    """One row per logged batch: ``epoch, loss`` and a gradient norm per layer.

    Raises
    ------
    CheckpointError
        If the source has no per-batch history (a checkpoint file outside a run folder).
    """
    record = source.record
    if record is None:
        raise CheckpointError(f"{source.label}: only a run folder keeps the per-batch history "
                              "(a checkpoint file holds the epochs only)")
    layers: list[str] = []
    for _, norms in record.grad_norms:
        layers += [layer for layer, _ in norms if layer not in layers]
    # the record appends a loss and its norms together, one pair per logged batch
    norms = ([dict(n) for _, n in record.grad_norms]
             if len(record.grad_norms) == len(record.losses) else [{}] * len(record.losses))
    rows = [(position, loss, *(batch.get(layer) for layer in layers))
            for (position, loss), batch in zip(record.losses, norms, strict=True)]
    return Table(("epoch", "loss", *(f"grad_norm:{layer}" for layer in layers)), rows)


def write_csv(table: Table, path: str | Path) -> Path:
    """Write ``table`` as CSV (atomically: a crash leaves no half-written file)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder; give the .csv file to write")
    return write_bytes_atomic(path, table.to_csv().encode("utf-8"))


def batches_path(path: str | Path) -> Path:
    """Where the per-batch table goes beside an epochs CSV: ``history.csv`` →
    ``history-batches.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}-batches{path.suffix or '.csv'}")


def has_batches(source: RunSource) -> bool:
    """Whether the run logged batches (its losses)."""
    return source.record is not None and bool(source.record.losses)

