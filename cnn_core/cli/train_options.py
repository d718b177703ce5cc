"""``digitlab train``'s options, and the run's settings they decide (said before it starts)."""

from __future__ import annotations

import argparse
from typing import Any

from .common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_STOPPED, UsageError, exit_codes

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "model_name", "recipe_source", "settings",
           "settings_line", "train_config"]

DESCRIPTION = (
    "Train a model and save a checkpoint. The settings (optimizer, learning rate, batch size, "
    "schedule, epochs) come from the model's recipe unless an option sets them: "
    "'digitlab models' lists every recipe, and the run prints its settings before it starts. "
    "Progress goes to stderr, the checkpoint to --out.")

EPILOG = f"""Examples:
  digitlab train --model lenet5 --out lenet5.safetensors
  digitlab train --model lenet --epochs 3 --lr 0.001 --seed 0 --json
  digitlab train --model-spec mynet.json --model lenet5   (mynet with lenet5's recipe)
  digitlab train --recipe speedrun --out fast.safetensors

Ctrl+C stops at the next batch, saves the checkpoint of the weights so far to --out and exits \
with {EXIT_STOPPED}; it says in which epoch and after which batch it stopped, and what the saved \
weights score on the test set. A second Ctrl+C \
quits at once with {EXIT_INTERRUPTED} and writes no checkpoint: a file already at --out is left \
intact. If the checkpoint was already written when the second Ctrl+C came, it says so and \
exits with {EXIT_STOPPED}.

{exit_codes({
    EXIT_ERROR: "also when training diverges (the loss became NaN or grew a hundredfold over "
                "a guess's)",
    EXIT_STOPPED: "stopped by Ctrl+C; the checkpoint of the weights so far was saved"})}
"""

_RECIPE_FIXES = ("model", "model_spec", "epochs", "batch_size", "optimizer", "lr", "momentum",
                 "weight_decay", "label_smoothing", "schedule", "augment", "normalize",
                 "val_size", "target_accuracy")
"""``digitlab train`` options a ``--recipe`` decides (the dataset too: its recipe's)."""

