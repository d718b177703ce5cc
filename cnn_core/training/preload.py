"""Imported once by the training processes' fork server (:mod:`.process`), never elsewhere.

Importing it loads the bundled MNIST into :func:`cnn_core.data.datasets.load_split`'s cache, so
every training process forked from the server starts with the data already in memory (shared
copy-on-write) instead of decoding it again (~0.3–2 s per run). A failure here only means
that each run loads the data itself.
"""

from __future__ import annotations

import contextlib

from ..data.datasets import load_split

with contextlib.suppress(Exception):  # never take the fork server down
    load_split("mnist", True)
    load_split("mnist", False)
