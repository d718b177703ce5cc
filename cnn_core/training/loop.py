"""The training loop itself, as the tutorials write it: one epoch of steps, and an evaluation.

Everything around it (events, pause and stop, timing, divergence, checkpoints) lives in
:mod:`.trainer`; here is only what a learner needs to follow one step of training.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from ..data.augment import AugmentConfig, augment_batch
from ..data.datasets import Split

__all__ = ["EvaluationStopped", "evaluate", "predict_logits", "prepare_batch",
           "shuffled_batches", "train_one_epoch"]


def prepare_batch(images: torch.Tensor, mean: float, std: float, augment: bool = False,
                  generator: torch.Generator | None = None,
                  channels_last: bool = False) -> torch.Tensor:
    """uint8 images ``[B, 28, 28]`` → normalised float ``[B, 1, 28, 28]``, maybe augmented.

    ``(x / 255 − mean) / std``. Without augmentation that is one pass over the batch,
    ``x · 1/(255·std) − mean/std`` straight from the uint8 pixels, instead of four (convert,
    divide, subtract, divide): a batch of 100 took 82 µs instead of 168 µs on one thread, and
    on two threads of busy cores, where every pass waits for both, 1.0 ms instead of 2.5 ms.
    """
    if augment:
        x = augment_batch(images.unsqueeze(1).float().div_(255.0), AugmentConfig(), generator)
        x = x.sub_(mean).div_(std)
    else:
        x = torch.add(_constant(-mean / std, images.device), images.unsqueeze(1),
                      alpha=1.0 / (255.0 * std))
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


@functools.lru_cache(maxsize=16)
def _constant(value: float, device: torch.device) -> torch.Tensor:
    """A float32 scalar tensor on ``device`` (made once: no copy to the device per batch)."""
    return torch.tensor(value, dtype=torch.float32, device=device)


def shuffled_batches(images: torch.Tensor, labels: torch.Tensor, batch_size: int, steps: int,
                     generator: torch.Generator,
                     prepare: Callable[[torch.Tensor], torch.Tensor],
                     ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """``steps`` batches ``(x, y)`` in a fresh random order, sliced from tensors on the device.

    A batch is gathered with ``index_select``, not ``images[idx]``: for 100 MNIST images on
    the CPU that took 16 µs instead of 87 µs (one thread), as advanced indexing goes through
    the general strided-gather machinery.
    """
    order = torch.randperm(len(labels), device=labels.device, generator=generator)
    for start in range(0, steps * batch_size, batch_size):
        idx = order[start:start + batch_size]
        yield prepare(images.index_select(0, idx)), labels.index_select(0, idx)


def train_one_epoch(model: nn.Module, batches: Iterator[tuple[torch.Tensor, torch.Tensor]],
                    optimizer: torch.optim.Optimizer,
                    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
                    label_smoothing: float = 0.0, autocast_bf16: bool = False,
                    ) -> Iterator[tuple[torch.Tensor, torch.Tensor, int]]:
    """Train on every batch once; after each step yield ``(loss, number right, batch size)``.

    Loss and count stay tensors on the device: reading them (``.item()``) would wait for the
    device, so the caller does it only when it reports. ``scheduler`` (if any) steps per batch.
    ``autocast_bf16`` runs the forward pass under ``torch.autocast`` in bfloat16 (the loss,
    the gradients of the float32 weights and the update stay float32).
    """
    model.train()
    for x, y in batches:
        with (torch.autocast(x.device.type, dtype=torch.bfloat16) if autocast_bf16
              else contextlib.nullcontext()):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y, label_smoothing=label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        with torch.no_grad():
            correct = (logits.argmax(1) == y).sum()
        yield loss.detach(), correct, len(y)


class EvaluationStopped(Exception):
    """Raised by :func:`evaluate` when its ``stop`` callback says so."""


@torch.no_grad()
def predict_logits(model: nn.Module, split: Split, mean: float, std: float,
                   batch_size: int = 1000, channels_last: bool = False,
                   stop: Callable[[], bool] | None = None) -> torch.Tensor:
    """The model's logits ``[N, classes]`` for a whole split, on the model's device.

    ``stop`` is polled between batches; when it returns true, :class:`EvaluationStopped` is
    raised, so a stop request never waits for a whole pass.
    """
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    images = split.images.to(device)
    outputs = []
    try:
        for start in range(0, len(images), batch_size):
            if stop is not None and stop():
                raise EvaluationStopped
            x = prepare_batch(images[start:start + batch_size], mean, std,
                              channels_last=channels_last)
            outputs.append(model(x))
    finally:
        model.train(was_training)
    if not outputs:
        return torch.empty(0, 0, device=device)
    return torch.cat(outputs)


def evaluate(model: nn.Module, split: Split, mean: float, std: float,
             batch_size: int = 1000, channels_last: bool = False,
             stop: Callable[[], bool] | None = None,
             ) -> tuple[float, float, torch.Tensor]:
    """Evaluate on a whole split on the model's device.

    Returns
    -------
    tuple
        ``(mean loss, accuracy, predictions)``; predictions is an int64 CPU tensor.
    """
    logits = predict_logits(model, split, mean, std, batch_size, channels_last, stop)
    if len(logits) == 0:
        return 0.0, 0.0, torch.empty(0, dtype=torch.long)
    labels = split.labels.to(logits.device)
    loss = F.cross_entropy(logits, labels).item()
    pred = logits.argmax(1)
    accuracy = (pred == labels).sum().item() / len(labels)
    return loss, accuracy, pred.cpu()