_FROM_RECIPE = "default: the model's recipe, listed by digitlab models"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab train``."""
    from ..data.datasets import DATASETS
    from ..models import DEFAULT_MODEL, MODELS
    from ..runtime.devices import DEVICE_CHOICES
    from ..training import DEFAULT_VAL_SIZE, OPTIMIZERS, SCHEDULES
    from ..training.recipes import RECIPES

    p.add_argument("--recipe", choices=list(RECIPES), default=None,
                   help="a fixed recipe: 'speedrun' trains its own small CNN for one epoch "
                        "(343 steps, decided in advance) to about 99 %% MNIST test accuracy "
                        "in less time than one epoch of the tutorials' LeNet-5; the test set "
                        "is evaluated only at the end. 'bundled' makes the model DigitLab "
                        "ships (digitnet, augmented, a moving average of its weights, "
                        "temperature fitted on validation). Only --seed, --device, --data-dir "
                        "and --max-train-samples may be given with it")
    p.add_argument("--model", choices=list(MODELS), default=None,
                   help=f"registered model (default {DEFAULT_MODEL}); its recipe sets the "
                        f"other defaults. With --model-spec: whose recipe to train the spec "
                        f"with")
    p.add_argument("--model-spec", metavar="FILE",
                   help=f"train a model from a JSON spec file (with --model's recipe, "
                        f"default {DEFAULT_MODEL}'s)")
    p.add_argument("--dataset", choices=list(DATASETS), default=None,
                   help="the data set to train on (default mnist)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder with the dataset's IDX files (default: bundled MNIST; other "
                        "data sets in datasets/ of DigitLab's data folder, $DIGITLAB_DATA_DIR "
                        "or the platform's user data folder); for --dataset own, the folder "
                        "of your own digits (default: the one the app's Coach tab fills; "
                        "files named LABEL_anything.png; every 5th of each digit is the test set)")
    p.add_argument("--download", action="store_true",
                   help="download the dataset into the data folder if its files are not "
                        "there; nothing is downloaded without it")
    p.add_argument("--epochs", type=int, metavar="N", help=f"passes over the training set "
                                                           f"({_FROM_RECIPE})")
    p.add_argument("--batch-size", type=int, metavar="N",
                   help=f"images per training step ({_FROM_RECIPE})")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help=f"({_FROM_RECIPE})")
    p.add_argument("--lr", type=float, metavar="LR",
                   help=f"(peak) learning rate, above 0 ({_FROM_RECIPE})")
    p.add_argument("--momentum", type=float,
                   help="SGD momentum, 0 to below 1 (0: plain SGD as the tutorials train; "
                        "default: the model's recipe, 0 for lenet5 and tinyvgg, else 0.9)")
    p.add_argument("--weight-decay", type=float, metavar="WD",
                   help="L2 penalty on the weights (default 0)")
    p.add_argument("--label-smoothing", type=float, metavar="EPS",
                   help="share of each target spread over the other classes (default 0)")
    p.add_argument("--schedule", choices=SCHEDULES,
                   help=f"how the learning rate changes over the run ({_FROM_RECIPE})")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                   help=f"random affine + stroke-thickness augmentation on the device "
                        f"({_FROM_RECIPE})")
    p.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=None,
                   help="scale the input to the dataset's mean 0 and standard deviation 1 "
                        "(default on; the checkpoint records it, and inference does the "
                        "same). --no-normalize leaves pixels in [0, 1] as the tutorials' first "
                        "LeNet does: with sigmoids, its accuracy stays near 10 %% for epochs")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto",
                   help="where to train; auto picks cuda, then mps, then cpu")
    p.add_argument("--seed", type=int, help="make the run repeatable (default: a fresh seed)")
    p.add_argument("--val-size", type=int, metavar="N",
                   help=f"training images held out as a validation split (default "
                        f"{DEFAULT_VAL_SIZE:,}; 0: none): it decides --target-accuracy and "
                        f"fits the checkpoint's calibration temperature")
    p.add_argument("--target-accuracy", type=float, metavar="A",
                   help="stop as soon as accuracy on the validation split (held out from the "
                        "training set, never the test set) reaches A (0..1)")
    p.add_argument("--max-train-samples", type=int, metavar="N",
                   help="train on only the first N training images (default: all)")
    p.add_argument("--out", metavar="PATH",
                   help="checkpoint file to write (default runs/MODEL-DATE-TIME.safetensors); "
                        "checked before training starts")
    p.add_argument("--tensorboard", metavar="DIR", help="also log to TensorBoard in DIR")
    p.add_argument("--distributed", action="store_true",
                   help="train data-parallel over the processes torchrun starts (gloo on the "
                        "CPU, NCCL on CUDA; each process trains on its share of the images; "
                        "process 0 writes the checkpoint). Implied when torchrun starts more "
                        "than one: torchrun --nproc_per_node=2 -m cnn_core.cli train …")
    p.add_argument("--json", action="store_true",
                   help="print a JSON summary (settings and results) on stdout")


def _recipe_config(args: argparse.Namespace) -> Any:
    """``--recipe NAME``: the named recipe; only the run's seed, device, data and size vary."""
    from ..training.recipes import RECIPES, recipe_config

    given = [f"--{k.replace('_', '-')}" for k in _RECIPE_FIXES if getattr(args, k) is not None]
    if args.dataset not in (None, RECIPES[args.recipe].dataset):
        given.insert(0, "--dataset")
    if given:
        raise UsageError(f"--recipe {args.recipe} fixes the training settings; drop "
                         f"{', '.join(given)}")
    return recipe_config(args.recipe, seed=args.seed, device=args.device,
                         data_dir=args.data_dir, max_train_samples=args.max_train_samples)


