"""Browsing a dataset as the tutorials plot it: pages of images with their class names, the
model's predictions on them, and a batch as the model sees it (normalised, augmented).

Qt-free; the GUI's dataset browser calls these from a worker thread.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from ..checkpoints import Checkpoint
from ..data.datasets import DATASETS, Split

__all__ = ["Page", "PagePredictions", "ModelView", "model_view", "page_of", "predict_page"]


@dataclass(frozen=True)
class Page:
    """One page of a split, after an optional class filter."""

    number: int  # 0-based, clamped to the pages there are
    pages: int  # how many pages the filter leaves (at least 1)
    total: int  # images that pass the filter
    indices: np.ndarray  # int64 positions in the split
    images: np.ndarray  # uint8 [n, 28, 28], a copy
    labels: np.ndarray  # int64 [n]


def page_of(split: Split, number: int, per_page: int, label: int | None = None) -> Page:
    """Page ``number`` of ``split`` (only class ``label`` when given)."""
    labels = split.labels.numpy()
    chosen = np.flatnonzero(labels == label) if label is not None else np.arange(len(labels))
    pages = max(1, math.ceil(len(chosen) / per_page))
    number = min(max(0, number), pages - 1)
    indices = chosen[number * per_page:(number + 1) * per_page].astype(np.int64)
    images = split.images[torch.from_numpy(indices)].numpy().copy()
    return Page(number, pages, len(chosen), indices, images, labels[indices].astype(np.int64))


@dataclass(frozen=True)
class PagePredictions:
    """The model's answers for a page."""

    labels: np.ndarray  # int64 [n], the predicted class
    confidences: np.ndarray  # float32 [n], its probability
    seconds: float  # how long the forward pass took


@torch.no_grad()
def predict_page(checkpoint: Checkpoint, images: np.ndarray, dataset: str) -> PagePredictions:
    """Classify uint8 images ``[n, 28, 28]`` of ``dataset`` with the checkpoint's model.

    Images of the model's own dataset are normalised as it was trained; a foreign dataset's
    as that dataset is (the evaluation does the same). The confidences are temperature-scaled
    (``softmax(logits / T)``), the probabilities DigitLab shows everywhere.
    """
    start = time.perf_counter()
    mean, std = checkpoint.normalization_for(dataset)
    model = checkpoint.model
    device = next(model.parameters()).device
    x = torch.from_numpy(np.ascontiguousarray(images)).to(device).unsqueeze(1).float()
    x = x.div_(255.0).sub_(mean).div_(std)
    was_training = model.training
    model.eval()
    try:
        # Temperature-scaled, as the evaluation and the prediction panel show them.
        probabilities = torch.softmax(model(x).float() / checkpoint.temperature, dim=1).cpu()
    finally:
        model.train(was_training)
    confidence, label = probabilities.max(dim=1)
    return PagePredictions(label.numpy().astype(np.int64), confidence.numpy().astype(np.float32),
                           time.perf_counter() - start)


@dataclass(frozen=True)
class ModelView:
    """Images as a training batch reaches the model."""

    images: np.ndarray  # float32 [n, 28, 28], normalised (and augmented)
    low: float  # the value a black pixel (0) becomes: (0 - mean) / std
    high: float  # the value a white pixel (1) becomes: (1 - mean) / std
    mean: float
    std: float
    augmented: bool


def model_view(images: np.ndarray, dataset: str, augment: bool, seed: int = 0) -> ModelView:
    """uint8 images → what training feeds the model: scaled to [0, 1], augmented (when the
    recipe augments, with :func:`cnn_core.data.augment.augment_batch`), then normalised with the
    dataset's mean and std, by :func:`cnn_core.training.loop.prepare_batch` itself.
    """
    from ..training.loop import prepare_batch  # the very function training uses

    info = DATASETS[dataset]
    x = prepare_batch(torch.from_numpy(np.ascontiguousarray(images)), info.mean, info.std,
                      augment, torch.Generator().manual_seed(seed))
    return ModelView(x[:, 0].numpy().copy(), -info.mean / info.std, (1 - info.mean) / info.std,
                     info.mean, info.std, augment)
