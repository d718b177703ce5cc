"""Accuracy of checkpoints on digits drawn as people draw them (not MNIST), on two sets.

- development: ``tests/drawn_digits.py``, 10 digits × 10 ways of drawing them. DigitLab's
  preprocessing was developed and tuned on these, so this figure is in-sample.
- held-out: ``tests/drawn_digits_holdout.py``, 4 writers × 10 digits × 6 sheets, written
  separately and never used for tuning: the honest figure.
- with ``--drawn-eval``, also the report part of the drawn evaluation
  (:mod:`cnn_core.data.drawn_eval`, seed ``--seed``): 5,000 MNIST test digits redrawn on the
  canvas at every size, place and pen, and 160 handwriting-font digits, each set's share read
  right (the answer's label, whatever its verdict).

Each image goes through the same preprocessing as the canvas and ``digitlab predict``; the
accuracy per checkpoint and set is printed, then the misses (``--quiet`` leaves them out).

    python benchmarks/drawn_accuracy.py [CHECKPOINT ...] [--quiet]   (default: bundled model)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
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


def drawn_eval_sets(seed: int) -> dict[str, Callable[[], Iterator[Case]]]:
    """The report part's digits, by source: redrawn MNIST test digits, handwriting fonts."""
    from cnn_core.data.drawn_eval import evaluation_samples

    samples = [s for s in evaluation_samples("report", None, seed=seed) if s.label >= 0]

    def of(source: str) -> Callable[[], Iterator[Case]]:
        return lambda: ((s.source, s.label, s.image) for s in samples
                        if s.source.split(":")[0] == source)

    return {"report-part MNIST": of("mnist"), "report-part font": of("font")}


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
    parser.add_argument("--drawn-eval", action="store_true",
                        help="also the drawn evaluation's report part (about a minute)")
    parser.add_argument("--seed", type=int, default=0, help="the drawn evaluation's seed")
    args = parser.parse_args()
    sets = dict(SETS)
    if args.drawn_eval:
        sets.update(drawn_eval_sets(args.seed))
    for path in args.checkpoints or [bundled_checkpoint_path()]:
        predictor = Predictor(load_checkpoint(path))
        for set_name, cases in sets.items():
            correct, total, misses = score(predictor, cases())
            print(f"{path.name}: {set_name} drawn digits {correct}/{total} = "
                  f"{correct / total:.2%}")
            if not args.quiet:
                for miss in misses[:20]:
                    print(f"    {miss}")
                if len(misses) > 20:
                    print(f"    … and {len(misses) - 20} more")

if __name__ == "__main__":
    main()
