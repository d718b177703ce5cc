"""Fit a temperature on the validation split when a run ends (never on the test set)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..data.datasets import Split
from .calibration import expected_calibration_error, fit_temperature
from .loop import predict_logits

__all__ = ["calibrate", "calibration_record", "split_logits"]


def split_logits(model: nn.Module, split: Split, mean: float, std: float,
                 channels_last: bool = False) -> torch.Tensor:
    """The model's logits for a whole split, as float64 on the CPU (what calibration reads)."""
    logits = predict_logits(model, split, mean, std, channels_last=channels_last)
    return logits.detach().to("cpu", torch.float64)


def calibrate(model: nn.Module, val: Split, mean: float, std: float,
              channels_last: bool = False, test: Split | None = None) -> dict[str, Any]:
    """The checkpoint's ``calibration`` record: temperature and ECE before and after.

    ``{"temperature": T, "fitted_on": "validation", "n": N, "ece_before": E0,
    "ece_after": E1}``, the ECEs measured on the validation split; with ``test``, also
    ``"test_n"``, ``"test_ece_before"`` and ``"test_ece_after"``: the same temperature (fitted
    on validation only) judged on the test set. The ECEs are ``None`` (and ``T`` is 1) when the
    logits are not finite.
    """
    val_logits = split_logits(model, val, mean, std, channels_last)
    test_logits = (split_logits(model, test, mean, std, channels_last)
                   if test is not None and len(test.labels) else None)
    return calibration_record(val_logits, val.labels,
                              test_logits, None if test is None else test.labels)


def calibration_record(logits: torch.Tensor, labels: torch.Tensor,
                       test_logits: torch.Tensor | None = None,
                       test_labels: torch.Tensor | None = None) -> dict[str, Any]:
    """:func:`calibrate`'s record from logits already computed (``logits`` on the validation
    split, ``test_logits`` on the test set or ``None``), for a caller that needs the logits
    for something else too and should not run the model twice."""
    logits, labels = logits.detach().to("cpu", torch.float64), labels.cpu()
    record: dict[str, Any] = {"temperature": 1.0, "fitted_on": "validation", "n": len(labels),
                              "ece_before": None, "ece_after": None}
    if len(labels) == 0 or not torch.isfinite(logits).all():
        return record
    temperature = fit_temperature(logits, labels)
    record["temperature"] = temperature
    record["ece_before"] = expected_calibration_error(logits.softmax(1), labels)
    record["ece_after"] = expected_calibration_error((logits / temperature).softmax(1), labels)
    if test_logits is not None and test_labels is not None and len(test_labels):
        test_logits = test_logits.detach().to("cpu", torch.float64)
        if torch.isfinite(test_logits).all():
            record["test_n"] = len(test_labels)
            record["test_ece_before"] = expected_calibration_error(test_logits.softmax(1),
                                                                   test_labels.cpu())
            record["test_ece_after"] = expected_calibration_error(
                (test_logits / temperature).softmax(1), test_labels.cpu())
    return record
