"""A training run as one self-contained PyTorch script (torch and torchvision, no DigitLab).

:func:`run_script` writes, from a run's checkpoint metadata (its model spec, dataset and
``TrainConfig``), a Python file a learner can read from top to bottom: the run's settings as
constants, the model class (the one :mod:`.code_export` writes), the data loaded with
``torchvision.datasets`` (``download=False``) and split as the run split it, the loop as the
tutorials write it (optimizer, loss, ``for epoch``/``for batch``, evaluate), and ``argparse``
for the data folder, the number of epochs and the device.

On the device the run used and with the same data files, the script takes the run's steps:
``torch.manual_seed(SEED)`` before ``Net()`` gives the run's initial weights, the validation
images are drawn as :func:`cnn_core.training.data.hold_out` draws them, each epoch's batch
order comes from a generator seeded with ``SEED`` (dropout from the global one, seeded with
``SEED + 1``), and batches are normalised (and laid out channels-last) as DigitLab does. Its
test accuracy then equals the run's up to floating-point noise. DigitLab's batched
augmentation is written with torchvision's ``RandomAffine`` (which draws differently and has
no stroke-thickness change: the file says so).

A setting the script cannot reproduce (a dataset torchvision does not load, an optimizer or
schedule it does not know, a setting it has never heard of) raises :class:`ScriptUnsupported`,
which names each one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import __version__
from ..data.augment import AugmentConfig
from ..data.datasets import DATASETS
from ..runtime.atomic_files import write_bytes_atomic
from .code_export import comment_lines, model_definitions
from .run_history import RunSource, read_run
from .script_parts import (
    ema_source,
    loop_source,
    main_source,
    optimizer_source,
    schedule_source,
)

__all__ = ["HANDLED_SETTINGS", "ScriptUnsupported", "export_run_script", "run_script",
           "script_problems"]

HANDLED_SETTINGS = frozenset({
    # written into the script
    "model", "model_spec", "dataset", "epochs", "batch_size", "optimizer", "lr", "momentum",
    "betas", "weight_decay", "schedule", "augment", "normalize", "label_smoothing",
    "ema_decay", "seed",
    "val_size", "split_seed", "target_accuracy", "max_train_samples", "max_test_samples",
    "channels_last", "autocast_bf16",
    # the script's own arguments (--data, --device) or DigitLab's bookkeeping only
    "data_dir", "device", "report_every", "track_gradients", "tensorboard_dir",
})
"""The ``TrainConfig`` fields the script reproduces or that do not change what is learnt."""

_OPTIMIZERS = ("sgd", "adam", "adamw")
_SCHEDULES = ("none", "step", "cosine", "onecycle")


class ScriptUnsupported(ValueError):
    """The run has settings a plain script cannot reproduce; ``reasons`` names each."""

    def __init__(self, label: str, reasons: list[str]) -> None:
        super().__init__(f"{label}: cannot be written as a script: " + "; ".join(reasons))
        self.reasons = reasons


def script_problems(meta: dict[str, Any]) -> list[str]:
    """What in a run's metadata the script cannot reproduce (empty: it can)."""
    config = meta.get("config") or {}
    if not config or "optimizer" not in config:
        return ["it holds no training settings (a model DigitLab did not train from scratch, "
                "e.g. one fine-tuned on your own digits)"]
    problems = []
    dataset = DATASETS.get(str(meta.get("dataset", config.get("dataset", ""))))
    if dataset is None or not dataset.torchvision_class:
        name = dataset.title if dataset is not None else meta.get("dataset")
        problems.append(f"dataset {name!r}: torchvision has no loader for it")
    if config.get("optimizer") not in _OPTIMIZERS:
        problems.append(f"optimizer {config.get('optimizer')!r}: not one of "
                        f"{', '.join(_OPTIMIZERS)}")
    if config.get("schedule", "none") not in _SCHEDULES:
        problems.append(f"schedule {config.get('schedule')!r}: not one of "
                        f"{', '.join(_SCHEDULES)}")
    for key in sorted(set(config) - HANDLED_SETTINGS):
        problems.append(f"setting {key} = {config[key]!r}: the script has no counterpart")
    try:
        model_definitions(meta.get("spec") or {})
    except Exception as exc:  # SpecError, or a layer type with no source
        problems.append(f"the model: {exc}")
    return problems


def _number(value: Any) -> str:
    return "None" if value is None else repr(value)


