"""A private state for torch's global random generator, swapped in only while a run computes.

Dropout draws from torch's default generator and takes no ``generator`` argument. Seeding the
global generator would change the whole process; instead the run keeps a state of its own,
seeded from the run's seed, and :meth:`PrivateGlobalRng.active` puts it in place for the run's
own code and the caller's state back before control returns to the caller. Between two of the
run's events the process sees its own global RNG, untouched; dropout sees a stream that
depends on the run's seed only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["PrivateGlobalRng"]


def _get(device: torch.device) -> list[torch.Tensor]:
    states = [torch.get_rng_state()]
    if device.type == "cuda":
        states.append(torch.cuda.get_rng_state(device))
    elif device.type == "mps":
        states.append(torch.mps.get_rng_state())
    return states


def _set(device: torch.device, states: list[torch.Tensor]) -> None:
    torch.set_rng_state(states[0])
    if device.type == "cuda":
        torch.cuda.set_rng_state(states[1], device)
    elif device.type == "mps":
        torch.mps.set_rng_state(states[1])


class PrivateGlobalRng:
    """The global generator's state (CPU, and the run's device) as the run last left it."""

    def __init__(self, seed: int, device: torch.device) -> None:
        self.device = device
        generators = [torch.Generator()]
        if device.type in ("cuda", "mps"):
            generators.append(torch.Generator(device=device))
        self._states = [g.manual_seed(seed).get_state() for g in generators]

    @contextmanager
    def active(self) -> Iterator[None]:
        """Within the block, torch's global generator continues the run's own stream."""
        outer = _get(self.device)
        _set(self.device, self._states)
        try:
            yield
        finally:
            self._states = _get(self.device)
            _set(self.device, outer)
