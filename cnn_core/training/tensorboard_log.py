"""Write a training run's events as TensorBoard scalars (and the model graph)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch

from . import BatchDone, EpochDone, Event, RunStarted

__all__ = ["TensorBoardLogger"]


class TensorBoardLogger:
    """Log loss, learning rate, throughput and accuracies to a TensorBoard run folder."""

    def __init__(self, log_dir: str | Path) -> None:
        from torch.utils.tensorboard import SummaryWriter  # heavy import, only when asked for

        self.writer: Any = SummaryWriter(log_dir=str(log_dir))

    def add_graph(self, model: torch.nn.Module) -> None:
        """Record the model's graph (as the tutorials do with ``add_graph``)."""
        device = next(model.parameters()).device
        was_training = model.training
        model.eval()
        try:
            # add_graph traces with torch.jit.trace, which torch deprecates; the warning is
            # noise to a user asking for --tensorboard (and an error under -W error)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r".*torch\.jit\.trace.* is deprecated",
                                        category=FutureWarning)
                self.writer.add_graph(model, torch.zeros(1, 1, 28, 28, device=device))
        finally:
            model.train(was_training)

    def log(self, event: Event) -> None:
        """Write the scalars an event carries."""
        if isinstance(event, BatchDone):
            self.writer.add_scalar("train/loss", event.loss, event.step)
            self.writer.add_scalar("train/batch_accuracy", event.accuracy, event.step)
            self.writer.add_scalar("train/lr", event.lr, event.step)
            self.writer.add_scalar("train/samples_per_second", event.samples_per_second,
                                   event.step)
            for layer, norm in event.grad_norms:
                self.writer.add_scalar(f"gradient_norm/{layer}", norm, event.step)
        elif isinstance(event, EpochDone):
            for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
                self.writer.add_scalar(f"epoch/{key}", getattr(event, key), event.epoch)
        elif isinstance(event, RunStarted):
            self.writer.add_text("run", f"{event.model} on {event.dataset} ({event.device})")

    def close(self) -> None:
        """Flush and close the event file."""
        self.writer.close()
