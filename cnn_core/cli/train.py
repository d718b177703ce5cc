"""``digitlab train``: train a model, report progress on stderr, save a checkpoint.

The options and the settings they decide are in :mod:`.train_options`.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import datetime as _dt
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STOPPED,
    CliError,
    OutputFile,
    UsageError,
    check_output_file,
    download,
    fmt_time,
    plural,
    print_json,
    require_tensorboard_option,
)
from .progress import ProgressBar
from .train_options import (
    DESCRIPTION,
    EPILOG,
    add_arguments,
    model_name,
    settings,
    settings_line,
    train_config,
)

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "run", "train_config"]


class _CtrlC:
    """SIGINT while training: the first stops the run at the next batch (to save it); a second
    one raises :class:`KeyboardInterrupt` (quit without saving) until the save is done, after
    which Ctrl+C is only noted: the few lines of the report come next."""

    def __init__(self, control: Any) -> None:
        self.control = control
        self.saved = False
        self._previous: Any = None

    def __enter__(self) -> _CtrlC:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        # Nothing is printed here: a write to stderr may be the very thing interrupted.
        if self.saved:
            return
        if self.control.stopped:
            raise KeyboardInterrupt  # the second Ctrl+C: quit now, write nothing
        self.control.stop()


def _default_out(config: Any) -> Path:
    return Path("runs") / f"{model_name(config)}-{_dt.datetime.now():%Y%m%d-%H%M%S}.safetensors"


def _save(out: OutputFile, checkpoint: Any, ctrl_c: _CtrlC) -> None:
    """Save atomically; a Ctrl+C that lands once the file is in place does not undo it."""
    from ..checkpoints import save_checkpoint

    try:
        save_checkpoint(out.path, checkpoint)
    except KeyboardInterrupt:
        if not out.written:
            raise  # nothing written: exit 130, an older file at --out intact
    ctrl_c.saved = True


def run(args: argparse.Namespace) -> int:
    """Train as the options say; exit 0, 1 (diverged) or 3 (stopped by Ctrl+C, saved)."""
    from ..runtime.allocator import keep_freed_memory
    from ..runtime.devices import resolve_device
    from ..training import TrainControl, Trainer
    from ..training.recipes import RECIPE_MEMBERS

    config = train_config(args)
    if args.tensorboard:  # the trainer logs (rank 0 only); checked before any work starts
        config = dataclasses.replace(config, tensorboard_dir=str(args.tensorboard))
        require_tensorboard_option()
    out = OutputFile(check_output_file(args.out) if args.out else _default_out(config))
    args.outputs.append(out)
    device = str(resolve_device(config.device))
    keep_freed_memory()  # process-wide, so set here: else each step page-faults (~30 % CPU)
    if RECIPE_MEMBERS.get(args.recipe or "", 1) > 1 and (
            args.distributed or "WORLD_SIZE" in os.environ):
        raise UsageError(f"the {args.recipe} recipe trains its members one after another in one "
                       f"process: run it without torchrun or --distributed")
    ctx = _join_process_group(args, config)  # under torchrun: this process is one rank
    if ctx is not None and not ctx.is_main:  # only rank 0 speaks and writes
        args.json = False
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    bar = ProgressBar()
    chosen = settings(config, args, device)
    bar.line(settings_line(chosen))  # before the data loads: the first seconds say something
    if args.download:
        download(config.dataset, config.data_dir)
    control = TrainControl()
    members = RECIPE_MEMBERS.get(args.recipe or "", 1)
    # Installed until the report is written: a single Ctrl+C during the save must not lose
    # the run. The save is atomic, so a second one leaves any older file intact.
    with _CtrlC(control) as ctrl_c:
        if members > 1:
            return _run_members(config, members, args, control, ctrl_c, bar, out, chosen)
        trainer = Trainer(config, control, distributed=ctx)
        events = trainer.run()
        try:
            final = _follow(events, trainer, control, config, bar)
            agree = None
            if ctx is not None:
                from ..training import distributed

                agree = distributed.ranks_agree(trainer.model)
            if ctx is None or ctx.is_main:
                _save(out, final.checkpoint, ctrl_c)
        finally:
            events.close()  # TensorBoard's event files too
        if ctx is not None:
            distributed.leave()  # every rank waits for rank 0's save, then all leave together
            if not ctx.is_main:
                return EXIT_OK
        for line in _outcome_lines(final, out.path):
            bar.line(line)
        if args.json:
            summary = _summary(final, chosen, trainer, out.path, args.recipe)
            summary["ranks"] = 1 if ctx is None else ctx.world_size
            summary["ranks_agree"] = agree
            print_json(summary)
    return _exit_code(final)


def _follow(events: Any, trainer: Any, control: Any, config: Any, bar: ProgressBar) -> Any:
    """Report a run's events as they come; returns its last one (Finished, Stopped or
    Diverged)."""
    from ..training import BatchDone, EpochDone, RunStarted

    started: Any = None
    final: Any = None
    announced = False
    for ev in events:
        if control.stopped and not announced:
            announced = True
            bar.line("Ctrl+C: stopping to save the checkpoint of the weights so far "
                     "(Ctrl+C again to quit without saving)")
        if isinstance(ev, RunStarted):
            started = ev
            bar.line(_started_line(ev))
        elif isinstance(ev, BatchDone):
            bar.batch(ev, started.epochs, started.steps_per_epoch)
        elif isinstance(ev, EpochDone):
            bar.line(_epoch_line(ev))
            for advice in _advice(ev, config, trainer.model.spec):
                bar.line(advice)
        else:
            final = ev
    return final


def _run_members(config: Any, members: int, args: argparse.Namespace, control: Any,
                 ctrl_c: _CtrlC, bar: ProgressBar, out: OutputFile,
                 chosen: dict[str, Any]) -> int:
    """A recipe of several members: train each, then save them side by side as one model.

    Stopped (Ctrl+C) or diverged, the members finished so far are saved (the unfinished one
    alone when none has finished).
    """
    from ..training import Diverged, Finished, Trainer
    from ..training.ensemble import assemble, member_configs

    runs: list[tuple[Any, Any]] = []  # each finished member's Finished and its trainer
    final: Any = None
    trainer: Any = None
    for i, member in enumerate(member_configs(config, members), 1):
        bar.line(f"member {i} of {members} (seed {member.seed})")
        trainer = Trainer(member, control)
        events = trainer.run()
        try:
            final = _follow(events, trainer, control, member, bar)
        finally:
            events.close()
        if not isinstance(final, Finished):
            break
        bar.line(f"member {i}: test accuracy {final.test_accuracy:.2%}")
        runs.append((final, trainer))
    if not runs:
        _save(out, final.checkpoint, ctrl_c)
        for line in _outcome_lines(final, out.path):
            bar.line(line)
        return _exit_code(final)
    if len(runs) < members:
        bar.line(f"{'diverged' if isinstance(final, Diverged) else 'stopped by Ctrl+C'} in "
                 f"member {len(runs) + 1}: saving the {plural(len(runs), 'member')} "
                 f"finished")
    bar.line(f"putting {plural(len(runs), 'member')} side by side; fitting the temperature "
             f"on the validation images")
    checkpoint = assemble([f.checkpoint for f, _ in runs], config, trainer.validation_split,
                          trainer.test_split)
    _save(out, checkpoint, ctrl_c)
    member_accuracies = [m["metrics"]["test_accuracy"] for m in checkpoint.meta["members"]]
    headline = (f"{plural(len(runs), 'member')} side by side: test accuracy "
                f"{checkpoint.test_accuracy:.2%} (members: "
                + ", ".join(f"{a:.2%}" for a in member_accuracies) + ")")
    for line in [headline, *_saved_lines(checkpoint, out.path, ece_on="test")]:
        bar.line(line)
    if args.json:
        finals = [f for f, _ in runs]
        seconds = sum(f.elapsed for f in finals)
        summary = _summary_fields(
            chosen, out.path, args.recipe, model=checkpoint.model.spec["name"],
            epochs=len(finals[-1].history), stopped_at=None,
            test_accuracy=checkpoint.test_accuracy,
            val_accuracy=checkpoint.meta["metrics"].get("val_accuracy"),
            train_seconds=seconds,
            training_steps_seconds=sum(t.training_seconds for _, t in runs),
            samples_per_second=sum(f.samples_per_second * f.elapsed for f in finals)
            / max(seconds, 1e-9),
            reached_target=all(f.reason == "target_reached" for f in finals),
            status=_status(final), checkpoint=checkpoint, ece_on="test")
        summary.update(members=len(runs),
                       member_seeds=[m["seed"] for m in checkpoint.meta["members"]],
                       member_test_accuracy=[_rounded(a, 6) for a in member_accuracies])
        print_json(summary)
    return _exit_code(final)


def _join_process_group(args: argparse.Namespace, config: Any) -> Any:
    """Under torchrun with more than one process (or with --distributed), join the process
    group and return this rank's context; None for an ordinary run."""
    from ..training import distributed

    many = distributed.launched_by_torchrun() and int(os.environ["WORLD_SIZE"]) > 1
    if not (args.distributed or many):
        return None
    try:
        ctx = distributed.start(config.device)
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    atexit.register(distributed.stop)
    return ctx


