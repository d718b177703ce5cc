"""The ``digitlab`` command: train, evaluate, predict, list and export models."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as _dt
import json
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import __version__
from .cli_errors import CliError

__all__ = ["main"]

log = logging.getLogger("digitlab")


EXIT_STOPPED = 3
"""``digitlab train`` stopped by Ctrl+C at a batch boundary; the checkpoint was saved."""
EXIT_INTERRUPTED = 130
"""A second Ctrl+C (or one outside training): quit at once, nothing written (128 + SIGINT)."""

_TRAIN_EPILOG = (
    f"Exit status: 0 when training ends (epochs done or --target-accuracy reached); "
    f"1 on an error or when training diverges; 2 for a usage error. Ctrl+C stops at the next "
    f"batch, saves the checkpoint of the weights so far to --out and exits with "
    f"{EXIT_STOPPED}. A second Ctrl+C quits at once with {EXIT_INTERRUPTED} and writes no "
    f"checkpoint: a file already at --out is left intact.")


# ----------------------------------------------------------------------------- helpers


def _fmt_time(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressBar:
    """A one-line progress bar on stderr (a line per epoch when stderr is not a terminal)."""

    def __init__(self, stream: TextIO | None = None, width: int = 24) -> None:
        # sys.stderr is looked up now, not at import: redirections made later must apply
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last = 0.0

    def batch(self, ev: Any) -> None:
        now = time.monotonic()
        if not self.tty or now - self._last < 0.1:
            return
        self._last = now
        frac = ev.step / max(1, ev.total_steps)
        filled = int(frac * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(
            f"\repoch {ev.epoch} [{bar}] {frac:5.1%}  loss {ev.loss:.4f}  "
            f"{ev.samples_per_second:,.0f} img/s  ETA {_fmt_time(ev.eta)} "
        )
        self.stream.flush()

    def progress(self, done: int, total: int, eta: float) -> None:
        """Show ``done`` of ``total`` images (terminals only, at most 10 times a second)."""
        now = time.monotonic()
        if not self.tty or now - self._last < 0.1:
            return
        self._last = now
        frac = done / max(1, total)
        filled = int(frac * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,} images  ETA {_fmt_time(eta)} ")
        self.stream.flush()

    def line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")


def _load_checkpoint(path: str | None) -> Any:
    from .checkpoints import bundled_checkpoint_path, load_checkpoint

    return load_checkpoint(Path(path) if path else bundled_checkpoint_path())


def _download(dataset: str, data_dir: str | None) -> None:
    """``--download``: fetch the dataset's files unless they are there (progress on stderr,
    so that ``--json`` output stays clean)."""
    from .data.datasets import download_dataset

    with contextlib.redirect_stdout(sys.stderr):
        download_dataset(dataset, data_dir)


# ----------------------------------------------------------------------------- commands


def cmd_models(args: argparse.Namespace) -> int:
    from .checkpoints.model_card import bundled_card, bundled_line
    from .models import list_models

    rows, bundled = list_models(), bundled_card()
    if args.json:
        _print_json([{"name": r.name, "params": r.params, "mmacs": round(r.mflops / 2, 3),
                      "mflops": round(r.mflops, 3), "summary": r.summary,
                      **({"bundled": bundled} if bundled["model"] == r.name else {})}
                     for r in rows])
        return 0
    print(f"{'model':<14}{'params':>10}{'M MACs':>9}{'MFLOPs':>9}  summary")
    for r in rows:
        print(f"{r.name:<14}{r.params:>10,}{r.mflops / 2:>9.2f}{r.mflops:>9.2f}  {r.summary}")
    print(bundled_line(bundled))
    print("Per 28×28 image, conv and linear layers: M MACs = millions of multiply-adds; "
          "MFLOPs = 2 × M MACs (a multiply-add counted as two operations).")
    return 0


_RECIPE_FIXES = ("model", "model_spec", "epochs", "batch_size", "optimizer", "lr", "momentum",
                 "weight_decay", "label_smoothing", "schedule", "augment", "val_size",
                 "target_accuracy")
"""``digitlab train`` options a ``--recipe`` decides (the dataset too: its recipe's)."""


def _recipe_config(args: argparse.Namespace) -> Any:
    """``--recipe NAME``: the named recipe; only the run's seed, device, data and size vary."""
    from .training.recipes import RECIPES, recipe_config

    given = [f"--{k.replace('_', '-')}" for k in _RECIPE_FIXES if getattr(args, k) is not None]
    if args.dataset not in (None, RECIPES[args.recipe].dataset):
        given.insert(0, "--dataset")
    if given:
        raise CliError(f"--recipe {args.recipe} fixes the training settings; drop "
                       f"{', '.join(given)}")
    return recipe_config(args.recipe, seed=args.seed, device=args.device,
                         data_dir=args.data_dir, max_train_samples=args.max_train_samples)


def _train_config(args: argparse.Namespace) -> Any:
    from .models import DEFAULT_MODEL
    from .models.specs import load_spec_file
    from .training import TrainConfig

    if args.recipe:
        return _recipe_config(args)
    spec = load_spec_file(args.model_spec) if args.model_spec else None
    base = args.model or DEFAULT_MODEL
    overrides = {
        "model_spec": spec, "dataset": args.dataset, "data_dir": args.data_dir,
        "epochs": args.epochs, "batch_size": args.batch_size, "optimizer": args.optimizer,
        "lr": args.lr, "momentum": args.momentum, "weight_decay": args.weight_decay,
        "schedule": args.schedule, "augment": args.augment, "device": args.device,
        "seed": args.seed, "target_accuracy": args.target_accuracy,
        "max_train_samples": args.max_train_samples, "label_smoothing": args.label_smoothing,
        "val_size": args.val_size,
    }
    config = TrainConfig.for_model(base, **overrides)
    try:
        config.validate()
    except ValueError as exc:  # validate() says what is wrong with the settings
        raise CliError(str(exc)) from None
    return config


def cmd_train(args: argparse.Namespace) -> int:
    from .checkpoints import save_checkpoint
    from .runtime.allocator import keep_freed_memory
    from .training import (
        BatchDone,
        Diverged,
        EpochDone,
        Finished,
        RunStarted,
        Stopped,
        TrainControl,
        Trainer,
    )

    config = _train_config(args)
    keep_freed_memory()  # process-wide, so set here: else each step page-faults (~30 % CPU)
    if args.download:
        _download(config.dataset, config.data_dir)
    ctx = _join_process_group(args, config)  # under torchrun: this process is one rank
    if ctx is not None and not ctx.is_main:  # only rank 0 speaks and writes
        args.json, args.tensorboard = False, None
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    control = TrainControl()
    trainer = Trainer(config, control, distributed=ctx)
    name = trainer.model.name
    out = Path(args.out) if args.out else Path("runs") / (
        f"{name}-{_dt.datetime.now():%Y%m%d-%H%M%S}.safetensors")
    tb = None
    if args.tensorboard:
        from .training.tensorboard_log import TensorBoardLogger, tensorboard_hparams

        tb = TensorBoardLogger(args.tensorboard, hparams=tensorboard_hparams(config))
        tb.add_graph(trainer.model)

    def on_sigint(signum: int, frame: Any) -> None:
        # Nothing is printed here: a write to stderr may be the very thing interrupted.
        if control.stopped:
            raise KeyboardInterrupt  # the second Ctrl+C: quit now, write nothing
        control.stop()

    # Installed until the checkpoint is written: a single Ctrl+C during the save must not
    # lose the run. The save is atomic, so a second one leaves any older file intact.
    previous = signal.signal(signal.SIGINT, on_sigint)
    bar = ProgressBar()
    final: Any = None
    announced = False
    try:
        for ev in trainer.run():
            if control.stopped and not announced:
                announced = True
                bar.line("Ctrl+C: stopping to save the checkpoint of the weights so far "
                         "(Ctrl+C again to quit without saving)")
            if tb is not None:
                tb.log(ev, trainer)
            if isinstance(ev, RunStarted):
                held = f" ({ev.val_size:,} more held out for validation)" if ev.val_size else ""
                bar.line(f"training {ev.model} ({ev.params:,} parameters) on {ev.dataset}, "
                         f"{ev.train_size:,} images{held}, {ev.epochs} epochs, "
                         f"device {ev.device}")
            elif isinstance(ev, BatchDone):
                bar.batch(ev)
            elif isinstance(ev, EpochDone):
                bar.line(f"epoch {ev.epoch}/{ev.epochs}  loss {ev.train_loss:.4f}  "
                         f"train {ev.train_accuracy:.2%}  {_val_text(ev)}"
                         f"test {ev.test_accuracy:.2%}  "
                         f"{ev.samples_per_second:,.0f} img/s  elapsed {_fmt_time(ev.elapsed)}  "
                         f"ETA {_fmt_time(ev.eta)}")
            elif isinstance(ev, Finished | Stopped | Diverged):
                final = ev
        agree = None
        if ctx is not None:
            from .training.distributed import ranks_agree

            agree = ranks_agree(trainer.model)
            if not ctx.is_main:
                return 0
        save_checkpoint(out, final.checkpoint)
    finally:
        signal.signal(signal.SIGINT, previous)
        if tb is not None:
            tb.close()
    history = final.history
    test_acc = history[-1].test_accuracy if history else None
    if isinstance(final, Diverged):
        bar.line(f"diverged: {final.message}")
    elif isinstance(final, Stopped):
        bar.line(f"stopped at epoch {final.epoch}, batch {final.step}")
    calibration = final.checkpoint.meta.get("calibration")
    if calibration and calibration.get("ece_before") is not None:
        bar.line(f"temperature {calibration['temperature']:.3f} (fitted on "
                 f"{calibration['n']:,} validation images): ECE {calibration['ece_before']:.2%}"
                 f" → {calibration['ece_after']:.2%}")
    bar.line(f"saved {out}")
    if args.json:
        elapsed = getattr(final, "elapsed", history[-1].elapsed if history else 0.0)
        samples = getattr(final, "samples_per_second",
                          history[-1].samples_per_second if history else 0.0)
        _print_json({
            "model": name, "dataset": config.dataset, "epochs": len(history),
            "test_accuracy": test_acc,
            "val_accuracy": history[-1].val_accuracy if history else None,
            "val_size": config.val_size, "train_seconds": round(elapsed, 3),
            "training_steps_seconds": round(trainer.training_seconds, 3),
            "recipe": args.recipe,
            "samples_per_second": round(samples, 1), "checkpoint": str(out),
            "reached_target": isinstance(final, Finished) and final.reason == "target_reached",
            "status": type(final).__name__.lower(),
            "temperature": calibration["temperature"] if calibration else None,
            "ece_before": calibration["ece_before"] if calibration else None,
            "ece_after": calibration["ece_after"] if calibration else None,
            "ranks": 1 if ctx is None else ctx.world_size,
            "ranks_agree": agree,
        })
    if isinstance(final, Diverged):
        return 1
    return EXIT_STOPPED if isinstance(final, Stopped) else 0


def _join_process_group(args: argparse.Namespace, config: Any) -> Any:
    """Under torchrun with more than one process (or with --distributed), join the process
    group and return this rank's context; None for an ordinary run."""
    from .training import distributed

    many = distributed.launched_by_torchrun() and int(os.environ["WORLD_SIZE"]) > 1
    if not (args.distributed or many):
        return None
    try:
        ctx = distributed.start(config.device)
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    atexit.register(distributed.stop)
    return ctx


def _val_text(ev: Any) -> str:
    return "" if ev.val_accuracy is None else f"val {ev.val_accuracy:.2%}  "


def _eval_set(args: argparse.Namespace, ck: Any) -> Any:
    from .analysis.evaluation import EvaluationError, dataset_test_set, drawings_set
    from .data.datasets import DATASETS

    if args.max_samples is not None and args.max_samples < 1:
        raise CliError("--max-samples must be at least 1")
    if args.drawings:
        if args.dataset:
            raise CliError("give --dataset or --drawings, not both")
        try:
            return drawings_set(args.drawings, ck.classes, args.max_samples)
        except EvaluationError as exc:
            raise CliError(str(exc)) from None
    dataset = args.dataset or ck.meta.get("dataset", "mnist")
    if dataset not in DATASETS:
        raise CliError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    if args.download:
        _download(dataset, args.data_dir)
    return dataset_test_set(dataset, args.data_dir, args.max_samples)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .analysis.evaluation import EvaluationError, EvaluationProgress, evaluate_steps
    from .analysis.evaluation_report import format_report, result_to_json, write_misclassified
    from .runtime.devices import resolve_device

    ck = _load_checkpoint(args.checkpoint)
    eval_set = _eval_set(args, ck)
    bar = ProgressBar()
    result: Any = None
    try:
        for event in evaluate_steps(ck, eval_set, device=resolve_device(args.device)):
            if isinstance(event, EvaluationProgress):
                bar.progress(event.done, event.total, event.eta)
            else:
                result = event
    except EvaluationError as exc:
        raise CliError(str(exc)) from None
    bar.line(f"evaluated {result.n:,} images in {result.seconds:.1f} s")
    for skipped in eval_set.skipped:
        bar.line(f"skipped {skipped}")
    summary = result_to_json(result)
    if args.misclassified:
        index = write_misclassified(result, args.misclassified)
        summary["misclassified_dir"] = str(index.parent)
        bar.line(f"wrote {len(result.misclassified):,} misclassified images and {index}")
    if args.json:
        _print_json(summary)
    else:
        print(format_report(result))
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from .data.preprocess import load_image
    from .recognition.onnx_predict import OnnxPredictor, is_onnx_file
    from .recognition.predict import Predictor

    if args.checkpoint and is_onnx_file(args.checkpoint):
        predictor: Predictor = OnnxPredictor(args.checkpoint)  # answers through onnxruntime
    else:
        predictor = Predictor(_load_checkpoint(args.checkpoint))
    classes = predictor.checkpoint.classes
    results = []
    for file in args.images:
        pred = predictor.predict(load_image(file))
        results.append({
            "file": file, "label": pred.label,
            "class": None if pred.label is None else classes[pred.label],
            "verdict": pred.verdict,
            "confidence": round(pred.confidence, 6),
            "probabilities": [round(float(p), 6) for p in np.asarray(pred.probabilities)],
            "runner_up": pred.runner_up,
            "runner_up_class": None if pred.runner_up is None else classes[pred.runner_up],
            "digit_score": None if pred.digit_score is None else round(pred.digit_score, 6),
        })
    if args.json:
        _print_json(results)
        return 0
    for r in results:
        print(f"{r['file']}: {_verdict_text(r)}")
    return 0


def _verdict_text(r: dict[str, Any]) -> str:
    """One line for a prediction: "7 (99.1%)", "not sure: 4 or 9 (48.0%)", …"""
    if r["verdict"] == "blank":
        return "no digit"
    if r["verdict"] == "not_a_digit":
        return "not a digit"
    if r["verdict"] == "unsure":
        return f"not sure: {r['class']} or {r['runner_up_class']} ({r['confidence']:.1%})"
    return f"{r['class']} ({r['confidence']:.1%})"


def cmd_train_detector(args: argparse.Namespace) -> int:
    from .checkpoints import save_checkpoint
    from .recognition.detector import DetectorConfig, fit_detector

    cfg = DetectorConfig(seed=args.seed, epochs=args.epochs)
    checkpoint = fit_detector(cfg, say=lambda line: print(line, file=sys.stderr, flush=True))
    path = save_checkpoint(args.out, checkpoint)
    info = checkpoint.meta["detector"]
    if args.json:
        _print_json({"out": str(path), **info})
    else:
        print(f"saved {path}: not a digit below {info['not_digit_below']:.3f}, "
              f"not sure below {info['unsure_below']:.3f}")
    return 0


# ----------------------------------------------------------------------------- parser


def _add_train_args(p: argparse.ArgumentParser) -> None:
    from .data.datasets import DATASETS
    from .models import DEFAULT_MODEL, MODELS
    from .runtime.devices import DEVICE_CHOICES
    from .training import DEFAULT_VAL_SIZE, OPTIMIZERS, SCHEDULES
    from .training.recipes import RECIPES

    p.add_argument("--recipe", choices=list(RECIPES), default=None,
                   help="a fixed recipe: 'speedrun' trains its own small CNN for one epoch "
                        "(572 steps, decided in advance) to about 99 %% MNIST test accuracy "
                        "in less time than one epoch of the tutorials' LeNet-5; the test set "
                        "is evaluated only at the end. 'bundled' makes the model DigitLab "
                        "ships (digitnet, augmented, a moving average of its weights, "
                        "temperature fitted on validation). Only --seed, --device, --data-dir "
                        "and --max-train-samples may be given with it")
    p.add_argument("--model", choices=list(MODELS), default=None,
                   help=f"registered model (default {DEFAULT_MODEL}); its recipe sets defaults")
    p.add_argument("--model-spec", metavar="FILE", help="train a model from a JSON spec file")
    p.add_argument("--dataset", choices=list(DATASETS), default=None,
                   help="default mnist")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder with the dataset's IDX files; for --dataset own, the folder of "
                        "your own digits (default: the one the app's Coach tab fills; files "
                        "named LABEL_anything.png; every 5th of each digit is the test set)")
    p.add_argument("--download", action="store_true",
                   help="download the dataset into --data-dir (default ~/.cache/digitlab/data) "
                        "if its files are not there; nothing is downloaded without it")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--optimizer", choices=OPTIMIZERS)
    p.add_argument("--lr", type=float, help="(peak) learning rate")
    p.add_argument("--momentum", type=float,
                   help="SGD momentum, 0 to below 1 (0: plain SGD as the tutorials train; "
                        "default: the model's recipe, 0 for lenet5 and tinyvgg, else 0.9)")
    p.add_argument("--weight-decay", type=float)
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--schedule", choices=SCHEDULES)
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                   help="random affine + stroke-thickness augmentation on the device")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--seed", type=int, help="make the run repeatable")
    p.add_argument("--val-size", type=int, metavar="N",
                   help=f"training images held out as a validation split (default "
                        f"{DEFAULT_VAL_SIZE:,}; 0: none): it decides --target-accuracy and "
                        f"fits the checkpoint's calibration temperature")
    p.add_argument("--target-accuracy", type=float, metavar="A",
                   help="stop as soon as accuracy on the validation split (held out from the "
                        "training set, never the test set) reaches A (0..1)")
    p.add_argument("--max-train-samples", type=int, metavar="N")
    p.add_argument("--out", metavar="PATH", help="checkpoint to write (.safetensors)")
    p.add_argument("--tensorboard", metavar="DIR", help="also log to TensorBoard in DIR")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument("--distributed", action="store_true",
                   help="train data-parallel over the processes torchrun starts (gloo on the "
                        "CPU, NCCL on CUDA; each process trains on its share of the images; "
                        "process 0 writes the checkpoint). Implied when torchrun starts more "
                        "than one: torchrun --nproc_per_node=2 -m cnn_core.cli train …")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``digitlab``."""
    parser = argparse.ArgumentParser(
        prog="digitlab", description="Train, evaluate and run handwritten-digit CNNs.")
    parser.add_argument("--version", action="version", version=f"digitlab {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("train", help="train a model and save a checkpoint",
                       description="Train a model; progress on stderr, checkpoint to --out.",
                       epilog=_TRAIN_EPILOG)
    _add_train_args(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="test-set accuracy, confusion matrix and calibration",
                       description="Evaluate a checkpoint (default: the bundled model) on a "
                                   "test set or a folder of labelled drawings: accuracy per "
                                   "class, confusion matrix, ECE and reliability curve.")
    p.add_argument("--checkpoint", metavar="PATH")
    p.add_argument("--dataset", default=None, help="default: the checkpoint's dataset")
    p.add_argument("--data-dir", metavar="DIR")
    p.add_argument("--drawings", metavar="DIR",
                   help="evaluate on your own drawings: image files in subfolders named by "
                        "class (DIR/7/a.png) or named LABEL_anything.png")
    p.add_argument("--max-samples", type=int, metavar="N", help="only the first N images")
    p.add_argument("--misclassified", metavar="DIR",
                   help="write each misclassified image as a PNG and an index CSV into DIR")
    p.add_argument("--download", action="store_true",
                   help="download the dataset into --data-dir if its files are not there")
    p.add_argument("--device", default="cpu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="classify image files",
                       description="Classify image files (any size, either polarity).")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--checkpoint", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser(
        "train-detector", help="train the digit / not-a-digit detector",
        description="Train the detector behind the 'not a digit' verdict on MNIST digits "
                    "against synthetic letters, symbols, shapes and scribbles.")
    p.add_argument("--out", metavar="PATH", required=True, help="checkpoint to write")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train_detector)

    from .finetune_cli import add_fine_tune_parser

    add_fine_tune_parser(sub)

    p = sub.add_parser("models", help="list the registered models",
                       description="Name, parameters, multiply-adds (MACs) and MFLOPs (2 per "
                                   "multiply-add) per 28×28 image, and summary.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)

    from .cli_export import add_export_parser

    add_export_parser(sub)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    """The errors a user can cause (a bad file, option or machine): one line, exit code 1.

    Anything else is a bug in DigitLab and is shown with its traceback.
    """
    from .checkpoints import CheckpointError
    from .data.datasets import DatasetUnavailable
    from .data.idx import IdxError
    from .data.preprocess import ImageError
    from .models.specs import SpecError
    from .recognition.predict import PredictionError
    from .runtime.devices import DeviceError

    return (CliError, CheckpointError, DatasetUnavailable, DeviceError, IdxError, ImageError,
            PredictionError, SpecError, OSError)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``digitlab``; returns the exit code (0 ok, 1 error, 2 usage, 3 training
    stopped by Ctrl+C with its checkpoint saved, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("digitlab: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _expected_errors() as exc:
        if args.debug:
            raise
        print(f"digitlab {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except Exception:  # not the user's doing: show where it happened
        if args.debug:
            raise
        traceback.print_exc()
        print(f"digitlab {args.command}: internal error: this is a bug in DigitLab "
              f"{__version__}; please report it with the traceback above", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
