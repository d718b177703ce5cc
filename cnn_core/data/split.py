"""What every dataset loads into, and the error when its files are missing.

Apart from :mod:`.datasets` so that the sources it reads from (such as :mod:`.own_digits`) can
make a :class:`Split` without importing the module that dispatches to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["DatasetUnavailable", "Split"]


class DatasetUnavailable(RuntimeError):
    """The dataset's files are not on this machine (or a download asked for failed)."""


@dataclass(frozen=True)
class Split:
    """One split of a dataset, whole, as tensors."""

    images: torch.Tensor  # uint8 [N, 28, 28]
    labels: torch.Tensor  # int64 [N]

    def __len__(self) -> int:
        return int(self.labels.shape[0])
