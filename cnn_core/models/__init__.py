"""The model registry: every model DigitLab can train, by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from . import zoo
from .network import DigitNet
from .specs import build_model

__all__ = ["DEFAULT_MODEL", "MODELS", "ModelEntry", "ModelInfo", "Recipe", "create_model",
           "get_spec", "list_models", "model_stats"]


@dataclass(frozen=True)
class Recipe:
    """Training hyper-parameters that suit a model (the GUI and CLI start from these)."""

    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 128
    epochs: int = 3
    schedule: str = "onecycle"
    augment: bool = True
    momentum: float = 0.9  # SGD only
    betas: tuple[float, float] = (0.9, 0.999)  # Adam / AdamW only


@dataclass(frozen=True)
class ModelEntry:
    """A registered model: how to make its spec and how it likes to be trained."""

    name: str
    factory: Callable[[], dict[str, Any]]
    recipe: Recipe = field(default_factory=Recipe)


@dataclass(frozen=True)
class ModelInfo:
    """One row of ``digitlab models``."""

    name: str
    params: int  # trainable parameters
    mflops: float  # million floating-point operations (2 per multiply-add) per 28×28 image
    summary: str


MODELS: dict[str, ModelEntry] = {
    entry.name: entry
    for entry in (
        ModelEntry("digitnet", zoo.digitnet, Recipe("adam", 3e-3, 128, 6, "onecycle", True)),
        ModelEntry("lenet5", zoo.lenet5, Recipe("sgd", 0.5, 100, 16, "none", False, momentum=0.0)),
        ModelEntry("lenet", zoo.lenet, Recipe("adam", 2e-3, 128, 5, "onecycle", False)),
        ModelEntry("lenet_bn", lambda: zoo.lenet(batch_norm=True),
                   Recipe("adam", 3e-3, 128, 5, "onecycle", False)),
        ModelEntry("tinyvgg", zoo.tinyvgg, Recipe("sgd", 0.1, 32, 3, "none", False, momentum=0.0)),
        ModelEntry("cifar_cnn", zoo.cifar_cnn, Recipe("adam", 1e-3, 100, 5, "onecycle", False)),
        ModelEntry("resnet_small", zoo.resnet_small,
                   Recipe("adam", 3e-3, 128, 3, "onecycle", False)),
        # "sigmoid vs ReLU": lenet5's recipe at a fifth of its learning rate (at 0.5 the ReLU
        # network trains to 98.6 % by epoch 5, then dies in epoch 8: every output constant)
        ModelEntry("lenet5_relu", zoo.lenet5_relu,
                   Recipe("sgd", 0.1, 100, 16, "none", False, momentum=0.0)),
        # "why convolution": lenet5's own recipe, unchanged
        ModelEntry("mlp", zoo.mlp, Recipe("sgd", 0.5, 100, 16, "none", False, momentum=0.0)),
        ModelEntry("alexnet", zoo.alexnet, Recipe("adam", 1e-3, 128, 3, "onecycle", False)),
        ModelEntry("vgg", zoo.vgg, Recipe("adam", 2e-3, 128, 3, "onecycle", False)),
        ModelEntry("nin", zoo.nin, Recipe("adam", 2e-3, 128, 5, "onecycle", False)),
        ModelEntry("googlenet", zoo.googlenet, Recipe("adam", 2e-3, 128, 2, "onecycle", False)),
        ModelEntry("speedrun", zoo.speedrun,
                   Recipe("adam", 1e-2, 128, 1, "onecycle", False, betas=(0.7, 0.9))),
    )
}
DEFAULT_MODEL = "digitnet"


def get_spec(name: str) -> dict[str, Any]:
    """Return a fresh copy of a registered model's spec. Raises ``KeyError`` if unknown."""
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name].factory()


def create_model(name: str, seed: int | None = None) -> DigitNet:
    """Build a registered model with fresh weights."""
    return build_model(get_spec(name), seed=seed)


def model_stats(model: nn.Module, input_shape: tuple[int, ...] = (1, 28, 28)) -> tuple[int, float]:
    """Count trainable parameters and MFLOPs per image.

    FLOP convention: the multiply-adds (MACs) of the conv and linear layers (those inside
    residual and Inception blocks included), each counted as **two** floating-point
    operations, so MFLOPs = 2 × millions of MACs. Pooling, activations, BatchNorm and the
    residual sums are not counted. :func:`cnn_core.models.spec_validation.check_spec` reports the
    same layers' cost as MACs (``SpecPlan.macs``), not doubled.
    """
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    macs = 0

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal macs
        if isinstance(module, nn.Conv2d):
            per_output = module.in_channels // module.groups
            per_output *= module.kernel_size[0] * module.kernel_size[1]
            macs += output[0].numel() * per_output
        elif isinstance(module, nn.Linear):
            macs += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, nn.Conv2d | nn.Linear)]
    was_training = model.training
    try:
        model.eval()
        device = next(model.parameters()).device
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=device))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return params, 2 * macs / 1e6


def list_models() -> list[ModelInfo]:
    """Name, size, cost and summary of every registered model."""
    rows = []
    for name in MODELS:
        model = create_model(name)
        params, mflops = model_stats(model)
        rows.append(ModelInfo(name, params, mflops, str(model.spec.get("summary", ""))))
    return rows
