"""Export a checkpoint's model as a graph other runtimes load: ONNX and ``torch.export``.

Both formats take what the canvas gives the model — a batch of 28×28 pictures, ``float32`` in
[0, 1] with ink = 1 (``[N, 1, 28, 28]``, any ``N``) — and return ``logits`` and
``probabilities`` (the softmax of the logits, as DigitLab shows them). The normalisation
(``(x − mean) / std``) is inside the graph, so a consumer needs nothing but the file.

* ``onnx``: ``torch.onnx.export`` with the dynamo exporter, a dynamic batch dimension, and the
  checkpoint's class names and metadata in the model's ``metadata_props``
  (:data:`METADATA_KEYS`). Needs the ``export`` extra (``onnx``, ``onnxscript``,
  ``onnxruntime``).
* ``pt2``: ``torch.export.export`` saved with ``torch.export.save``; load it with
  ``torch.export.load(path).module()``. Needs only torch.

Every export is checked before it is reported done: the written file is loaded back (with
onnxruntime or ``torch.export.load``), run on MNIST test images, and its probabilities are
compared with DigitLab's own; :class:`ExportCheck` carries the largest difference.
"""

from __future__ import annotations

import enum
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..runtime.atomic_files import new_file_mode
from ..runtime.messages import Core, Message
from . import Checkpoint

__all__ = [
    "GRAPH_FORMATS", "METADATA_KEYS", "ExportCheck", "ExportExtraMissing", "ExportStage",
    "ExportStep", "ProbabilityModel", "check_export", "export_graph", "export_steps",
    "reference_probabilities", "require_export_extra",
]

GRAPH_FORMATS = ("onnx", "pt2")
"""The graph formats :func:`export_graph` writes."""

METADATA_KEYS = ("digitlab.classes", "digitlab.normalization", "digitlab.temperature",
                 "digitlab.name", "digitlab.spec", "digitlab.metadata")
"""The keys :func:`export_graph` puts in an ONNX file's ``metadata_props`` (JSON values)."""

TOLERANCE = 1e-4
"""The largest difference in any probability an export may have from DigitLab's own."""

_MAX_BATCH = 65536


class ExportExtraMissing(RuntimeError):
    """A package an export format needs is not installed; the message says which extra."""


@dataclass(frozen=True)
class ExportCheck:
    """What checking an exported file against DigitLab found."""

    path: Path
    format: str
    images: int
    max_difference: float  # the largest |p_export − p_digitlab| over every image and class

    @property
    def ok(self) -> bool:
        """Whether the export agrees with DigitLab within :data:`TOLERANCE`."""
        return self.max_difference <= TOLERANCE


class ExportStage(enum.Enum):
    """The slow stages of :func:`export_steps`, in order."""

    WRITING = "writing"  # tracing the model and writing the file
    CHECKING = "checking"  # the written file run on MNIST test pictures against DigitLab


@dataclass(frozen=True)
class ExportStep:
    """A stage of :func:`export_steps` about to start: its kind and a line for people."""

    stage: ExportStage
    text: Message


class ProbabilityModel(nn.Module):
    """A checkpoint's model with its normalisation in front and a softmax behind.

    ``forward(image)`` takes ``[N, 1, 28, 28]`` pictures in [0, 1] (ink = 1) and returns
    ``(logits, probabilities)``, and with ``features`` also the features the model's last
    linear layer reads (``[N, D]``, for the digit detector's feature head).
    """

    def __init__(self, checkpoint: Checkpoint, features: bool = False) -> None:
        super().__init__()
        self.model = checkpoint.model.eval()
        self.with_features = features
        self.register_buffer("mean", torch.tensor(float(checkpoint.mean)))
        self.register_buffer("std", torch.tensor(float(checkpoint.std)))

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, ...]:
        x = (image - self.mean) / self.std
        if self.with_features:
            logits, features = self.model.logits_and_features(x)
            return logits, torch.softmax(logits, dim=1), features
        logits = self.model(x)
        return logits, torch.softmax(logits, dim=1)