def _started_line(ev: Any) -> str:
    held = f" ({ev.val_size:,} more held out for validation)" if ev.val_size else ""
    return (f"training {ev.model} ({ev.params:,} parameters) on {ev.dataset}: "
            f"{plural(ev.train_size, 'image')}{held}, {plural(ev.epochs, 'epoch')} of "
            f"{plural(ev.steps_per_epoch, 'batch')}, device {ev.device}")


def _epoch_line(ev: Any) -> str:
    val = "" if ev.val_accuracy is None else f"val {ev.val_accuracy:.2%}  "
    return (f"epoch {ev.epoch}/{ev.epochs}  loss {ev.train_loss:.4f}  "
            f"train {ev.train_accuracy:.2%}  {val}test {ev.test_accuracy:.2%}  "
            f"{ev.samples_per_second:,.0f} img/s  elapsed {fmt_time(ev.elapsed)}  "
            f"ETA {fmt_time(ev.eta)}")


def _advice(ev: Any, config: Any, spec: dict[str, Any]) -> list[str]:
    """What an epoch's numbers say went wrong (the plateau, dead ReLUs), one line each."""
    from ..training.diagnosis import dead_unit_advice, plateau_advice

    lines = [plateau_advice(ev, config, spec), dead_unit_advice(ev, config.lr)]
    return [f"note: {line}" for line in lines if line]


