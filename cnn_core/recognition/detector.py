"""The digit detector: does a preprocessed 28×28 picture show a digit at all?

A small CNN, separate from the classifier, trained on MNIST digits and font-rendered digits
(label "digit") against font-rendered letters and symbols and pen-drawn shapes and scribbles
(label "not a digit", see :mod:`cnn_core.data.nondigits`). Because it looks only at the 28×28
image, one detector serves every model trained on digits (the bundled one, and every model
trained in the app or with the CLI) and leaves their weights untouched.

It is stored as an ordinary DigitLab checkpoint (``resources/digit_detector.safetensors``)
whose metadata holds, under ``"detector"``, the two thresholds on its digit probability:
below ``not_digit_below`` the picture is "not a digit", below ``unsure_below`` "not sure".
Both were set on held-out digits when it was trained (``digitlab train-detector``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..checkpoints import Checkpoint, CheckpointError, load_checkpoint, make_metadata
from ..data.augment import AugmentConfig, augment_batch
from ..models.specs import build_model
from ..runtime.resources import resource_path

__all__ = ["DETECTOR_FILE", "DetectorConfig", "DigitDetector", "bundled_detector_path",
           "detector_spec", "fit_detector", "load_bundled_detector"]

log = logging.getLogger(__name__)

DETECTOR_FILE = "digit_detector.safetensors"
_MEAN, _STD = 0.1307, 0.3081  # MNIST's normalisation, for the detector's input


def detector_spec() -> dict[str, Any]:
    """The detector's architecture: three 3×3 conv + BatchNorm blocks (12-24-32), 2 outputs."""
    def block(out: int) -> list[dict[str, Any]]:
        return [{"type": "conv", "out_channels": out, "kernel_size": 3, "padding": 1,
                 "bias": False}, {"type": "bn"}, {"type": "relu"},
                {"type": "maxpool", "kernel_size": 2}]

    return {"name": "digit_detector", "summary": "digit or not: 3×3 conv-BN blocks 16-32-32",
            "input_shape": [1, 28, 28], "num_classes": 2, "init": "kaiming",
            "features": block(12) + block(24) + block(32),
            "classifier": [{"type": "flatten"}, {"type": "dropout", "p": 0.2},
                           {"type": "linear", "out_features": 64}, {"type": "relu"},
                           {"type": "linear", "out_features": 2}]}


class DigitDetector:
    """Scores preprocessed pictures: the probability that they show a digit."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        info = checkpoint.meta.get("detector")
        if not isinstance(info, dict) or checkpoint.model.spec.get("num_classes") != 2:
            raise CheckpointError("not a digit-detector checkpoint (no 'detector' metadata)")
        self.checkpoint = checkpoint
        self.model = checkpoint.model.eval()
        self.not_digit_below = float(info.get("not_digit_below", 0.5))
        self.unsure_below = max(self.not_digit_below, float(info.get("unsure_below", 0.5)))

    @torch.no_grad()
    def digit_probability(self, images: np.ndarray | torch.Tensor) -> np.ndarray:
        """P(digit) for ``[28, 28]`` or ``[N, 28, 28]`` images in [0, 1] (ink = 1)."""
        x = torch.as_tensor(np.asarray(images, np.float32))
        x = x.reshape(-1, 1, 28, 28)
        logits = self.model((x - _MEAN) / _STD)
        return torch.softmax(logits.float(), dim=1)[:, 1].numpy()


def bundled_detector_path() -> Path:
    """Where the bundled detector lives (``resources/digit_detector.safetensors``)."""
    return resource_path(DETECTOR_FILE)


_BUNDLED: DigitDetector | None = None


def load_bundled_detector() -> DigitDetector | None:
    """The bundled detector (loaded once, shared), or None when it is missing or unreadable."""
    global _BUNDLED
    if _BUNDLED is None:
        try:
            _BUNDLED = DigitDetector(load_checkpoint(bundled_detector_path()))
        except (CheckpointError, OSError) as exc:
            log.warning("digit detector unavailable (%s); using the fallback rule", exc)
            return None
    return _BUNDLED


# ----------------------------------------------------------------------------- training


@dataclass(frozen=True)
class DetectorConfig:
    """How ``digitlab train-detector`` makes the detector."""

    mnist: int = 15_000  # MNIST training digits used (preprocessed like a drawing)
    font_digits: int = 2_500  # font-rendered digits (so that fonts do not mean "not a digit")
    nondigits: int = 15_000  # font letters and symbols, pen-drawn shapes and scribbles
    epochs: int = 5
    batch_size: int = 128
    lr: float = 0.003
    seed: int = 0
    held_out: float = 0.1  # share of every source kept aside to set the thresholds
    digit_miss_rate: float = 0.003  # share of held-out digits allowed below not_digit_below
    unsure_rate: float = 0.01  # share of held-out digits allowed below unsure_below


def _mnist_digits(n: int, seed: int) -> np.ndarray:
    from ..data.datasets import load_split
    from ..data.preprocess import preprocess

    split = load_split("mnist", train=True)
    order = np.random.default_rng(seed).permutation(len(split.labels))[:n]
    images = split.images[torch.from_numpy(order)].numpy()
    # The canvas's pictures go through preprocess(); so do these, to look the same.
    return np.stack([preprocess(img).image28 for img in images])


def _dataset(cfg: DetectorConfig, say: Callable[[str], None]) -> tuple[np.ndarray, np.ndarray]:
    from ..data.nondigits import synthetic_set

    start = time.perf_counter()
    digits = _mnist_digits(cfg.mnist, cfg.seed)
    say(f"{len(digits):,} MNIST digits preprocessed in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    synthetic = list(synthetic_set(cfg.nondigits, cfg.font_digits, seed=cfg.seed))
    say(f"{len(synthetic):,} synthetic pictures drawn in {time.perf_counter() - start:.0f} s")
    images = np.concatenate([digits, np.stack([img for img, _ in synthetic])])
    labels = np.concatenate([np.ones(len(digits), np.int64),
                             np.array([lab for _, lab in synthetic], np.int64)])
    return images, labels


def _thresholds(scores: np.ndarray, cfg: DetectorConfig) -> tuple[float, float]:
    """Thresholds that keep the held-out digits' false alarms at the configured rates."""
    not_digit = float(np.quantile(scores, cfg.digit_miss_rate))
    unsure = float(np.quantile(scores, cfg.unsure_rate))
    # Never stricter than "more likely not a digit"; never so lax that little is flagged.
    not_digit = min(max(not_digit, 0.02), 0.5)
    return not_digit, min(max(unsure, not_digit), 0.7)