def _settings(meta: dict[str, Any], seed: int) -> list[str]:
    cfg, norm = meta["config"], meta.get("normalization", {})
    optimizer = cfg["optimizer"]
    lines = ["# The run's settings",
             f"SEED = {seed}  # initial weights and batch order (dropout: SEED + 1)",
             f"EPOCHS = {int(cfg.get('epochs', 1))}",
             f"BATCH_SIZE = {int(cfg.get('batch_size', 128))}",
             f"LR = {float(cfg['lr'])!r}  # learning rate"
             + (" (the peak of the one-cycle schedule)" if cfg.get("schedule") == "onecycle"
                else "")]
    if optimizer == "sgd":
        lines.append(f"MOMENTUM = {float(cfg.get('momentum', 0.0))!r}")
    else:
        lines.append(f"BETAS = {tuple(float(b) for b in cfg.get('betas', (0.9, 0.999)))!r}"
                     "  # Adam's decay rates of its moment estimates")
    decay = float(cfg.get("weight_decay", 0.0))
    if optimizer == "adamw" and not decay:
        lines.append("WEIGHT_DECAY = 0.01  # AdamW's default, as DigitLab uses it")
    else:
        lines.append(f"WEIGHT_DECAY = {decay!r}")
    lines.append(f"LABEL_SMOOTHING = {float(cfg.get('label_smoothing', 0.0))!r}")
    if cfg.get("ema_decay"):
        lines.append(f"EMA_DECAY = {float(cfg['ema_decay'])!r}  # the moving average of the "
                     "weights that is evaluated")
    if cfg.get("target_accuracy") is not None:
        lines.append(f"TARGET_ACCURACY = {float(cfg['target_accuracy'])!r}  # stop once the "
                     "validation accuracy reaches it")
    if int(cfg.get("val_size", 0)) > 0:
        lines += [f"VAL_SIZE = {int(cfg['val_size'])}  # training images held out for "
                  "validation, chosen by SPLIT_SEED",
                  f"SPLIT_SEED = {int(cfg.get('split_seed', 0))}"]
    lines += [f"TRAIN_SAMPLES = {_number(cfg.get('max_train_samples'))}  # train on the first N "
              "of the others (None: all)",
              f"TEST_SAMPLES = {_number(cfg.get('max_test_samples'))}  # test on the first N test "
              "images (None: all)",
              f"MEAN = {float(norm.get('mean', 0.1307))!r}  # input normalisation: "
              + ("(x - MEAN) / STD, x in [0, 1]" if cfg.get("normalize", True)
                 else "off in this run (pixels stay in [0, 1])"),
              f"STD = {float(norm.get('std', 0.3081))!r}",
              f"CHANNELS_LAST = {bool(cfg.get('channels_last', False))}  # DigitLab's memory "
              "layout (faster convolutions on a CPU)"]
    return lines


def _augment_lines() -> list[str]:
    a = AugmentConfig()
    note = (f"DigitLab's augmentation as torchvision writes it: each training image turned "
            f"(±{a.rotation:g}°), sheared (±{a.shear:g}°), zoomed ({a.scale[0]:g}–"
            f"{a.scale[1]:g}×) and shifted (±{a.shift:g} px). torchvision shifts by whole "
            f"pixels, draws from the global random generator in its own order, and has no "
            f"counterpart to DigitLab's random stroke thickness (a blend towards a dilated or "
            f"eroded digit for {a.thickness:.0%} of the images), which is left out: expect "
            f"the accuracy to differ a little from the run's.")
    return [*comment_lines(note),
            f"AUGMENT = transforms.RandomAffine(degrees={a.rotation:g}, translate=("
            f"{a.shift:g} / 28, {a.shift:g} / 28), scale={tuple(a.scale)!r},",
            f"                                  shear={a.shear:g}, "
            "interpolation=transforms.InterpolationMode.BILINEAR)"]


def _fidelity(cfg: dict[str, Any]) -> str:
    """How closely the script repeats the run."""
    if cfg.get("augment"):
        text = ("On the device the run used and with the same data, the script starts from the "
                "run's initial weights and validation split, but its augmentation draws "
                "differently (see AUGMENT), so its accuracy comes close to the run's without "
                "equalling it.")
    else:
        text = ("On the device the run used and with the same data, the script takes the run's "
                "steps (initial weights, validation split, batch order and updates), so its "
                "test accuracy matches the run's up to floating-point differences.")
    if int(cfg.get("val_size", 0)) > 0:
        text += (" DigitLab also fits a temperature on the validation images after training, "
                 "for its confidence figures; the script does not.")
    return text


