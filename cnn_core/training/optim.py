"""Optimizers and learning-rate schedules, by the names a :class:`TrainConfig` uses."""

from __future__ import annotations

from collections.abc import Iterable

import torch

__all__ = ["OPTIMIZERS", "SCHEDULES", "make_optimizer", "make_schedule"]

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "onecycle")

Scheduler = torch.optim.lr_scheduler.LRScheduler


def make_optimizer(name: str, params: Iterable[torch.nn.Parameter], lr: float,
                   momentum: float = 0.9, weight_decay: float = 0.0,
                   betas: tuple[float, float] = (0.9, 0.999)) -> torch.optim.Optimizer:
    """``sgd`` (with ``momentum``), ``adam`` or ``adamw`` (weight decay 0.01 unless given);
    ``betas`` are Adam's and AdamW's.

    Every optimizer updates each parameter in one fused kernel where PyTorch has one for the
    parameters' device (CPU, CUDA), else in one multi-tensor call (``foreach``). PyTorch's
    default on the CPU is a per-parameter loop of small operations: for the speedrun CNN an
    Adam step took 529 µs that way, 455 µs with ``foreach`` (on the CPU much the same loop)
    and 175 µs fused, on one thread; a LeNet-5 SGD step 38, 35 and 33 µs. The
    numbers agree with the unfused update to float rounding.
    """
    params = list(params)
    fast = _fastest_kernel(params)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                               **fast)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=weight_decay, **fast)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=betas,
                                 weight_decay=weight_decay or 1e-2, **fast)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")


_FUSED_DEVICES = ("cpu", "cuda")


def _fastest_kernel(params: list[torch.nn.Parameter]) -> dict[str, bool]:
    """``fused=True`` when every parameter is a float32/float16/bfloat16 tensor on a device with
    fused optimizers, else ``foreach=True``."""
    fused = bool(params) and all(
        p.device.type in _FUSED_DEVICES and p.is_floating_point() and p.dtype != torch.float64
        for p in params)
    return {"fused": True} if fused else {"foreach": True}


def make_schedule(name: str, optimizer: torch.optim.Optimizer, epochs: int,
                  steps_per_epoch: int) -> tuple[Scheduler | None, bool]:
    """The scheduler and whether it steps after every batch (else after every epoch).

    ``onecycle`` warms up then anneals over the whole run, ``cosine`` anneals, ``step`` divides
    the rate by 10 every third of the epochs, ``none`` keeps it constant. Only the learning
    rate changes: momentum and Adam's betas stay as the optimizer was made.
    """
    total = epochs * steps_per_epoch
    if name == "none" or total < 4:  # too short to warm up and anneal: keep the rate constant
        return None, False
    if name == "onecycle":
        # at least two warm-up steps, or OneCycleLR divides by zero on short runs
        pct = min(0.5, max(0.25, 2.0 / total))
        # OneCycleLR would also cycle SGD's momentum and Adam's first beta between 0.85 and
        # 0.95, over what the run's settings say (even a plain SGD's 0): it leaves them alone.
        peak = optimizer.param_groups[0]["lr"]
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=peak, total_steps=total,
                                                   pct_start=pct, cycle_momentum=False), True
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total), True
    if name == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, epochs // 3),
                                               gamma=0.1), False
    raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}")
