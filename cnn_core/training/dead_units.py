"""Dead ReLUs: the units of each ReLU layer that never fired over an epoch of training.

A ReLU unit (a channel of a convolution's map, a neuron of a linear layer) whose input stays
at or below zero for every image outputs 0 everywhere: no gradient flows through it, so the
weights feeding it stop learning — it is *dead*. A learning rate that is too high often
pushes many units there at once. :class:`ReluActivity` watches the ReLUs of a model during
training steps with forward hooks and keeps, per unit, one flag: did it fire (output > 0) for
any image at any position since the last :meth:`ReluActivity.take`. It looks at every
:data:`SAMPLE_EVERY`-th training batch (a quarter of an epoch's images, spread over all of
it): one reduction per ReLU on those steps, on the device, and one small copy per layer at the
end of an epoch. Watching every batch cost 12–22 % of a LeNet training step on one CPU
thread (5–12 % for digitnet); one in four, 2.5 % for LeNet and nothing measurable for
digitnet (``benchmarks/dead_units_overhead.py``). A unit
that fires for none of ~14,000 images (a quarter of MNIST's) is as dead as one that fires
for none of 55,000.

ReLUs are counted where they are modules (``nn.ReLU``, ``nn.ReLU6``: every ``relu`` layer
of a spec); those written as ``F.relu`` inside a block (residual, Inception) are not seen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import torch
from torch import nn

__all__ = ["DEAD_WARNING", "SAMPLE_EVERY", "ReluActivity"]

DEAD_WARNING = 0.5  # a layer with more than this share of dead units gets a warning
SAMPLE_EVERY = 4  # watch one training batch in this many (the first, the fifth, …)


class ReluActivity:
    """Which units of ``model``'s ReLU layers fired in training steps since the last take.

    Hooks are attached with :meth:`attach` (or ``with activity:``) and removed by
    :meth:`detach`; :meth:`detached` lifts them for a moment (a copy of the model must not
    carry them). Evaluation passes (the model in eval mode) are not counted.
    """

    def __init__(self, model: nn.Module, sample_every: int = SAMPLE_EVERY) -> None:
        self._model = model
        self._layers = [(name, module) for name, module in model.named_modules()
                        if isinstance(module, nn.ReLU | nn.ReLU6)]
        self._fired: dict[str, torch.Tensor] = {}
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._every = max(1, sample_every)
        self._steps = 0  # training forward passes seen since the last take
        self._watching = False  # whether this forward pass is one of the sampled

    @property
    def layers(self) -> list[str]:
        """The watched layers' names, in the model's order."""
        return [name for name, _ in self._layers]

    def attach(self) -> None:
        """Start watching (again); what was counted so far is kept."""
        if not self._handles and self._layers:
            self._handles = [self._model.register_forward_pre_hook(self._count)]
            self._handles += [module.register_forward_hook(self._hook(name))
                              for name, module in self._layers]

    def detach(self) -> None:
        """Stop watching."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self) -> ReluActivity:
        self.attach()
        return self

    def __exit__(self, *exc: object) -> None:
        self.detach()

    @contextlib.contextmanager
    def detached(self) -> Iterator[None]:
        """No hooks inside (e.g. while the model is copied), the same as before after."""
        attached = bool(self._handles)
        self.detach()
        try:
            yield
        finally:
            if attached:
                self.attach()

    def _count(self, model: nn.Module, _inputs: object) -> None:
        """Before each forward pass of the whole model: is it a training step to watch?"""
        self._watching = model.training and self._steps % self._every == 0
        self._steps += model.training

    def _hook(self, name: str):  # noqa: ANN202 - a forward hook
        def hook(module: nn.Module, _inputs: object, output: torch.Tensor) -> None:
            if not (self._watching and module.training and isinstance(output, torch.Tensor)
                    and output.dim() >= 2):
                return
            with torch.no_grad():
                dims = [0, *range(2, output.dim())]  # every axis but the unit's (dim 1)
                fired = output.detach().amax(dim=dims) > 0
                seen = self._fired.get(name)
                self._fired[name] = fired if seen is None or seen.shape != fired.shape \
                    else seen | fired
        return hook

    def take(self, combine: Callable[[torch.Tensor], torch.Tensor] | None = None
             ) -> tuple[tuple[str, float], ...]:
        """``(layer, share of its units that never fired)`` for every layer that ran since the
        last take, in the model's order; the counts start again from zero. ``combine``
        merges each layer's flags with other processes' (a data-parallel run's ranks)."""
        shares = []
        for name, _ in self._layers:
            fired = self._fired.get(name)
            if fired is not None and combine is not None:
                fired = combine(fired)
            if fired is not None and fired.numel():
                dead = fired.numel() - int(fired.sum().item())
                shares.append((name, dead / fired.numel()))
        self._fired, self._steps = {}, 0
        return tuple(shares)
