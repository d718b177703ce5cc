"""The layers a learner writes in the tutorials' ``nn.Module`` chapter, as spec layers.

* :class:`Expression` — a layer without parameters computing an expression of its input
  ``x`` (the tutorials' centring layer is ``x - x.mean()``). The expression is Python syntax
  from a short safe list (:func:`parse_expression`): numbers, ``x``, ``+ - * / **``,
  unary minus, and calls of a few tensor methods with numbers as arguments. It is never
  ``eval``-ed: :func:`evaluate` walks the checked syntax tree.
* :class:`Scale` — a layer with a parameter of its own: a learned factor per channel (or
  per feature), ``y = weight * x (+ bias)``, created with ``nn.Parameter``.
* :class:`Tied` — a layer that runs another layer of the network again, with that layer's
  weights (tied parameters). The other layer is held outside ``nn.Module``'s registration,
  so its parameters belong to it alone: counted, trained and saved once.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

import torch
from torch import nn

__all__ = ["METHODS", "REDUCTIONS", "Expression", "ExpressionError", "Scale", "Tied",
           "evaluate", "parse_expression"]

MAX_EXPRESSION = 120  # characters

REDUCTIONS = ("mean", "sum", "std", "var", "amax", "amin", "norm", "logsumexp", "softmax")
"""Methods that mix values across positions (the output then sees the whole input)."""

METHODS = ("abs", "relu", "sigmoid", "tanh", "exp", "sqrt", "square", "clamp", "sin", "cos",
           "log1p", *REDUCTIONS)
"""The tensor methods an expression may call."""

_KEYWORDS = {"dim", "keepdim", "min", "max", "unbiased"}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}


class ExpressionError(ValueError):
    """An expression uses something outside the safe list, or is not Python syntax."""


def _number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _number(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_number(e) for e in node.elts)
    return (isinstance(node, ast.Constant) and isinstance(node.value, int | float | bool)
            and not isinstance(node.value, complex))


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.Name):
        if node.id != "x":
            raise ExpressionError(f"unknown name {node.id!r}: the layer's input is x")
    elif isinstance(node, ast.Constant):
        if not _number(node):
            raise ExpressionError(f"only numbers may appear, not {node.value!r}")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError("only + - * / ** combine values")
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ExpressionError("only - and + may stand before a value")
        _check(node.operand)
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in METHODS:
            raise ExpressionError(f"calls are tensor methods: x.{', x.'.join(METHODS)}(…)")
        _check(func.value)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if not _number(arg):
                raise ExpressionError(f"the arguments of .{func.attr}() must be numbers")
        for keyword in node.keywords:
            if keyword.arg not in _KEYWORDS:
                raise ExpressionError(f".{func.attr}() takes no {keyword.arg}=")
    else:
        raise ExpressionError(f"{type(node).__name__.lower()} is not allowed in a layer "
                              f"expression")


def parse_expression(text: str) -> ast.Expression:
    """The checked syntax tree of an expression of ``x`` (see the module docstring).

    Raises
    ------
    ExpressionError
        Naming what is not allowed.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("an expression of x is needed, e.g. x - x.mean()")
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"at most {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not an expression: {exc.msg}") from None
    _check(tree.body)
    if not any(isinstance(n, ast.Name) for n in ast.walk(tree)):
        raise ExpressionError("the expression must use its input x")
    return tree


def uses_reduction(text: str) -> bool:
    """Whether the expression mixes values across positions (``x.mean()`` …)."""
    tree = parse_expression(text)
    return any(isinstance(n, ast.Call) and n.func.attr in REDUCTIONS  # type: ignore[attr-defined]
               for n in ast.walk(tree))


def _literal(node: ast.AST) -> Any:
    return ast.literal_eval(node)


def evaluate(node: ast.AST, x: torch.Tensor) -> Any:
    """The value of a checked expression tree for input ``x``."""
    if isinstance(node, ast.Expression):
        return evaluate(node.body, x)
    if isinstance(node, ast.Name):
        return x
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](evaluate(node.left, x), evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        value = evaluate(node.operand, x)
        return -value if isinstance(node.op, ast.USub) else value
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    target = evaluate(node.func.value, x)
    if not isinstance(target, torch.Tensor):
        target = torch.as_tensor(target, dtype=x.dtype, device=x.device)
    args = [_literal(a) for a in node.args]
    kwargs = {k.arg: _literal(k.value) for k in node.keywords}
    return getattr(target, node.func.attr)(*args, **kwargs)


class Expression(nn.Module):
    """A layer without parameters: ``forward(x)`` is the expression ``text`` of ``x``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text.strip()
        self._tree = parse_expression(self.text)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = evaluate(self._tree, x)
        return out if isinstance(out, torch.Tensor) else torch.full_like(x, float(out))

    def extra_repr(self) -> str:
        return f"x ↦ {self.text}"


class Scale(nn.Module):
    """A learned factor per channel (C×H×W input) or per feature (flat input), and
    optionally a learned shift: ``y = weight * x + bias``, both ``nn.Parameter``."""

    def __init__(self, num_features: int, bias: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (-1,) + (1,) * (x.dim() - 2)  # broadcast over the positions
        y = x * self.weight.view(shape)
        return y if self.bias is None else y + self.bias.view(shape)

    def extra_repr(self) -> str:
        return f"{self.weight.numel()}, bias={self.bias is not None}"


class Tied(nn.Module):
    """Runs another layer of the network (given by :meth:`tie`) with that layer's weights."""

    def __init__(self, of: str) -> None:
        super().__init__()
        self.of = of  # the other layer's place, e.g. "classifier.fc2"
        object.__setattr__(self, "target", None)  # not registered: its weights are the other's

    def tie(self, target: nn.Module) -> None:
        """Use ``target`` (a layer of the same network) from now on."""
        object.__setattr__(self, "target", target)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.target is None:
            raise RuntimeError(f"this layer shares {self.of}'s weights but was never tied to it")
        return self.target(x)

    def extra_repr(self) -> str:
        return f"shares {self.of}"
