"""Accuracy of checkpoints on digits drawn as people draw them (not MNIST), on two sets.

- development: ``tests/drawn_digits.py``, 10 digits × 10 ways of drawing them. DigitLab's
  preprocessing was developed and tuned on these, so this figure is in-sample.
- held-out: ``tests/drawn_digits_holdout.py``, 4 writers × 10 digits × 6 sheets, written
  separately and never used for tuning: the honest figure.

Each image goes through the same preprocessing as the canvas and ``digitlab predict``; the
accuracy per checkpoint and set is printed, then the misses (``--quiet`` leaves them out).

    python benchmarks/drawn_accuracy.py [CHECKPOINT ...] [--quiet]   (default: bundled model)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402

import drawn_digits  # noqa: E402
import drawn_digits_holdout  # noqa: E402
from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from cnn_core.recognition.predict import Predictor  # noqa: E402

Case = tuple[str, int, np.ndarray]  # (where it comes from, digit, image)


def development_set() -> Iterator[Case]:
    """The templates preprocessing was tuned on (100 images)."""
    for name, kwargs in drawn_digits.variations():
        for digit in range(10):
            yield name, digit, drawn_digits.render(digit, **kwargs)


def holdout_set() -> Iterator[Case]:
    """The independent set (240 images)."""
    for sample in drawn_digits_holdout.samples():
        yield f"{sample.writer}/{sample.sheet}", sample.digit, sample.image


SETS = {"development": development_set, "held-out": holdout_set}


def score(predictor: Predictor, cases: Iterator[Case]) -> tuple[int, int, list[str]]:
    """(correct, total, a line per miss)."""
    misses, total = [], 0
    for where, digit, image in cases:
        prediction = predictor.predict(image)
        total += 1
        if prediction.label != digit:
            misses.append(f"{where}: {digit} read as {prediction.label} "
                          f"({prediction.confidence:.0%})")
    return total - len(misses), total, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", nargs="*", type=Path)
    parser.add_argument("--quiet", action="store_true", help="accuracies only, no misses")
    args = parser.parse_args()
    for path in args.checkpoints or [bundled_checkpoint_path()]:
        predictor = Predictor(load_checkpoint(path))
        for set_name, cases in SETS.items():
            correct, total, misses = score(predictor, cases())
            print(f"{path.name}: {set_name} drawn digits {correct}/{total} = "
                  f"{correct / total:.1%}")
            if not args.quiet:
                for miss in misses:
                    print(f"    {miss}")


if __name__ == "__main__":
    main()
