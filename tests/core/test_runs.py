"""Run records: epoch snapshots taken the worker's way, thinning, a store that round-trips."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from cnn_core.checkpoints import load_checkpoint
from cnn_core.checkpoints.run_store import RunStore
from cnn_core.checkpoints.runs import MAX_SNAPSHOTS, RunRecord, Snapshot
from cnn_core.training import EpochDone, Finished, RunStarted, TrainConfig, Trainer


def _tiny_run(epochs: int = 2) -> tuple[Trainer, RunRecord, list[dict[str, torch.Tensor]]]:
    """Train lenet on 256 images, recording as the GUI's worker does; also keep an
    independent deep copy of the live weights at every epoch end to compare against."""
    config = TrainConfig.for_model("lenet", epochs=epochs, max_train_samples=256,
                                   max_test_samples=200, device="cpu", seed=0, batch_size=64)
    trainer = Trainer(config)
    record: RunRecord | None = None
    expected: list[dict[str, torch.Tensor]] = []
    for event in trainer.run():
        if isinstance(event, RunStarted):
            record = RunRecord("0001-test", 1, "running", trainer.snapshot().meta)
            record.add_snapshot(Snapshot.of(0, trainer.model))
            expected.append(copy.deepcopy(trainer.model.state_dict()))
        elif isinstance(event, EpochDone):
            assert record is not None
            record.add_snapshot(Snapshot.of(event.epoch, trainer.model, event.as_dict()))
            expected.append(copy.deepcopy(trainer.model.state_dict()))
        elif isinstance(event, Finished):
            assert record is not None
            record.status, record.final = "finished", event.checkpoint
            record.meta = event.checkpoint.meta
            record.ended_epoch, record.test_accuracy = event.epochs_done, event.test_accuracy
    assert record is not None
    return trainer, record, expected


def _equal(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k].cpu(), b[k].cpu()) for k in a)


def test_replay_snapshots_equal_the_weights_at_each_epoch_end(tmp_path) -> None:
    trainer, record, expected = _tiny_run(epochs=2)
    assert [s.epoch for s in record.snapshots] == [0, 1, 2]
    for snapshot, weights in zip(record.snapshots, expected, strict=True):
        assert _equal(snapshot.state, weights)
    assert not _equal(record.snapshots[0].state, record.snapshots[1].state)  # it did learn
    assert _equal(record.snapshots[-1].state, trainer.model.state_dict())
    assert record.snapshots[2].test_accuracy == record.test_accuracy

    # Saved and reloaded: every snapshot reads back as the same weights, from disk.
    store = RunStore(tmp_path)
    store.save(record)
    [loaded] = store.load_records()
    assert loaded.title() == record.title() and loaded.snapshots[0].state is None
    for index, weights in enumerate(expected):
        checkpoint = store.load_snapshot(loaded, index)
        assert _equal(checkpoint.model.state_dict(), weights)
        assert checkpoint.meta["epochs"] == index
    assert _equal(store.load_final(loaded).model.state_dict(), trainer.model.state_dict())
    # Each file is an ordinary checkpoint, openable on its own.
    epoch1 = load_checkpoint(tmp_path / "runs" / "0001-test" / "epoch-001.safetensors")
    assert epoch1.test_accuracy == pytest.approx(record.snapshots[1].test_accuracy)


def test_titles_say_how_the_run_ended() -> None:
    meta = {"spec": {"name": "lenet5"}, "config": {"optimizer": "sgd", "lr": 0.5}}
    record = RunRecord("x", 3, "stopped", meta, ended_epoch=2, test_accuracy=0.9843)
    assert record.title() == "#3 lenet5 · sgd 0.5 · 98.4 % · stopped in epoch 2"
    record.status = "diverged"
    assert record.title().endswith("diverged in epoch 2")
    record.status, record.ended_epoch = "finished", 16
    assert record.title() == "#3 lenet5 · sgd 0.5 · 98.4 % · 16 epochs"


def test_long_runs_are_thinned_evenly_and_keep_first_and_last(tmp_path) -> None:
    record = RunRecord("0001-long", 1, "running", {"spec": {"name": "lenet"}})
    model = torch.nn.Linear(2, 2)
    for epoch in range(0, 101):
        record.add_snapshot(Snapshot.of(epoch, model))
        assert len(record.snapshots) <= MAX_SNAPSHOTS
    epochs = [s.epoch for s in record.snapshots]
    assert epochs[0] == 0 and epochs[-1] == 100
    gaps = [b - a for a, b in zip(epochs, epochs[1:], strict=False)]
    assert len(set(gaps[:-1])) == 1 and gaps[-1] <= gaps[0]  # evenly spread, no hole
    assert len(record.snapshots) >= MAX_SNAPSHOTS // 2


def test_store_evicts_the_oldest_but_never_the_protected_run(tmp_path) -> None:
    store = RunStore(tmp_path)
    records = []
    for number in range(1, 6):
        record = RunRecord(store.new_run_id(number), number, "finished",
                           {"spec": {"name": "lenet"}})
        store.save(record)
        records.append(record)
    removed = store.evict(records, keep=3, protect=records[0].run_id)
    assert [r.number for r in removed] == [2, 3]
    assert [r.number for r in store.load_records()] == [1, 4, 5]


def test_broken_and_unfinished_runs_are_skipped(tmp_path) -> None:
    store = RunStore(tmp_path)
    good = RunRecord(store.new_run_id(1), 1, "finished", {"spec": {"name": "lenet"}})
    store.save(good)
    (store.runs_dir / "0002-crashed").mkdir()
    (store.runs_dir / "0002-crashed" / "epoch-000.safetensors").write_bytes(b"x")
    (store.runs_dir / "0003-corrupt").mkdir()
    (store.runs_dir / "0003-corrupt" / "run.json").write_text("{not json")
    assert [r.run_id for r in store.load_records()] == [good.run_id]
    store.prune([good])
    assert not (store.runs_dir / "0002-crashed").exists()
    assert (store.runs_dir / "0003-corrupt").exists()  # a record we cannot read is kept


def test_state_file_round_trips_and_tolerates_garbage(tmp_path) -> None:
    store = RunStore(tmp_path)
    assert store.read_state() == {}
    store.write_state({"canvas": "run:1", "files": ["/a.safetensors"]})
    assert store.read_state() == {"canvas": "run:1", "files": ["/a.safetensors"]}
    (tmp_path / "shelf.json").write_text("[1, 2")
    assert store.read_state() == {}
    assert json.loads(json.dumps(RunRecord("a", 1, "stopped", {}).to_json()))["status"] == "stopped"


def test_a_run_cut_off_mid_training_comes_back_as_interrupted(tmp_path) -> None:
    _, finished, expected = _tiny_run(epochs=2)
    store = RunStore(tmp_path)
    # As the library does while training: each epoch's file, then the progress record.
    record = RunRecord(store.new_run_id(7), 7, "running", finished.meta)
    for snapshot in finished.snapshots[:2]:  # initial weights and epoch 1; then a crash
        record.add_snapshot(Snapshot(snapshot.epoch, snapshot.metrics, snapshot.state))
        store.save_snapshot(record, record.snapshots[-1])
        store.save_progress(record)
    record.add_snapshot(Snapshot(2, {}, expected[2]))  # never written: lost in the crash
    [loaded] = store.load_records()
    assert loaded.status == "interrupted" and loaded.ended_epoch == 1
    assert loaded.title().endswith("interrupted after epoch 1")
    assert [s.epoch for s in loaded.snapshots] == [0, 1]
    assert _equal(store.load_final(loaded).model.state_dict(), expected[1])
    assert loaded.test_accuracy == finished.snapshots[1].test_accuracy


def test_gradient_norms_are_kept_with_the_run() -> None:
    record = RunRecord("a", 1, "finished", {"spec": {"name": "lenet"}})
    record.grad_norms = [(0.1, (("conv1", 0.0123456), ("fc1", 2.5))), (0.2, (("conv1", 0.011),))]
    again = RunRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert again.grad_norms == [(0.1, (("conv1", 0.01235), ("fc1", 2.5))),
                                (0.2, (("conv1", 0.011),))]
    old = record.to_json()
    del old["grad_norms"]  # a record written before norms were kept
    assert RunRecord.from_json(old).grad_norms == []