def _status(final: Any) -> str:
    return type(final).__name__.lower()


def _exit_code(final: Any) -> int:
    """The exit status for how the (last) run ended: 0 finished, 1 diverged, 3 stopped."""
    return {"diverged": EXIT_ERROR, "stopped": EXIT_STOPPED}.get(_status(final), EXIT_OK)


# Which split the ECE reported after a run was measured on: a single run reports its
# validation split's (where the temperature was fitted); a recipe of members the test set's,
# as the bundled model's card does.
_ECE_ON = {"validation": ("ece", "ECE"), "test": ("test_ece", "test-set ECE")}


def _saved_lines(checkpoint: Any, out: Path, ece_on: str = "validation") -> list[str]:
    """The calibration (when there is one) and where the checkpoint was saved, for stderr."""
    key, name = _ECE_ON[ece_on]
    calibration = checkpoint.meta.get("calibration") or {}
    lines = []
    if calibration.get(f"{key}_before") is not None:
        lines.append(f"temperature {calibration['temperature']:.3f} (fitted on "
                     f"{calibration['n']:,} validation images): {name} "
                     f"{calibration[f'{key}_before']:.2%} → {calibration[f'{key}_after']:.2%}")
    lines.append(f"saved {out}")
    return lines


def _outcome_lines(final: Any, out: Path) -> list[str]:
    """What happened and what was saved, for stderr."""
    from ..training import Diverged, Finished, Stopped

    lines = []
    if isinstance(final, Diverged):
        lines.append(f"diverged: {final.message}")
    elif isinstance(final, Stopped):
        where = (f"in epoch {final.epoch}, after batch {final.batch} of {final.steps_per_epoch}"
                 if final.batch else f"at the start of epoch {final.epoch}")
        lines.append(f"stopped by Ctrl+C {where}; the saved weights score "
                     f"{final.test_accuracy:.2%} on the test set")
    elif isinstance(final, Finished) and final.reason == "target_reached":
        last = final.history[-1]
        lines.append(f"target reached: validation accuracy {last.val_accuracy:.2%} after "
                     f"{plural(final.epochs_done, 'epoch')}; test accuracy "
                     f"{last.test_accuracy:.2%}")
    elif isinstance(final, Finished):
        lines.append(f"finished {plural(final.epochs_done, 'epoch')}: test accuracy "
                     f"{final.test_accuracy:.2%}")
    return lines + _saved_lines(final.checkpoint, out)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _summary(final: Any, chosen: dict[str, Any], trainer: Any, out: Path,
             recipe: str | None) -> dict[str, Any]:
    """The JSON summary of one run: settings, what the saved weights score, and where they
    are."""
    from ..training import Finished, Stopped

    history = final.history
    last = history[-1] if history else None
    stopped = isinstance(final, Stopped)
    return _summary_fields(
        chosen, out, recipe, model=chosen["model"], epochs=len(history),
        stopped_at={"epoch": final.epoch, "batch": final.batch,
                    "batches_per_epoch": final.steps_per_epoch} if stopped else None,
        test_accuracy=final.test_accuracy if stopped else (last.test_accuracy if last else None),
        val_accuracy=None if stopped or last is None else last.val_accuracy,
        train_seconds=getattr(final, "elapsed", last.elapsed if last else 0.0),
        training_steps_seconds=trainer.training_seconds,
        samples_per_second=getattr(final, "samples_per_second",
                                   last.samples_per_second if last else 0.0),
        reached_target=isinstance(final, Finished) and final.reason == "target_reached",
        status=_status(final), checkpoint=final.checkpoint)


