"""Shared pieces of the benchmarks: the seeds' LeNet-5 loop, MNIST for torchvision, load."""

from __future__ import annotations

import gzip
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from cnn_core.runtime.resources import resource_path  # noqa: E402

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def machine_line() -> str:
    """CPU count, torch threads and load average: timings are noisy on a shared machine."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPUs, torch {torch.__version__}, "
            f"{torch.get_num_threads()} intra-op threads, load average {load}")


@contextmanager
def torchvision_mnist_root() -> Iterator[Path]:
    """A temporary folder holding ``MNIST/raw/`` with the bundled MNIST decompressed.

    torchvision cannot download here and rejects the bundled ``.gz`` by its md5, but it only
    checks that the uncompressed files exist.
    """
    with tempfile.TemporaryDirectory(prefix="digitlab-bench-") as tmp:
        raw = Path(tmp) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for name in MNIST_FILES:
            with gzip.open(resource_path(f"{name}.gz"), "rb") as src, open(raw / name,
                                                                         "wb") as dst:
                shutil.copyfileobj(src, dst)
        yield Path(tmp)


class Reshape(nn.Module):
    """The tutorials' first layer: view the batch as ``[N, 1, 28, 28]``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(-1, 1, 28, 28)


def seeds_lenet5() -> nn.Sequential:
    """LeNet-5 exactly as the tutorials write it, Xavier-initialised."""
    net = nn.Sequential(
        Reshape(), nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )
    for m in net.modules():
        if isinstance(m, nn.Linear | nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
    return net


def seeds_loader(root: Path, train: bool = True) -> torch.utils.data.DataLoader:
    """The tutorials' data pipeline: torchvision MNIST, ToTensor, batch 100, shuffled."""
    from torchvision import datasets, transforms

    data = datasets.MNIST(root=str(root), train=train, transform=transforms.ToTensor(),
                          download=False)
    return torch.utils.data.DataLoader(data, batch_size=100, shuffle=True)


def seeds_train(root: Path, batches: int | None, warmup: int, device: str) -> float:
    """Run the seeds' training loop; return samples/s over ``batches`` after ``warmup``.

    ``batches=None`` means one whole epoch (600 batches), warm-up batches included in it.
    Only the training steps are timed: the tutorials' per-epoch evaluation is left out.
    """
    dev = torch.device(device)
    net = seeds_lenet5().to(dev)
    loss = nn.CrossEntropyLoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    net.train()
    seen, start = 0, None
    total = warmup + batches if batches is not None else None
    for i, (x, y) in enumerate(seeds_loader(root)):
        if i == warmup:
            _sync(dev)
            start, seen = time.perf_counter(), 0
        if total is not None and i >= total:
            break
        x, y = x.to(dev), y.to(dev)
        lo = loss(net(x), y)
        trainer.zero_grad()
        lo.backward()
        trainer.step()
        seen += len(y)
    _sync(dev)
    assert start is not None, "more warm-up batches than batches in an epoch"
    return seen / (time.perf_counter() - start)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
