"""cnn_core.allocator keeps a training step's memory mapped between steps (glibc)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# One "step": 40 MB of activations in 4 MB blocks, allocated, touched and freed together.
# glibc's default trims the freed top of the heap each time, so the pages fault back in.
_SCRIPT = """
import resource, sys, torch
from cnn_core.allocator import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory() and keep_freed_memory()
def step():
    blocks = [torch.ones(1_000_000) for _ in range(10)]
    del blocks
step(); step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


def _faults_per_step(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True,
                         text=True, check=True, timeout=120)
    return float(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc only")
def test_freed_step_memory_stays_mapped():
    plain, tuned = _faults_per_step("plain"), _faults_per_step("tuned")
    # 40 MB is ~10,000 pages: untuned, most of them fault again every step
    assert plain > 5_000
    assert tuned < plain / 20