def _header(meta: dict[str, Any], source: RunSource | None, label: str,
            seed: int | None) -> list[str]:
    cfg = meta["config"]
    name = str(meta.get("spec", {}).get("name", "model"))
    info = DATASETS[str(meta.get("dataset", "mnist"))]
    epochs = int(cfg.get("epochs", 1))
    what = (f"{cfg['optimizer']} at lr {float(cfg['lr']):g} ({cfg.get('schedule', 'none')} "
            f"schedule), batch {cfg.get('batch_size')}, {epochs} epoch{'s' * (epochs != 1)}, "
            f"{'with' if cfg.get('augment') else 'no'} augmentation")
    accuracy = (meta.get("metrics") or {}).get("test_accuracy")
    if accuracy is not None:
        what += f"; it ended at {100 * float(accuracy):.2f} % test accuracy"
    record = source.record if source is not None else None
    if record is not None and record.status in ("stopped", "diverged", "interrupted"):
        what += (f" ({record.status} in epoch {record.ended_epoch}; the script trains every "
                 "epoch)")
    lines = [f"# {name} on {info.title}: a DigitLab training run as one plain PyTorch script",
             "# (torch and torchvision only).",
             *comment_lines(f"Generated by DigitLab {__version__} from {label}. The run: "
                             f"{what}."),
             "#", *comment_lines(f"Usage ({info.title} in data/{info.torchvision_class}/raw, "
                                 "as torchvision keeps it):"),
             "#     python train.py --data data",
             "#     python train.py --data data --epochs 3 --device cuda", "#",
             *comment_lines(_fidelity(cfg))]
    if seed is None:
        lines += comment_lines("The run did not record its seed: SEED = 0 draws other initial "
                                "weights and batches than the run's.")
    return lines


def run_script(meta: dict[str, Any], *, label: str = "a DigitLab run",
               source: RunSource | None = None) -> str:
    """The training script of the run whose checkpoint metadata is ``meta``.

    Parameters
    ----------
    meta
        A run's checkpoint metadata (``spec``, ``dataset``, ``normalization``, ``config``,
        ``seed``, ``metrics``).
    label
        Where it comes from (a file or run name), for the file's header.
    source
        The run, when known (its end is named in the header: a stopped run, ...).

    Raises
    ------
    ScriptUnsupported
        If :func:`script_problems` finds anything; the message lists it all.
    """
    problems = script_problems(meta)
    if problems:
        raise ScriptUnsupported(label, problems)
    cfg = meta["config"]
    seed = meta.get("seed", cfg.get("seed"))
    model = model_definitions(meta["spec"])
    info = DATASETS[str(meta.get("dataset", "mnist"))]
    augment = bool(cfg.get("augment"))
    lines = [*_header(meta, source, label, seed), "",
             "import argparse", *(["import copy"] if cfg.get("ema_decay") else []),
             "from collections import OrderedDict", "", "import torch",
             "import torch.nn.functional as F", "from torch import nn",
             f"from torchvision import datasets{', transforms' if augment else ''}", "",
             *_settings(meta, 0 if seed is None else int(seed))]
    if augment:
        lines += ["", *_augment_lines()]
    text = "\n".join(lines) + "\n" + model.helpers + "\n\n" + model.net
    text += "\n\n" + loop_source(info.torchvision_class, info.name == "emnist_digits",
                                 augment=augment, validation=int(cfg.get("val_size", 0)) > 0,
                                 optimizer=optimizer_source(cfg["optimizer"]),
                                 schedule=schedule_source(cfg.get("schedule", "none")),
                                 ema=ema_source() if cfg.get("ema_decay") else None,
                                 target=cfg.get("target_accuracy") is not None,
                                 bf16=bool(cfg.get("autocast_bf16")))
    return text + "\n\n" + main_source(model.name, info.title)


def export_run_script(path: str | Path | RunSource, out_path: str | Path) -> Path:
    """Write the training script of the run at ``path`` (a run folder, its ``run.json`` or a
    checkpoint; or a :class:`RunSource`) to ``out_path`` (atomically).

    Raises
    ------
    CheckpointError
        If ``path`` cannot be read.
    ScriptUnsupported
        If the run cannot be written as a script (nothing is written then).
    """
    source = path if isinstance(path, RunSource) else read_run(path)
    text = run_script(source.meta, label=source.label, source=source)
    out_path = Path(out_path)
    if out_path.is_dir():
        raise IsADirectoryError(f"{out_path}: is a folder; give the .py file to write")
    return write_bytes_atomic(out_path, text.encode("utf-8"))
