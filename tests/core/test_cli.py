"""The ``digitlab`` command as a user meets it: exit codes, stdout/stderr, JSON and files.

Most tests call :func:`cnn_core.cli.main` in-process; a few run the installed console script
in a subprocess. Training runs are tiny (a few hundred images, one epoch) so that the whole
file stays within a couple of minutes on a 2-core CPU; the full MNIST test set is still used
for their evaluation, as a user's run would.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_core import cli
from cnn_core.checkpoints import (
    bundled_checkpoint_path,
    load_bundled,
    load_checkpoint,
    save_checkpoint,
)
from drawn_digits import render

FASHION_DIR = Path(os.environ.get("DIGITLAB_FASHION_MNIST_DIR",
                                  "/usr/share/datasets/fashion-mnist"))
FASHION_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
TINY_TRAIN = ["--model", "lenet", "--epochs", "1", "--max-train-samples", "500", "--json"]


# ----------------------------------------------------------------------------- helpers


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``digitlab ARGV`` in-process; return (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_captured(argv: Sequence[str]) -> tuple[int, str, str]:
    """Like :func:`run` but usable from module-scoped fixtures (no capsys there)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, out: str, err: str, command: str, *needles: str) -> None:
    """The contract for bad input: exit 1, nothing on stdout, one line on stderr."""
    assert code == 1, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"digitlab {command}: error:"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"


def console_script() -> str:
    """Path of the installed ``digitlab`` script (next to this Python, else on PATH)."""
    found = shutil.which("digitlab", path=str(Path(sys.executable).parent)) or shutil.which(
        "digitlab")
    if found is None:
        pytest.skip("the digitlab console script is not installed (pip install -e .)")
    return found


def save_png(path: Path, array: np.ndarray) -> Path:
    Image.fromarray(array).save(path)
    return path


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as a gzip-compressed IDX file."""
    header = b"\x00\x00\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(gzip.compress(header + np.ascontiguousarray(array, np.uint8).tobytes()))


def weights(path: str | Path) -> dict[str, torch.Tensor]:
    return load_checkpoint(path).model.state_dict()


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One tiny seeded LeNet run with TensorBoard logging, shared by several tests."""
    root = tmp_path_factory.mktemp("trained")
    out = root / "lenet.safetensors"
    code, stdout, stderr = run_captured(
        ["train", *TINY_TRAIN, "--seed", "7", "--out", str(out),
         "--tensorboard", str(root / "tb")])
    assert code == 0, stderr
    return {"summary": json.loads(stdout), "stderr": stderr, "out": out, "root": root}


@pytest.fixture(scope="module")
def drawn_pngs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, int]]:
    """Every digit drawn as people save drawings: RGB, gray, RGBA, big off-centre canvas."""
    folder = tmp_path_factory.mktemp("drawn")
    files = []
    for digit in range(10):
        dark = render(digit)  # dark ink on white paper
        files.append((save_png(folder / f"{digit}-rgb.png", np.stack([dark] * 3, axis=2)), digit))
        light = render(digit, dark_on_light=False, pen=0.05)
        files.append((save_png(folder / f"{digit}-gray-light-on-dark.png", light), digit))
        rgba = np.zeros((*dark.shape, 4), np.uint8)  # black ink, transparent paper
        rgba[..., 3] = 255 - dark
        files.append((save_png(folder / f"{digit}-rgba.png", rgba), digit))
        big = render(digit, canvas=1600, size=0.3, center=(0.75, 0.3), pen=0.012)
        files.append((save_png(folder / f"{digit}-big-off-centre.png", big), digit))
    return files


# ----------------------------------------------------------------------------- help, usage


@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"], ["predict"], ["models"],
                                     ["train-detector"]])
