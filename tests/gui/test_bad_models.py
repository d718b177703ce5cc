"""A bad model file never leaves the window without a working model.

The three files of issue 8 (normalisation std null, a 10⁹-unit linear layer, dropout p = 5):
as the last-used model, the window says so, answers strokes with the bundled model and
forgets the file; opened later, they leave the current model in place. A model whose scores
turn NaN while drawing gives a message, and the canvas keeps working.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import torch
from checkpoint_mutations import read_parts, write_parts
from digit_strokes import DIGITS
from model_runs import ModelRuns

from app.main_window import MainWindow
from app.settings import Keys, open_settings
from cnn_core.checkpoints import Checkpoint, bundled_checkpoint_path, load_bundled


def _std_null(meta: dict[str, Any]) -> None:
    meta["normalization"]["std"] = None


def _huge_linear(meta: dict[str, Any]) -> None:
    meta["spec"]["classifier"][1]["out_features"] = 10**9


def _dropout_five(meta: dict[str, Any]) -> None:
    meta["spec"]["features"][15]["p"] = 5  # the dropout before the head


BAD_FILES = [(_std_null, "normalization.std"),
             (_huge_linear, "spec.classifier[1].out_features"),
             (_dropout_five, "spec.features[15].p")]
IDS = ["std-null", "linear-1e9", "dropout-5"]


def _bad_file(tmp_path: Path, edit: Any) -> Path:
    tensors, meta, _ = read_parts(bundled_checkpoint_path().read_bytes())
    edit(meta)
    path = tmp_path / "last-used.safetensors"
    path.write_bytes(write_parts(tensors, meta))
    return path


def _answer(qtbot, win: MainWindow, draw, digit: int) -> int | None:  # noqa: ANN001
    """Draw ``digit`` with the mouse; return the label the window shows for it."""
    win.canvas.clear()
    with ModelRuns(win.inference) as runs:
        draw(win.canvas, DIGITS[digit])
        qtbot.waitUntil(lambda: runs.count > 0
                        and win.inference.last_prediction() is not None
                        and not win.inference.last_prediction().preprocessed.blank, timeout=5000)
    prediction = win.inference.last_prediction()
    assert win.prediction_panel.predictionLabel.text().startswith(str(prediction.label))
    return prediction.label


@pytest.mark.parametrize(("edit", "field"), BAD_FILES, ids=IDS)
def test_a_bad_last_used_model_falls_back_to_the_bundled_one_and_is_forgotten(
        qtbot, tmp_path, draw, bundled, edit, field) -> None:  # noqa: ANN001
    bad = _bad_file(tmp_path, edit)
    open_settings().setValue(Keys.LAST_MODEL, str(bad))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    assert win.checkpoint().name == load_bundled().name and win.model_path is None
    assert win.banner.kind == "error"
    text = win.banner.text()
    assert "Could not reopen the last model" in text and "bundled" in text
    assert str(bad) in text and field in text and "\n" not in text
    assert _answer(qtbot, win, draw, 3) == 3  # the bundled model reads the drawn digit
    assert open_settings().value(Keys.LAST_MODEL) is None  # the next start is clean
    win.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.checkpoint() is not None, timeout=20_000)
    assert again.checkpoint().name == load_bundled().name and again.banner.text() == ""
    again.close()


def _start(qtbot) -> MainWindow:  # noqa: ANN001
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    return win


def test_a_model_file_broken_between_two_sessions_is_reported_once(qtbot, tmp_path, draw,
                                                                   bundled) -> None:  # noqa: ANN001
    tensors, meta, _ = read_parts(bundled_checkpoint_path().read_bytes())
    path = tmp_path / "mine.safetensors"
    path.write_bytes(write_parts(tensors, meta))
    first = _start(qtbot)
    assert first.open_model_file(path) and first.model_path == path.resolve()
    first.close()
    _dropout_five(meta)  # e.g. edited by hand, or written by a newer tool
    path.write_bytes(write_parts(tensors, meta))

    second = _start(qtbot)  # the shelf and the settings both point at the file
    assert second.model_path is None and second.checkpoint().name == load_bundled().name
    assert second.banner.kind == "error" and "spec.features[15].p" in second.banner.text()
    assert _answer(qtbot, second, draw, 3) == 3
    second.close()

    third = _start(qtbot)
    assert third.banner.text() == "" and third.model_path is None
    assert _answer(qtbot, third, draw, 7) == 7
    third.close()


@pytest.mark.parametrize(("edit", "field"), BAD_FILES, ids=IDS)
def test_opening_a_bad_model_later_keeps_the_current_one(qtbot, tmp_path, draw, bundled,
                                                        edit, field) -> None:  # noqa: ANN001
    win = MainWindow(bundled.copy())
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    current = win.checkpoint()
    bad = _bad_file(tmp_path, edit)
    assert not win.open_model_file(bad)
    assert win.checkpoint() is current
    text = win.banner.text()
    assert "Could not open the model" in text and field in text and "\n" not in text
    assert open_settings().value(Keys.LAST_MODEL) is None  # the bad file is not remembered
    assert _answer(qtbot, win, draw, 7) == 7
    win.close()


def test_a_model_that_turns_nan_while_drawing_gives_a_message_not_a_frozen_canvas(
        qtbot, draw, bundled) -> None:  # noqa: ANN001
    broken = Checkpoint(copy.deepcopy(bundled.model), copy.deepcopy(bundled.meta))
    with torch.no_grad():  # as a diverged training run could leave it
        broken.model.classifier.fc1.bias.fill_(float("nan"))
    win = MainWindow(broken)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    draw(win.canvas, DIGITS[4])
    qtbot.waitUntil(lambda: win.banner.kind == "error" and win.banner.isVisible(), timeout=5000)
    assert "NaN or infinite scores" in win.banner.text()
    # the canvas still draws, and a good model answers the very next stroke
    assert win.canvas.image_array().max() > 0
    win.set_model(bundled.copy())
    assert _answer(qtbot, win, draw, 4) == 4
    win.close()
