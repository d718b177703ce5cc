"""Several trained networks of one architecture as one network: side by side, logits averaged.

An ensemble usually answers better than any of its members, and its averaged answer is less
sure of itself where the members disagree. Shipping it as a list of models would make every
view of the app (feature maps, kernels, the builder, the exported code) deal with a list, so
:func:`side_by_side` builds one ordinary sequential network that computes exactly the same
thing:

- the first convolution reads the picture once for all members: its output channels are the
  members' output channels one after another;
- every later convolution is *grouped* (``groups`` = members × the member's own groups): each
  member's channels only see that member's channels, as in its own network;
- BatchNorm, activations, pooling and dropout work channel by channel, so they only stack;
- the head's hidden linear layers become grouped convolutions on the last feature map (the
  first one as large as the map, the others 1×1), with their dropout, BatchNorm and
  activations beside them: the same arithmetic, with no weights between members;
- ``flatten`` then gives the members' hidden units one after another, and the last linear
  layer returns the *mean* of their logits (each member's weights divided by the number of
  members, the biases averaged).

The result is a plain spec that every part of DigitLab can build, inspect, export and train
further; once trained further (fine-tuning), the zeros may fill in and the members no longer
stay apart.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from .network import DigitNet
from .spec_validation import SpecError, check_spec
from .specs import build_model

__all__ = ["side_by_side", "side_by_side_spec"]

_STACKED = {"bn", "relu", "maxpool", "avgpool", "dropout", "flatten", "sigmoid", "tanh",
            "leaky_relu", "elu"}  # layers that work per channel or per value: only stacked


def _check(spec: dict[str, Any]) -> None:
    kinds = [layer["type"] for part in ("features", "classifier") for layer in spec[part]]
    unknown = sorted({k for k in kinds if k not in _STACKED | {"conv", "linear"}})
    if unknown:
        raise SpecError(f"cannot put {spec.get('name', 'this model')} side by side: its "
                        f"{', '.join(unknown)} layers mix channels")
    head = [layer["type"] for layer in spec["classifier"]]
    if (any(layer["type"] in ("linear", "flatten") for layer in spec["features"])
            or not head or head[0] != "flatten" or head[-1] != "linear"
            or "flatten" in head[1:]):
        raise SpecError("cannot put a model side by side unless its features are convolutional "
                        "and its head is flatten, …, linear")


def _feature_map(spec: dict[str, Any]) -> tuple[int, int]:
    """Height and width of the features' output for one input picture, from the spec's shape
    plan (the head's first layer, ``flatten``, reads it); no model is built."""
    head = next(layer for layer in check_spec(spec).layers if layer.part == "classifier")
    height, width = head.in_shape[-2:]
    return int(height), int(width)


def side_by_side_spec(spec: dict[str, Any], members: int) -> dict[str, Any]:
    """The spec of ``members`` copies of ``spec`` side by side (see the module docstring)."""
    _check(spec)
    out = copy.deepcopy(spec)
    first_conv = True
    for layer in out["features"]:
        if layer["type"] == "conv":
            layer["out_channels"] = layer["out_channels"] * members
            if not first_conv:
                layer["groups"] = layer.get("groups", 1) * members
            first_conv = False
    kernel = list(_feature_map(spec))
    for layer in out["classifier"][1:-1]:
        if layer["type"] == "linear":
            conv = {"type": "conv", "out_channels": layer["out_features"] * members,
                    "kernel_size": kernel, "groups": members, "bias": layer.get("bias", True)}
            layer.clear()
            layer.update(conv)
            kernel = [1, 1]
        out["features"].append(layer)
    out["classifier"] = [out["classifier"][0], out["classifier"][-1]]
    out["name"] = f"{spec['name']}_x{members}"
    out["summary"] = (f"{members} × {spec['name']} side by side (grouped convolutions), their "
                      f"logits averaged")
    return out


def _layers(model: DigitNet) -> list[nn.Module]:
    """The layers in order, ``flatten`` left out (it moves from member to side by side)."""
    return [m for m in (*model.features, *model.classifier) if not isinstance(m, nn.Flatten)]


@torch.no_grad()
def side_by_side(models: Sequence[DigitNet]) -> DigitNet:
    """One network that returns the mean of ``models``' logits (same architecture, eval mode).

    Raises :class:`SpecError` when the architecture has layers that mix channels in ways that
    grouping cannot keep apart (residual or Inception blocks, linear layers among the features).
    """
    if not models:
        raise ValueError("no models to put side by side")
    spec = models[0].spec
    if any(m.spec["features"] != spec["features"] or m.spec["classifier"] != spec["classifier"]
           for m in models):
        raise SpecError("the models to put side by side must share one architecture")
    n = len(models)
    combined = build_model(side_by_side_spec(spec, n))
    member_layers = [_layers(m.to("cpu").eval()) for m in models]
    combined_layers = _layers(combined)
    last_linear = len(combined_layers) - 1
    for i, target in enumerate(combined_layers):
        parts = [layers[i] for layers in member_layers]
        if i == last_linear:
            target.weight.copy_(torch.cat([p.weight for p in parts], dim=1) / n)
            if target.bias is not None:
                target.bias.copy_(torch.stack([p.bias for p in parts]).mean(0))
        elif isinstance(target, nn.Conv2d | nn.BatchNorm2d | nn.BatchNorm1d):
            for name, tensor in target.state_dict().items():
                own = [p.state_dict()[name] for p in parts]
                if tensor.dim() == 0:  # BatchNorm's num_batches_tracked
                    tensor.copy_(own[0])
                else:  # a hidden linear layer's weights take the shape of its convolution
                    tensor.copy_(torch.cat([w.reshape(-1, *tensor.shape[1:]) for w in own]))
        elif any(True for _ in target.parameters()):
            raise SpecError(f"cannot put {type(target).__name__} layers side by side")
    return combined.eval()
