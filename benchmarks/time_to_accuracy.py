"""Seconds for the default model to reach 99 % MNIST test accuracy from scratch.

Trains ``cnn_core.models.DEFAULT_MODEL`` (digitnet) with a fast recipe (no augmentation,
one-cycle Adam, ``--epochs`` as a cap, ``target_accuracy=0.99``) and compares the time with one
epoch of the tutorials' LeNet-5 loop measured in the same run (training steps only, as in
train_throughput.py). The Trainer's clock includes its end-of-epoch test evaluation, which is
how it knows the target was reached.

    .venv/bin/python benchmarks/time_to_accuracy.py [--epochs 2] [--seeds-batches 200]
"""

from __future__ import annotations

import argparse
import time

import torch
from _common import machine_line, seeds_train, torchvision_mnist_root

from cnn_core.models import DEFAULT_MODEL
from cnn_core.runtime.allocator import keep_freed_memory
from cnn_core.training import EpochDone, Finished, TrainConfig, Trainer


def time_to_target(args: argparse.Namespace) -> tuple[float, float, int, bool]:
    """(trainer seconds, wall seconds, epochs run, target reached)."""
    config = TrainConfig.for_model(
        DEFAULT_MODEL, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        optimizer="adam", schedule="onecycle", augment=False, target_accuracy=args.target,
        device=args.device, seed=args.seed)
    start = time.perf_counter()
    result: Finished | None = None
    for event in Trainer(config).run():
        if isinstance(event, EpochDone):
            print(f"  epoch {event.epoch}: validation {event.val_accuracy:.2%} (decides), "
                  f"test {event.test_accuracy:.2%} at "
                  f"{event.elapsed:.1f} s ({event.samples_per_second:,.0f} samples/s)",
                  flush=True)
        elif isinstance(event, Finished):
            result = event
    assert result is not None
    wall = time.perf_counter() - start
    return result.elapsed, wall, result.epochs_done, result.reason == "target_reached"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=0.99)
    parser.add_argument("--epochs", type=int, default=2, help="cap; one-cycle spans them all")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    parser.add_argument("--seeds-batches", type=int, default=200,
                        help="batches of the seeds' loop to time; the epoch (600) is "
                             "extrapolated (0 = time a whole epoch)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    keep_freed_memory()  # as `digitlab train` does
    print(machine_line())
    with torchvision_mnist_root() as root:
        batches = args.seeds_batches or None
        rate = seeds_train(root, batches, 10 if batches else 0, args.device)
    seeds_epoch = 60_000 / rate
    print(f"seeds' LeNet-5 loop: {rate:,.0f} samples/s → one epoch {seeds_epoch:.1f} s")
    print(f"{DEFAULT_MODEL} to {args.target:.0%}: cap {args.epochs} epochs, Adam lr {args.lr:g} "
          f"one-cycle, batch {args.batch_size}, no augmentation, device {args.device}")
    seconds, wall, epochs, reached = time_to_target(args)
    status = "reached" if reached else "NOT reached"
    print(f"{DEFAULT_MODEL}: target {status} after {epochs} epoch(s): {seconds:.1f} s "
          f"(wall {wall:.1f} s with set-up)")
    print(f"ratio to one seeds' epoch: {seconds / seeds_epoch:.2f} (goal < 1.0)")
    print(machine_line())


if __name__ == "__main__":
    main()
