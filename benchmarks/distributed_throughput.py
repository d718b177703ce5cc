"""Samples per second of `digitlab train` with 1 and with 2 processes under torchrun (gloo).

    python benchmarks/distributed_throughput.py [--model lenet5] [--samples 20000] [--runs 3]

Each configuration runs as fresh processes (`torch.distributed.run --standalone`), alternating,
and the median of the runs' training throughput (images per second over all ranks, from
`--json`) is printed with the ratio. Each process gets `OMP_NUM_THREADS` = cores / processes,
so both configurations use the same cores: on a 2-core machine, two processes of one thread
against one process of two threads. What DDP adds here is the gradient all-reduce after every
step; what it can gain is only what one process leaves of the cores idle.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from _common import ROOT, machine_line


def run(processes: int, args: argparse.Namespace) -> float:
    threads = max(1, (os.cpu_count() or 1) // processes)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "torch.distributed.run", "--standalone",
             f"--nproc_per_node={processes}", "-m", "cnn_core.cli", "train",
             "--model", args.model, "--epochs", "1", "--max-train-samples", str(args.samples),
             "--seed", "0", "--device", "cpu", "--json", "--out", f"{tmp}/m.safetensors"],
            env=env, capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout)["samples_per_second"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet5")
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine_line())
    figures: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.runs):
        for processes in (1, 2):
            figures[processes].append(run(processes, args))
            print(f"{processes} process(es): {figures[processes][-1]:,.0f} samples/s",
                  flush=True)
    one, two = (statistics.median(figures[p]) for p in (1, 2))
    print(f"{args.model}, {args.samples:,} images, medians of {args.runs}: 1 process "
          f"{one:,.0f} samples/s, 2 processes {two:,.0f} samples/s = {two / one:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
