"""Check a checkpoint's metadata and weights before the model is built.

:func:`check_metadata` looks at every field the app uses (the spec through
:func:`cnn_core.models.spec_validation.check_spec`, the normalisation, the class names, epochs,
metrics, history and calibration) and :func:`checked_weights` at every tensor (kind, dtype,
shape, finite values). Both raise :class:`CheckpointError` naming the field or tensor.

Limits beyond the spec's own (50 M parameters, 25 M activation values, 10⁹ multiply-adds):
the normalisation mean lies in [-10, 10] and its std in [0.001, 1000] (pixels are 0..1);
there are 2 to 1,000 class names of 1 to 64 characters, as many as the model has outputs.
Keys not listed here are kept and ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

from ..models.spec_fields import MAX_CLASSES, SpecError
from ..models.spec_validation import SpecPlan, check_spec
from ..runtime.messages import Core, joined

__all__ = ["FORMAT", "FORMAT_VERSION", "CheckpointError", "check_metadata", "checked_weights"]

FORMAT = "digitlab-checkpoint"
FORMAT_VERSION = 1
_MAX_CLASS_NAME = 64
_MAX_HISTORY = 100_000


class CheckpointError(Exception):
    """A checkpoint cannot be read, is not DigitLab's, or does not match its own spec."""


def _first_three(names: list[str]) -> str:
    return ", ".join(names[:3]) + ("…" if len(names) > 3 else "")


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return "an unprintable value"
    return text if len(text) <= 40 else text[:37] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite_in(value: Any, lo: float, hi: float) -> bool:
    if not _is_number(value):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return lo <= value <= hi


def _object(meta: Mapping[str, Any], key: str, required: bool = False) -> dict[str, Any]:
    value = meta.get(key)
    if value is None and not required and key not in meta:
        return {}
    if not isinstance(value, dict):
        raise CheckpointError(f"{key}: must be an object, got {_show(value)}")
    return value


def _check_normalization(meta: Mapping[str, Any]) -> None:
    norm = _object(meta, "normalization", required=True)
    mean, std = norm.get("mean"), norm.get("std")
    if not _finite_in(mean, -10, 10):
        raise CheckpointError(f"normalization.mean: must be a number in [-10, 10], got "
                              f"{_show(mean)}")
    if not _finite_in(std, 1e-3, 1e3):
        raise CheckpointError(f"normalization.std: must be a number in [0.001, 1000], got "
                              f"{_show(std)}")


def _check_classes(meta: Mapping[str, Any], outputs: int) -> None:
    classes = meta.get("classes")
    if not isinstance(classes, list) or not 2 <= len(classes) <= MAX_CLASSES:
        raise CheckpointError(f"classes: must be a list of 2 to {MAX_CLASSES:,} names, got "
                              f"{_show(classes)}")
    for index, name in enumerate(classes):
        if not isinstance(name, str) or not name.strip() or len(name) > _MAX_CLASS_NAME:
            raise CheckpointError(f"classes[{index}]: a class name is a non-empty string of at "
                                  f"most {_MAX_CLASS_NAME} characters, got {_show(name)}")
    if len(set(classes)) != len(classes):
        raise CheckpointError("classes: two classes have the same name")
    if len(classes) != outputs:
        raise CheckpointError(f"classes: {len(classes)} names, but the model has {outputs} "
                              f"outputs (spec.num_classes)")


def _check_record(meta: Mapping[str, Any]) -> None:
    """The fields the app displays: epochs, metrics, history, calibration, dataset."""
    epochs = meta.get("epochs", 0)
    if not (isinstance(epochs, int) and not isinstance(epochs, bool) and 0 <= epochs <= 10**7):
        raise CheckpointError(f"epochs: must be a whole number from 0 to 10,000,000, got "
                              f"{_show(epochs)}")
    dataset = meta.get("dataset", "")
    if not isinstance(dataset, str) or len(dataset) > 64:
        raise CheckpointError(f"dataset: must be a short name, got {_show(dataset)}")
    metrics = _object(meta, "metrics")
    for key in ("test_accuracy", "train_accuracy"):  # shown as percentages
        value = metrics.get(key)
        if value is not None and not _finite_in(value, 0, 1):
            raise CheckpointError(f"metrics.{key}: must be a number in [0, 1] or null, got "
                                  f"{_show(value)}")
    for key in ("test_loss", "train_loss"):  # NaN is what a diverged run really had
        value = metrics.get(key)
        if value is not None and not _is_number(value):
            raise CheckpointError(f"metrics.{key}: must be a number or null, got "
                                  f"{_show(value)}")
    history = meta.get("history", [])
    if not isinstance(history, list) or len(history) > _MAX_HISTORY:
        raise CheckpointError(f"history: must be a list of epochs, got {_show(history)}")
    for index, entry in enumerate(history):
        if not isinstance(entry, dict) or not all(
                value is None or isinstance(value, int | float | str) for value in entry.values()):
            raise CheckpointError(f"history[{index}]: an epoch is an object of numbers, got "
                                  f"{_show(entry)}")
    calibration = _object(meta, "calibration")
    temperature = calibration.get("temperature", 1.0)
    if not _finite_in(temperature, 1e-3, 1e3):
        raise CheckpointError(f"calibration.temperature: must be a number in [0.001, 1000], "
                              f"got {_show(temperature)}")
    for key in ("config", "versions"):
        _object(meta, key)


