"""Training throughput of LeNet-5: the tutorials' loop, a plain tensor loop and DigitLab.

Three columns from one run. All three train the same LeNet-5 (sigmoid, average pooling,
120-84-10, Xavier init) with SGD at lr 0.5, batch 100, on MNIST, no augmentation, no schedule,
over the same number of training samples after the same warm-up. The seeds' loop is the
tutorials' own: torchvision ``datasets.MNIST`` + ``transforms.ToTensor()`` +
``DataLoader(batch_size=100, shuffle=True)``; its per-epoch evaluation passes are left out, as
is the Trainer's end-of-epoch test. The plain loop is what a PyTorch user writes once the data
loader is gone: the whole dataset as a uint8 tensor in memory, a shuffled index per epoch,
stock ``torch.nn`` layers, the batch normalised and made ``channels_last`` on the fly. The
three are run in turn ``--repeat`` times (default 5), each run in a fresh Python process so
that none inherits another's OpenMP threads or allocator state; the median of each is printed
(never the best), with the range and the ratios. Every side gets the same malloc settings:
DigitLab's (:mod:`cnn_core.runtime.allocator`), or glibc's defaults with ``--default-allocator``.

    .venv/bin/python benchmarks/train_throughput.py [--quick] [--batches 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch
from _common import machine_line, seeds_lenet5, seeds_train, torchvision_mnist_root
from torch import nn

from cnn_core.runtime.allocator import keep_freed_memory
from cnn_core.training import BatchDone, TrainConfig, Trainer

REPORT_EVERY = 10  # the Trainer's default; each report costs a sync and a weights copy


def digitlab_train(batches: int, warmup: int, device: str) -> float:
    """DigitLab's Trainer on lenet5 with the tutorials' recipe; samples/s after warm-up."""
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


def plain_train(batches: int, warmup: int, device: str) -> float:
    """The plain PyTorch loop on in-memory tensors, stock layers; samples/s after warm-up."""
    from cnn_core.data.datasets import load_split

    dev = torch.device(device)
    data = load_split("mnist", True)
    images, labels = data.images.to(dev), data.labels.to(dev)
    net = seeds_lenet5()[1:].to(dev, memory_format=torch.channels_last)  # without the Reshape
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    order = torch.randperm(len(labels), device=dev)
    net.train()
    start = 0.0
    for i in range(warmup + batches):
        if i == warmup:
            _sync(dev)
            start = time.perf_counter()
        idx = order[i * 100:(i + 1) * 100]
        x = images[idx].unsqueeze(1).float().div_(255)
        x = x.contiguous(memory_format=torch.channels_last)
        loss = loss_fn(net(x), labels[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    _sync(dev)
    return batches * 100 / (time.perf_counter() - start)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


SIDES: dict[str, Callable[..., float]] = {
    "tutorials": lambda root, *a: seeds_train(root, *a),
    "plain": lambda root, *a: plain_train(*a),
    "digitlab": lambda root, *a: digitlab_train(*a),
}


def _child(side: str, root: Path, batches: int, warmup: int, device: str, tune: bool) -> float:
    if tune:
        keep_freed_memory()
    return SIDES[side](root, batches, warmup, device)


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
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side, in turn")
    parser.add_argument("--quick", action="store_true",
                        help="a few minutes: 100 timed batches, 5 runs of each side")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads for all (default: torch's choice)")
    parser.add_argument("--only", choices=tuple(SIDES), action="append",
                        help="run just this side (repeatable)")
    parser.add_argument("--default-allocator", action="store_true",
                        help="glibc's default malloc settings on every side, instead of "
                             "DigitLab's (cnn_core.runtime.allocator) on every side")
    args = parser.parse_args()
    if args.quick:
        args.batches, args.repeat = 100, 5
    if args.warmup % REPORT_EVERY:
        parser.error(f"--warmup must be a multiple of {REPORT_EVERY}")
    if args.threads:
        torch.set_num_threads(args.threads)
    sides = [s for s in SIDES if not args.only or s in args.only]
    tune = not args.default_allocator
    print(machine_line())
    print(f"LeNet-5, SGD lr 0.5, batch 100, {args.batches} timed batches after {args.warmup} "
          f"warm-up, device {args.device}, {args.repeat} runs of each side in turn, each in a "
          f"new process; malloc: {'DigitLab' if tune else 'glibc default'} on every side")
    rates: dict[str, list[float]] = {s: [] for s in sides}
    with torchvision_mnist_root() as root:
        for i in range(args.repeat):
            t = time.perf_counter()
            order = sides if i % 2 == 0 else sides[::-1]  # alternate who goes first
            for side in order:
                rates[side].append(_in_fresh_process(args.threads, _child, side, root,
                                                     args.batches, args.warmup, args.device,
                                                     tune))
            print(f"  run {i + 1}: " + "  ".join(f"{s} {rates[s][-1]:8,.0f}" for s in sides)
                  + f"  samples/s ({time.perf_counter() - t:.0f} s)", flush=True)
    medians = {s: statistics.median(r) for s, r in rates.items()}
    print(f"{'':<10}" + "".join(f"{s:>22}" for s in sides))
    print(f"{'median':<10}" + "".join(f"{medians[s]:,.0f} samples/s".rjust(22)
                                      for s in sides))
    print(f"{'range':<10}" + "".join(f"{min(r):,.0f}–{max(r):,.0f}".rjust(22)
                                     for r in rates.values()))
    if "tutorials" in medians:
        print(f"{'× tutorials':<10}" + "".join(f"{medians[s] / medians['tutorials']:.2f}×".rjust(22)
                                            for s in sides))
    if "digitlab" in medians and "tutorials" in medians:
        ratio = medians["digitlab"] / medians["tutorials"]
        print(f"DigitLab / tutorials' loop, medians: {ratio:.2f}×   goal ≥ 5×: "
              f"{'met' if ratio >= 5 else 'MISSED'}")
    if "digitlab" in medians and "plain" in medians:
        ratio = medians["digitlab"] / medians["plain"]
        print(f"DigitLab / plain tensor loop, medians: {ratio:.2f}×   goal ≥ 1.0×: "
              f"{'met' if ratio >= 1.0 else 'MISSED'} (on a busy machine the spread of the runs, "
              f"above, says how far to trust it)")
    print(machine_line())


if __name__ == "__main__":
    main()
