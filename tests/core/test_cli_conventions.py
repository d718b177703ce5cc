"""``digitlab``'s conventions, the same for every command: exit codes, help, streams, numbers,
files, data folders, and the cost of ``--help``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_cli import run, write_idx

from cnn_core import cli
from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint, save_checkpoint
from cnn_core.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def exit_code(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``digitlab ARGV``'s exit code, whether main returns it or argparse exits with it."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(("argv", "needle"), [
    (["train", "--epochs", "0"], "epochs must be at least 1"),
    (["train", "--lr", "-0.1"], "learning rate"),
    (["train", "--batch-size", "0"], "batch size"),
    (["train", "--lr", "nan"], "learning rate"),
    (["train", "--max-train-samples", "0"], "max train samples"),
    (["train", "--target-accuracy", "1.5"], "target accuracy"),
    (["evaluate", "--max-samples", "0"], "--max-samples"),
    (["evaluate", "--dataset", "bogus"], "invalid choice: 'bogus'"),
    (["evaluate", "--device", "abacus"], "invalid choice: 'abacus'"),
])
def test_an_invalid_option_value_is_a_usage_error_exit_2(
        capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    code, out, err = exit_code(capsys, *argv)
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"usage: digitlab {argv[0]}")
    assert lines[-1].startswith(f"digitlab {argv[0]}: error:") and needle in lines[-1]


def test_debug_works_after_the_command_too(tmp_path: Path) -> None:
    from cnn_core.data.preprocess import ImageError

    missing = str(tmp_path / "missing.png")
    for argv in (["--debug", "predict", missing], ["predict", missing, "--debug"]):
        with pytest.raises(ImageError, match="file not found"):
            cli.main(argv)


# ----------------------------------------------------------------------------- help


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)


@pytest.mark.parametrize("name", [cmd.name for cmd in COMMANDS])
def test_every_command_has_an_example_exit_codes_and_a_description_per_option(
        name: str) -> None:
    sub = _subparsers()[name]
    text = sub.format_help()
    assert "Examples:" in text and f"  digitlab {name}" in text
    assert "Exit status:" in text and "130" in text and "  2  a usage error" in text
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_help_lists_choices_and_defaults() -> None:
    subs = _subparsers()
    evaluate = " ".join(subs["evaluate"].format_help().split())
    assert "--dataset {mnist," in evaluate and "--device {auto,cpu,cuda,mps}" in evaluate
    assert "(default: cpu)" in evaluate
    train = " ".join(subs["train"].format_help().split())
    assert "(default: auto)" in train  # --device
    assert "default: the model's recipe, listed by digitlab models" in train
    fine_tune = " ".join(subs["fine-tune"].format_help().split())
    assert "gradient steps (default: " in fine_tune


def test_models_lists_each_models_training_recipe(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["lenet5"]["recipe"] == {"optimizer": "sgd", "lr": 0.5, "batch_size": 100,
                                        "epochs": 16, "schedule": "none", "augment": False,
                                        "momentum": 0.0}
    code, out, _ = run(capsys, "models")
    lenet5 = next(line for line in out.splitlines() if line.startswith("lenet5 "))
    assert "sgd 0.5 m=0, batch 100, 16 ep, none" in lenet5


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_do_not_import_torch(argv: list[str]) -> None:
    script = ("import sys\nfrom cnn_core.cli import main\ntry:\n    main(sys.argv[1:])\n"
              "except SystemExit:\n    pass\nprint('torch' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.stdout.startswith("digitlab") or done.stdout.startswith("usage: digitlab")
    assert done.stderr.strip() == "False"


# ----------------------------------------------------------------------------- streams, numbers


def test_wrote_and_saved_notes_go_to_stderr_like_progress(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "export", "--out", str(tmp_path / "net.py"))
    assert code == 0 and out == ""
    assert err.startswith(f"wrote {tmp_path / 'net.py'}")


def test_evaluate_json_numbers_are_rounded(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    ck = load_checkpoint(bundled_checkpoint_path())
    ck.meta["calibration"] = {**ck.meta.get("calibration", {}), "temperature": 1.305821178887322}
    path = save_checkpoint(tmp_path / "t.safetensors", ck)
    code, out, err = run(capsys, "evaluate", "--checkpoint", str(path), "--max-samples", "300",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["temperature"] == 1.3058


def test_progress_in_a_log_starts_within_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnn_core.cli import progress
    from cnn_core.training import BatchDone

    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    log = io.StringIO()  # not a terminal
    bar = progress.ProgressBar(log)
    lines = []
    for t, step in ((0.5, 10), (2.5, 20), (5.0, 30), (18.0, 60)):
        now[0] = 100.0 + t
        bar.batch(BatchDone(1, step, 200, 0.5, 0.9, 0.1, 3000.0, t, 10.0), 2, 100)
        lines.append(log.getvalue().count("\n"))
    assert lines == [0, 1, 1, 2]  # nothing at 0.5 s, a line at 2.5 s, the next 15 s later
    assert log.getvalue().splitlines()[0].startswith("epoch 1/2 20.0%")


# ----------------------------------------------------------------------------- files


def test_saved_files_respect_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert cli.main(["export", "--out", str(tmp_path / "net.py")]) == 0
        save_checkpoint(tmp_path / "model.safetensors", load_checkpoint(bundled_checkpoint_path()))
    finally:
        os.umask(old)
    for name in ("net.py", "model.safetensors"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_interrupted_misclassified_folder_is_marked(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import cnn_core.analysis.evaluation_report as report

    real = report.write_misclassified

    def interrupted(result, folder):  # noqa: ANN001, ANN202
        (Path(folder) / "00001_true3_pred5.png").write_bytes(b"first image")
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "write_misclassified", interrupted)
    folder = tmp_path / "wrong"
    code, out, err = run(capsys, "evaluate", "--max-samples", "500", "--misclassified",
                         str(folder))
    assert code == cli.EXIT_STOPPED and out == ""
    assert (folder / "INCOMPLETE.txt").is_file()
    assert f"{folder} is incomplete" in err.splitlines()[-1]

    monkeypatch.setattr(report, "write_misclassified", real)
    code, _, _ = run(capsys, "evaluate", "--max-samples", "500", "--misclassified", str(folder))
    assert code == 0 and not (folder / "INCOMPLETE.txt").exists()
    assert (folder / "misclassified.csv").is_file()


# ----------------------------------------------------------------------------- data folders


def _fake_fashion(raw: Path, parts: tuple[str, ...] = ("train", "t10k")) -> None:
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for part in parts:
        n = 60
        labels = np.arange(n, dtype=np.uint8) % 10
        write_idx(raw / f"{part}-images-idx3-ubyte.gz",
                  rng.integers(0, 255, (n, 28, 28), dtype=np.uint8))
        write_idx(raw / f"{part}-labels-idx1-ubyte.gz", labels)


def test_digitlab_data_dir_is_where_data_sets_are_found(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_fashion(tmp_path / "datasets" / "FashionMNIST" / "raw")
    monkeypatch.setenv("DIGITLAB_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys, "evaluate", "--dataset", "fashion_mnist", "--json")
    assert code == 0, err
    assert json.loads(out)["n"] == 60


def test_a_missing_data_set_is_reported_all_at_once(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "train", "--dataset", "fashion_mnist", "--data-dir", str(empty),
                       "--model", "lenet", "--epochs", "1")
    assert code == 1
    message = err.strip().splitlines()[-1]
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        assert name in message
