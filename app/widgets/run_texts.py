"""What the Train tab says of a run, in the window's language: the progress bar's line while
it runs (progress, speed, ETA) and once it has ended, and the banner's line at its end."""

from __future__ import annotations

import math

from cnn_core.checkpoints.runs import RunRecord
from cnn_core.training import BatchDone, Diverged, Finished, RunStarted, Stopped

from ..language import TextContext, say

__all__ = ["format_duration", "idle_text", "result_message", "running_text"]

RunTexts = TextContext("RunTexts")  # RunTexts.tr: a text in the window's language


def format_duration(seconds: float) -> str:
    """``75`` → ``"1:15"``, ``3725`` → ``"1:02:05"``."""
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def result_message(event: Finished | Stopped | Diverged) -> tuple[str, str]:
    """The banner's level and line for a run that ended with ``event``."""
    if isinstance(event, Diverged):
        return "warning", RunTexts.tr(
            "Training diverged: {0}. The run is on the model shelf; the canvas keeps its "
            "model.").format(say(event.message))
    if isinstance(event, Stopped):
        return "info", RunTexts.tr(
            "Training stopped in epoch {0}. The run is on the model shelf; the canvas keeps "
            "its model until you pick the run there.").format(event.epoch)
    return "info", RunTexts.tr(
        "Training finished: {0:.2%} test accuracy after {1} epochs ({2}). The canvas now "
        "uses the new model.").format(event.test_accuracy, event.epochs_done,
                                      format_duration(event.elapsed))


def running_text(started: RunStarted, batch: BatchDone | None, reports: int) -> str:
    """``"Epoch 1/2: 54% · run 27% · 1,234 samples/s · ETA 0:42"``; "starting…" until the
    second of the run's ``reports``: the first one's speed and ETA include the start-up
    (loading the data, the first batches), which made them wildly wrong for seconds."""
    if batch is None or reports < 2:
        epoch = batch.epoch if batch is not None else 1
        return RunTexts.tr("Epoch {0}/{1} · starting…").format(epoch, started.epochs)
    per_epoch = max(1, started.steps_per_epoch)
    in_epoch = (batch.step - (batch.epoch - 1) * per_epoch) / per_epoch
    text = RunTexts.tr("Epoch {0}/{1}: {2:.0%} · run {3:.0%} · {4:,.0f} samples/s · ETA {5}")
    return text.format(
        batch.epoch, started.epochs, min(1.0, in_epoch),
        batch.step / max(1, batch.total_steps), batch.samples_per_second,
        format_duration(batch.eta))


def idle_text(record: RunRecord | None, failure: str | None,
              result: Finished | Stopped | Diverged | None) -> str:
    """The bar's line when nothing runs: the shown run's result (``record``, once ended),
    else how the last run ended (``result``) or why it could not run (``failure``)."""
    if record is not None and record.status != "running" and failure is None:
        return record_text(record)
    if isinstance(result, Finished):
        return RunTexts.tr("Done: {0:.2%} test accuracy in {1}").format(
            result.test_accuracy, format_duration(result.elapsed))
    if isinstance(result, Stopped):
        return RunTexts.tr("Stopped in epoch {0}").format(result.epoch)
    if isinstance(result, Diverged):
        return RunTexts.tr("Diverged in epoch {0}; last good weights restored").format(
            result.epoch)
    if failure is not None:
        return RunTexts.tr("Failed: {0}").format(failure)
    return RunTexts.tr("Ready")


def record_text(record: RunRecord) -> str:
    """What the bar says of an ended run: its result, then which run it is."""
    name = RunTexts.tr("run #{0} {1}").format(record.number, record.model_name)
    if record.status == "finished" and record.test_accuracy is not None:
        history = record.meta.get("history") or [{}]
        elapsed = float(history[-1].get("elapsed", math.nan))
        return RunTexts.tr("Done: {0:.2%} test accuracy in {1} ({2})").format(
            record.test_accuracy, format_duration(elapsed), name)
    if record.status == "diverged":
        return RunTexts.tr("Diverged in epoch {0}; last good weights restored ({1})").format(
            record.ended_epoch, name)
    if record.status == "interrupted":
        return RunTexts.tr("Interrupted after epoch {0} ({1})").format(record.ended_epoch, name)
    return RunTexts.tr("Stopped in epoch {0} ({1})").format(record.ended_epoch, name)
