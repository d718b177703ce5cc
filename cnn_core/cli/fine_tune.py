"""``digitlab fine-tune``: teach a model your handwriting from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from ..data.own_digits import HOLDOUT_EVERY
from .common import (
    OutputFile,
    UsageError,
    check_output_file,
    exit_codes,
    load_checkpoint,
    plural,
    print_json,
    require_tensorboard_option,
    say,
)

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "run"]

EPILOG = f"""Examples:
  digitlab fine-tune --out mine.safetensors
  digitlab fine-tune --checkpoint lenet5.safetensors --data-dir my_digits/ --out mine.safetensors
  digitlab fine-tune --out mine.safetensors --steps 300 --json
  digitlab fine-tune --out mine.safetensors --tensorboard tb/fine-tune

{exit_codes()}
"""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def run(args: argparse.Namespace) -> int:
    """Fine-tune ``--checkpoint`` (default: the bundled model) on the own digits; exit 0."""
    from ..checkpoints import save_checkpoint
    from ..data.own_digits import load_own_data
    from ..training import TrainControl
    from ..training.finetune import (
        FineTuneConfig,
        FineTuneFinished,
        FineTuneProgress,
        FineTuneStarted,
        fine_tune,
    )

    config = FineTuneConfig(steps=args.steps, seed=args.seed,
                            mnist_test_samples=None if args.mnist_test == 0 else args.mnist_test,
                            tensorboard_dir=str(args.tensorboard) if args.tensorboard else None)
    if args.tensorboard:
        require_tensorboard_option()
    try:
        config.validate()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out = OutputFile(check_output_file(args.out))
    args.outputs.append(out)
    checkpoint = load_checkpoint(args.checkpoint)
    data = load_own_data(args.data_dir)
    for line in data.skipped:
        say(f"skipped {line}")
    finished: Any = None
    for event in fine_tune(checkpoint, data, config, TrainControl()):
        if isinstance(event, FineTuneStarted):
            say(f"fine-tuning {checkpoint.name} on {plural(event.own_train, 'sample')} of "
                f"yours ({event.own_held_out} held out) mixed with "
                f"{plural(event.mnist_train, 'MNIST image')}, {plural(event.steps, 'step')}")
        elif isinstance(event, FineTuneProgress) and event.step == event.total_steps:
            say(f"step {event.step}/{event.total_steps}  loss {event.loss:.4f}")
        elif isinstance(event, FineTuneFinished):
            finished = event
    path = save_checkpoint(out.path, finished.checkpoint)
    say(f"saved {path}")
    before, after = finished.before, finished.after
    summary = {
        "checkpoint": str(path), "title": finished.checkpoint.meta["title"],
        "seconds": round(finished.seconds, 3), "train_seconds": round(finished.train_seconds, 3),
        "own_train": finished.own_train, "own_held_out": before.own_count,
        "mnist_test_images": before.mnist_count,
        "own_accuracy_before": _rounded(before.own_accuracy),
        "own_accuracy_after": _rounded(after.own_accuracy),
        "mnist_accuracy_before": _rounded(before.mnist_accuracy),
        "mnist_accuracy_after": _rounded(after.mnist_accuracy),
    }
    if args.json:
        print_json(summary)
        return 0
    print(f"                       before    after\n"
          f"your held-out digits   {_percent(before.own_accuracy):>6}   "
          f"{_percent(after.own_accuracy):>6}   ({before.own_count} samples)\n"
          f"MNIST test images      {_percent(before.mnist_accuracy):>6}   "
          f"{_percent(after.mnist_accuracy):>6}   ({before.mnist_count:,} images)\n"
          f"{finished.seconds:.1f} s")
    return 0


DESCRIPTION = (
    "Fine-tune a model on your own digits (collected in the app's Coach tab, or a folder of "
    "LABEL_anything.png files) mixed with MNIST, so that it learns your hand without "
    f"forgetting. Every {HOLDOUT_EVERY}th sample of each digit is held out: accuracy on those "
    "and on MNIST test images is printed before and after.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab fine-tune``."""
    from ..training.finetune import FineTuneConfig

    defaults = FineTuneConfig()
    p.add_argument("--checkpoint", metavar="PATH", help="model to start from (default: bundled)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="your own digits (default: the folder the Coach tab fills)")
    p.add_argument("--out", metavar="PATH", required=True,
                   help="checkpoint file to write (checked before any work starts)")
    p.add_argument("--steps", type=int, default=defaults.steps, help="gradient steps")
    p.add_argument("--seed", type=int, default=defaults.seed, help="makes the result repeatable")
    p.add_argument("--mnist-test", type=int, metavar="N", default=defaults.mnist_test_samples,
                   help=f"measure on the first N MNIST test images (default "
                        f"{defaults.mnist_test_samples:,}; 0: all 10,000)")
    p.add_argument("--tensorboard", metavar="DIR",
                   help="also log to TensorBoard in DIR (loss, accuracies before and after, "
                        "kernels, histograms, the held-out digits it gets wrong, the settings)")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
