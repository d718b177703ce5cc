"""``digitlab predict``: classify image files (and the images in folders), each on its own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import EXIT_ERROR, CliError, exit_codes, load_checkpoint, print_json, say

__all__ = ["DESCRIPTION", "EPILOG", "IMAGE_SUFFIXES", "add_arguments", "image_files", "run"]

DESCRIPTION = (
    "Classify image files (any size, either polarity) with a checkpoint (default: the bundled "
    "model). A folder stands for the image files in it. Each file gets its own answer or its "
    "own error: one bad file does not stop the others.")

EPILOG = f"""Examples:
  digitlab predict seven.png
  digitlab predict drawings/ --json
  digitlab predict *.png --checkpoint lenet5.safetensors
  digitlab predict seven.png --checkpoint digitnet.onnx

Output: one line per file on stdout ("seven.png: 7 (99.1%)"); a file that cannot be read gets \
an error line on stderr instead. With --json, a list with one object per file: the answer, or \
"error" saying why there is none.

{exit_codes({EXIT_ERROR: "also when any file could not be classified (the others still are)"})}
"""

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
"""What counts as an image file in a folder given to ``predict``."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab predict``."""
    p.add_argument("images", nargs="+", metavar="IMAGE",
                   help="image files, or folders whose image files to classify")
    p.add_argument("--checkpoint", metavar="PATH",
                   help="the model to use: a checkpoint, or an .onnx file from digitlab export "
                        "(answers through onnxruntime); default: the bundled model")
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout")


def image_files(paths: list[str]) -> list[str]:
    """The files to classify: each path given, a folder replaced by its image files (sorted).

    A folder with no image file is an error; a path that is missing stays (its error is its
    own result).
    """
    files: list[str] = []
    for given in paths:
        folder = Path(given)
        if not folder.is_dir():
            files.append(given)
            continue
        found = sorted(str(f) for f in folder.iterdir()
                       if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        if not found:
            raise CliError(f"{given}: is a folder with no image files "
                           f"({', '.join(IMAGE_SUFFIXES)})")
        files += found
    return files


def _result(file: str, pred: Any, classes: tuple[str, ...],
            temperature: float = 1.0) -> dict[str, Any]:
    """A prediction as JSON, with the calibrated probabilities the window shows (the
    checkpoint's temperature applied)."""
    import numpy as np

    from ..recognition.prediction import calibrated

    probs = np.asarray(pred.probabilities, np.float32)
    if pred.label is not None:  # a blank picture has no probabilities to scale
        probs = calibrated(probs, temperature)
    return {
        "file": file, "label": pred.label,
        "class": None if pred.label is None else classes[pred.label],
        "verdict": pred.verdict,
        "confidence": 0.0 if pred.label is None else round(float(probs[pred.label]), 6),
        "probabilities": [round(float(p), 6) for p in probs],
        "runner_up": pred.runner_up,
        "runner_up_class": None if pred.runner_up is None else classes[pred.runner_up],
        "digit_score": None if pred.digit_score is None else round(pred.digit_score, 6),
    }


def _verdict_text(r: dict[str, Any]) -> str:
    """One line for a prediction: "7 (99.1%)", "not sure: 4 or 9 (48.0%)", …"""
    if r["verdict"] == "blank":
        return "no digit"
    if r["verdict"] == "not_a_digit":
        return "not a digit"
    if r["verdict"] == "unsure":
        return f"not sure: {r['class']} or {r['runner_up_class']} ({r['confidence']:.1%})"
    return f"{r['class']} ({r['confidence']:.1%})"


def run(args: argparse.Namespace) -> int:
    """Classify every file; exit 1 if any could not be classified."""
    from ..data.preprocess import ImageError, load_image
    from ..recognition.onnx_predict import OnnxPredictor, is_onnx_file
    from ..recognition.predict import PredictionError, Predictor
    from ..recognition.prediction import ScorePredictor

    files = image_files(args.images)
    if args.checkpoint and is_onnx_file(args.checkpoint):
        predictor: ScorePredictor = OnnxPredictor(args.checkpoint)  # answers through onnxruntime
    else:
        predictor = Predictor(load_checkpoint(args.checkpoint))
    checkpoint = predictor.checkpoint
    results = []
    failed = 0
    for file in files:
        try:
            result = _result(file, predictor.predict(load_image(file)), checkpoint.classes,
                                 float(getattr(predictor, "temperature", 1.0)))
        except (ImageError, PredictionError, OSError) as exc:
            if args.debug:
                raise
            failed += 1
            message = str(exc) if file in str(exc) else f"{file}: {exc}"
            say(f"digitlab predict: error: {message}")
            results.append({"file": file, "error": message})
            continue
        results.append(result)
        if not args.json:
            print(f"{file}: {_verdict_text(result)}", flush=True)
    if args.json:
        print_json(results)
    return 1 if failed else 0