def fit_detector(cfg: DetectorConfig, say: Callable[[str], None] = log.info) -> Checkpoint:
    """Train a detector from scratch and set its thresholds; returns its checkpoint.

    The fit draws from the global RNG seeded with ``cfg.seed`` (the initial weights, the
    synthetic non-digits), in a forked state: the caller's global RNG is as it was afterwards.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)
        return _fit(cfg, say)


def _fit(cfg: DetectorConfig, say: Callable[[str], None]) -> Checkpoint:
    images, labels = _dataset(cfg, say)
    order = np.random.default_rng(cfg.seed + 1).permutation(len(labels))
    n_val = int(len(order) * cfg.held_out)
    val, train = order[:n_val], order[n_val:]
    x = torch.from_numpy(images[train])[:, None]
    y = torch.from_numpy(labels[train])
    model = build_model(detector_spec())
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    steps = cfg.epochs * math.ceil(len(y) / cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=steps)
    gen = torch.Generator().manual_seed(cfg.seed)
    aug = AugmentConfig(rotation=15.0, shear=12.0, scale=(0.8, 1.1), shift=2.5, thickness=0.6)
    for epoch in range(cfg.epochs):
        model.train()
        perm = torch.randperm(len(y), generator=gen)
        total = 0.0
        for i in range(0, len(y), cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            xb = augment_batch(x[idx], aug, gen)
            loss = F.cross_entropy(model((xb - _MEAN) / _STD), y[idx], label_smoothing=0.02)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        say(f"epoch {epoch + 1}/{cfg.epochs}: loss {total / len(y):.4f}")
    return _finish(model, images[val], labels[val], cfg, say)


def _finish(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray,
            cfg: DetectorConfig, say: Callable[[str], None]) -> Checkpoint:
    model.eval()
    meta = make_metadata(model, classes=["not a digit", "digit"], config=vars(cfg).copy())
    ck = Checkpoint(model, meta)
    ck.meta["detector"] = {"not_digit_below": 0.5, "unsure_below": 0.5}
    scores = DigitDetector(ck).digit_probability(images)
    digit_scores = scores[labels == 1]
    not_digit, unsure = _thresholds(digit_scores, cfg)
    flagged = float((scores[labels == 0] < unsure).mean())
    ck.meta["detector"] = {"not_digit_below": not_digit, "unsure_below": unsure,
                           "held_out_digits": int(len(digit_scores)),
                           "held_out_nondigits": int((labels == 0).sum()),
                           "held_out_nondigits_flagged": flagged}
    ck.meta["metrics"] = {"held_out_accuracy": float(((scores >= 0.5) == (labels == 1)).mean())}
    say(f"thresholds: not a digit below {not_digit:.3f}, not sure below {unsure:.3f}; "
        f"held-out synthetic non-digits flagged: {flagged:.1%}")
    return ck
