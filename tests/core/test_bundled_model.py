"""The bundled model: its metadata is still true of the weights it ships, and ``digitlab
models`` says how good it is (test accuracy, temperature, test-set ECE before and after)."""

from __future__ import annotations

import json

import pytest
import torch

from cnn_core import cli
from cnn_core.checkpoints import load_bundled
from cnn_core.checkpoints.model_card import bundled_card, bundled_line
from cnn_core.data.datasets import load_split
from cnn_core.training.loop import predict_logits


def test_the_weights_still_score_what_the_metadata_says():
    bundled = load_bundled()
    test = load_split("mnist", False)
    with torch.inference_mode():
        logits = predict_logits(bundled.model, test, bundled.mean, bundled.std)
    accuracy = (logits.argmax(1) == test.labels).double().mean().item()
    assert accuracy == pytest.approx(bundled.test_accuracy, abs=1e-4)
    assert accuracy >= 0.9966  # a regression guard: never below 99.66 % on MNIST test
    first = (logits[:2000].argmax(1) == test.labels[:2000]).sum().item()
    # the first 2,000 test digits (the subset quick checks use; MNIST's harder half): 11
    # misses at most, as many as the 99.66 % model made there
    assert first >= 1989


def test_the_card_line_says_accuracy_temperature_and_ece():
    card = {"model": "digitnet", "checkpoint": "digitnet.safetensors", "test_accuracy": 0.9971,
            "temperature": 0.61234, "fitted_on": "validation", "validation_n": 5000,
            "ece_before": 0.0452, "ece_after": 0.0031}
    assert bundled_line(card) == (
        "bundled model (digitnet.safetensors): digitnet, MNIST test accuracy 99.71%, "
        "temperature 0.612 (fitted on 5,000 validation images), test-set ECE 4.52% → 0.31%")
    plain = {**card, "temperature": 1.0, "fitted_on": None, "validation_n": None,
             "ece_before": None, "ece_after": None}
    assert bundled_line(plain).endswith("99.71%, no calibration temperature")
    three = {**card, "model": "digitnet_x3", "architecture": "digitnet", "members": 3}
    assert bundled_line(three).startswith(
        "bundled model (digitnet.safetensors): digitnet_x3 (3 digitnet networks side by side), "
        "MNIST test accuracy 99.71%, temperature 0.612")
    broken = {"model": None, "checkpoint": "digitnet.safetensors", "error": "truncated"}
    assert bundled_line(broken) == ("bundled model (digitnet.safetensors): cannot be read: "
                                    "truncated")


def test_models_shows_the_bundled_models_card(capsys):
    card = bundled_card()
    assert card["architecture"] == "digitnet"
    assert card == {"model": load_bundled().name, "architecture": "digitnet",
                    "members": len(load_bundled().meta.get("members") or [None]),
                    "checkpoint": "digitnet.safetensors", **load_bundled().quality}
    assert cli.main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert bundled_line(card) in lines and "MFLOPs = 2 × M MACs" in lines[-1]
    assert cli.main(["models", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["digitnet"]["bundled"] == card
    assert [name for name, row in rows.items() if "bundled" in row] == ["digitnet"]


def test_the_bundled_model_is_calibrated_on_held_out_images():
    quality = load_bundled().quality
    assert quality["fitted_on"] == "validation" and quality["validation_n"] == 5000
    assert quality["ece_after"] is not None and quality["ece_after"] <= 0.01  # the goal: ≤ 1 %
    assert len(load_bundled().meta["members"]) == 5  # five digitnets side by side


def test_a_clear_digit_it_reads_right_reads_at_least_99_percent():
    from cnn_core.recognition.predict import Predictor
    from drawn_digits import render

    predictor = Predictor(load_bundled())
    for digit in range(10):
        answer = predictor.predict(render(digit))
        assert answer.label == digit and max(answer.probabilities) >= 0.99, (digit, answer)
