"""``digitlab`` says what it will do, checks before it works, and reports what it saved:
outputs checked before training, settings printed, divergence called so, Ctrl+C reported
truthfully (with real signals), and a predict batch that survives a bad file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_cli import run, run_captured, save_png, tiny_spec_file
from test_nothing_lost import Child

from cnn_core import cli
from cnn_core.checkpoints import load_checkpoint
from drawn_digits import render

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

TINY = ["--model", "lenet", "--epochs", "1", "--max-train-samples", "300", "--val-size", "0",
        "--seed", "0"]


@pytest.fixture(scope="module")
def pt_named(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A tiny run saved under a ``.pt`` name (the file is safetensors all the same)."""
    out = tmp_path_factory.mktemp("pt") / "tiny.pt"
    code, stdout, stderr = run_captured(["train", *TINY, "--json", "--out", str(out)])
    assert code == 0, stderr
    return {"out": out, "summary": json.loads(stdout), "stderr": stderr}


# ----------------------------------------------------------------------------- item: --out


def test_a_checkpoint_named_pt_loads_by_its_contents(capsys: pytest.CaptureFixture[str],
                                                     pt_named: dict[str, Any],
                                                     tmp_path: Path) -> None:
    out = pt_named["out"]
    assert out.read_bytes()[8:9] == b"{"  # a safetensors header, whatever the name says
    image = save_png(tmp_path / "seven.png", render(7))
    code, stdout, err = run(capsys, "predict", str(image), "--checkpoint", str(out), "--json")
    assert code == 0, err
    code, stdout, err = run(capsys, "evaluate", "--checkpoint", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout)["accuracy"] == pytest.approx(pt_named["summary"]["test_accuracy"])


def _no_work_started(err: str) -> None:
    assert "training" not in err and "settings:" not in err and "epoch" not in err


@pytest.mark.parametrize("command", ["train", "fine-tune", "export", "train-detector"])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    extra = {"train": TINY, "fine-tune": ["--data-dir", str(tmp_path)], "export": [],
             "train-detector": ["--epochs", "1"]}[command]
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder")
    folder = tmp_path / "existing"
    folder.mkdir()
    for out, needle in ((str(folder), "is a folder"),
                        (str(tmp_path / "missing_dir") + "/", "is a folder"),
                        (str(a_file / "model.safetensors"), "is a file, not a folder"),
                        ("/proc/model.safetensors", "cannot write into /proc")):
        code, stdout, err = run(capsys, command, *extra, "--out", out)
        assert code == 1 and stdout == "", err
        (line,) = err.strip().splitlines()
        assert line.startswith(f"digitlab {command}: error: --out {out}: ") and needle in line
        _no_work_started(err)
    assert not (tmp_path / "missing_dir").exists()
    assert list(folder.iterdir()) == []


# ----------------------------------------------------------------------------- item: settings


def test_the_settings_are_said_before_training_and_in_the_json(
        pt_named: dict[str, Any]) -> None:
    first = pt_named["stderr"].splitlines()[0]
    assert first.startswith("settings: lenet with its recipe: optimizer adam, lr 0.002, "
                            "batch 128, schedule onecycle, 1 epoch, augment off")
    assert "seed 0" in first
    settings = pt_named["summary"]["settings"]
    assert settings["optimizer"] == "adam" and settings["lr"] == 0.002
    assert settings["batch_size"] == 128 and settings["schedule"] == "onecycle"
    assert settings["epochs"] == 1 and settings["model"] == "lenet"
    assert "1 epochs" not in pt_named["stderr"]


def test_a_spec_trained_with_a_models_recipe_says_so(tmp_path: Path) -> None:
    spec_file = tiny_spec_file(tmp_path / "mynet.json", "mynet")
    code, stdout, stderr = run_captured(
        ["train", "--model", "lenet5", "--model-spec", str(spec_file), "--epochs", "1",
         "--max-train-samples", "200", "--val-size", "0", "--json",
         "--out", str(tmp_path / "m.safetensors")])
    assert code == 0, stderr
    assert (f"settings: mynet from {spec_file} with lenet5's recipe: optimizer sgd, lr 0.5"
            in stderr)
    settings = json.loads(stdout)["settings"]
    assert settings["model"] == "mynet" and settings["recipe_of"] == "lenet5"
    assert settings["model_spec"] == str(spec_file)


def test_a_loss_grown_by_orders_of_magnitude_is_divergence(tmp_path: Path) -> None:
    out = tmp_path / "wild.safetensors"
    code, stdout, stderr = run_captured(
        ["train", "--model", "lenet5", "--lr", "1e6", "--epochs", "1", "--max-train-samples",
         "2000", "--val-size", "0", "--seed", "0", "--json", "--out", str(out)])
    assert code == 1, stderr
    assert json.loads(stdout)["status"] == "diverged"
    assert "diverged: the loss" in stderr and "try a lower learning rate" in stderr


# ----------------------------------------------------------------------------- item: predict


