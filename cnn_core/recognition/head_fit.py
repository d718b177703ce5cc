"""Fit the feature head (:mod:`.feature_head`) for a classifier and set its thresholds.

``digitlab train-detector`` calls :func:`fit_head` with the pictures the detector trained on
(and, with ``--recalibrate``, the same pictures drawn again), then :func:`calibrate_head` on
the drawn evaluation's calibration part, at the same false-alarm rates as the detector's own
thresholds (:class:`~.detector.DetectorConfig`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from ..checkpoints import Checkpoint, load_checkpoint
from ..runtime.resources import file_sha256
from .detector import (
    DetectorConfig,
    DigitDetector,
    calibration_pictures,
    training_pictures,
    unsure_threshold,
)
from .feature_head import FeatureHead, combine
from .verdict import DEFAULT_RULE, classifier_doubts

__all__ = ["HEAD_DRAWS", "HEAD_EPOCHS", "HEAD_HIDDEN", "calibrate_head", "fit_head",
           "head_pictures"]

log = logging.getLogger(__name__)

HEAD_HIDDEN = 64  # hidden units
HEAD_DRAWS = 2  # drawings of the detector's training set it learns from (seeds seed, seed + 1)
HEAD_EPOCHS = 15  # passes over those pictures' features (fixed: computed once)


@torch.no_grad()
def _classifier_outputs(ck: Checkpoint, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated probabilities, features) of ``[N, 28, 28]`` pictures, in batches."""
    model = ck.model.eval()
    x = (torch.from_numpy(np.ascontiguousarray(images, np.float32))[:, None] - ck.mean) / ck.std
    pairs = [model.logits_and_features(part) for part in x.split(512)]
    logits = torch.cat([p[0] for p in pairs]).double()
    calibrated = torch.softmax(logits / ck.temperature, dim=1).numpy()
    return calibrated, torch.cat([p[1] for p in pairs]).float().numpy()


def head_pictures(cfg: DetectorConfig, first: tuple[np.ndarray, np.ndarray],
                  say: Callable[[str], None] = log.info) -> tuple[np.ndarray, np.ndarray]:
    """The head's training pictures: the detector's (``first``, drawn with ``cfg.seed``) and
    :data:`HEAD_DRAWS` - 1 more drawings of the same recipe with the next seeds (measured:
    twice the pictures flag about one point more non-digits at the same false alarms)."""
    sets = [first] + [training_pictures(dataclasses.replace(cfg, seed=cfg.seed + k), say)
                      for k in range(1, HEAD_DRAWS)]
    return np.concatenate([s[0] for s in sets]), np.concatenate([s[1] for s in sets])


def fit_head(classifier: Path, images: np.ndarray, labels: np.ndarray, cfg: DetectorConfig,
             say: Callable[[str], None] = log.info) -> FeatureHead:
    """Train a head on the classifier's features of ``images`` (labels 1 digit, 0 not); its
    thresholds are set later by :func:`calibrate_head`. Seeded by ``cfg.seed``; the global
    RNG is left as it was."""
    start = time.perf_counter()
    ck = load_checkpoint(classifier)
    _, feats = _classifier_outputs(ck, images)
    x = torch.from_numpy(feats)
    y = torch.from_numpy(np.asarray(labels, np.float32))
    mean, std = x.mean(0), x.std(0) + 1e-3
    x = (x - mean) / std
    gen = torch.Generator().manual_seed(cfg.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)
        net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], HEAD_HIDDEN), torch.nn.ReLU(),
                                  torch.nn.Linear(HEAD_HIDDEN, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    for epoch in range(HEAD_EPOCHS):
        total = 0.0
        for idx in torch.randperm(len(y), generator=gen).split(256):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(x[idx])[:, 0], y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if (epoch + 1) % 5 == 0:
            say(f"head on {classifier.name}'s features: epoch {epoch + 1}/{HEAD_EPOCHS}, "
                f"loss {total / len(y):.4f} ({time.perf_counter() - start:.0f} s)")
    first, second = net[0], net[2]
    with torch.no_grad():  # fold the standardisation into the first layer
        w1 = first.weight / std
        b1 = first.bias - w1 @ mean
        w2, b2 = second.weight[0].clone(), float(second.bias[0])
    return FeatureHead(w1.numpy(), b1.numpy(), w2.numpy(), b2, file_sha256(classifier),
                       meta={"hidden": HEAD_HIDDEN, "epochs": HEAD_EPOCHS, "seed": cfg.seed,
                             "classifier": classifier.name, "pictures": int(len(y)),
                             "digits": int(y.sum())})


def _thresholds(scores: np.ndarray, alone_says_no: np.ndarray, doubts: np.ndarray,
                cfg: DetectorConfig) -> tuple[float, float]:
    """Thresholds on the combined score of calibration digits: "not a digit" below the
    first for at most ``cfg.head_miss_rate`` of them (the detector alone still says no below
    its own threshold, so the two together stay near the detector's own rate); "not sure"
    (the band up to the second, or the classifier's own doubt) for at most
    ``cfg.unsure_rate`` of the digits."""
    candidates = np.unique(np.clip(scores, 0.0, 0.5))
    not_digit = max((float(c) for c in candidates
                     if float((scores < c).mean()) <= cfg.head_miss_rate), default=0.0)
    kept = ~alone_says_no & (scores >= not_digit)
    return not_digit, unsure_threshold(scores, kept, doubts, not_digit, cfg.unsure_rate)


def calibrate_head(head: FeatureHead, detector: DigitDetector, classifier: Path,
                   cfg: DetectorConfig, say: Callable[[str], None] = log.info,
                   pictures: tuple[np.ndarray, np.ndarray] | None = None) -> FeatureHead:
    """The head with thresholds on the combined score, set on the calibration part of the
    drawn evaluation at the detector's false-alarm rates (the classifier's own "not sure"
    counts against the "not sure" rate, as for the detector alone)."""
    images, labels = pictures if pictures is not None else calibration_pictures(cfg)
    ck = load_checkpoint(classifier)
    calibrated, feats = _classifier_outputs(ck, images)
    alone = detector.digit_probability(images)
    scores = combine(alone, head.digit_probability(feats))
    digits = labels >= 0
    doubts = np.array([classifier_doubts(p, DEFAULT_RULE) for p in calibrated[digits]])
    not_digit, unsure = _thresholds(scores[digits], alone[digits] < detector.not_digit_below,
                                    doubts, cfg)
    kept = (scores[digits] >= not_digit) & (alone[digits] >= detector.not_digit_below)
    meta = dict(head.meta or {})
    meta.update({"calibration_digits": int(digits.sum()),
                 "calibration_not_a_digit": float((~kept).mean()),
                 "calibration_unsure": float((kept & ((scores[digits] < unsure) | doubts)).mean()),
                 "calibration_nondigits_flagged": float((scores[~digits] < unsure).mean())})
    say(f"with the head: not a digit below {not_digit:.4f}, not sure below {unsure:.4f}; "
        f"calibration digits {meta['calibration_not_a_digit']:.2%} not a digit, "
        f"{meta['calibration_unsure']:.2%} not sure")
    return FeatureHead(head.w1, head.b1, head.w2, head.b2, head.classifier_sha256, not_digit,
                       unsure, meta)
