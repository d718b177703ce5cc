"""A recipe's members, trained one after another, shipped as one network.

A recipe with ``members`` > 1 (``bundled``) trains its configuration that many times with
consecutive seeds on the same training images (the same validation images held out of every
member), puts the trained members side by side in one network that returns the mean of their
logits (:func:`cnn_core.models.side_by_side.side_by_side`), fits that network's temperature on
the validation images and reports it on the test set, which nothing was chosen on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from ..checkpoints import Checkpoint, make_metadata
from ..data.datasets import Split
from ..models.side_by_side import side_by_side
from .calibrate import calibration_record, split_logits
from .config import TrainConfig

__all__ = ["assemble", "member_configs"]


def member_configs(config: TrainConfig, members: int) -> list[TrainConfig]:
    """Each member's configuration: ``config`` with seeds ``seed``, ``seed + 1``, … (a fresh
    seed for each when ``config.seed`` is None)."""
    if config.seed is None:
        seeds = [torch.Generator().seed() % 2**62 for _ in range(members)]
    else:
        seeds = [config.seed + i for i in range(members)]
    return [dataclasses.replace(config, seed=s) for s in seeds]


def _accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return float((logits.argmax(1) == labels.cpu()).double().mean())


def assemble(checkpoints: Sequence[Checkpoint], config: TrainConfig, val: Split | None,
             test: Split) -> Checkpoint:
    """The members as one checkpoint: side by side, scored on ``test``, its temperature fitted
    on ``val`` (the split every member held out), each member's own record in ``"members"``."""
    first = checkpoints[0]
    model = side_by_side([c.model for c in checkpoints])
    mean, std = first.mean, first.std
    has_val = val is not None and len(val) > 0
    with torch.no_grad():  # one pass over each split: scores and calibration read the same logits
        test_logits = split_logits(model, test, mean, std)
        val_logits = split_logits(model, val, mean, std) if has_val else None
    metrics: dict[str, Any] = {"test_accuracy": _accuracy(test_logits, test.labels),
                               "test_loss": float(F.cross_entropy(test_logits,
                                                                  test.labels.cpu()))}
    if val_logits is not None:
        metrics["val_accuracy"] = _accuracy(val_logits, val.labels)
    meta = make_metadata(model, dataset=first.meta.get("dataset", "mnist"), mean=mean, std=std,
                         classes=list(first.meta.get("classes") or []) or None,
                         epochs=int(first.meta.get("epochs", 0)), metrics=metrics,
                         history=list(first.meta.get("history") or []),
                         config=dataclasses.asdict(config))
    meta["members"] = [{"seed": c.meta.get("seed"), "metrics": c.meta.get("metrics"),
                        "calibration": c.meta.get("calibration"),
                        "history": c.meta.get("history")} for c in checkpoints]
    if val_logits is not None:
        meta["calibration"] = calibration_record(val_logits, val.labels, test_logits,
                                                 test.labels)
    return Checkpoint(model, meta)