def test_predict_gives_each_file_its_answer_or_its_error(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    save_png(folder / "a_three.png", render(3))
    (folder / "b_broken.png").write_text("this is not an image\n")
    save_png(folder / "c_seven.png", np.stack([render(7)] * 3, axis=2))
    (folder / "notes.txt").write_text("not an image file: left out of the folder's list")

    code, out, err = run(capsys, "predict", str(folder), "--json")
    assert code == 1
    results = json.loads(out)
    assert [Path(r["file"]).name for r in results] == ["a_three.png", "b_broken.png",
                                                       "c_seven.png"]
    assert results[0]["label"] == 3 and results[2]["label"] == 7
    assert "not an image" in results[1]["error"] and "label" not in results[1]
    assert err.strip().splitlines() == [f"digitlab predict: error: {results[1]['error']}"]

    code, out, err = run(capsys, "predict", str(folder / "a_three.png"),
                         str(tmp_path / "missing.png"), str(folder / "c_seven.png"))
    assert code == 1
    assert [line.split(": ")[1][0] for line in out.splitlines()] == ["3", "7"]
    assert "missing.png: file not found" in err


# ----------------------------------------------------------------------------- item: Ctrl+C

ROOT = Path(__file__).resolve().parents[2]

# `digitlab train` whose save pauses once the checkpoint is renamed into place: a second
# Ctrl+C then lands after the file was written, every time. The pause sleeps in short slices:
# the kernel may hand SIGINT to any of the process's threads (torch's workers too), and then
# Python runs its handler only when the main thread next runs Python code, not within one
# long C-level sleep. SIGUSR1 prints every thread's stack (the test asks for it if stuck).
_PAUSE_AFTER_RENAME = """
import faulthandler, os, signal, sys, time
faulthandler.register(signal.SIGUSR1, all_threads=True)
real_replace = os.replace
def replace(src, dst):
    real_replace(src, dst)
    if str(dst).endswith("run.safetensors"):
        print("test: checkpoint in place", file=sys.stderr, flush=True)
        for _ in range(600):
            time.sleep(0.1)
os.replace = replace
from cnn_core.cli import main
sys.exit(main(sys.argv[1:]))
"""

LONG = ["train", "--model", "lenet", "--epochs", "40", "--max-train-samples", "3000",
        "--val-size", "0", "--schedule", "none", "--seed", "0", "--device", "cpu", "--json"]


def _child(tmp_path: Path, out: Path, script: str | None = None) -> Child:
    args = ["-c", script, *LONG] if script else ["-m", "cnn_core.cli", *LONG]
    return Child([*args, "--out", str(out)], tmp_path)


def test_ctrl_c_within_an_epoch_reports_what_the_saved_weights_score(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run.safetensors"
    child = _child(tmp_path, out)
    try:
        child.wait_for("epoch 1/40  loss")
        time.sleep(1.0)  # into epoch 2 (or a later one, on a fast machine)
        child.proc.send_signal(signal.SIGINT)
        code = child.finish()
    finally:
        child.kill()
    assert code == cli.EXIT_STOPPED, child.seen
    summary = json.loads(child.other)
    stopped = summary["stopped_at"]
    assert stopped["epoch"] >= 2 and summary["epochs"] == stopped["epoch"] - 1
    assert 0 <= stopped["batch"] <= stopped["batches_per_epoch"] == 3000 // 128
    line = next(s for s in child.seen if s.startswith("stopped by Ctrl+C"))
    if stopped["batch"]:  # batches counted within the epoch, not from the start
        assert (f"in epoch {stopped['epoch']}, after batch {stopped['batch']} of "
                f"{stopped['batches_per_epoch']}" in line)
    code, stdout, _ = run(capsys, "evaluate", "--checkpoint", str(out), "--json")
    assert code == 0
    measured = json.loads(stdout)["accuracy"]
    assert summary["test_accuracy"] == pytest.approx(measured, abs=1e-9)
    assert f"{measured:.2%} on the test set" in line
    assert load_checkpoint(out).test_accuracy == pytest.approx(measured, abs=1e-9)


def test_a_second_ctrl_c_after_the_checkpoint_is_written_reports_it(tmp_path: Path) -> None:
    out = tmp_path / "run.safetensors"
    child = _child(tmp_path, out, _PAUSE_AFTER_RENAME)
    try:
        child.wait_for("epoch 1/40  loss")
        child.proc.send_signal(signal.SIGINT)
        child.wait_for("checkpoint in place")
        child.proc.send_signal(signal.SIGINT)
        code = child.finish(stacks_signal=signal.SIGUSR1)
    finally:
        child.kill()
    assert code == cli.EXIT_STOPPED, child.seen  # written, so not 130
    assert f"saved {out}" in child.seen
    summary = json.loads(child.other)
    assert summary["status"] == "stopped" and summary["checkpoint"] == str(out)
    load_checkpoint(out)


def test_train_help_says_130_only_when_nothing_was_written() -> None:
    done = subprocess.run([sys.executable, "-m", "cnn_core.cli", "train", "--help"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "COLUMNS": "200"})
    text = " ".join(done.stdout.split())
    assert "130 interrupted by Ctrl+C before anything was written" in text
    assert "If the checkpoint was already written when the second Ctrl+C came, it says so " \
           "and exits with 3" in text