def require_export_extra(fmt: str) -> None:
    """Raise :class:`ExportExtraMissing` when ``fmt`` needs packages that are not installed."""
    if fmt != "onnx":
        return
    missing = [name for name in ("onnx", "onnxscript", "onnxruntime") if not _importable(name)]
    if missing:
        raise ExportExtraMissing(
            f"ONNX export needs {', '.join(missing)}: install the export extra with "
            f"pip install 'digitlab[export]'")


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def export_graph(checkpoint: Checkpoint, out: str | Path, fmt: str, *,
                 say: Callable[[str], None] | None = None,
                 extra_metadata: dict[str, str] | None = None, features: bool = False) -> Path:
    """Write ``checkpoint``'s model to ``out`` as ``fmt`` (``"onnx"`` or ``"pt2"``).

    The file is written beside ``out`` and renamed over it once complete, so a failure
    leaves no half-written file and an older file at ``out`` intact. ``say`` receives a
    line for each slow stage. ``extra_metadata`` (ONNX only) joins :data:`METADATA_KEYS` in
    the file's ``metadata_props``. ``features`` adds a third output, ``features``: what the
    model's last linear layer reads.

    Raises
    ------
    ExportExtraMissing
        For ``onnx`` without the ``export`` extra.
    ValueError
        For an unknown format.
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; expected one of {GRAPH_FORMATS}")
    require_export_extra(fmt)
    say = say or (lambda _line: None)
    out = Path(out)
    wrapped = ProbabilityModel(checkpoint, features).cpu().eval()
    outputs = ["logits", "probabilities"] + (["features"] if features else [])
    example = (torch.zeros(2, 1, 28, 28),)
    batch = torch.export.Dim("batch", min=1, max=_MAX_BATCH)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".{fmt}", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "onnx":
            say("tracing the model for ONNX (torch.onnx.export, dynamo)…")
            program = _quietly(lambda: torch.onnx.export(
                wrapped, example, dynamo=True, dynamic_shapes=({0: batch},),
                input_names=["image"], output_names=outputs,
                verbose=False))
            program.model.metadata_props.update(_metadata_props(checkpoint))
            program.model.metadata_props.update(extra_metadata or {})
            say("writing the ONNX file…")
            program.save(str(tmp))
        else:
            say("tracing the model (torch.export)…")
            with torch.no_grad():
                program = torch.export.export(wrapped, example, dynamic_shapes=({0: batch},))
            torch.export.save(program, str(tmp))
        os.chmod(tmp, new_file_mode(out))  # as every DigitLab save: the umask's, or the old file's
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _quietly(call: Callable[[], object]):  # noqa: ANN202
    """Run ``call`` with the exporter's progress lines (printed to stdout) kept back."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return call()


def _metadata_props(checkpoint: Checkpoint) -> dict[str, str]:
    meta = checkpoint.meta
    return {
        "digitlab.classes": json.dumps(list(checkpoint.classes)),
        "digitlab.normalization": json.dumps({"mean": checkpoint.mean, "std": checkpoint.std}),
        "digitlab.temperature": json.dumps(float(checkpoint.temperature)),
        "digitlab.name": json.dumps(checkpoint.name),
        "digitlab.spec": json.dumps(checkpoint.model.spec),
        "digitlab.metadata": json.dumps(meta, default=str),
    }


def reference_probabilities(checkpoint: Checkpoint, images: np.ndarray) -> np.ndarray:
    """DigitLab's own probabilities for ``images`` (``[N, 28, 28]`` float in [0, 1])."""
    x = torch.from_numpy(np.ascontiguousarray(images, np.float32))[:, None]
    with torch.no_grad():
        _, probs = ProbabilityModel(checkpoint).eval()(x)
    return probs.numpy()


def run_exported(path: str | Path, fmt: str, images: np.ndarray) -> np.ndarray:
    """Probabilities from an exported file for ``images`` (``[N, 28, 28]`` float in [0, 1])."""
    x = np.ascontiguousarray(images, np.float32)[:, None]
    if fmt == "onnx":
        require_export_extra("onnx")
        import onnxruntime as ort

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        return session.run(["probabilities"], {"image": x})[0]
    program = torch.export.load(str(path))
    with torch.no_grad():
        _, probs = program.module()(torch.from_numpy(x))
    return probs.numpy()


def check_export(checkpoint: Checkpoint, path: str | Path, fmt: str,
                 images: np.ndarray) -> ExportCheck:
    """Load the exported file back, run ``images`` through it and compare with DigitLab."""
    got = run_exported(path, fmt, images)
    want = reference_probabilities(checkpoint, images)
    return ExportCheck(Path(path), fmt, len(images), float(np.abs(got - want).max()))


CHECK_IMAGES = 200  # MNIST test pictures every export is checked on


def export_steps(checkpoint: Checkpoint, out: str | Path, fmt: str,
                 ) -> Iterator[ExportStep | ExportCheck]:
    """Export ``checkpoint`` as ``fmt`` to ``out`` and check the file, as a generator: an
    :class:`ExportStep` before each slow stage, then the :class:`ExportCheck` (the command
    line and the window's File ▸ Export model… both run this).

    Raises what :func:`export_graph` raises.
    """
    from ..data.datasets import load_split

    require_export_extra(fmt)
    yield ExportStep(ExportStage.WRITING, Core.tr("tracing and writing the {fmt} file…",
                                                  fmt=fmt))
    written = export_graph(checkpoint, out, fmt)
    yield ExportStep(ExportStage.CHECKING, Core.tr(
        "checking it against DigitLab on {n} MNIST test pictures…", n=CHECK_IMAGES))
    images = load_split("mnist", train=False).images[:CHECK_IMAGES].numpy() / 255.0
    yield check_export(checkpoint, written, fmt, images)
