"""What counting dead ReLUs costs a training step: none, every 4th batch, every batch.

One model, one batch of 100 random images, the same SGD step timed in one process with
:class:`~cnn_core.training.dead_units.ReluActivity` detached, attached watching one batch in
:data:`~cnn_core.training.dead_units.SAMPLE_EVERY` (what training does) and attached watching
every batch; the three are interleaved ``--repeat`` times and the fastest of each is kept
(the least disturbed by other work on the machine), then their ratios are printed.

    .venv/bin/python benchmarks/dead_units_overhead.py [--model lenet] [--threads 1]
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from _common import machine_line

from cnn_core.models import create_model
from cnn_core.training.dead_units import SAMPLE_EVERY, ReluActivity


def step_times(model_name: str, repeat: int, steps: int) -> dict[str, float]:
    """Fastest seconds per step for each way of watching (``"off"``, ``"sampled"``,
    ``"every"``)."""
    model = create_model(model_name, seed=0).train().to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(100, 1, 28, 28).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (100,))
    watchers = {"off": None, "sampled": ReluActivity(model, SAMPLE_EVERY),
                "every": ReluActivity(model, 1)}

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    best = {name: float("inf") for name in watchers}
    for _ in range(repeat):
        for name, watcher in watchers.items():
            if watcher is not None:
                watcher.attach()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            best[name] = min(best[name], (time.perf_counter() - start) / steps)
            if watcher is not None:
                watcher.take()
                watcher.detach()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet")
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--steps", type=int, default=12, help="steps per timing (a multiple "
                                                               f"of {SAMPLE_EVERY} is fair)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)  # an entry point: this process is the benchmark's
    print(machine_line())
    best = step_times(args.model, args.repeat, args.steps)
    off = best["off"]
    print(f"{args.model}, batch 100, {args.threads} thread(s): step {1000 * off:.2f} ms "
          f"unwatched; every {SAMPLE_EVERY}th batch {1000 * best['sampled']:.2f} ms "
          f"({100 * (best['sampled'] / off - 1):+.1f} %); every batch "
          f"{1000 * best['every']:.2f} ms ({100 * (best['every'] / off - 1):+.1f} %)")


if __name__ == "__main__":
    main()
