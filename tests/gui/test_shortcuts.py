"""Every documented shortcut, pressed as a user presses it: real key events to the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from digit_strokes import DIGITS
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from app.main_window import MainWindow
from cnn_core.checkpoints import load_checkpoint, save_checkpoint

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def press(window: MainWindow, key: Qt.Key, modifiers=NONE) -> None:  # noqa: ANN001
    """A key press where the user's focus is: on the canvas they just drew on."""
    QTest.keyClick(window.canvas, key, modifiers)


def test_undo_redo_and_clear_keys(window: MainWindow, draw) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[4][:1])  # one stroke: one undo step
    assert not window.canvas.is_blank()
    press(window, Qt.Key.Key_Z, CTRL)
    assert window.canvas.is_blank()
    press(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert not window.canvas.is_blank()
    press(window, Qt.Key.Key_Delete)
    assert window.canvas.is_blank()
    press(window, Qt.Key.Key_Z, CTRL)
    assert not window.canvas.is_blank()
    press(window, Qt.Key.Key_Backspace)
    assert window.canvas.is_blank()
    press(window, Qt.Key.Key_Z, CTRL)
    press(window, Qt.Key.Key_Z, CTRL)  # back past the drawing …
    assert window.canvas.is_blank()
    press(window, Qt.Key.Key_Y, CTRL)  # … and Ctrl+Y redoes it
    assert not window.canvas.is_blank()


def test_ctrl_b_goes_back_to_the_bundled_model(window: MainWindow, qtbot,  # noqa: ANN001
                                               bundled) -> None:  # noqa: ANN001
    assert window.checkpoint().name != bundled.name  # the fixture starts untrained
    with qtbot.waitSignal(window.model_changed, timeout=10_000):
        press(window, Qt.Key.Key_B, CTRL)
    assert window.checkpoint().name == bundled.name
    assert window.model_bar.modelShelf.currentIndex() == 0


def test_ctrl_e_toggles_the_saliency_overlay(window: MainWindow, draw, qtbot) -> None:  # noqa: ANN001
    toggle = window.findChild(object, "saliencyToggle")
    assert toggle is not None and not toggle.isChecked()
    draw(window.canvas, DIGITS[7])
    press(window, Qt.Key.Key_E, CTRL)
    assert toggle.isChecked()
    press(window, Qt.Key.Key_E, CTRL)
    assert not toggle.isChecked()


def test_f5_evaluates_on_the_evaluate_tab(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    view = window.evaluate_view
    view.max_samples = 300
    window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.runner.finished, timeout=60_000):
        QTest.keyClick(view, Qt.Key.Key_F5)
    assert view.result() is not None and view.result().n == 300


def test_file_shortcuts_open_and_save(window: MainWindow, qtbot, tmp_path: Path,  # noqa: ANN001
                                      monkeypatch: pytest.MonkeyPatch, draw,  # noqa: ANN001
                                      untrained) -> None:  # noqa: ANN001
    chosen: list[str] = []

    def open_dialog(*_args, **_kwargs) -> tuple[str, str]:  # noqa: ANN002, ANN003
        return chosen[-1], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_dialog))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(open_dialog))

    image = tmp_path / "one.png"
    Image.new("L", (120, 120), 255).save(image)
    with Image.open(image) as picture:
        picture.paste(0, (50, 15, 70, 105))
        picture.save(image)
    chosen.append(str(image))
    press(window, Qt.Key.Key_O, CTRL)
    assert not window.canvas.is_blank()

    chosen.append(str(tmp_path / "drawing.png"))
    press(window, Qt.Key.Key_S, CTRL | SHIFT)
    assert (tmp_path / "drawing.png").stat().st_size > 0

    chosen.append(str(tmp_path / "model.safetensors"))
    press(window, Qt.Key.Key_S, CTRL)
    assert load_checkpoint(tmp_path / "model.safetensors").name == window.checkpoint().name

    other = untrained.copy()
    other.meta["metrics"] = {"test_accuracy": 0.5}
    save_checkpoint(tmp_path / "other.safetensors", other)
    chosen.append(str(tmp_path / "other.safetensors"))
    with qtbot.waitSignal(window.model_changed, timeout=10_000):
        press(window, Qt.Key.Key_O, CTRL | SHIFT)
    assert window.checkpoint().test_accuracy == pytest.approx(0.5)
