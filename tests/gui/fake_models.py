"""Small models with answers the GUI tests know in advance.

Imported by the GUI tests as a plain module (pytest puts tests/gui on sys.path).
"""

from __future__ import annotations

import torch

from cnn_core.checkpoints import Checkpoint


def weakly_preferring(untrained: Checkpoint, digit: int) -> Checkpoint:
    """A copy of ``untrained`` that ignores the picture and answers ``digit`` at about 15 %
    (e^0.5 / (9 + e^0.5)): an unsure answer, whatever is drawn."""
    weak = untrained.copy()
    last = weak.model.classifier[-1]
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    last.bias.data[digit] = 0.5
    return weak
