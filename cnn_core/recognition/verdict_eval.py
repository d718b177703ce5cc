"""Judge the verdict on drawn pictures: false "not a digit" / "not sure" on digits, per bucket,
and the share of non-digits flagged, with the goals beside them.

The pictures come from :mod:`cnn_core.data.drawn_eval`; each goes through the predictor exactly as
a drawing on the canvas does (:meth:`cnn_core.recognition.predict.Predictor.predict`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..data.drawn_eval import DrawnSample
from .predict import Predictor

__all__ = ["GOALS", "Tally", "format_tables", "tally"]

# The goals: digits called "not a digit" / "not sure" at most, non-digits flagged at least.
GOALS = {"not_a_digit": 0.005, "unsure": 0.03, "flagged": 0.90}
FLAGGED = ("not_a_digit", "unsure")


@dataclass
class Tally:
    """Verdict counts per group: digits by bucket, non-digits by kind."""

    digits: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(
        Counter))
    nondigits: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    right: int = 0  # digits read right and called "digit"
    misses: list[str] = field(default_factory=list)  # digits flagged "not a digit"

    def digit_total(self) -> Counter[str]:
        """Verdict counts over every digit."""
        return self.digits[("all", "all")]

    def nondigit_total(self) -> Counter[str]:
        """Verdict counts over every non-digit."""
        total: Counter[str] = Counter()
        for c in self.nondigits.values():
            total.update(c)
        return total


def tally(predictor: Predictor, samples: Iterable[DrawnSample],
          kind_of: Callable[[DrawnSample], str] = lambda s: s.source.split(":")[0],
          progress: Callable[[int], None] | None = None) -> Tally:
    """Run every sample through the predictor and count the verdicts.

    Digits count under ``("all", "all")``, their source (``("source", "mnist")`` …) and
    each of their buckets (``("size", "1/5–2/5")`` …); non-digits under ``kind_of(sample)``.
    """
    out = Tally()
    for i, sample in enumerate(samples):
        pred = predictor.predict(sample.image)
        if sample.label < 0:
            out.nondigits[kind_of(sample)][pred.verdict] += 1
        else:
            keys = [("all", "all"), ("source", sample.source.split(":")[0]),
                    *sample.buckets().items()]
            for key in keys:
                out.digits[key][pred.verdict] += 1
            out.right += pred.verdict == "digit" and pred.label == sample.label
            if pred.verdict == "not_a_digit":
                out.misses.append(f"{sample.source}:{sample.label} "
                                  f"{' '.join(sample.buckets().values())}")
        if progress is not None:
            progress(i + 1)
    return out


def _share(c: Counter[str], *verdicts: str) -> float:
    return sum(c[v] for v in verdicts) / max(1, sum(c.values()))


def _mark(value: float, goal: float, at_most: bool) -> str:
    ok = value <= goal if at_most else value >= goal
    return "ok" if ok else "MISSED"


def format_tables(t: Tally, groups: Sequence[str] = ("source", "size", "pen", "position",
                                                       "polarity")) -> str:
    """The per-bucket table of the digits and the table of the non-digits, as text."""
    nd_goal, un_goal, fl_goal = GOALS["not_a_digit"], GOALS["unsure"], GOALS["flagged"]
    lines = [f"{'digits':<30} {'n':>6} {'not a digit':>12} {'not sure':>9}"
             f"   (goals: ≤ {nd_goal:.1%}, ≤ {un_goal:.0%})"]
    order = [("all", "all")] + sorted(k for k in t.digits if k[0] in groups)
    order.sort(key=lambda k: (0 if k[0] == "all" else 1 + list(groups).index(k[0])))
    for key in order:
        c = t.digits[key]
        nd, un = _share(c, "not_a_digit"), _share(c, "unsure")
        name = "ALL" if key[0] == "all" else f"{key[0]}: {key[1]}"
        lines.append(f"{name:<30} {sum(c.values()):>6} {nd:>12.2%} {un:>9.2%}   "
                     f"{_mark(nd, nd_goal, True)}/{_mark(un, un_goal, True)}")
    right = t.right / max(1, sum(t.digit_total().values()))
    lines.append(f"digits called 'digit' and read right: {right:.2%}")
    lines.append("")
    lines.append(f"{'non-digits':<30} {'n':>6} {'not a digit':>12} {'not sure':>9} "
                 f"{'flagged':>8}   (goal: ≥ {fl_goal:.0%} flagged)")
    rows = sorted(t.nondigits.items()) + [("ALL", t.nondigit_total())]
    for name, c in rows:
        fl = _share(c, *FLAGGED)
        lines.append(f"{name:<30} {sum(c.values()):>6} {_share(c, 'not_a_digit'):>12.2%} "
                     f"{_share(c, 'unsure'):>9.2%} {fl:>8.2%}   {_mark(fl, fl_goal, False)}")
    return "\n".join(lines)
