"""Model shelf figures: snapshot size per model, and the time to restore a full shelf.

Writes ``--runs`` finished digitnet runs of ``--epochs`` epochs (one snapshot per epoch plus
the initial weights, as the GUI keeps them) into a temporary data folder, then times what the
window does at start-up: reading the shelf (``ModelLibrary.restore``), loading the canvas
model, and loading one replay snapshot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from cnn_core.checkpoints.runs import MAX_SNAPSHOTS, Snapshot
    from cnn_core.models import create_model

    for name in ("lenet5", "digitnet", "resnet_small"):
        size = Snapshot.of(0, create_model(name, seed=0)).nbytes()
        print(f"{name:13s} one snapshot {size / 1024:7.1f} KiB; a run's {MAX_SNAPSHOTS} "
              f"snapshots at most {MAX_SNAPSHOTS * size / 2**20:5.1f} MiB")

    with tempfile.TemporaryDirectory(prefix="digitlab-shelf-") as tmp:
        _shelf(Path(tmp), args)


def _shelf(root: Path, args: argparse.Namespace) -> None:
    from PySide6.QtCore import QCoreApplication

    from app.models import ModelLibrary
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.checkpoints.run_store import RunStore
    from cnn_core.checkpoints.runs import RunRecord, Snapshot, run_metadata
    from cnn_core.models import create_model, get_spec

    store = RunStore(root)
    model = create_model("digitnet", seed=0)
    meta = run_metadata(get_spec("digitnet"), "mnist", {"optimizer": "adam", "lr": 0.003})
    metrics = {"test_accuracy": 0.99, "train_accuracy": 0.99, "test_loss": 0.03}
    for number in range(1, args.runs + 1):
        record = RunRecord(store.new_run_id(number), number, "finished", meta,
                           ended_epoch=args.epochs, test_accuracy=0.99)
        for epoch in range(args.epochs + 1):
            record.add_snapshot(Snapshot.of(epoch, model, metrics))
        record.losses = [(i / 46, 0.1) for i in range(args.epochs * 46)]
        record.final = Checkpoint(model, meta)
        store.save(record)
    disk = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    print(f"{args.runs} digitnet runs of {args.epochs} epochs: {disk / 2**20:.0f} MiB on disk")

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841 (QObjects need it)
    for _ in range(args.repeat):
        library = ModelLibrary(root)
        start = time.perf_counter()
        library.restore()
        restored = time.perf_counter() - start
        entry = library.entries()[-1]
        start = time.perf_counter()
        library.choose(entry.key)
        chosen = time.perf_counter() - start
        start = time.perf_counter()
        library.replay_checkpoint(entry, 3)
        replayed = time.perf_counter() - start
        print(f"restore {restored * 1000:6.1f} ms · load the canvas run {chosen * 1000:5.1f} ms"
              f" · load a replay snapshot {replayed * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
