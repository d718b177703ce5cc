"""Safe checkpoints: safetensors weights with the model spec and history as JSON metadata.

A checkpoint is one ``.safetensors`` file. Its header's ``__metadata__`` holds a single key,
``digitlab``, whose value is a JSON object with everything needed to rebuild the model with no
code from the run: the spec, the dataset and its normalisation, epochs, metrics history,
versions and date. Loading never unpickles anything executable: legacy ``.pt``/``.pth`` files
are read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import platform
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .. import __version__
from ..models.network import DigitNet
from ..models.spec_validation import INPUT_SHAPE, MAX_PARAMETERS
from ..models.specs import build_model
from ..runtime.atomic_files import temp_files_of, write_bytes_atomic
from ..runtime.messages import Core, plain
from ..runtime.resources import BUNDLED_MODEL, resource_path
from .validation import FORMAT, CheckpointError, check_metadata, checked_weights

__all__ = ["BUNDLED_MODEL", "Checkpoint", "CheckpointError", "bundled_checkpoint_path",
           "load_bundled", "load_checkpoint", "make_metadata", "save_checkpoint", "save_weights"]

_FORMAT = FORMAT
_MAX_HEADER = 16 * 1024 * 1024
# the largest model allowed stored as float64, plus its metadata: nothing valid is larger
MAX_FILE_BYTES = 8 * MAX_PARAMETERS + 2 * _MAX_HEADER


@dataclass
class Checkpoint:
    """A model with the metadata that describes it.

    The model is on the CPU in eval mode unless the caller moves it.
    """

    model: DigitNet
    meta: dict[str, Any]
    source_sha256: str | None = None  # SHA-256 of the file it was loaded from, if any

    @property
    def name(self) -> str:
        """The model's name (its spec's ``name``)."""
        return self.model.name

    @property
    def mean(self) -> float:
        """Pixel mean used to normalise inputs."""
        return float(self.meta.get("normalization", {}).get("mean", 0.1307))

    @property
    def std(self) -> float:
        """Pixel standard deviation used to normalise inputs."""
        return float(self.meta.get("normalization", {}).get("std", 0.3081))

    def normalization_for(self, dataset: str) -> tuple[float, float]:
        """``(mean, std)`` for images of ``dataset``: the model's own for its dataset; a
        foreign dataset's own, unless the model learnt from pixels left in [0, 1] (it
        recorded mean 0, std 1), which then stay so."""
        from ..data.datasets import DATASETS

        own = self.meta.get("dataset", "mnist")
        raw = (self.mean, self.std) == (0.0, 1.0)
        if own == dataset or raw or dataset not in DATASETS:
            return self.mean, self.std
        return DATASETS[dataset].mean, DATASETS[dataset].std

    @property
    def test_accuracy(self) -> float | None:
        """Test accuracy recorded when the checkpoint was made, if any."""
        value = self.meta.get("metrics", {}).get("test_accuracy")
        return None if value is None else float(value)

    @property
    def classes(self) -> tuple[str, ...]:
        """The class names of the model's outputs (index = label), from ``meta["classes"]``.

        Falls back to the names of the checkpoint's dataset, then to ``"0"``, ``"1"``, …
        when the metadata has none or the wrong number of them.
        """
        from ..data.datasets import DATASETS

        count = int(self.model.spec.get("num_classes", 10))
        names = self.meta.get("classes")
        if isinstance(names, list | tuple) and len(names) == count:
            return tuple(str(name) for name in names)
        info = DATASETS.get(str(self.meta.get("dataset", "")))
        if info is not None and len(info.classes) == count:
            return tuple(info.classes)
        return tuple(str(i) for i in range(count))

    @property
    def has_digit_classes(self) -> bool:
        """Whether the model answers with the ten digits (so "not a digit" makes sense)."""
        return self.classes == tuple(str(d) for d in range(10))

    @property
    def temperature(self) -> float:
        """Temperature that calibrates the logits (``meta["calibration"]["temperature"]``).

        Fitted on a validation split when the model was trained; 1.0 (no scaling) otherwise.
        """
        calibration = self.meta.get("calibration")
        value = calibration.get("temperature") if isinstance(calibration, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e3:
            return float(value)
        return 1.0

    @property
    def quality(self) -> dict[str, Any]:
        """What the metadata says of the model's answers, ``None`` where it says nothing.

        ``test_accuracy``; ``temperature`` (1.0 when none was fitted) and where it was fitted
        (``fitted_on``, ``validation_n`` images); ``ece_before`` / ``ece_after``: the test set's
        expected calibration error without and with that temperature.
        """
        calibration = self.meta.get("calibration")
        calibration = calibration if isinstance(calibration, dict) else {}

        def number(key: str) -> float | None:
            value = calibration.get(key)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return float(value) if ok else None

        validation_n = number("n")
        return {"test_accuracy": self.test_accuracy, "temperature": self.temperature,
                "fitted_on": calibration.get("fitted_on"),
                "validation_n": None if validation_n is None else int(validation_n),
                "ece_before": number("test_ece_before"), "ece_after": number("test_ece_after")}

    def copy(self) -> Checkpoint:
        """A deep copy (model and metadata) that shares nothing with this one."""
        return Checkpoint(copy.deepcopy(self.model), copy.deepcopy(self.meta), self.source_sha256)


def make_metadata(model: DigitNet, *, dataset: str = "mnist", mean: float = 0.1307,
                  std: float = 0.3081, classes: list[str] | None = None, epochs: int = 0,
                  metrics: dict[str, Any] | None = None,
                  history: list[dict[str, Any]] | None = None,
                  config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Assemble a checkpoint's metadata dict (all JSON-serialisable)."""
    return {
        "format": _FORMAT,
        "format_version": 1,
        "spec": plain(model.spec),  # data: no Message objects (see runtime.messages.plain)
        "dataset": dataset,
        "classes": list(classes or [str(d) for d in range(10)]),
        "normalization": {"mean": mean, "std": std},
        "epochs": epochs,
        "metrics": dict(metrics or {}),
        "history": list(history or []),
        "config": dict(config or {}),
        "versions": {"digitlab": __version__, "torch": str(torch.__version__),
                     "python": platform.python_version()},
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


STALE_TEMP_SECONDS = 3600.0
"""A save's temporary file older than this is a leftover of a killed process (removed)."""


def _remove_stale_temps(path: Path, older_than: float = STALE_TEMP_SECONDS) -> None:
    """Delete ``.NAME.*.tmp`` files next to ``path`` that a killed save left behind.

    Only files older than ``older_than`` seconds: a younger one may be another process's
    save in progress.
    """
    now = time.time()
    for leftover in temp_files_of(path):
        try:
            if now - leftover.stat().st_mtime > older_than:
                leftover.unlink()
        except OSError:  # gone meanwhile, or not ours to delete
            pass


def save_checkpoint(path: str | Path, checkpoint: Checkpoint) -> Path:
    """Write a checkpoint atomically: a temporary file in the same folder, then a rename.

    A crash in the middle, even ``kill -9``, leaves any older file at ``path`` intact; the
    temporary file it leaves (``.NAME.*.tmp``) is removed by a later save once it is
    :data:`STALE_TEMP_SECONDS` old.
    """
    tensors = {k: v.detach().cpu().contiguous() for k, v in checkpoint.model.state_dict().items()}
    meta = dict(checkpoint.meta)
    meta["spec"] = plain(checkpoint.model.spec)
    return save_weights(path, tensors, meta)


def save_weights(path: str | Path, tensors: dict[str, torch.Tensor], meta: dict[str, Any]
                 ) -> Path:
    """Write CPU ``tensors`` (a state dict) with checkpoint ``meta`` (holding its ``spec``)
    as a checkpoint file, atomically, without building the model.

    The file reads back with :func:`load_checkpoint`, like one from :func:`save_checkpoint`.
    """
    from safetensors.torch import save

    path = Path(path)
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    payload = save(tensors, metadata={"digitlab": json.dumps(meta)})
    _remove_stale_temps(path)
    return write_bytes_atomic(path, payload)


def _read_safetensors(path: Path, data: bytes) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    from safetensors.torch import load

    if len(data) < 8:
        raise CheckpointError(Core.tr("{path}: truncated file ({size} bytes)", path=str(path),
                                      size=len(data)))
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > min(_MAX_HEADER, len(data) - 8):
        raise CheckpointError(Core.tr("{path}: not a safetensors file, or truncated",
                                      path=str(path)))
    try:
        header = json.loads(data[8 : 8 + header_len])
        text = header.get("__metadata__", {}).get("digitlab", "null")
    except (ValueError, AttributeError, RecursionError):
        raise CheckpointError(Core.tr("{path}: corrupt safetensors header",
                                      path=str(path))) from None
    try:
        meta = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        raise CheckpointError(Core.tr("{path}: its DigitLab metadata is not valid JSON",
                                      path=str(path))) from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise CheckpointError(Core.tr("{path}: a safetensors file, but not a DigitLab checkpoint",
                                      path=str(path)))
    try:
        tensors = load(data)
    except Exception as exc:  # safetensors raises its own error types
        raise CheckpointError(Core.tr("{path}: truncated or corrupt weights ({why})",
                                      path=str(path), why=str(exc))) from None
    return tensors, meta


def _read_pickle(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        why = next((ln for ln in lines if "Unsupported global" in ln or "error:" in ln),
                   lines[0] if lines else type(exc).__name__)
        fields = {"path": str(path), "why": why[:160]}
        raise CheckpointError(
            Core.tr("{path}: refused: not a plain-weights PyTorch file, it would run code to load "
                    "({why})", **fields) if "global" in why.lower() else
            Core.tr("{path}: refused: not a plain-weights PyTorch file ({why})", **fields)
        ) from None
    if not (isinstance(obj, dict) and isinstance(obj.get("meta"), dict)
            and isinstance(obj.get("state_dict"), dict)):
        raise CheckpointError(Core.tr(
            "{path}: holds no DigitLab model spec; expected {{'meta': ..., 'state_dict': ...}}",
            path=str(path)))
    return obj["state_dict"], obj["meta"]


def _is_pickle(data: bytes) -> bool:
    """A PyTorch file (zip or bare pickle) rather than safetensors (whose JSON header starts
    at byte 8: its first byte is the header length's, and may well be 0x80 too).

    Decided by the contents, never the name: a safetensors file called ``x.pt`` loads.
    """
    if data[:2] == b"PK":
        return True
    return data[:1] == b"\x80" and data[8:9] != b"{"


def _probe(model: DigitNet, meta: dict[str, Any]) -> None:
    """Run the model once on a blank and a noisy image; refuse weights that give NaN or ∞."""
    norm = meta["normalization"]
    generator = torch.Generator().manual_seed(0)
    images = torch.stack([torch.zeros(INPUT_SHAPE), torch.rand(INPUT_SHAPE, generator=generator)])
    with torch.no_grad():
        logits = model((images - norm["mean"]) / norm["std"])
    if not bool(torch.isfinite(logits).all()):
        raise CheckpointError(Core.tr("its weights give NaN or infinite outputs on a test image"))


def _build(meta: dict[str, Any], tensors: dict[Any, Any]) -> DigitNet:
    """The model of a checked spec, holding the checked weights; nothing allocated twice."""
    with torch.device("meta"):  # shapes only: a wrong file costs no memory
        model = build_model(meta["spec"])
    weights = checked_weights(tensors, model.state_dict())
    # The checked tensors become the parameters (``to_empty`` on the meta device imports
    # sympy through PyTorch's shape checks: 1.5-2 s of the GUI's first prediction).
    model.load_state_dict(weights, assign=True)
    model.eval()
    _probe(model, meta)
    return model


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Load a checkpoint onto the CPU, in eval mode, after checking all of it.

    Before anything is built, the whole metadata is checked (every spec field, the size
    bound of at most 50 million parameters, 25 million activation values and 10⁹
    multiply-adds per 28×28 image, the normalisation, the class names, epochs and metrics;
    see :mod:`cnn_core.checkpoints.validation`); then every tensor's shape, dtype and values
    (finite), and finally one forward pass must give finite outputs. Files over
    :data:`MAX_FILE_BYTES` are not read.

    Raises
    ------
    CheckpointError
        With one clear line for a missing, truncated, corrupt, foreign, invalid or mismatched
        file, naming the field or tensor at fault. No other exception escapes.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and path.is_file():
            raise CheckpointError(Core.tr(
                "{path}: {size:,.0f} MB is larger than any DigitLab model can be ({limit:,.0f} "
                "MB)", path=str(path), size=size / 2**20, limit=MAX_FILE_BYTES / 2**20))
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(Core.tr("{path}: file not found", path=str(path))) from None
    except IsADirectoryError:
        raise CheckpointError(Core.tr("{path}: is a folder, not a checkpoint file",
                                      path=str(path))) from None
    except OSError as exc:
        raise CheckpointError(Core.tr("{path}: cannot read ({why})", path=str(path),
                                      why=exc.strerror or str(exc))) from None
    if _is_pickle(data):
        tensors, meta = _read_pickle(path)
    else:
        tensors, meta = _read_safetensors(path, data)
    try:
        check_metadata(meta)
        model = _build(meta, tensors)
    except CheckpointError as exc:
        reason = exc.args[0] if len(exc.args) == 1 else str(exc)
        raise CheckpointError(Core.tr("{path}: {error}", path=str(path), error=reason)) from None
    return Checkpoint(model, meta, hashlib.sha256(data).hexdigest())


def bundled_checkpoint_path() -> Path:
    """Path of the model that ships with DigitLab."""
    return resource_path(BUNDLED_MODEL)


def load_bundled() -> Checkpoint:
    """Load the bundled default model."""
    return load_checkpoint(bundled_checkpoint_path())
