"""An evaluation as people and programs read it: JSON, a text report, misclassified files."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np

from .evaluation import EvaluationResult

__all__ = ["MISCLASSIFIED_INDEX", "format_report", "result_to_json", "write_misclassified"]

MISCLASSIFIED_INDEX = "misclassified.csv"
_CSV_FIELDS = ("file", "index", "true", "true_class", "predicted", "predicted_class", "p_top1",
               "top2", "top2_class", "p_top2", "top3", "top3_class", "p_top3", "source")


def _number(value: float, digits: int = 6) -> float | None:
    return None if not math.isfinite(value) else round(float(value), digits)


def reliability_rows(result: EvaluationResult) -> list[dict[str, Any]]:
    """One dict per confidence bin: bounds, image count, mean confidence, accuracy."""
    curve = result.reliability
    return [{"lower": _number(curve.edges[i]), "upper": _number(curve.edges[i + 1]),
             "count": int(curve.counts[i]), "confidence": _number(curve.confidence[i]),
             "accuracy": _number(curve.accuracy[i])} for i in range(len(curve.counts))]


def result_to_json(result: EvaluationResult) -> dict[str, Any]:
    """A JSON-able summary (no per-image arrays except the misclassified count)."""
    return {
        "model": result.model, "dataset": result.source, "title": result.title, "n": result.n,
        "accuracy": _number(result.accuracy), "classes": list(result.classes),
        "per_class_accuracy": [_number(a) for a in result.per_class_accuracy],
        "confusion": result.confusion.tolist(),
        "ece": _number(result.ece), "ece_bins": len(result.reliability.counts),
        "ece_uncalibrated": _number(result.ece_uncalibrated),
        "temperature": _number(result.temperature, 4), "reliability": reliability_rows(result),
        "misclassified": len(result.misclassified), "seconds": round(result.seconds, 3),
    }


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def format_report(result: EvaluationResult) -> str:
    """A compact text report: headline, per-class table, confusion matrix, reliability table."""
    names = result.classes
    label_w = max(5, max(len(n) for n in names))
    lines = [f"{result.model} on {result.title}: {result.accuracy:.2%} of {result.n:,} correct "
             f"({result.seconds:.1f} s)", "",
             f"{'class':>{label_w}}  accuracy  images"]
    support = result.confusion.sum(axis=1)
    for name, acc, count in zip(names, result.per_class_accuracy, support, strict=True):
        shown = "     -" if not math.isfinite(acc) else f"{acc:8.2%}"
        lines.append(f"{name:>{label_w}}  {shown:>8}  {count:6,}")
    cell_w = max(5, len(f"{int(result.confusion.max()):,}") + 1)
    col_w = max(cell_w, min(8, max(len(n) for n in names) + 1))
    lines += ["", "confusion matrix (rows: true class, columns: predicted)",
              " " * label_w + "".join(f"{_short(n, col_w - 1):>{col_w}}" for n in names)]
    for name, row in zip(names, result.confusion, strict=True):
        lines.append(f"{name:>{label_w}}" + "".join(f"{int(v):>{col_w},}" for v in row))
    lines += ["", f"calibration: ECE {result.ece:.2%} ({len(result.reliability.counts)} bins, "
                  f"temperature {result.temperature:.2f})"
              + (f"; without temperature {result.ece_uncalibrated:.2%}"
                 if result.temperature != 1.0 else ""),
              "  confidence  images  mean conf  accuracy"]
    for row in reliability_rows(result):
        if row["count"]:
            lines.append(f"  {row['lower']:.2f}–{row['upper']:.2f}  {row['count']:6,}  "
                         f"{row['confidence']:9.1%}  {row['accuracy']:8.1%}")
    return "\n".join(lines)


def write_misclassified(result: EvaluationResult, folder: str | Path) -> Path:
    """Write every misclassified image as a 28×28 PNG and an index CSV; returns the CSV's path.

    File names hold the index and class indices (class names may hold ``/``):
    ``00359_true9_pred4.png``. The CSV (``misclassified.csv``) has one row per image with
    the true and predicted class (index and name) and the top-3 answers with probabilities.
    """
    from PIL import Image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(max(result.n - 1, 0))))
    names = result.classes
    index_path = folder / MISCLASSIFIED_INDEX
    with index_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(_CSV_FIELDS)
        for m in result.misclassified:
            file = f"{m.index:0{width}d}_true{m.true}_pred{m.predicted}.png"
            Image.fromarray(np.ascontiguousarray(result.images[m.index])).save(folder / file)
            top = list(m.top3) + [(None, None)] * (3 - len(m.top3))
            row: list[Any] = [file, m.index, m.true, names[m.true], m.predicted,
                              names[m.predicted], f"{top[0][1]:.6f}"]
            for cls, p in top[1:]:
                row += ["", "", ""] if cls is None else [cls, names[cls], f"{p:.6f}"]
            row.append(result.files[m.index] if result.files else "")
            writer.writerow(row)
    return index_path
