"""Calibration: how far a model's confidence can be trusted, and temperature scaling.

A model is *calibrated* when, among the answers it gives with confidence ``c``, a fraction ``c``
is right. The expected calibration error (ECE) measures the gap: answers are put into
``n_bins`` equal-width confidence bins, and the bins' ``|accuracy - mean confidence|`` are
averaged, weighted by how many answers each bin holds. Temperature scaling divides the logits by
one number ``T > 0`` fitted on held-out data (never the test set): it changes the confidence of
every answer but never which class wins, so accuracy is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..recognition.prediction import calibrated  # torch-free: the window shows it before torch

__all__ = ["ECE_BINS", "Reliability", "calibrated", "expected_calibration_error",
           "fit_temperature", "reliability"]

ECE_BINS = 15  # the usual choice since Guo et al., "On Calibration of Modern Neural Networks"

_T_MIN, _T_MAX = 0.05, 20.0


@dataclass(frozen=True)
class Reliability:
    """A reliability curve: per confidence bin, how sure the model was and how often right."""

    edges: np.ndarray  # float64 [n_bins + 1], 0 .. 1
    confidence: np.ndarray  # float64 [n_bins], mean confidence in the bin (nan when empty)
    accuracy: np.ndarray  # float64 [n_bins], fraction right in the bin (nan when empty)
    counts: np.ndarray  # int64 [n_bins]
    ece: float  # expected calibration error over all bins


def _as_numpy(values: np.ndarray | torch.Tensor) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def reliability(probabilities: np.ndarray | torch.Tensor, labels: np.ndarray | torch.Tensor,
                n_bins: int = ECE_BINS) -> Reliability:
    """The reliability curve and ECE of ``probabilities`` ``[N, C]`` against ``labels`` ``[N]``."""
    probs = _as_numpy(probabilities).astype(np.float64, copy=False)
    truth = _as_numpy(labels).astype(np.int64, copy=False)
    if probs.ndim != 2 or truth.shape != (probs.shape[0],):
        raise ValueError(f"expected probabilities [N, C] and labels [N], got {probs.shape} "
                         f"and {truth.shape}")
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.zeros(n_bins, np.int64)
    confidence = np.full(n_bins, np.nan)
    accuracy = np.full(n_bins, np.nan)
    if probs.shape[0] == 0:
        return Reliability(edges, confidence, accuracy, counts, 0.0)
    conf = probs.max(axis=1)
    right = (probs.argmax(axis=1) == truth).astype(np.float64)
    # Bin i holds (edges[i], edges[i+1]]; a confidence of exactly 0 goes to the first bin.
    index = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins).astype(np.int64)
    filled = counts > 0
    confidence[filled] = (np.bincount(index, weights=conf, minlength=n_bins)[filled]
                          / counts[filled])
    accuracy[filled] = (np.bincount(index, weights=right, minlength=n_bins)[filled]
                        / counts[filled])
    gaps = np.abs(accuracy[filled] - confidence[filled])
    ece = float((gaps * counts[filled]).sum() / probs.shape[0])
    return Reliability(edges, confidence, accuracy, counts, ece)


def expected_calibration_error(probabilities: np.ndarray | torch.Tensor,
                               labels: np.ndarray | torch.Tensor,
                               n_bins: int = ECE_BINS) -> float:
    """ECE of ``probabilities`` ``[N, C]`` against ``labels`` ``[N]`` (0 = perfectly calibrated)."""
    return reliability(probabilities, labels, n_bins).ece


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, max_iter: int = 100) -> float:
    """The temperature ``T`` that minimises the negative log-likelihood of ``logits / T``.

    ``logits`` ``[N, C]`` and ``labels`` ``[N]`` must come from data the model was not trained
    on and that is not the test set (a validation split). The result is clamped to
    [0.05, 20]; non-finite logits or an empty set give 1.0 (no scaling).
    """
    logits = logits.detach().to(torch.float64).cpu()
    labels = labels.detach().to(torch.int64).cpu()
    if logits.ndim != 2 or logits.shape[0] == 0 or not torch.isfinite(logits).all():
        return 1.0
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.5, max_iter=max_iter,
                                  line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    temperature = float(log_t.detach().exp())
    if not math.isfinite(temperature):
        return 1.0
    return min(max(temperature, _T_MIN), _T_MAX)

