"""The bundled model and digit detector as ONNX files: answers before torch is imported.

``resources/`` ships, beside each bundled checkpoint, an ONNX copy made by DigitLab's own
export (:func:`cnn_core.checkpoints.graph_export.export_graph`: the normalisation inside the
graph, the file loaded back and checked against the checkpoint before it counts). Each copy
records the SHA-256 of the checkpoint file it was made from (``digitlab.source_sha256``), and a
copy whose checkpoint has changed since is never used: the window then waits for torch, as it
does without onnxruntime.

:func:`load_bundled_onnx` (no torch) gives the predictor the window answers the canvas with
while torch loads; its answers are the torch predictor's (probabilities within 1e-4, the same
detector score and verdict). Make the copies again after changing a bundled checkpoint::

    make bundled-onnx        # or: python -m cnn_core.recognition.bundled_onnx [--out DIR]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..runtime.resources import BUNDLED_DETECTOR, BUNDLED_MODEL, file_sha256, resource_path
from .feature_head import head_beside
from .onnx_predict import SOURCE_KEY, OnnxClassifier, OnnxDetector, OnnxPredictor

if TYPE_CHECKING:
    from ..checkpoints.graph_export import ExportCheck

__all__ = ["COPIES", "SOURCE_KEY", "StaleCopy", "export_bundled",
           "load_bundled_onnx", "main", "onnx_copy_path"]

COPIES = {BUNDLED_MODEL: "digitnet.onnx", BUNDLED_DETECTOR: "digit_detector.onnx"}
"""Each bundled checkpoint's file name → its ONNX copy's, both in ``resources/``."""

CHECK_IMAGES = 2000
"""MNIST test images every export is checked on."""


class StaleCopy(Exception):
    """An ONNX copy was made from another version of its checkpoint file."""


def onnx_copy_path(checkpoint_name: str) -> Path:
    """Where the ONNX copy of the bundled checkpoint ``checkpoint_name`` lives."""
    return resource_path(COPIES[checkpoint_name])


def _check_current(graph: OnnxClassifier, checkpoint_name: str) -> None:
    recorded = json.loads(graph.props.get(SOURCE_KEY, "null"))
    if recorded != file_sha256(resource_path(checkpoint_name)):
        raise StaleCopy(f"{graph.path.name} was not made from this {checkpoint_name}; "
                        f"make it again with: make bundled-onnx")


def load_bundled_onnx() -> OnnxPredictor:
    """The bundled model and detector through onnxruntime (imports no torch).

    Raises
    ------
    ImportError
        onnxruntime is not installed.
    StaleCopy
        A copy was made from another version of its checkpoint.
    Exception
        A file is missing or unreadable (:class:`~cnn_core.checkpoints.CheckpointError`).
    """
    detector = OnnxDetector(onnx_copy_path(BUNDLED_DETECTOR),
                            head_beside(resource_path(BUNDLED_DETECTOR)))
    _check_current(detector.graph, BUNDLED_DETECTOR)
    predictor = OnnxPredictor(onnx_copy_path(BUNDLED_MODEL), detector=detector)
    _check_current(predictor.onnx, BUNDLED_MODEL)
    return predictor


def export_bundled(out_dir: str | Path | None = None,
                   say: Callable[[str], None] = print) -> list[ExportCheck]:
    """Export both bundled checkpoints to ONNX (into ``resources/`` by default), each
    checked on :data:`CHECK_IMAGES` MNIST test images; a copy that disagrees with its
    checkpoint by more than the export's tolerance is removed and ``RuntimeError`` raised."""
    from ..checkpoints import load_checkpoint
    from ..checkpoints.graph_export import check_export, export_graph
    from ..data.datasets import load_split

    test = load_split("mnist", train=False)
    images = test.images[:CHECK_IMAGES].numpy().astype("float32") / 255.0
    checks = []
    for name, copy_name in COPIES.items():
        source = resource_path(name)
        out = Path(out_dir) / copy_name if out_dir is not None else onnx_copy_path(name)
        checkpoint = load_checkpoint(source)
        # The classifier's copy also gives its features, for the detector's feature head.
        export_graph(checkpoint, out, "onnx", say=say,
                     extra_metadata={SOURCE_KEY: json.dumps(file_sha256(source))},
                     features=name == BUNDLED_MODEL)
        check = check_export(checkpoint, out, "onnx", images)
        if not check.ok:
            out.unlink(missing_ok=True)
            raise RuntimeError(f"{out.name} differs from {name} by {check.max_difference:.2e} "
                               f"on MNIST test images; not kept")
        say(f"{out}: {out.stat().st_size / 1024:.0f} KiB, largest probability difference "
            f"from {name} on {check.images} MNIST test images {check.max_difference:.1e}")
        checks.append(check)
    return checks


def main(argv: list[str] | None = None) -> int:
    """``python -m cnn_core.recognition.bundled_onnx``: make the bundled ONNX copies again."""
    parser = argparse.ArgumentParser(description="Export the bundled model and digit detector "
                                                 "to ONNX (the window's answers before torch).")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write into (default: the bundled resources)")
    args = parser.parse_args(argv)
    export_bundled(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
