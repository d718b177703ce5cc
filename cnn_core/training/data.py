"""The run's data: a validation split held out from the training images."""

from __future__ import annotations

import torch

from ..datasets import Split

__all__ = ["hold_out"]


def hold_out(train: Split, size: int, seed: int) -> tuple[Split, Split | None]:
    """Split ``size`` random images off ``train``: ``(rest, validation)``.

    The choice depends only on ``seed`` (a generator of its own, not the run's), so every run
    validates on the same images whatever its training seed. The rest keep their order, so
    "the first N training images" still means the same images. ``size == 0``: no validation.
    """
    if size == 0:
        return train, None
    n = len(train.labels)
    if size >= n:
        raise ValueError(f"a validation split of {size:,} images leaves none of the {n:,} "
                         f"training images to train on; choose a smaller val size")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    held, rest = order[:size], order[size:].sort().values
    return (Split(train.images[rest], train.labels[rest]),
            Split(train.images[held], train.labels[held]))
