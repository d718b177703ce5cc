"""Latency of one prediction: a drawing → probabilities with the bundled model.

Times :meth:`cnn_core.recognition.predict.Predictor.predict` (preprocessing + forward pass) on a
280×280 drawing, as the canvas sends it, and on a 2000×2000 canvas as the worst case; p50 and p95
over ``--runs`` calls after ``--warmup`` calls, with the preprocessing share.

    .venv/bin/python benchmarks/predict_latency.py [--runs 200] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _common import ROOT, machine_line

sys.path.append(str(ROOT / "tests"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from cnn_core.checkpoints import load_bundled  # noqa: E402
from cnn_core.data.preprocess import preprocess  # noqa: E402
from cnn_core.recognition.predict import Predictor  # noqa: E402
from drawn_digits import render  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1e3, p95 * 1e3


def time_calls(fn: object, image: np.ndarray, runs: int, warmup: int) -> list[float]:
    """Wall time of ``fn(image)`` per call, after warm-up calls."""
    for _ in range(warmup):
        fn(image)  # type: ignore[operator]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(image)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls per image")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first")
    parser.add_argument("--big-runs", type=int, default=40, help="timed calls, 2000×2000")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    parser.add_argument("--image", type=Path, help="also time this image file")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(machine_line())
    predictor = Predictor(load_bundled(), device=args.device)
    cases = [("280×280 drawing (canvas size)", render(3, canvas=280, pen=0.05), args.runs),
             ("2000×2000 canvas, off-centre", render(8, canvas=2000, size=0.3, pen=0.01,
                                                   center=(0.3, 0.7)), args.big_runs)]
    if args.image:
        from cnn_core.data.preprocess import load_image

        cases.append((str(args.image), load_image(args.image), args.runs))
    for name, image, runs in cases:
        label = predictor.predict(image).label
        total = time_calls(predictor.predict, image, runs, min(args.warmup, runs))
        prep = time_calls(preprocess, image, runs, min(args.warmup, runs))
        t50, t95 = percentiles(total)
        p50, p95 = percentiles(prep)
        print(f"{name}: predicted {label}; preprocess + forward p50 {t50:.2f} ms, "
              f"p95 {t95:.2f} ms (preprocess alone p50 {p50:.2f} ms, p95 {p95:.2f} ms; "
              f"{runs} runs)")
    print(machine_line())


if __name__ == "__main__":
    main()
