"""The run's data: a validation split held out from the training images."""

from __future__ import annotations

import torch

from ..data.datasets import Split

__all__ = ["hold_out"]


def hold_out(train: Split, size: int, seed: int) -> tuple[Split, Split | None]:
    """Split ``size`` random images off ``train``: ``(rest, validation)``.

    The choice depends only on ``seed`` (a generator of its own, not the run's), so every run
    validates on the same images whatever its training seed. The rest keep their order, so
    "the first N training images" still means the same images. ``size == 0``: no validation.
    A small dataset gives at most one image in ten (MNIST's 60,000 give the full 5,000), so
    that most of it is still trained on.
    """
    n = len(train.labels)
    size = min(size, n // 10)
    if size <= 0:
        return train, None
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    held, rest = order[:size], order[size:].sort().values
    return (Split(train.images[rest], train.labels[rest]),
            Split(train.images[held], train.labels[held]))
