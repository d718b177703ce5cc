"""Fuzz ``load_checkpoint`` with seeded mutations of real checkpoints.

Every mutated file must either load and predict finite probabilities for a drawn digit, or be
refused with a one-line :class:`CheckpointError`; nothing else may escape, and the process's
peak memory may grow by at most 500 MB. ``DIGITLAB_FUZZ_N`` (default 1,000) and
``DIGITLAB_FUZZ_SEED`` change the run; the seed is printed so that a failure reproduces.
"""

import os
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from checkpoint_mutations import mutate

from cnn_core.checkpoints import (
    Checkpoint,
    CheckpointError,
    bundled_checkpoint_path,
    load_checkpoint,
    make_metadata,
    save_checkpoint,
)
from cnn_core.models import create_model
from cnn_core.recognition.predict import Predictor
from drawn_digits import render

FUZZ_N = int(os.environ.get("DIGITLAB_FUZZ_N", "1000"))
FUZZ_SEED = int(os.environ.get("DIGITLAB_FUZZ_SEED", "20261127"))
MAX_RSS_GROWTH_MB = 500


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/self/status")


def _reset_peak_rss() -> bool:
    """Start VmHWM afresh (Linux ≥ 4.0), so the peak is this test's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@pytest.fixture
def one_thread():
    # the models are tiny: threads only add contention on a shared CPU
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def originals(tmp_path) -> dict[str, bytes]:
    files = {"digitnet (bundled)": bundled_checkpoint_path().read_bytes()}
    for name in ("lenet5", "resnet_small"):
        model = create_model(name, seed=5).eval()
        meta = make_metadata(model, epochs=1, metrics={"test_accuracy": 0.1})
        path = save_checkpoint(tmp_path / f"{name}.safetensors", Checkpoint(model, meta))
        files[name] = path.read_bytes()
    return files


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_every_mutated_checkpoint_loads_and_predicts_or_is_refused(originals, tmp_path,
                                                                   one_thread):
    print(f"\ncheckpoint fuzz: DIGITLAB_FUZZ_SEED={FUZZ_SEED} DIGITLAB_FUZZ_N={FUZZ_N}")
    rng = random.Random(FUZZ_SEED)
    image = render(3)
    outcomes: Counter[str] = Counter()
    escaped: list[str] = []
    names = sorted(originals)
    path = tmp_path / "mutant.safetensors"
    for name in names:  # the originals are fine, and torch's one-time set-up is not counted
        path.write_bytes(originals[name])
        assert Predictor(load_checkpoint(path)).predict(image).label is not None
    start_kb = _rss_kb("VmRSS")
    peak_reset = _reset_peak_rss()
    sampled_peak_kb = start_kb
    started = time.perf_counter()
    for index in range(FUZZ_N):
        base = rng.choice(names)
        data, what = mutate(rng, originals[base])
        path.write_bytes(data)
        case = f"#{index} {base}: {what}"
        try:
            probabilities = Predictor(load_checkpoint(path)).predict(image).probabilities
        except CheckpointError as exc:
            outcomes["refused"] += 1
            message = str(exc)
            if "\n" in message or not message.startswith(str(path)):
                escaped.append(f"{case} -> a refusal that is not one line about the file: "
                               f"{message[:200]!r}")
        except Exception as exc:  # noqa: BLE001 - anything else is the bug being hunted
            escaped.append(f"{case} -> {type(exc).__name__}: {str(exc)[:160]}")
        else:
            if np.all(np.isfinite(probabilities)) and abs(float(probabilities.sum()) - 1) < 1e-4:
                outcomes["loaded"] += 1
            else:
                escaped.append(f"{case} -> loaded, but the probabilities are {probabilities}")
        sampled_peak_kb = max(sampled_peak_kb, _rss_kb("VmRSS"))
    elapsed = time.perf_counter() - started
    peak_kb = max(sampled_peak_kb, _rss_kb("VmHWM") if peak_reset else 0)
    growth_mb = (peak_kb - start_kb) / 1024
    print(f"checkpoint fuzz: {FUZZ_N} mutations in {elapsed:.1f} s: {outcomes['loaded']} "
          f"loaded and predicted, {outcomes['refused']} refused, {len(escaped)} escaped; "
          f"peak RSS {peak_kb / 1024:.0f} MB (+{growth_mb:.0f} MB)")
    assert not escaped, (f"seed {FUZZ_SEED}: {len(escaped)} of {FUZZ_N} escaped:\n"
                         + "\n".join(escaped[:30]))
    assert growth_mb < MAX_RSS_GROWTH_MB, f"seed {FUZZ_SEED}: peak RSS grew {growth_mb:.0f} MB"
    # both outcomes are exercised, or the mutations are not testing anything
    assert outcomes["loaded"] >= FUZZ_N // 20 and outcomes["refused"] >= FUZZ_N // 2
