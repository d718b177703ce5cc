"""Training throughput of LeNet-5: the tutorials' loop against DigitLab's Trainer.

Both train the same LeNet-5 (sigmoid, average pooling, 120-84-10, Xavier init) with SGD at
lr 0.5, batch 100, on MNIST, no augmentation, no schedule, over the same number of training
samples after the same warm-up. The seeds' loop is the tutorials' own: torchvision
``datasets.MNIST`` + ``transforms.ToTensor()`` + ``DataLoader(batch_size=100, shuffle=True)``;
its per-epoch evaluation passes are left out, as is the Trainer's end-of-epoch test.
The two are run alternately ``--repeat`` times, each run in a fresh Python process so that
neither inherits the other's OpenMP threads or allocator state; the best and the median of
each are printed, with their ratio. ``--tune-seeds-allocator`` gives the seeds' loop the
malloc settings DigitLab's entry points apply (:mod:`cnn_core.allocator`).

    .venv/bin/python benchmarks/train_throughput.py [--batches 300] [--repeat 3] [--device cpu]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch
from _common import machine_line, seeds_train, torchvision_mnist_root

from cnn_core.allocator import keep_freed_memory
from cnn_core.training import BatchDone, TrainConfig, Trainer

REPORT_EVERY = 10  # the Trainer's default; each report costs a sync and a weights copy


def digitlab_train(batches: int, warmup: int, device: str) -> float:
    """DigitLab's Trainer on lenet5 with the tutorials' recipe; samples/s after warm-up."""
    keep_freed_memory()  # as `digitlab train` and the GUI's worker do; the Trainer does not
    config = TrainConfig.for_model(
        "lenet5", batch_size=100, optimizer="sgd", lr=0.5, momentum=0.0, schedule="none",
        augment=False, epochs=1, device=device, max_train_samples=(warmup + batches) * 100,
        max_test_samples=100, val_size=100, report_every=REPORT_EVERY)
    marks: list[tuple[int, float]] = []
    for event in Trainer(config).run():
        if isinstance(event, BatchDone):
            marks.append((event.step, event.elapsed))  # the Trainer's own clock
    start = next((m for m in marks if m[0] >= warmup), marks[0])
    end = marks[-1]
    return (end[0] - start[0]) * 100 / (end[1] - start[1])


def _seeds_child(root: Path, batches: int, warmup: int, device: str, tune: bool) -> float:
    if tune:
        keep_freed_memory()
    return seeds_train(root, batches, warmup, device)


def _in_fresh_process(threads: int | None, fn: Callable[..., float], *args: object) -> float:
    """``fn(*args)`` in a new interpreter (spawned, so nothing is inherited but arguments)."""
    with multiprocessing.get_context("spawn").Pool(1, initializer=_set_threads,
                                                   initargs=(threads,)) as pool:
        return pool.apply(fn, args)


def _set_threads(threads: int | None) -> None:
    if threads:
        torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300,
                        help="timed batches of 100 per run (default 300 = half an epoch)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed batches first")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads for both (default: torch's choice)")
    parser.add_argument("--only", choices=("seeds", "digitlab"), help="run just one side")
    parser.add_argument("--tune-seeds-allocator", action="store_true",
                        help="give the seeds' loop DigitLab's malloc settings too")
    args = parser.parse_args()
    if args.warmup % REPORT_EVERY:
        parser.error(f"--warmup must be a multiple of {REPORT_EVERY}")
    if args.threads:
        torch.set_num_threads(args.threads)
    print(machine_line())
    print(f"LeNet-5, SGD lr 0.5, batch 100, {args.batches} timed batches after {args.warmup} "
          f"warm-up, device {args.device}, {args.repeat} alternating runs, each in a new process"
          + (", seeds' loop with DigitLab's malloc settings" if args.tune_seeds_allocator else ""))
    seeds: list[float] = []
    ours: list[float] = []
    with torchvision_mnist_root() as root:
        for i in range(args.repeat):
            t = time.perf_counter()
            if args.only != "digitlab":
                seeds.append(_in_fresh_process(args.threads, _seeds_child, root, args.batches,
                                               args.warmup, args.device,
                                               args.tune_seeds_allocator))
            if args.only != "seeds":
                ours.append(_in_fresh_process(args.threads, digitlab_train, args.batches,
                                              args.warmup, args.device))
            line = f"  run {i + 1}: "
            line += f"seeds {seeds[-1]:8,.0f} samples/s  " if seeds else ""
            line += f"DigitLab {ours[-1]:8,.0f} samples/s  " if ours else ""
            print(f"{line}({time.perf_counter() - t:.0f} s)", flush=True)
    for name, rates in (("seeds' loop", seeds), ("DigitLab Trainer", ours)):
        if rates:
            print(f"{name:<17} best {max(rates):8,.0f}  median {statistics.median(rates):8,.0f}"
                  f" samples/s")
    if seeds and ours:
        print(f"ratio DigitLab / seeds: best {max(ours) / max(seeds):.2f}×  "
              f"median {statistics.median(ours) / statistics.median(seeds):.2f}×")
    print(machine_line())


if __name__ == "__main__":
    main()