def recipe_source(args: argparse.Namespace) -> str:
    """Whose recipe the run's defaults come from: a model's name, or ``--recipe``'s."""
    from ..models import DEFAULT_MODEL

    return args.recipe or args.model or DEFAULT_MODEL


def train_config(args: argparse.Namespace) -> Any:
    """The :class:`~cnn_core.training.TrainConfig` the options ask for.

    Raises :class:`UsageError` (exit 2) for settings that cannot work.
    """
    from ..models.specs import load_spec_file
    from ..training import TrainConfig

    if args.recipe:
        return _recipe_config(args)
    spec = load_spec_file(args.model_spec) if args.model_spec else None
    overrides = {
        "model_spec": spec, "dataset": args.dataset, "data_dir": args.data_dir,
        "epochs": args.epochs, "batch_size": args.batch_size, "optimizer": args.optimizer,
        "lr": args.lr, "momentum": args.momentum, "weight_decay": args.weight_decay,
        "schedule": args.schedule, "augment": args.augment, "normalize": args.normalize,
        "device": args.device,
        "seed": args.seed, "target_accuracy": args.target_accuracy,
        "max_train_samples": args.max_train_samples, "label_smoothing": args.label_smoothing,
        "val_size": args.val_size,
    }
    config = TrainConfig.for_model(recipe_source(args), **overrides)
    try:
        config.validate()
    except ValueError as exc:  # validate() says what is wrong with the settings
        raise UsageError(str(exc)) from None
    return config


def model_name(config: Any) -> str:
    """The name the run's model will have."""
    return str(config.model_spec.get("name", "custom")) if config.model_spec else config.model


def settings(config: Any, args: argparse.Namespace, device: str) -> dict[str, Any]:
    """The settings that decide the run, as the JSON summary gives them (``device``: the one
    ``--device`` resolves to)."""
    return {
        "model": model_name(config), "model_spec": args.model_spec,
        "recipe_of": recipe_source(args), "dataset": config.dataset,
        "optimizer": config.optimizer, "lr": config.lr,
        "momentum": config.momentum if config.optimizer == "sgd" else None,
        "weight_decay": config.weight_decay, "batch_size": config.batch_size,
        "schedule": config.schedule, "epochs": config.epochs, "augment": config.augment,
        "normalize": config.normalize, "autocast_bf16": config.autocast_bf16,
        "label_smoothing": config.label_smoothing, "val_size": config.val_size,
        "target_accuracy": config.target_accuracy, "seed": config.seed,
        "device": device,
    }


def settings_line(s: dict[str, Any]) -> str:
    """One line that says how the run will train, said before it starts."""
    if s["model_spec"]:
        model = f"{s['model']} from {s['model_spec']} with {s['recipe_of']}'s recipe"
    elif s["recipe_of"] != s["model"]:
        model = f"{s['model']} (--recipe {s['recipe_of']})"
    else:
        model = f"{s['model']} with its recipe"
    momentum = "" if s["momentum"] is None else f", momentum {s['momentum']:g}"
    extras = "".join(f", {label} {s[key]:g}" for key, label in (
        ("weight_decay", "weight decay"), ("label_smoothing", "label smoothing")) if s[key])
    target = "" if s["target_accuracy"] is None else \
        f", stop at {s['target_accuracy']:.2%} validation accuracy"
    seed = "" if s["seed"] is None else f", seed {s['seed']}"
    if not s["normalize"]:
        extras += ", input not normalised"
    if s.get("autocast_bf16"):
        extras += ", bfloat16 forward passes where the device has them"
    epochs = f"{s['epochs']} epoch" + ("" if s["epochs"] == 1 else "s")
    return (f"settings: {model}: optimizer {s['optimizer']}, lr {s['lr']:g}{momentum}, "
            f"batch {s['batch_size']}, schedule {s['schedule']}, {epochs}, augment "
            f"{'on' if s['augment'] else 'off'}{extras}{target}{seed}")