def test_help_works_on_every_command(capsys: pytest.CaptureFixture[str],
                                     command: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([*command, "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.startswith(f"usage: digitlab {' '.join(command)}".rstrip())
    if command == ["train"]:
        for option in ("--model-spec", "--target-accuracy", "--max-train-samples",
                       "--tensorboard", "--augment", "--no-augment", "--seed", "--json"):
            assert option in out


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["predict"],
    ["train", "--epochs", "many"],
    ["train", "--model", "no_such_model"],
    ["train", "--optimizer", "rmsprop"],
    ["train", "--device", "tpu"],
    ["evaluate", "--unknown-flag"],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "usage: digitlab" in err
    assert "Traceback" not in err


# ----------------------------------------------------------------------------- models


def test_models_lists_every_model_with_size_and_cost(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert {"digitnet", "lenet5", "lenet", "tinyvgg", "resnet_small"} <= set(rows)
    lenet5 = rows["lenet5"]
    assert lenet5["params"] == 61_706  # the tutorials' LeNet-5
    assert lenet5["mflops"] == pytest.approx(0.83, abs=0.01)
    assert "sigmoid" in lenet5["summary"]
    assert all(row["params"] > 0 and row["mflops"] > 0 and row["summary"] for row in rows.values())

    code, out, _ = run(capsys, "models")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["model", "params", "M", "MACs", "MFLOPs", "recipe", "summary"]
    assert "MFLOPs = 2 × M MACs" in lines[-1]  # the FLOP convention is stated
    assert any(line.startswith("lenet5") and "61,706" in line for line in lines)


# ----------------------------------------------------------------------------- train


def test_train_json_summary_on_stdout_progress_on_stderr(trained: dict[str, Any]) -> None:
    summary = trained["summary"]
    assert set(summary) >= {"model", "dataset", "epochs", "test_accuracy", "train_seconds",
                            "samples_per_second", "checkpoint", "reached_target"}
    assert summary["model"] == "lenet"
    assert summary["dataset"] == "mnist"
    assert summary["epochs"] == 1
    assert 0.0 <= summary["test_accuracy"] <= 1.0
    assert summary["train_seconds"] > 0 and summary["samples_per_second"] > 0
    assert summary["reached_target"] is False  # no target was set
    assert Path(summary["checkpoint"]) == trained["out"] and trained["out"].is_file()
    assert "epoch 1/1" in trained["stderr"] and "500 images" in trained["stderr"]
    ck = load_checkpoint(trained["out"])
    assert ck.name == "lenet" and ck.meta["epochs"] == 1
    assert ck.test_accuracy == pytest.approx(summary["test_accuracy"])
    # calibrated on the 5,000 held-out validation images, never on the test set
    assert summary["val_size"] == 5000 and 0.0 <= summary["val_accuracy"] <= 1.0
    assert summary["temperature"] == round(ck.temperature, 4) and ck.temperature != 1.0
    assert ck.meta["calibration"]["fitted_on"] == "validation"
    assert summary["ece_after"] <= summary["ece_before"]
    assert "ECE" in trained["stderr"]


def test_train_help_says_the_target_is_judged_on_validation(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "validation split (held out from the training set, never the test set)" in text
    assert "--val-size" in text


def test_train_without_json_prints_nothing_on_stdout(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    out_file = tmp_path / "plain.safetensors"
    code, out, err = run(capsys, "train", "--model", "lenet", "--epochs", "1",
                         "--max-train-samples", "200", "--out", str(out_file))
    assert code == 0
    assert out == ""
    assert f"saved {out_file}" in err
    assert out_file.is_file()


def test_train_with_same_seed_is_repeatable(trained: dict[str, Any], tmp_path: Path) -> None:
    again = tmp_path / "again.safetensors"
    code, stdout, stderr = run_captured(["train", *TINY_TRAIN, "--seed", "7", "--out", str(again)])
    assert code == 0, stderr
    assert json.loads(stdout)["test_accuracy"] == trained["summary"]["test_accuracy"]
    first, second = weights(trained["out"]), weights(again)
    assert first.keys() == second.keys()
    for key in first:
        assert torch.equal(first[key], second[key]), key


def test_train_stops_early_once_target_accuracy_is_reached(tmp_path: Path) -> None:
    out = tmp_path / "target.safetensors"
    code, stdout, stderr = run_captured(
        ["train", "--model", "lenet", "--epochs", "4", "--max-train-samples", "2000",
         "--schedule", "none", "--lr", "3e-3", "--seed", "0", "--target-accuracy", "0.3",
         "--json", "--out", str(out)])
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["reached_target"] is True
    assert summary["test_accuracy"] >= 0.3
    assert summary["epochs"] < 4  # stopped before the epoch cap
    assert load_checkpoint(out).meta["epochs"] == summary["epochs"]
    assert "epoch 4/4" not in stderr
    assert "target reached: validation accuracy" in stderr  # said, not only in the JSON


def test_tensorboard_writes_an_event_file_with_the_run_scalars(trained: dict[str, Any]) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = list((trained["root"] / "tb").glob("events.out.tfevents.*"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    acc = EventAccumulator(str(files[0]))
    acc.Reload()
    tags = acc.Tags()["scalars"]
    assert {"train/loss", "epoch/test_accuracy"} <= set(tags)
    logged = acc.Scalars("epoch/test_accuracy")[-1].value
    assert logged == pytest.approx(trained["summary"]["test_accuracy"], abs=1e-6)


def tiny_spec_file(path: Path, name: str = "tiny_cnn") -> Path:
    """A small conv net's spec (4 channels, one pool, one linear layer) written to ``path``."""
    spec = {"name": name, "input_shape": [1, 28, 28], "num_classes": 10,
            "features": [{"type": "conv", "out_channels": 4, "kernel_size": 3, "padding": 1},
                         {"type": "relu"}, {"type": "maxpool", "kernel_size": 2}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]}
    path.write_text(json.dumps(spec))
    return path


def test_train_from_a_model_spec_file(tmp_path: Path) -> None:
    spec_file = tiny_spec_file(tmp_path / "tiny.json")
    out = tmp_path / "tiny.safetensors"
    code, stdout, stderr = run_captured(
        ["train", "--model-spec", str(spec_file), "--epochs", "1", "--max-train-samples", "300",
         "--no-augment", "--json", "--out", str(out)])
    assert code == 0, stderr
    assert json.loads(stdout)["model"] == "tiny_cnn"
    model = load_checkpoint(out).model
    assert model.features.conv1.out_channels == 4
    assert model.classifier.fc1.in_features == 4 * 14 * 14


def test_model_spec_whose_shapes_do_not_fit_names_layer_and_shapes(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = {"name": "broken", "features": [
                {"type": "conv", "out_channels": 16, "kernel_size": 5},
                {"type": "maxpool", "kernel_size": 2}],
            "classifier": [{"type": "flatten"},
                           {"type": "linear", "in_features": 400, "out_features": 10}]}
    spec_file = tmp_path / "broken.json"
    spec_file.write_text(json.dumps(spec))
    # 28 → conv 5×5 → 24 → pool → 12: the flatten gives 16×12×12 = 2304, not 400
    code, out, err = run(capsys, "train", "--model-spec", str(spec_file), "--json")
    assert_one_line_error(code, out, err, "train", "fc1", "400", "2304")


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_bundled_model_on_mnist(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["n"] == 10_000
    assert result["accuracy"] >= 0.995
    confusion = np.array(result["confusion"])
    assert confusion.shape == (10, 10)
    assert confusion.sum() == 10_000
    # MNIST's test-set class counts, so the rows are the true labels
    assert confusion.sum(axis=1).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                              1009]
    assert np.trace(confusion) / 10_000 == pytest.approx(result["accuracy"])
    assert len(result["per_class_accuracy"]) == 10
    assert min(result["per_class_accuracy"]) > 0.98


def test_evaluate_a_trained_checkpoint_matches_its_training_report(
        capsys: pytest.CaptureFixture[str], trained: dict[str, Any]) -> None:
    code, out, _ = run(capsys, "evaluate", "--checkpoint", str(trained["out"]), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["n"] == 10_000
    assert result["accuracy"] == pytest.approx(trained["summary"]["test_accuracy"], abs=5e-4)

    code, out, _ = run(capsys, "evaluate", "--checkpoint", str(trained["out"]))
    assert code == 0
    assert "lenet on MNIST digits test set" in out
    lines = out.splitlines()
    table = lines[lines.index("class  accuracy  images") + 1:][:10]  # one line per class
    assert [line.split()[0] for line in table] == [str(d) for d in range(10)]
    assert "confusion matrix (rows: true class, columns: predicted)" in lines
    assert any(line.startswith("calibration: ECE ") for line in lines)


def test_evaluate_reports_ece_and_the_reliability_curve(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    code, out, err = run(capsys, "evaluate", "--max-samples", "1500", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["n"] == 1500 and result["ece_bins"] == 15
    curve = result["reliability"]
    assert len(curve) == 15 and sum(row["count"] for row in curve) == 1500
    assert curve[0]["lower"] == 0 and curve[-1]["upper"] == 1
    filled = [row for row in curve if row["count"]]
    # ECE is the count-weighted gap between accuracy and confidence over the bins
    gap = sum(row["count"] * abs(row["accuracy"] - row["confidence"]) for row in filled) / 1500
    assert result["ece"] == pytest.approx(gap, abs=1e-5) and 0 < result["ece"] < 0.2
    # the bundled model's own temperature, fitted on validation images when it was made
    assert result["temperature"] == pytest.approx(load_bundled().temperature, abs=1e-4)
    assert 0 < result["ece_uncalibrated"] < 0.2

    code, out, _ = run(capsys, "evaluate", "--max-samples", "1500")
    assert f"calibration: ECE {result['ece']:.2%} (15 bins" in out
    assert "  confidence  images  mean conf  accuracy" in out


def test_evaluate_writes_misclassified_images_and_an_index(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "wrong"
    code, out, err = run(capsys, "evaluate", "--max-samples", "3000", "--misclassified",
                         str(folder), "--json")
    assert code == 0, err
    result = json.loads(out)
    confusion = np.array(result["confusion"])
    off_diagonal = int(confusion.sum() - np.trace(confusion))
    assert result["misclassified"] == off_diagonal > 0
    with (folder / "misclassified.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == off_diagonal == len(list(folder.glob("*.png")))
    from cnn_core.data.datasets import load_split

    test = load_split("mnist", False)
    for row in rows:
        index = int(row["index"])
        assert int(row["true"]) == int(test.labels[index]) != int(row["predicted"])
        assert row["true_class"] == row["true"] and 0.0 < float(row["p_top1"]) <= 1.0
        assert float(row["p_top1"]) >= float(row["p_top2"]) >= float(row["p_top3"])
        image = np.asarray(Image.open(folder / row["file"]))
        assert (image == test.images[index].numpy()).all()
    counts = np.zeros_like(confusion)
    for row in rows:
        counts[int(row["true"]), int(row["predicted"])] += 1
    np.fill_diagonal(counts, np.diagonal(confusion))
    assert (counts == confusion).all()


@pytest.fixture
def trouser_model(tmp_path: Path) -> Path:
    """An untrained model whose metadata has Fashion-MNIST's classes; it always says 1."""
    from cnn_core.checkpoints import Checkpoint, make_metadata, save_checkpoint
    from cnn_core.data.datasets import DATASETS
    from cnn_core.models import create_model

    model = create_model("lenet", seed=0)
    with torch.no_grad():
        model.classifier[-1].bias[1] = 1e3  # class 1 wins whatever the picture
    meta = make_metadata(model, dataset="fashion_mnist",
                         classes=list(DATASETS["fashion_mnist"].classes))
    return save_checkpoint(tmp_path / "trouser.safetensors", Checkpoint(model, meta))


def test_class_names_from_the_checkpoint_in_predict_and_evaluate(
        capsys: pytest.CaptureFixture[str], trouser_model: Path, tmp_path: Path) -> None:
    image = save_png(tmp_path / "one.png", render(1))
    blank = save_png(tmp_path / "blank.png", np.zeros((64, 64), np.uint8))
    code, out, err = run(capsys, "predict", str(image), str(blank), "--checkpoint",
                         str(trouser_model), "--json")
    assert code == 0, err
    drawn, empty = json.loads(out)
    assert drawn["label"] == 1 and drawn["class"] == "Trouser"
    assert empty["label"] is None and empty["class"] is None
    code, out, _ = run(capsys, "predict", str(image), "--checkpoint", str(trouser_model))
    assert out.strip() == f"{image}: Trouser (100.0%)"

    code, out, err = run(capsys, "evaluate", "--checkpoint", str(trouser_model), "--dataset",
                         "mnist", "--max-samples", "300", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["classes"][1] == "Trouser" and result["classes"][9] == "Ankle boot"
    code, out, _ = run(capsys, "evaluate", "--checkpoint", str(trouser_model), "--dataset",
                       "mnist", "--max-samples", "300")
    lines = out.splitlines()
    assert any(line.split()[:2] == ["Trouser", "100.00%"] for line in lines)
    header = lines[lines.index("confusion matrix (rows: true class, columns: predicted)") + 1]
    assert header.split()[:3] == ["T-shir…", "Trouser", "Pullov…"]  # long names cut
    assert any(line.strip().startswith("Ankle boot") for line in lines)


def test_evaluate_own_drawings_folder(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    for digit in (2, 5):
        (tmp_path / "mine" / str(digit)).mkdir(parents=True)
        save_png(tmp_path / "mine" / str(digit) / "a.png", render(digit))
    save_png(tmp_path / "mine" / "8_x.png", render(8))
    save_png(tmp_path / "mine" / "notes.png", render(3))
    code, out, err = run(capsys, "evaluate", "--drawings", str(tmp_path / "mine"), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["n"] == 3 and result["accuracy"] == 1.0
    assert "skipped notes.png: no label" in err
    code, out, err = run(capsys, "evaluate", "--drawings", str(tmp_path / "nothing"))
    assert_one_line_error(code, out, err, "evaluate", "not a folder")


# ----------------------------------------------------------------------------- predict


def test_predict_drawn_digits_with_the_bundled_model(
        capsys: pytest.CaptureFixture[str], drawn_pngs: list[tuple[Path, int]]) -> None:
    code, out, _ = run(capsys, "predict", *(str(p) for p, _ in drawn_pngs), "--json")
    assert code == 0
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(p) for p, _ in drawn_pngs]
    wrong = [(Path(r["file"]).name, r["label"]) for r, (_, digit) in zip(results, drawn_pngs,
                                                                         strict=True)
             if r["label"] != digit]
    assert wrong == []
    for r in results:
        assert len(r["probabilities"]) == 10
        assert sum(r["probabilities"]) == pytest.approx(1.0, abs=1e-4)
        assert r["confidence"] == pytest.approx(max(r["probabilities"]), abs=1e-6)


def test_predict_blank_image_gives_null_label(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    blank = save_png(tmp_path / "blank.png", np.full((280, 280, 3), 255, np.uint8))
    code, out, _ = run(capsys, "predict", str(blank), "--json")
    assert code == 0
    (result,) = json.loads(out)
    assert result["label"] is None
    assert result["probabilities"] == [0.0] * 10

    code, out, _ = run(capsys, "predict", str(blank))
    assert out.strip() == f"{blank}: no digit"


def test_predict_gives_a_verdict_for_blank_digit_and_hash(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from drawn_nondigits import render as render_nondigit

    blank = save_png(tmp_path / "blank.png", np.full((280, 280), 255, np.uint8))
    seven = save_png(tmp_path / "seven.png", render(7))
    hash_sign = save_png(tmp_path / "hash.png", render_nondigit("hash"))
    code, out, _ = run(capsys, "predict", str(blank), str(seven), str(hash_sign), "--json")
    assert code == 0
    results = {Path(r["file"]).stem: r for r in json.loads(out)}
    assert (results["blank"]["verdict"], results["blank"]["label"]) == ("blank", None)
    assert (results["seven"]["verdict"], results["seven"]["label"]) == ("digit", 7)
    assert results["seven"]["digit_score"] > 0.5
    hash_result = results["hash"]
    assert hash_result["verdict"] == "not_a_digit"  # the label is still the answer
    best = max(range(10), key=lambda i: hash_result["probabilities"][i])
    assert (hash_result["label"], hash_result["class"]) == (best, str(best))
    assert len(results["hash"]["probabilities"]) == 10

    code, out, _ = run(capsys, "predict", str(seven), str(hash_sign))
    assert out.splitlines() == [f"{seven}: 7 ({results['seven']['confidence']:.1%})",
                                f"{hash_sign}: not a digit"]


def test_predict_with_a_trained_checkpoint(capsys: pytest.CaptureFixture[str],
                                           trained: dict[str, Any], tmp_path: Path) -> None:
    image = save_png(tmp_path / "seven.png", render(7))
    code, out, _ = run(capsys, "predict", str(image), "--checkpoint", str(trained["out"]),
                       "--json")
    assert code == 0
    (result,) = json.loads(out)
    # the probabilities come from this checkpoint: its own network, run here by hand, with
    # its temperature (the calibrated probabilities the window shows too)
    ck = load_checkpoint(trained["out"])
    x = (torch.from_numpy(result_input(image)) - ck.mean) / ck.std
    with torch.no_grad():
        expected = torch.softmax(ck.model.eval()(x[None, None]) / ck.temperature, dim=1)[0]
    assert result["probabilities"] == pytest.approx(expected.tolist(), abs=1e-5)
    assert result["label"] == int(expected.argmax())
    _, bundled_out, _ = run(capsys, "predict", str(image), "--json")
    (bundled,) = json.loads(bundled_out)
    assert bundled["label"] == 7 and result["probabilities"] != bundled["probabilities"]

    # A model that is the bundled one with the outputs for 7 and 1 swapped reads this 7 as a 1,
    # with the confidence the bundled model has in its 7.
    swapped = load_checkpoint(bundled_checkpoint_path())
    last = [m for m in swapped.model.modules() if isinstance(m, torch.nn.Linear)][-1]
    with torch.no_grad():
        last.weight[[1, 7]] = last.weight[[7, 1]].clone()
        last.bias[[1, 7]] = last.bias[[7, 1]].clone()
    path = save_checkpoint(tmp_path / "swapped.safetensors", swapped)
    code, out, _ = run(capsys, "predict", str(image), "--checkpoint", str(path), "--json")
    assert code == 0
    (result,) = json.loads(out)
    assert result["label"] == 1
    assert result["confidence"] == pytest.approx(bundled["confidence"], abs=1e-5)


def result_input(image: Path) -> np.ndarray:
    """The 28×28 input in [0, 1] that the core makes of an image file."""
    from cnn_core.data.preprocess import load_image, preprocess

    return preprocess(load_image(image)).image28


# ----------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("bad")
    corrupt = tmp_path / "corrupt.png"
    save_png(corrupt, render(3))
    corrupt.write_bytes(corrupt.read_bytes()[:60])  # a PNG cut short
    text = tmp_path / "notes.png"
    text.write_text("this is not an image\n")
    huge = tmp_path / "huge.png"
    Image.new("L", (7000, 7000), 255).save(huge)  # 49 megapixels: over the 40 MP limit
    bomb = tmp_path / "bomb.png"
    Image.new("L", (10000, 10000), 255).save(bomb)  # Pillow itself warns about this size
    bad_checkpoint = tmp_path / "model.safetensors"
    bad_checkpoint.write_bytes(os.urandom(4096))
    return {"corrupt": corrupt, "text": text, "huge": huge, "bomb": bomb,
            "missing": tmp_path / "missing.png", "folder": tmp_path,
            "bad_checkpoint": bad_checkpoint}


@pytest.mark.parametrize(("kind", "needle"), [
    ("missing", "file not found"),
    ("corrupt", "corrupt"),
    ("text", "not an image"),
    ("huge", "too large"),
    ("bomb", "too large"),
])
def test_predict_bad_image_is_one_line_exit_1(capsys: pytest.CaptureFixture[str],
                                              bad_files: dict[str, Path], kind: str,
                                              needle: str) -> None:
    path = str(bad_files[kind])
    code, out, err = run(capsys, "predict", path)
    assert_one_line_error(code, out, err, "predict", path, needle)
    code, out, err = run(capsys, "predict", path, "--json")  # the error in the JSON too
    (result,) = json.loads(out)
    assert code == 1 and result["file"] == path and needle in result["error"]
    assert err.strip() == f"digitlab predict: error: {result['error']}"


def test_predict_a_folder_without_images_is_one_line_exit_1(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no pictures here")
    code, out, err = run(capsys, "predict", str(tmp_path), "--json")
    assert_one_line_error(code, out, err, "predict", str(tmp_path), "no image files")


@pytest.mark.parametrize("command", ["predict", "evaluate"])
@pytest.mark.parametrize("kind", ["bad_checkpoint", "text", "missing"])
def test_bad_checkpoint_is_one_line_exit_1(capsys: pytest.CaptureFixture[str],
                                           bad_files: dict[str, Path], command: str,
                                           kind: str) -> None:
    image = save_png(bad_files["folder"] / "four.png", render(4))
    args = [str(image)] if command == "predict" else []
    code, out, err = run(capsys, command, *args, "--checkpoint", str(bad_files[kind]))
    assert_one_line_error(code, out, err, command, str(bad_files[kind]))


@pytest.mark.parametrize(("argv", "needle"), [
    (["train", "--model-spec", "no/such/spec.json"], "file not found"),
    (["evaluate", "--checkpoint", "no/such/model.safetensors"], "file not found"),
])
def test_bad_option_value_is_one_line_exit_1(capsys: pytest.CaptureFixture[str],
                                             argv: list[str], needle: str) -> None:
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, out, err, argv[0], needle)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_train_on_missing_cuda_is_one_line_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "train", "--model", "lenet", "--device", "cuda")
    assert_one_line_error(code, out, err, "train", "cuda", "not available")


def test_debug_flag_lets_the_exception_through(bad_files: dict[str, Path]) -> None:
    from cnn_core.data.preprocess import ImageError

    with pytest.raises(ImageError, match="file not found"):
        cli.main(["--debug", "predict", str(bad_files["missing"])])


# ----------------------------------------------------------------------------- other datasets


def test_fashion_mnist_from_a_torchvision_style_folder(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """A tiny fake Fashion-MNIST in ``FashionMNIST/raw``: train, then evaluate on it."""
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for part, n in (("train", 240), ("t10k", 60)):
        labels = np.arange(n, dtype=np.uint8) % 10
        images = rng.integers(0, 40, (n, 28, 28), dtype=np.uint8)
        for i, label in enumerate(labels):  # a bright band whose height encodes the class
            images[i, 2 + 2 * label:4 + 2 * label, 4:24] = 255
        write_idx(raw / f"{part}-images-idx3-ubyte.gz", images)
        write_idx(raw / f"{part}-labels-idx1-ubyte.gz", labels)
    data_dir = str(tmp_path / "data")
    out = tmp_path / "fashion.safetensors"
    code, stdout, err = run(capsys, "train", "--model", "lenet", "--dataset", "fashion_mnist",
                            "--data-dir", data_dir, "--epochs", "1", "--json", "--out", str(out))
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["dataset"] == "fashion_mnist"
    assert "216 images (24 more held out for validation)" in err  # 240: one in ten held out
    meta = load_checkpoint(out).meta
    assert meta["classes"][9] == "Ankle boot"
    assert meta["normalization"]["mean"] == pytest.approx(0.2860)

    code, stdout, _ = run(capsys, "evaluate", "--checkpoint", str(out), "--data-dir", data_dir,
                          "--json")
    assert code == 0
    result = json.loads(stdout)
    assert result["dataset"] == "fashion_mnist"  # taken from the checkpoint
    assert result["n"] == 60
    assert np.array(result["confusion"]).sum(axis=1).tolist() == [6] * 10


def test_missing_dataset_offline_is_one_clear_line(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.error

    import cnn_core.data.download

    def offline(url: str, timeout: float) -> None:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(cnn_core.data.download, "_open", offline)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(capsys, "evaluate", "--dataset", "fashion_mnist", "--data-dir",
                         str(empty))  # no --download: a message saying how to get the files
    assert_one_line_error(code, out, err, "evaluate", "Fashion-MNIST", "t10k-images-idx3-ubyte",
                          "t10k-labels-idx1-ubyte", str(empty / "FashionMNIST" / "raw"),
                          "files not found", "--download")
    code, out, err = run(capsys, "evaluate", "--dataset", "fashion_mnist", "--data-dir",
                         str(empty), "--download")
    assert_one_line_error(code, out, err, "evaluate", "Fashion-MNIST", "download failed",
                          "Temporary failure in name resolution")
    assert list(empty.iterdir()) == []  # the failed download left no folder behind


@pytest.mark.skipif(not all((FASHION_DIR / f).is_file() for f in FASHION_FILES),
                    reason=f"real Fashion-MNIST not in {FASHION_DIR} "
                           f"(apt-get install dataset-fashion-mnist, or set "
                           f"DIGITLAB_FASHION_MNIST_DIR)")
def test_real_fashion_mnist_from_debian_package(capsys: pytest.CaptureFixture[str],
                                                trained: dict[str, Any],
                                                tmp_path: Path) -> None:
    # the Fashion-MNIST test set has exactly 1,000 images per class (MNIST's does not)
    code, out, err = run(capsys, "evaluate", "--checkpoint", str(trained["out"]), "--dataset",
                         "fashion_mnist", "--data-dir", str(FASHION_DIR), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["dataset"] == "fashion_mnist" and result["n"] == 10_000
    assert np.array(result["confusion"]).sum(axis=1).tolist() == [1000] * 10

    ck = tmp_path / "fashion.safetensors"
    code, out, err = run(capsys, "train", "--model", "lenet", "--dataset", "fashion_mnist",
                         "--data-dir", str(FASHION_DIR), "--epochs", "1",
                         "--max-train-samples", "2000", "--schedule", "none", "--seed", "0",
                         "--json", "--out", str(ck))
    assert code == 0, err
    summary = json.loads(out)
    assert summary["dataset"] == "fashion_mnist"
    assert summary["test_accuracy"] > 0.3  # learnt something (chance is 0.1)


# ----------------------------------------------------------------------------- console script


def test_installed_console_script_predicts_and_fails_cleanly(tmp_path: Path) -> None:
    script = console_script()
    image = save_png(tmp_path / "two.png", np.stack([render(2)] * 3, axis=2))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([script, "predict", str(image), "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    assert result["label"] == 2

    missing = str(tmp_path / "nope.png")
    done = subprocess.run([script, "predict", missing], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == f"digitlab predict: error: {missing}: file not found"

    done = subprocess.run([script, "--debug", "predict", missing], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ImageError" in done.stderr
