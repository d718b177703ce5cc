"""The speedrun recipe against one epoch of the tutorials' LeNet-5 loop, in one run.

``digitlab train --recipe speedrun`` for ``--seeds`` seeds (default 5): every seed's MNIST test
accuracy (evaluated once, after its fixed 343 steps) and training time (the Trainer's clock
less its evaluation passes), then the mean accuracy, the mean and median time, and their
ratio to one epoch of the tutorials' loop (torchvision MNIST + ``DataLoader``, sigmoid LeNet-5,
SGD; training steps only, as in train_throughput.py). That epoch is timed ``--tutorial-runs``
times, spread between the seeds so that both sides see the same machine load, and its
median is used. Both sides run in this process, with DigitLab's malloc settings.

Goals: mean test accuracy ≥ 99.0 %, training time ≤ 0.5 tutorial epochs (median).

    .venv/bin/python benchmarks/speedrun.py [--quick] [--seeds 5] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from _common import machine_line, seeds_train, torchvision_mnist_root

from cnn_core.runtime.allocator import keep_freed_memory
from cnn_core.training import Finished, Trainer
from cnn_core.training.recipes import recipe_config

EPOCH = 60_000  # images in one epoch of the tutorials' loop


def speedrun_once(seed: int, device: str) -> tuple[float, float, float]:
    """(test accuracy, training seconds, wall seconds with set-up and evaluation)."""
    start = time.perf_counter()
    trainer = Trainer(recipe_config("speedrun", seed=seed, device=device))
    final = None
    for event in trainer.run():
        if isinstance(event, Finished):
            final = event
    assert final is not None, "the speedrun did not finish"
    return final.test_accuracy, trainer.training_seconds, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    parser.add_argument("--tutorial-runs", type=int, default=3,
                        help="times the tutorials' epoch is measured, between seeds (median)")
    parser.add_argument("--tutorial-batches", type=int, default=0,
                        help="batches of 100 to time per tutorial run, extrapolated to the "
                             "epoch (0 = the whole epoch of 600)")
    parser.add_argument("--quick", action="store_true",
                        help="a few minutes: tutorial epoch from 150 batches, twice")
    args = parser.parse_args()
    if args.quick:
        args.tutorial_batches, args.tutorial_runs = 150, 2
    if args.threads:
        torch.set_num_threads(args.threads)
    keep_freed_memory()  # as `digitlab train` does; the tutorials' loop shares the process
    print(machine_line())
    cfg = recipe_config("speedrun")
    print(f"speedrun recipe: model {cfg.model}, {cfg.epochs} epoch of 55,000 images at batch "
          f"{cfg.batch_size}, {cfg.optimizer} lr {cfg.lr:g} betas {cfg.betas} {cfg.schedule}, "
          f"label smoothing {cfg.label_smoothing:g}, augment {cfg.augment}, bfloat16 forward "
          f"passes {cfg.autocast_bf16}; device {args.device}; test set evaluated once at the end")
    runs = max(1, args.tutorial_runs)
    # tutorial runs go before the first seed, after the last, and evenly between
    tutorial_at = {round(i * args.seeds / max(1, runs - 1)) for i in range(runs)} if runs > 1 \
        else {0}
    tutorial: list[float] = []
    accs: list[float] = []
    times: list[float] = []
    batches = args.tutorial_batches or None
    with torchvision_mnist_root() as root:
        for i in range(args.seeds + 1):
            if i in tutorial_at and len(tutorial) < runs:
                rate = seeds_train(root, batches, 10 if batches else 0, args.device)
                tutorial.append(EPOCH / rate)
                print(f"  tutorials' LeNet-5 epoch: {tutorial[-1]:6.2f} s "
                      f"({rate:,.0f} samples/s)", flush=True)
            if i < args.seeds:
                acc, seconds, wall = speedrun_once(i, args.device)
                accs.append(acc)
                times.append(seconds)
                print(f"  speedrun seed {i}: test {acc:.2%}  training {seconds:6.2f} s  "
                      f"(wall {wall:.1f} s with set-up and evaluation)", flush=True)
    epoch = statistics.median(tutorial)
    mean_acc = statistics.mean(accs)
    mean_t, median_t = statistics.mean(times), statistics.median(times)
    print(f"tutorials' epoch, median of {len(tutorial)}: {epoch:.2f} s "
          f"(range {min(tutorial):.2f}–{max(tutorial):.2f})")
    print(f"mean test accuracy over {len(accs)} seeds: {mean_acc:.2%} (min {min(accs):.2%}, "
          f"max {max(accs):.2%})   goal ≥ 99.00 %: {'met' if mean_acc >= 0.99 else 'MISSED'}")
    print(f"training time: mean {mean_t:.2f} s, median {median_t:.2f} s "
          f"(range {min(times):.2f}–{max(times):.2f})")
    ratio = median_t / epoch
    print(f"ratio to one tutorials' epoch: median {ratio:.2f}, mean {mean_t / epoch:.2f}   "
          f"goal ≤ 0.5 (median): {'met' if ratio <= 0.5 else 'MISSED'}")
    print(machine_line())


if __name__ == "__main__":
    main()
