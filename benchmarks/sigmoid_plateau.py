"""Why ``lenet5`` does not sit at ~10 % for two epochs as the tutorials' sigmoid LeNet does.

The tutorials' loop (SGD lr 0.5, batch 100, Xavier weights) feeds pixels in [0, 1]; DigitLab
normalises them with MNIST's mean and std. This trains the registry's ``lenet5`` (seed 0) for
one epoch (550 steps) on raw and on normalised pixels, with and without zeroed biases, and
prints the accuracy on the first 2,000 test images after 100, 275 and 550 steps.

    python benchmarks/sigmoid_plateau.py
"""

from __future__ import annotations

from collections.abc import Callable

import _common  # noqa: F401  (puts the checkout on sys.path)
import torch
from torch import nn

from cnn_core.data.datasets import load_split
from cnn_core.models import create_model

STEPS, BATCH, CHECKS = 550, 100, (100, 275, 550)


def run(normalise: bool, zero_bias: bool) -> list[float]:
    """Test accuracies after each of :data:`CHECKS` steps."""
    train, test = load_split("mnist", train=True), load_split("mnist", train=False)
    x_train = train.images[:STEPS * BATCH].float().div(255).unsqueeze(1)
    y_train = train.labels[:STEPS * BATCH]
    x_test, y_test = test.images[:2000].float().div(255).unsqueeze(1), test.labels[:2000]
    scale: Callable[[torch.Tensor], torch.Tensor] = (
        (lambda x: (x - 0.1307) / 0.3081) if normalise else (lambda x: x))
    model = create_model("lenet5", seed=0)
    if zero_bias:
        for m in model.modules():
            if isinstance(m, nn.Conv2d | nn.Linear):
                nn.init.zeros_(m.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    order = torch.randperm(STEPS * BATCH, generator=torch.Generator().manual_seed(0))
    accuracies = []
    for step in range(STEPS):
        batch = order[step * BATCH:(step + 1) * BATCH]
        loss = nn.functional.cross_entropy(model(scale(x_train[batch])), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step + 1 in CHECKS:
            with torch.no_grad():
                right = (model(scale(x_test)).argmax(1) == y_test).float().mean().item()
            accuracies.append(round(right, 3))
    return accuracies


def main() -> None:
    torch.set_num_threads(1)
    print(_common.machine_line())
    for normalise in (False, True):
        for zero_bias in (False, True):
            accuracies = run(normalise, zero_bias)
            print(f"pixels {'normalised' if normalise else 'in [0, 1]'}, biases "
                  f"{'zeroed' if zero_bias else 'default'}: test accuracy after "
                  f"{'/'.join(map(str, CHECKS))} steps: {accuracies}", flush=True)


if __name__ == "__main__":
    main()
