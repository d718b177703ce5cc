"""What the per-layer gradient norms cost: training throughput with and without them.

The same training (same model, seed and data) runs alternately with ``track_gradients`` on
and off, ``--repeat`` times each, in one process, after one untimed warm-up run; the
Trainer's own samples/s (evaluation excluded) of each run is printed, then the medians and
their ratio. Norms are taken only on report steps (every ``report_every`` batches).

    .venv/bin/python benchmarks/gradient_norm_overhead.py [--model lenet5] [--batches 200]
"""

from __future__ import annotations

import argparse
import statistics

from _common import machine_line

from cnn_core.runtime.allocator import keep_freed_memory
from cnn_core.training import BatchDone, TrainConfig, Trainer

REPORT_EVERY = TrainConfig().report_every  # norms are taken on report steps only


def throughput(model: str, batches: int, track: bool, device: str) -> float:
    """Samples/s of one run, as the Trainer measures it (its last report)."""
    config = TrainConfig.for_model(model, epochs=1, batch_size=100, device=device, seed=0,
                                   max_train_samples=batches * 100, max_test_samples=100,
                                   val_size=100, track_gradients=track, augment=False)
    last = None
    for event in Trainer(config).run():
        if isinstance(event, BatchDone):
            last = event
    assert last is not None
    return last.samples_per_second


def step_and_norm_times(model_name: str, repeat: int = 30) -> tuple[float, float]:
    """Seconds per training step (batch 100) and per :func:`layer_gradient_norms` call,
    measured on the same model in this process: the direct cost, less noisy than
    throughput on a loaded machine."""
    import time

    import torch
    import torch.nn.functional as F

    from cnn_core.models import create_model
    from cnn_core.training.gradients import layer_gradient_norms

    model = create_model(model_name, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.rand(100, 1, 28, 28), torch.randint(0, 10, (100,))

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range(repeat):
        step()
    per_step = (time.perf_counter() - start) / repeat
    start = time.perf_counter()
    for _ in range(repeat):
        layer_gradient_norms(model)
    return per_step, (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet5")
    parser.add_argument("--batches", type=int, default=200, help="batches of 100 per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    keep_freed_memory()  # as the CLI and the GUI's worker do
    print(machine_line())
    per_step, per_norm = step_and_norm_times(args.model)
    print(f"{args.model}: one step {1000 * per_step:.2f} ms, one norms call "
          f"{1000 * per_norm:.3f} ms; every {REPORT_EVERY} steps that adds "
          f"{100 * per_norm / (REPORT_EVERY * per_step):.2f} %")
    throughput(args.model, 20, True, args.device)  # warm-up: data loaded, kernels chosen
    runs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.repeat):
        for track in (True, False):
            rate = throughput(args.model, args.batches, track, args.device)
            runs[track].append(rate)
            print(f"{args.model} gradient norms {'on ' if track else 'off'}: {rate:,.0f} samples/s")
    on, off = (statistics.median(runs[t]) for t in (True, False))
    print(f"median: on {on:,.0f}, off {off:,.0f} samples/s; on/off = {on / off:.3f}")


if __name__ == "__main__":
    main()