def check_metadata(meta: Any) -> SpecPlan:
    """Check a checkpoint's metadata; return the checked plan of its model.

    Raises
    ------
    CheckpointError
        Naming the first wrong field, e.g. ``spec.classifier[1].p: dropout must be in [0, 1),
        got 5``.
    """
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(Core.tr("not a DigitLab checkpoint (its metadata lacks "
                                      "\"format\": \"{format}\")", format=FORMAT))
    version = meta.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(f"format_version: must be a positive whole number, got "
                              f"{_show(version)}")
    if version > FORMAT_VERSION:
        raise CheckpointError(Core.tr("made by a newer DigitLab (format version {version}); "
                                      "this one reads version {reads}", version=version,
                                      reads=FORMAT_VERSION))
    if "spec" not in meta:
        raise CheckpointError(Core.tr("spec: missing; a checkpoint carries the spec of its "
                                      "model"))
    try:
        plan = check_spec(meta["spec"], root="spec.")
    except SpecError as exc:
        raise CheckpointError(*exc.args) from None  # a Message stays translatable
    _check_normalization(meta)
    _check_classes(meta, plan.layers[-1].out_shape[0])
    _check_record(meta)
    return plan


def checked_weights(tensors: Mapping[Any, Any],
                    expected: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The tensors as the model needs them (float32 or int64), after checking each one.

    ``expected`` is the model's own ``state_dict`` (shapes and dtypes; it may live on the meta
    device). Floating tensors of any precision are converted to float32; integers are
    accepted only where the model keeps integers (BatchNorm's batch counter).

    Raises
    ------
    CheckpointError
        For a missing or unexpected tensor, a wrong shape or kind, or a NaN or infinite value.
    """
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(str(k) for k in set(tensors) - set(expected))
    if missing or extra:
        parts = []
        if missing:
            parts.append(Core.tr("missing {names}", names=_first_three(missing)))
        if extra:
            parts.append(Core.tr("unexpected {names}", names=_first_three(extra)))
        raise CheckpointError(Core.tr("weights do not match the model spec ({parts})",
                                      parts=joined("; ", parts)))
    out: dict[str, torch.Tensor] = {}
    for key, want in expected.items():
        out[key] = _checked_tensor(key, tensors[key], want)
    return out


def _checked_tensor(key: str, value: Any, want: torch.Tensor) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or value.layout != torch.strided:
        raise CheckpointError(f"weights: {key} is not a plain tensor ({type(value).__name__})")
    if tuple(value.shape) != tuple(want.shape):
        raise CheckpointError(Core.tr("weights do not match the model spec: {key} has shape "
                                      "{shape}, the spec needs {needs}", key=key,
                                      shape=tuple(value.shape), needs=tuple(want.shape)))
    if want.is_floating_point():
        if not value.is_floating_point():
            raise CheckpointError(f"weights: {key} holds {value.dtype} values; weights must be "
                                  f"floating point (float32, float16, bfloat16 or float64)")
        value = value.to(torch.float32)
        if not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"weights: {key} holds NaN or infinite values")
        if key.endswith("running_var") and bool((value < 0).any()):
            raise CheckpointError(f"weights: {key} holds negative variances")
        return value.contiguous()
    if value.is_floating_point() or value.is_complex() or value.dtype == torch.bool:
        raise CheckpointError(f"weights: {key} must hold whole numbers, got {value.dtype}")
    return value.to(want.dtype).contiguous()
