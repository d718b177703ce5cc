"""cnn_core.allocator keeps a training step's memory mapped between steps (glibc)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# One "step": 128 MB of activations in 4 MB blocks, allocated, touched and freed together.
# Untuned, whether glibc trims the freed top of the heap depends on what the process allocated
# before (its thresholds adapt), so both runs start from the same, always-trimming setting
# (MALLOC_TRIM_THRESHOLD_=0): without keep_freed_memory() every step faults its pages back in.
_SCRIPT = """
import resource, sys, torch
from cnn_core.allocator import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory() and keep_freed_memory()
def step():
    blocks = [torch.ones(1_000_000) for _ in range(32)]
    del blocks
step(); step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


def _faults_per_step(mode: str) -> float:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "0"}
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True,
                         text=True, check=True, timeout=120, env=env)
    return float(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc only")
def test_freed_step_memory_stays_mapped():
    plain, tuned = _faults_per_step("plain"), _faults_per_step("tuned")
    # 128 MB is ~32,000 pages: untuned, most of them fault again every step
    assert plain > 10_000
    assert tuned < plain / 20
