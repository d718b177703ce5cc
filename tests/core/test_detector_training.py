"""The digit detector trains through the same loop as training and fine-tuning."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch

from cnn_core.models.specs import build_model
from cnn_core.recognition import detector
from cnn_core.recognition.detector import DetectorConfig, detector_spec, fit_detector


def _same(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.equal(p, q) for p, q in
               zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def test_the_detector_steps_through_train_one_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    images = rng.random((70, 28, 28), dtype=np.float32)  # 70 pictures: batches of 32, 32, 6
    labels = rng.integers(0, 2, 70)
    monkeypatch.setattr(detector, "_dataset", lambda cfg, say: (images, labels))
    monkeypatch.setattr(detector, "calibrate",
                        lambda model, cfg, say, pictures=None: model)  # no thresholds
    calls: list[dict[str, Any]] = []
    steps: list[int] = []
    real = detector.train_one_epoch

    def counting(*args: Any, **kwargs: Any) -> Iterator[tuple[torch.Tensor, torch.Tensor, int]]:
        calls.append(kwargs)
        for loss, correct, n in real(*args, **kwargs):
            steps.append(n)
            yield loss, correct, n

    monkeypatch.setattr(detector, "train_one_epoch", counting)
    cfg = DetectorConfig(epochs=2, batch_size=32, seed=0)
    trained = fit_detector(cfg, say=lambda _: None)
    assert len(calls) == 2 and all(c["label_smoothing"] == 0.02 for c in calls)
    assert steps == [32, 32, 6] * 2  # every picture once per epoch, the last batch short
    torch.manual_seed(cfg.seed)
    untrained = build_model(detector_spec())  # the weights fit_detector starts from
    assert not _same(trained, untrained)  # the steps changed the weights
    assert _same(trained, fit_detector(cfg, say=lambda _: None))  # and repeat exactly
