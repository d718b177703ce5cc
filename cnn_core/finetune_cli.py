"""``digitlab fine-tune``: teach a model your handwriting from the command line.

Kept out of :mod:`cnn_core.cli` so that the command's options live beside what it does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_fine_tune_parser", "cmd_fine_tune"]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def cmd_fine_tune(args: argparse.Namespace) -> int:
    """Fine-tune ``--checkpoint`` (default: the bundled model) on the own digits."""
    from .checkpoints import bundled_checkpoint_path, load_checkpoint, save_checkpoint
    from .data.own_digits import load_own_data
    from .training import TrainControl
    from .training.finetune import (
        FineTuneConfig,
        FineTuneFinished,
        FineTuneProgress,
        FineTuneStarted,
        fine_tune,
    )

    checkpoint = load_checkpoint(Path(args.checkpoint) if args.checkpoint
                                 else bundled_checkpoint_path())
    data = load_own_data(args.data_dir)
    for line in data.skipped:
        print(f"skipped {line}", file=sys.stderr)
    config = FineTuneConfig(steps=args.steps, seed=args.seed,
                            mnist_test_samples=None if args.mnist_test == 0 else args.mnist_test)
    try:
        config.validate()
    except ValueError as exc:
        from .cli_errors import CliError

        raise CliError(str(exc)) from None
    finished: Any = None
    for event in fine_tune(checkpoint, data, config, TrainControl()):
        if isinstance(event, FineTuneStarted):
            print(f"fine-tuning {checkpoint.name} on {event.own_train} of your samples "
                  f"({event.own_held_out} held out) mixed with {event.mnist_train:,} MNIST "
                  f"images, {event.steps} steps", file=sys.stderr)
        elif isinstance(event, FineTuneProgress) and event.step == event.total_steps:
            print(f"step {event.step}/{event.total_steps}  loss {event.loss:.4f}",
                  file=sys.stderr)
        elif isinstance(event, FineTuneFinished):
            finished = event
    out = save_checkpoint(args.out, finished.checkpoint)
    before, after = finished.before, finished.after
    summary = {
        "checkpoint": str(out), "title": finished.checkpoint.meta["title"],
        "seconds": round(finished.seconds, 3), "train_seconds": round(finished.train_seconds, 3),
        "own_train": finished.own_train, "own_held_out": before.own_count,
        "mnist_test_images": before.mnist_count,
        "own_accuracy_before": before.own_accuracy, "own_accuracy_after": after.own_accuracy,
        "mnist_accuracy_before": before.mnist_accuracy,
        "mnist_accuracy_after": after.mnist_accuracy,
    }
    if args.json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return 0
    print(f"                       before    after\n"
          f"your held-out digits   {_percent(before.own_accuracy):>6}   "
          f"{_percent(after.own_accuracy):>6}   ({before.own_count} samples)\n"
          f"MNIST test images      {_percent(before.mnist_accuracy):>6}   "
          f"{_percent(after.mnist_accuracy):>6}   ({before.mnist_count:,} images)\n"
          f"{finished.seconds:.1f} s; saved {out}")
    return 0


def add_fine_tune_parser(sub: Any) -> None:
    """Add the ``fine-tune`` subcommand to the ``digitlab`` parser's subparsers."""
    from .data.own_digits import HOLDOUT_EVERY
    from .training.finetune import FineTuneConfig

    defaults = FineTuneConfig()
    p = sub.add_parser(
        "fine-tune", help="teach a model your handwriting (your own digits mixed with MNIST)",
        description=(
            "Fine-tune a model on your own digits (collected in the app's Coach tab, or a "
            "folder of LABEL_anything.png files) mixed with MNIST, so that it learns your "
            f"hand without forgetting. Every {HOLDOUT_EVERY}th sample of each digit is held "
            "out: accuracy on those and on MNIST test images is printed before and after."))
    p.add_argument("--checkpoint", metavar="PATH", help="model to start from (default: bundled)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="your own digits (default: the folder the Coach tab fills)")
    p.add_argument("--out", metavar="PATH", required=True, help="checkpoint to write")
    p.add_argument("--steps", type=int, default=defaults.steps, help="gradient steps")
    p.add_argument("--seed", type=int, default=defaults.seed, help="makes the result repeatable")
    p.add_argument("--mnist-test", type=int, metavar="N", default=defaults.mnist_test_samples,
                   help=f"measure on the first N MNIST test images (default "
                        f"{defaults.mnist_test_samples:,}; 0: all 10,000)")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=cmd_fine_tune)
