"""Fine-tuning on "your own" digits: time and before/after accuracy, per made-up hand.

The samples are the made-up hands of ``tests/own_hand.py`` (5 per digit, rendered like a
280×280 canvas drawing and preprocessed as the Coach tab does): ``steep`` (a steep backhand
the bundled model partly misreads), ``mixed`` (backhand, steep and wide in turn). The
fine-tuning is the Coach tab's default (:class:`cnn_core.training.finetune.FineTuneConfig`),
on one CPU thread; CPU seconds are printed beside wall seconds because wall time on a shared
machine measures the other processes too.

    python benchmarks/fine_tune_own.py [--mnist-test N] [--hands steep mixed]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import torch  # noqa: E402

from cnn_core.checkpoints import load_bundled  # noqa: E402
from cnn_core.data.own_digits import OwnDigitStore, load_own_data, to_sample28  # noqa: E402
from cnn_core.training.finetune import FineTuneConfig, FineTuneFinished, fine_tune  # noqa: E402
from own_hand import render  # noqa: E402

_STYLES = ("backhand", "steep", "wide")


def _store(hand: str, folder: Path) -> OwnDigitStore:
    store = OwnDigitStore(folder)
    for digit in range(10):
        for i in range(5):
            drawing = render(digit, i, hand if hand != "mixed" else _STYLES[i % 3])
            store.add(digit, to_sample28(drawing.astype(np.float32) / 255.0), drawing)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist-test", type=int, default=2000, help="0: all 10,000")
    parser.add_argument("--hands", nargs="+", default=["steep", "mixed"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    checkpoint = load_bundled()
    config = FineTuneConfig(mnist_test_samples=args.mnist_test or None)
    for hand in args.hands:
        store = _store(hand, Path(tempfile.mkdtemp()) / "own-digits")
        data = load_own_data(store.root)
        cpu, wall = time.process_time(), time.perf_counter()
        result = next(e for e in fine_tune(checkpoint, data, config)
                      if isinstance(e, FineTuneFinished))
        b, a = result.before, result.after
        print(f"{hand:>6}: held-out own {b.own_accuracy:.1%} -> {a.own_accuracy:.1%} "
              f"({b.own_count}), MNIST test {b.mnist_accuracy:.2%} -> {a.mnist_accuracy:.2%} "
              f"({b.mnist_count:,}); {time.process_time() - cpu:.1f} s CPU, "
              f"{time.perf_counter() - wall:.1f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
