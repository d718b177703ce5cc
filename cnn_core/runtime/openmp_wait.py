"""OpenMP threads that sleep while they wait, for a training process that shares its cores.

PyTorch's CPU kernels split each operation across its OpenMP threads (torch's default: one
per core) and every thread waits for the others at the end. GNU OpenMP's default is to spin
for a few milliseconds before sleeping, so a waiting thread keeps its core busy through the
short single-threaded gaps between two operations (Python, autograd bookkeeping). When
another process needs a core (the window answering a drawing, on two cores), it must then
preempt a training thread, and the other thread spins until that one runs again: each
millisecond the window computes costs the run up to two. With ``OMP_WAIT_POLICY=PASSIVE`` a
waiting thread sleeps at once, so the window runs on the core the gaps leave free.

The policy is read once, when the OpenMP runtime loads (``import torch``): it must be in the
environment before that, so only an entry point that has not imported torch can set it. The
training processes' fork server does (:mod:`cnn_core.training.process`); a user's own
``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` is kept. Importing this module loads nothing.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

__all__ = ["USER_SETTINGS", "sleep_while_waiting"]

USER_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")  # either one: the user has chosen


def sleep_while_waiting(environ: MutableMapping[str, str] | None = None) -> bool:
    """Ask OpenMP threads to sleep rather than spin while they wait; True if it was set.

    Sets ``OMP_WAIT_POLICY=PASSIVE`` in ``environ`` (default ``os.environ``) unless one of
    :data:`USER_SETTINGS` is there already. Takes effect only in a process whose OpenMP
    runtime has not loaded yet (before ``import torch``).
    """
    environ = os.environ if environ is None else environ
    if any(name in environ for name in USER_SETTINGS):
        return False
    environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True
