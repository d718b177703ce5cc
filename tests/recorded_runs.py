"""Short training runs recorded as the GUI records them (a run folder), and MNIST laid out as
torchvision keeps it: for the tests of run exports (CSV history, training scripts)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from cnn_core.checkpoints.run_store import RunStore
from cnn_core.checkpoints.runs import RunRecord, Snapshot
from cnn_core.runtime.resources import resource_path
from cnn_core.training import BatchDone, EpochDone, Finished, RunStarted, TrainConfig, Trainer

__all__ = ["record_run", "torchvision_mnist"]

_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte")


def torchvision_mnist(root: Path) -> Path:
    """``root`` holding the bundled MNIST as ``torchvision.datasets.MNIST(root)`` reads it
    (uncompressed IDX files in ``MNIST/raw``); DigitLab's ``--data-dir root`` reads it too."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        with gzip.open(resource_path(f"{name}.gz"), "rb") as src, open(raw / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return root


def record_run(config: TrainConfig, store: RunStore, number: int = 1) -> RunRecord:
    """Train ``config``, record it as the window's run does (losses and gradient norms of each
    report, a snapshot per epoch), save it in ``store`` and return the record."""
    trainer = Trainer(config)
    record: RunRecord | None = None
    steps = 1
    event = None
    for event in trainer.run():  # the weights are read between two events, as the GUI does
        if isinstance(event, RunStarted):
            steps = event.steps_per_epoch
            record = RunRecord(store.new_run_id(number), number, "running",
                               trainer.snapshot().meta)
            record.add_snapshot(Snapshot.of(0, trainer.model))
        elif isinstance(event, BatchDone) and record is not None:
            record.losses.append((event.step / steps, event.loss))
            record.grad_norms.append((event.step / steps, event.grad_norms))
        elif isinstance(event, EpochDone) and record is not None:
            record.add_snapshot(Snapshot.of(event.epoch, trainer.model, event.as_dict()))
    end = event
    assert record is not None and isinstance(end, Finished)
    record.status, record.ended_epoch, record.test_accuracy = ("finished", end.epochs_done,
                                                               end.test_accuracy)
    record.final, record.meta = end.checkpoint, end.checkpoint.meta
    store.save(record)
    return record
