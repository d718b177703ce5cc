"""Why-this-answer figures: saliency time per drawing, deletion-curve AUCs, FGSM ε.

- Time of each saliency method (``cnn_core.analysis.saliency.explain``) per drawing with the bundled
  model, on the drawn-style digits of ``tests/drawn_digits`` (p50 / p95).
- Deletion curves on the first ``--images`` MNIST test images: the mean probability of the
  predicted class as its ink pixels are set to the background, most salient first, least
  salient first, and in ``--random`` random orders (lower = the pixels found matter more).
- The smallest L∞ change found by ``cnn_core.analysis.perturb.smallest_flip`` (ink units) on MNIST
  test images and on the drawn-style digits, and its time.

    .venv/bin/python benchmarks/saliency_figures.py [--images 100] [--flips 50] [--threads 1]

``--images 0 --flips 0`` times the saliency methods only.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import ROOT, machine_line

sys.path.append(str(ROOT / "tests"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from cnn_core.analysis.perturb import smallest_flip  # noqa: E402
from cnn_core.analysis.saliency import METHODS, deletion_curve, explain  # noqa: E402
from cnn_core.checkpoints import load_bundled  # noqa: E402
from cnn_core.data.datasets import load_split  # noqa: E402
from cnn_core.data.preprocess import preprocess  # noqa: E402
from drawn_digits import render, variations  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    return float(np.percentile(samples, 50)) * 1e3, float(np.percentile(samples, 95)) * 1e3


def drawn_inputs() -> list[np.ndarray]:
    """The 28×28 inputs of 10 digits × the drawn-style variations."""
    return [preprocess(render(digit, **kwargs)).image28
            for digit in range(10) for _, kwargs in variations()]


def time_methods(checkpoint, images: list[np.ndarray]) -> None:  # noqa: ANN001
    for method in METHODS:
        explain(checkpoint, images[0], 0, method)  # warm-up
        times = []
        for image in images:
            start = time.perf_counter()
            explain(checkpoint, image, int(image.sum()) % 10, method)
            times.append(time.perf_counter() - start)
        p50, p95 = percentiles(times)
        print(f"saliency {method}: p50 {p50:.1f} ms, p95 {p95:.1f} ms per drawing "
              f"({len(images)} drawings)")


def deletion_aucs(checkpoint, count: int, randoms: int) -> None:  # noqa: ANN001
    split = load_split("mnist", train=False)
    model, background = checkpoint.model, -checkpoint.mean / checkpoint.std
    rng = np.random.default_rng(0)
    aucs: dict[str, list[float]] = {}
    for i in range(count):
        image = split.images[i].numpy().astype(np.float32) / 255
        x = (torch.from_numpy(image)[None, None] - checkpoint.mean) / checkpoint.std
        with torch.no_grad():
            target = int(model(x).argmax())
        ink = np.flatnonzero(image.ravel() > 0)

        def auc(order: np.ndarray, x: torch.Tensor = x, target: int = target) -> float:
            return float(deletion_curve(model, x, target, order, baseline=background).mean())

        for method in METHODS:
            values = explain(checkpoint, image, target, method).ravel()[ink]
            order = ink[np.argsort(-values, kind="stable")]
            aucs.setdefault(f"{method}, most salient first", []).append(auc(order))
            aucs.setdefault(f"{method}, least salient first", []).append(auc(order[::-1]))
        aucs.setdefault("random order", []).append(
            float(np.mean([auc(rng.permutation(ink)) for _ in range(randoms)])))
    for name, values in aucs.items():
        print(f"deletion AUC, {name}: {np.mean(values):.3f} ({count} MNIST test images)")


def flips(checkpoint, name: str, images: list[np.ndarray]) -> None:  # noqa: ANN001
    eps, times, none = [], [], 0
    for image in images:
        start = time.perf_counter()
        flip = smallest_flip(checkpoint, image)
        times.append(time.perf_counter() - start)
        if flip is None:
            none += 1
        else:
            eps.append(flip.epsilon)
    p50, p95 = percentiles(times)
    q = np.percentile(eps, [10, 50, 90]) if eps else [float("nan")] * 3
    print(f"smallest flip, {name}: ε p10 {q[0]:.3f}, median {q[1]:.3f}, p90 {q[2]:.3f} "
          f"({len(eps)} flipped, {none} not within 0.5); search p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100, help="MNIST test images (0: skip)")
    parser.add_argument("--random", type=int, default=4, help="random orders per image")
    parser.add_argument("--flips", type=int, default=50, help="MNIST images to attack (0: skip)")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(machine_line())
    checkpoint = load_bundled()
    drawn = drawn_inputs()
    time_methods(checkpoint, drawn)
    if args.images > 0:
        deletion_aucs(checkpoint, args.images, args.random)
    if args.flips > 0:
        split = load_split("mnist", train=False)
        mnist = [split.images[i].numpy().astype(np.float32) / 255 for i in range(args.flips)]
        flips(checkpoint, f"{args.flips} MNIST test images", mnist)
        flips(checkpoint, f"{len(drawn)} drawn-style digits", drawn)
    print(machine_line())


if __name__ == "__main__":
    main()
