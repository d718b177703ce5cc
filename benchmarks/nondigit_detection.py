"""How well "not a digit" / "not sure" works: drawn non-digits flagged, real digits kept.

Flagged means the verdict is "not_a_digit" or "unsure". Prints, per checkpoint:

- the share of the drawn non-digits of ``tests/drawn_nondigits.py`` flagged (letters,
  symbols, shapes and scribbles drawn as strokes; by group, and each template never flagged);
  the digit-like letters (O, l, S, Z, B, g …) apart, since reading them as digits is fair;
- the share of drawn digits wrongly flagged (``tests/drawn_digits.py``, and
  ``tests/drawn_digits_holdout.py`` when present), and of MNIST test digits (``--mnist N``
  first images, all 10,000 by default), each through the canvas's preprocessing.

    python benchmarks/nondigit_detection.py [CHECKPOINT ...] [--mnist N] [--no-detector]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import drawn_nondigits as nd  # noqa: E402

from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from cnn_core.data.datasets import load_split  # noqa: E402
from cnn_core.recognition.predict import Predictor  # noqa: E402
from drawn_digits import render as render_digit  # noqa: E402
from drawn_digits import variations as digit_variations  # noqa: E402

FLAGGED = ("not_a_digit", "unsure")


def _group(name: str) -> str:
    for group, table in (("capital letters", nd.UPPER), ("small letters", nd.LOWER),
                         ("symbols", nd.SYMBOLS), ("shapes", nd.SHAPES),
                         ("scribbles", nd.SCRIBBLES)):
        if name in table:
            return group
    return "other"


def nondigits(predictor: Predictor) -> None:
    """Print the flagged shares of the drawn non-digits."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    never: list[str] = []
    per_template: dict[str, list[str]] = defaultdict(list)
    for name, _variation, image in nd.drawn_nondigits(include_lookalikes=True):
        verdict = predictor.predict(image).verdict
        group = "digit-like letters" if name in nd.LOOKALIKES else _group(name)
        counts[group][verdict] += 1
        per_template[name].append(verdict)
    total = Counter[str]()
    for group, c in counts.items():
        n = sum(c.values())
        if group != "digit-like letters":
            total.update(c)
        print(f"  {group:>20}: {_flagged(c):6.1%} flagged of {n} "
              f"(not a digit {c['not_a_digit']}, unsure {c['unsure']}, digit {c['digit']})")
    print(f"  {'ALL NON-DIGITS':>20}: {_flagged(total):6.1%} flagged of {sum(total.values())} "
          "(digit-like letters not counted)")
    for name, verdicts in per_template.items():
        if name not in nd.LOOKALIKES and not any(v in FLAGGED for v in verdicts):
            never.append(name)
    print(f"  never flagged: {', '.join(never) or 'none'}")


def _flagged(c: Counter[str]) -> float:
    return (c["not_a_digit"] + c["unsure"]) / max(1, sum(c.values()))


def _digit_sets() -> list[tuple[str, list[tuple[str, int, object]]]]:
    """(title, [(name, digit, image)]) for the drawn digit sets that are present."""
    sets = [("drawn_digits", [(f"{variation}:{digit}", digit, render_digit(digit, **kwargs))
                              for variation, kwargs in digit_variations()
                              for digit in range(10)])]
    try:
        holdout = importlib.import_module("drawn_digits_holdout")
    except ImportError:
        print("  (tests/drawn_digits_holdout.py not present)")
    else:
        sets.append(("drawn_digits_holdout",
                     [(f"{s.writer}/{s.sheet}:{s.digit}", s.digit, s.image)
                      for s in holdout.samples()]))
    return sets


def drawn_digits(predictor: Predictor) -> None:
    """Print the wrongly flagged shares of the drawn digits (and the hold-out set if any)."""
    for title, items in _digit_sets():
        c, wrong, misses = Counter[str](), 0, []
        for name, digit, image in items:
            pred = predictor.predict(image)
            c[pred.verdict] += 1
            wrong += pred.label != digit
            if pred.verdict in FLAGGED:
                misses.append(f"{name}->{pred.verdict}")
        print(f"  {title:>20}: {_flagged(c):6.1%} wrongly flagged of {sum(c.values())} "
              f"(not a digit {c['not_a_digit']}, unsure {c['unsure']}); "
              f"label wrong or missing {wrong}")
        if misses:
            print(f"    flagged: {' '.join(misses)}")


def mnist(predictor: Predictor, n: int) -> None:
    """Print the wrongly flagged share of the first ``n`` MNIST test digits."""
    split = load_split("mnist", train=False)
    c, right = Counter[str](), 0
    start = time.perf_counter()
    for image, label in zip(split.images[:n].numpy(), split.labels[:n].tolist(), strict=True):
        pred = predictor.predict(image)
        c[pred.verdict] += 1
        right += pred.label == label and pred.verdict == "digit"
    print(f"  {'MNIST test':>20}: {_flagged(c):6.1%} wrongly flagged of {sum(c.values())} "
          f"(not a digit {c['not_a_digit']}, unsure {c['unsure']}); accepted and right "
          f"{right / max(1, sum(c.values())):.2%}; {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", nargs="*", type=Path)
    parser.add_argument("--mnist", type=int, default=10_000, help="MNIST test images to use")
    parser.add_argument("--no-detector", action="store_true",
                        help="use the fallback rule (no detector), as for a model without one")
    args = parser.parse_args()
    for path in args.checkpoints or [bundled_checkpoint_path()]:
        predictor = Predictor(load_checkpoint(path),
                              **({"detector": None} if args.no_detector else {}))
        print(f"{path.name} (temperature {predictor.temperature:.3f}, detector "
              f"{'none' if predictor.detector is None else 'bundled'})")
        nondigits(predictor)
        drawn_digits(predictor)
        if args.mnist:
            mnist(predictor, args.mnist)


if __name__ == "__main__":
    main()
