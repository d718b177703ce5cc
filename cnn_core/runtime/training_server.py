"""Imported first by the training processes' fork server (:mod:`cnn_core.training.process`),
before torch, never elsewhere: the server's own start, an entry point.

Every training process is forked from that server with the OpenMP runtime it loaded, so the
runtime's settings are made here, in the server's environment, before ``import torch``: its
threads sleep while they wait (:mod:`.openmp_wait`), and a run shares its cores with the
window without stalling each time the window computes.
"""

from __future__ import annotations

from .openmp_wait import sleep_while_waiting

sleep_while_waiting()