def _summary_fields(chosen: dict[str, Any], out: Path, recipe: str | None, *, model: str,
                    epochs: int, stopped_at: dict[str, int] | None,
                    test_accuracy: float | None, val_accuracy: float | None,
                    train_seconds: float, training_steps_seconds: float,
                    samples_per_second: float, reached_target: bool, status: str,
                    checkpoint: Any, ece_on: str = "validation") -> dict[str, Any]:
    """The JSON summary's fields in their order and rounding, for a run and for a recipe's
    members side by side (which add theirs after these)."""
    key, _ = _ECE_ON[ece_on]
    calibration = checkpoint.meta.get("calibration") or {}
    return {
        "model": model, "dataset": chosen["dataset"], "epochs": epochs,
        "stopped_at": stopped_at,
        "test_accuracy": _rounded(test_accuracy, 6),
        "val_accuracy": _rounded(val_accuracy, 6),
        "val_size": chosen["val_size"], "train_seconds": round(train_seconds, 3),
        "training_steps_seconds": round(training_steps_seconds, 3),
        "recipe": recipe, "settings": chosen,
        "samples_per_second": round(samples_per_second, 1), "checkpoint": str(out),
        "reached_target": reached_target, "status": status,
        "temperature": _rounded(calibration.get("temperature"), 4),
        "ece_before": _rounded(calibration.get(f"{key}_before"), 4),
        "ece_after": _rounded(calibration.get(f"{key}_after"), 4),
    }
