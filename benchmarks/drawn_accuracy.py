"""Accuracy of checkpoints on digits drawn as people draw them (not MNIST).

Renders every digit in every variation of ``tests/drawn_digits.py`` (big canvas, off-centre,
small and large, thin pen and thick marker, both polarities), runs the same preprocessing as
the canvas, and prints the accuracy per checkpoint and the failures.

    python benchmarks/drawn_accuracy.py [CHECKPOINT ...]   (default: the bundled model)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from cnn_core.predict import Predictor  # noqa: E402
from drawn_digits import render, variations  # noqa: E402


def score(path: Path) -> tuple[float, list[str]]:
    """Fraction of drawn digits read correctly, and a line per miss."""
    predictor = Predictor(load_checkpoint(path))
    misses, total = [], 0
    for name, kwargs in variations():
        for digit in range(10):
            pred = predictor.predict(render(digit, **kwargs))
            total += 1
            if pred.label != digit:
                misses.append(f"{name}: {digit} read as {pred.label} ({pred.confidence:.0%})")
    return 1 - len(misses) / total, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", nargs="*", type=Path)
    args = parser.parse_args()
    for path in args.checkpoints or [bundled_checkpoint_path()]:
        accuracy, misses = score(path)
        print(f"{path.name}: drawn-digit accuracy {accuracy:.1%} ({len(misses)} misses)")
        for miss in misses:
            print(f"    {miss}")


if __name__ == "__main__":
    main()
