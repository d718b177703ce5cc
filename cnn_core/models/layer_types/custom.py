"""The tutorials' own layers: ``expression`` (no parameters: an expression of ``x`` such as
``x - x.mean()``), ``scale`` (a parameter of its own per channel) and ``shared`` (another
layer used again with its weights: tied parameters). Their modules are in
:mod:`cnn_core.models.custom_layers`."""

from __future__ import annotations

import math
from typing import Any

import torch

from ...runtime.messages import Core
from ..custom_layers import Expression, ExpressionError, Scale, Tied, uses_reduction
from .base import (
    LAYER_TYPES,
    LayerCost,
    LayerType,
    Shape,
    SpecError,
    Window,
    boolean,
    fmt,
    show_value,
)

__all__ = ["EXPRESSION", "SCALE", "SHARED"]


def _expression(value: Any, where: str) -> str:
    try:
        Expression(value)
    except ExpressionError as exc:
        raise SpecError(Core.tr("{where}: {why} (got {value})", where=where, why=exc,
                                value=show_value(value))) from None
    return value.strip()


def _expression_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    layer = Expression(s["expr"])
    try:
        with torch.no_grad():
            outs = [layer(torch.zeros((batch, *in_shape), device="meta")) for batch in (1, 2)]
    except (RuntimeError, TypeError, ValueError, IndexError) as exc:
        raise SpecError(Core.tr("{label}: {expr!r} cannot take a {shape} input: {why}",
                                label=label, expr=s["expr"], shape=fmt(in_shape),
                                why=str(exc).splitlines()[0][:160])) from None
    if any(out.dim() != len(in_shape) + 1 or out.shape[0] != batch
           for out, batch in zip(outs, (1, 2), strict=True)):
        raise SpecError(Core.tr("{label}: {expr!r} must keep one result per picture of the "
                                "batch, of the same rank as its {shape} input (reduce with "
                                "dim=…, keepdim=True, or subtract: x - x.mean())", label=label,
                                expr=s["expr"], shape=fmt(in_shape)))
    return tuple(outs[0].shape[1:])


EXPRESSION = LayerType(
    "expression", "expr",
    lambda s, in_shape: Expression(s["expr"]),
    lambda s, in_shape: f"Lambda(lambda x: {s['expr']})",
    settings={"expr": _expression}, required=("expr",),
    out_shape=_expression_shape,
    cost=lambda s, inp, out: LayerCost(0, 0, math.prod(out), math.prod(out)),
    sees_whole_image=lambda s: uses_reduction(s["expr"]),  # x.mean() mixes every position
    helper_source='''

class Lambda(nn.Module):
    """A layer without parameters that computes fn(x) (e.g. centring: x - x.mean())."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)
''')

SCALE = LayerType(
    "scale", "scale",
    lambda s, in_shape: Scale(in_shape[0], bias=s.get("bias", False)),
    lambda s, in_shape: (f"Scale({in_shape[0]}, bias=True)" if s.get("bias", False)
                         else f"Scale({in_shape[0]})"),
    settings={"bias": boolean}, defaults={"bias": False},
    cost=lambda s, inp, out: LayerCost(inp[0] * (2 if s.get("bias", False) else 1), 0,
                                       math.prod(out), math.prod(out)),
    helper_source='''

class Scale(nn.Module):
    """A learned factor per channel (and optionally a learned shift): its own nn.Parameter."""

    def __init__(self, num_features, bias=False):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features)) if bias else None

    def forward(self, x):
        shape = (-1,) + (1,) * (x.dim() - 2)
        y = x * self.weight.view(shape)
        return y if self.bias is None else y + self.bias.view(shape)
''')


def _layer_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise SpecError(Core.tr("{where}: the name of an earlier layer with weights (e.g. "
                                "\"fc2\"), got {value}", where=where, value=show_value(value)))
    return value.strip()


def resolve_shared(s: dict[str, Any], earlier: list[Any], where: str) -> dict[str, Any]:
    """The settings of a ``shared`` layer with its target found among the ``earlier``
    planned layers (``features.conv2`` or a plain name, looked for in both parts)."""
    wanted = s["of"]
    part, _, name = wanted.rpartition(".")
    matches = [p for p in earlier if p.name == name and part in ("", p.part)]
    weighted = [f"{p.part}.{p.name}" for p in earlier
                if p.kind != "shared" and LAYER_TYPES[p.kind].cost(
                    p.settings, p.in_shape, p.out_shape).params]
    if not matches or f"{matches[0].part}.{matches[0].name}" not in weighted:
        known = ", ".join(weighted) or Core.tr("none")
        raise SpecError(Core.tr("{where}: no earlier layer with weights is called {wanted!r} "
                                "(layers with weights before it: {known})",
                                where=f"{where}.of", wanted=wanted, known=known))
    target = matches[0]
    return {**s, "of": f"{target.part}.{target.name}", "target_kind": target.kind,
            "target_settings": target.settings, "target_in": target.in_shape}


def _target_type(s: dict[str, Any]) -> LayerType:
    return LAYER_TYPES[s["target_kind"]]


def _shared_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    target_in = s["target_in"]
    if len(in_shape) != len(target_in) or in_shape[0] != target_in[0]:
        raise SpecError(Core.tr("{label}: shares {of}, which takes {target} inputs, but gets "
                                "{shape}: the channels (or features) must match", label=label,
                                of=s["of"], target=fmt(target_in), shape=fmt(in_shape)))
    return LAYER_TYPES[s["target_kind"]].out_shape(s["target_settings"], in_shape, where, label)


def _shared_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    cost = LAYER_TYPES[s["target_kind"]].cost(s["target_settings"], inp, out)
    return LayerCost(0, cost.macs, cost.other_ops, cost.activations)  # weights counted once


def _shared_windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    return LAYER_TYPES[s["target_kind"]].windows(s["target_settings"], inp)


SHARED = LayerType(
    "shared", "shared",
    lambda s, in_shape: Tied(s["of"]),
    lambda s, in_shape: f'Tied("{s["of"]}")',
    settings={"of": _layer_name}, required=("of",),
    out_shape=_shared_shape, cost=_shared_cost, windows=_shared_windows,
    sees_whole_image=lambda s: _target_type(s).whole_image(s["target_settings"]),
    resolve=resolve_shared, tied=True,
    helper_source='''

class Tied(nn.Module):
    """Runs another layer of the network again, with that layer's weights (tied
    parameters). The other layer is kept outside nn.Module's bookkeeping, so its weights
    are counted, trained and saved once, under its own name."""

    def __init__(self, of):
        super().__init__()
        self.of = of
        object.__setattr__(self, "target", None)

    def tie(self, target):
        object.__setattr__(self, "target", target)

    def forward(self, x):
        return self.target(x)
''')
