"""The whole window: start-up, models, menus, messages and remembered settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QKeySequence

from app.main_window import MainWindow
from app.settings import Keys, open_settings
from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint, save_checkpoint

ROOT = Path(__file__).resolve().parents[2]


def test_window_builds_and_loads_a_model_without_blocking(qtbot) -> None:
    win = MainWindow()  # no event loop yet: the model comes once it runs
    qtbot.addWidget(win)
    assert win.checkpoint() is None
    win.show()
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    assert win.prediction_panel.predictionLabel.text() == "Draw a digit"
    assert win.model_bar.modelStatusLabel.text().startswith(f"Model: {win.checkpoint().name}")
    for name in ("canvas", "predictionLabel", "probabilityPlot", "inputView",
                 "featureMapView", "kernelView", "evaluateView", "confusionView",
                 "perClassPlot", "reliabilityPlot", "misclassifiedGallery"):
        assert win.findChild(object, name) is not None, name
    tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert tabs[:6] == ["Train", "Feature maps", "Kernels", "Compare", "Perturb", "Evaluate"]
    assert {"Build", "Coach", "Convolution"} <= set(tabs)  # the later tabs come after these
    assert {"Learn a kernel", "Browse data"} <= set(tabs[6:])  # later tabs come at the end
    assert win.training_panel is win.tabs.widget(0)
    if not bundled_checkpoint_path().is_file():  # the fallback must be explained
        assert "untrained" in win.banner.text()


def test_menus_carry_the_documented_shortcuts(window: MainWindow) -> None:
    shortcuts = {action.text().replace("&", ""): action.shortcut()
                 for menu in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))
                 for action in menu.actions()}
    assert shortcuts["Open image…"] == QKeySequence("Ctrl+O")
    assert shortcuts["Open model…"] == QKeySequence("Ctrl+Shift+O")
    assert shortcuts["Save model…"] == QKeySequence("Ctrl+S")
    assert shortcuts["Undo"] == QKeySequence("Ctrl+Z")
    assert shortcuts["Redo"] == QKeySequence("Ctrl+Shift+Z")
    assert shortcuts["Paste image"] == QKeySequence("Ctrl+V")
    assert shortcuts["Clear"] == QKeySequence("Del")


def test_status_bar_shows_model_name_and_test_accuracy(window: MainWindow, untrained) -> None:
    checkpoint = untrained.copy()
    checkpoint.meta["metrics"] = {"test_accuracy": 0.9912}
    window.set_model(checkpoint)
    assert window.model_bar.modelStatusLabel.text() == "Model: lenet · test accuracy 99.12%"


@pytest.mark.parametrize("content", [b"", b"garbage" * 100, b"\x00" * 4096])
def test_corrupt_model_file_shows_a_message(window: MainWindow, tmp_path, content) -> None:
    before = window.checkpoint()
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(content)
    assert not window.open_model_file(bad)
    assert window.banner.isVisible() and window.banner.kind == "error"
    assert "Could not open the model" in window.banner.text()
    assert "broken.safetensors" in window.banner.text()
    assert window.checkpoint() is before  # still predicting with the old model


def test_save_and_open_a_model(window: MainWindow, tmp_path, untrained) -> None:
    path = tmp_path / "mine.safetensors"
    assert window.save_model_file(path)
    reloaded = load_checkpoint(path)
    assert reloaded.name == untrained.name
    assert window.open_model_file(path)
    assert window.model_path == path
    assert "mine.safetensors" in window.model_bar.modelStatusLabel.text()
    assert open_settings().value(Keys.LAST_MODEL) == str(path.resolve())


def test_last_model_is_reopened_at_start(qtbot, tmp_path, untrained) -> None:
    path = save_checkpoint(tmp_path / "last.safetensors", untrained)
    open_settings().setValue(Keys.LAST_MODEL, str(path))
    win = MainWindow()
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    assert win.model_path == path


def test_settings_are_remembered(qtbot, untrained, private_settings) -> None:
    first = MainWindow(untrained.copy())
    qtbot.addWidget(first)
    first.resize(720, 520)  # inside the 800×600 offscreen screen
    first.canvas_panel.brushSlider.setValue(31)
    first.tabs.setCurrentIndex(2)
    first.close()
    assert private_settings.is_file()  # the test's own file, not the user's
    second = MainWindow(untrained.copy())
    qtbot.addWidget(second)
    assert second.canvas.brush_width() == 31
    assert second.tabs.currentIndex() == 2
    assert (second.width(), second.height()) == (720, 520)


def test_open_image_loads_into_the_canvas_and_predicts(window: MainWindow, tmp_path,
                                                       qtbot) -> None:
    image = QImage(60, 90, QImage.Format.Format_Grayscale8)
    image.fill(255)
    for y in range(10, 80):
        for x in range(26, 34):
            image.setPixel(x, y, 0)
    path = tmp_path / "one.png"
    image.save(str(path))
    assert window.open_image_file(path)
    qtbot.waitUntil(lambda: window.inference.last_prediction().label is not None)
    assert open_settings().value(Keys.LAST_DIRECTORY) == str(tmp_path.resolve())


def test_unreadable_image_shows_a_message(window: MainWindow, tmp_path) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8 not really")
    assert not window.open_image_file(bad)
    assert "photo.jpg" in window.banner.text()


def test_screenshot_option_writes_a_png(tmp_path, private_settings) -> None:
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "app", "--screenshot", str(out), "--size", "1024x700"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
