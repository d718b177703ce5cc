"""``digitlab train-detector``: train the detector behind the "not a digit" verdict."""

from __future__ import annotations

import argparse

from .common import OutputFile, check_output_file, exit_codes, print_json, say

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "run"]

DESCRIPTION = (
    "Train the detector behind the 'not a digit' verdict on MNIST digits against synthetic "
    "letters, symbols, shapes and scribbles, and its head on the bundled classifier's "
    "features (written beside it as <out>_head.safetensors). Progress goes to stderr.")

EPILOG = f"""Examples:
  digitlab train-detector --out detector.safetensors
  digitlab train-detector --out detector.safetensors --epochs 3 --seed 1 --json
  digitlab train-detector --recalibrate resources/digit_detector.safetensors \
      --out resources/digit_detector.safetensors     (new thresholds for a new classifier)

{exit_codes()}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab train-detector``."""
    p.add_argument("--out", metavar="PATH", required=True,
                   help="checkpoint file to write (checked before training starts)")
    p.add_argument("--seed", type=int, default=0, help="makes the result repeatable")
    p.add_argument("--epochs", type=int, default=None, metavar="N",
                   help="passes over the training images (default: the recipe's 10)")
    p.add_argument("--recalibrate", metavar="DETECTOR",
                   help="keep this detector's network, fit its head on the bundled "
                        "classifier's features again and set the thresholds again (after a "
                        "new classifier is bundled)")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")


def run(args: argparse.Namespace) -> int:
    """Train, save and say the detector's thresholds; exit 0."""
    from pathlib import Path

    import torch

    from ..checkpoints import bundled_checkpoint_path, save_checkpoint
    from ..recognition.detector import (
        DetectorConfig,
        DigitDetector,
        calibration_pictures,
        fit_detector,
        recalibrate,
        training_pictures,
    )
    from ..recognition.feature_head import head_path
    from ..recognition.head_fit import calibrate_head, fit_head, head_pictures
    from .common import UsageError

    if args.epochs is not None and args.epochs < 1:
        raise UsageError("--epochs must be at least 1")
    out = OutputFile(check_output_file(args.out))
    head_out = OutputFile(check_output_file(str(head_path(out.path))))
    args.outputs += [out, head_out]
    # The detector is small: on a busy machine one thread trains it several times faster than
    # two that wait for each other (the pictures are drawn in one process per core).
    torch.set_num_threads(1)
    cfg = DetectorConfig(seed=args.seed, epochs=args.epochs or DetectorConfig.epochs)
    pictures = training_pictures(cfg, say)
    calibration = calibration_pictures(cfg)
    checkpoint = (recalibrate(Path(args.recalibrate), cfg, say, pictures=calibration)
                  if args.recalibrate else fit_detector(cfg, say, pictures, calibration))
    classifier = bundled_checkpoint_path()
    head = fit_head(classifier, *head_pictures(cfg, pictures, say), cfg, say)
    head = calibrate_head(head, DigitDetector(checkpoint), classifier, cfg, say, calibration)
    path = save_checkpoint(out.path, checkpoint)
    head.save(head_out.path)
    info = checkpoint.meta["detector"]
    say(f"saved {path}: not a digit below {info['not_digit_below']:.3f}, "
        f"not sure below {info['unsure_below']:.3f} (any model of the ten digits)")
    say(f"saved {head_out.path}: with {classifier.name}, not a digit below "
        f"{head.not_digit_below:.3f}, not sure below {head.unsure_below:.3f}")
    if args.json:
        print_json({"out": str(path), **info, "head": {
            "out": str(head_out.path), "classifier_sha256": head.classifier_sha256,
            "not_digit_below": head.not_digit_below, "unsure_below": head.unsure_below,
            **(head.meta or {})}})
    return 0
