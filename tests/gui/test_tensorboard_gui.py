"""TensorBoard from the window: a Train-tab run logged with every kind of record, TensorBoard
started on loopback and read over HTTP, stopped when the window closes; without the extra,
the controls say how to install it."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from panel_controls import set_controls
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app import tensorboard_viewer
from app.models import ModelLibrary
from app.settings import Keys, open_settings
from app.widgets import tensorboard_controls
from app.widgets.coach_fine_tune import FineTunePanel
from app.widgets.training_panel import TrainingPanel
from cnn_core.data.own_digits import OwnDigitStore
from cnn_core.training import Finished
from cnn_core.training.finetune import FineTuneConfig
from own_hand import fill_store

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)
from tensorboard_events import read_events as _read  # noqa: E402

RUN_TIMEOUT = 120_000  # ms; a shared 2-core machine can be slow
SERVE_TIMEOUT = 90_000  # TensorBoard's start (imports, first scan) on a loaded machine


@pytest.fixture
def panel(qtbot) -> Iterator[TrainingPanel]:  # noqa: ANN001
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    assert widget.shutdown(5000)
    widget.tensorboard.viewer.stop()




def _runs(url: str) -> list[str]:
    """The runs TensorBoard lists, read over loopback."""
    with urllib.request.urlopen(url + "data/runs", timeout=30) as answer:
        return json.loads(answer.read())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_train_tab_run_with_logging_on_writes_every_kind(qtbot, panel, tmp_path):  # noqa: ANN001
    controls = panel.tensorboard
    qtbot.mouseClick(controls.logCheck, Qt.MouseButton.LeftButton)
    assert controls.logCheck.isChecked()
    controls.folderEdit.setText(str(tmp_path / "tb"))
    set_controls(panel, {"modelCombo": "lenet", "maxSamplesSpin": 512, "epochsSpin": 1,
                         "seedSpin": 0, "deviceCombo": "cpu"})
    panel.max_test_samples = 200
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(panel.trainButton, Qt.MouseButton.LeftButton)
        # where the run logs is fixed while it trains; TensorBoard itself stays at hand
        assert not controls.logCheck.isEnabled() and not controls.folderEdit.isEnabled()
        assert controls.openButton.isEnabled()
    assert isinstance(panel.last_result, Finished)
    qtbot.waitUntil(controls.logCheck.isEnabled)
    record = panel.shown_run()
    runs = list((tmp_path / "tb").iterdir())
    assert [run.name for run in runs] == [f"{record.run_id}-lenet"]  # one folder per run
    assert record.meta["config"]["tensorboard_dir"] == str(runs[0])
    tags = _read(runs[0]).Tags()
    assert {"train/loss", "train/lr", "train/samples_per_second", "epoch/val_accuracy",
            "epoch/test_accuracy", "hparam/test_accuracy"} <= set(tags["scalars"])
    assert any(tag.startswith("gradient_norm/") for tag in tags["scalars"])
    assert {"kernels/features.conv1", "misclassified/validation"} <= set(tags["images"])
    assert {"weights/features.conv1.weight",
            "gradients/features.conv1.weight"} <= set(tags["histograms"])
    assert tags["graph"] is True
    acc = EventAccumulator(str(runs[0]))
    acc.Reload()
    assert acc.PluginTagToContent("hparams"), "no hparams record for the HParams view"
    # remembered: a new Train tab starts with logging on, into the same folder
    again = TrainingPanel()
    qtbot.addWidget(again)
    assert again.tensorboard.logCheck.isChecked()
    assert again.tensorboard.folder() == tmp_path / "tb"


def test_without_logging_a_run_writes_no_events(qtbot, panel, tmp_path):  # noqa: ANN001
    assert not panel.tensorboard.logCheck.isChecked()  # off by default
    assert panel.tensorboard.log_root() is None
    assert panel.tensorboard.folder() == tensorboard_viewer.default_log_folder()


def _logged_folder(root: Path) -> Path:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(root / "first-run"))
    for step in range(3):
        writer.add_scalar("train/loss", 1.0 / (step + 1), step)
    writer.close()
    return root


def test_open_tensorboard_serves_the_folder_on_loopback_and_closing_ends_it(
        qtbot, window, tmp_path, no_browser):  # noqa: ANN001
    opened = no_browser  # the conftest records what would open in the browser
    panel = window.training_panel
    window.tabs.setCurrentWidget(panel)
    panel.tensorboard.folderEdit.setText(str(_logged_folder(tmp_path / "tb")))
    button = panel.tensorboard.openButton
    assert button.text() == "Open TensorBoard"
    with qtbot.waitSignal(window.tensorboard.serving, timeout=SERVE_TIMEOUT) as served:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    url = served.args[0]
    assert url.startswith("http://127.0.0.1:") and opened == [url]
    qtbot.waitUntil(lambda: "first-run" in _runs(url), timeout=SERVE_TIMEOUT)  # first scan
    label = panel.tensorboard.statusLabel
    assert f"TensorBoard at <a href=\"{url}\">127.0.0.1:" in label.text() and label.isVisible()
    assert panel.tensorboard.stopButton.isVisible()
    pid = window.tensorboard.pid()
    assert pid is not None and _pid_alive(pid)
    window.menus.help.tensorboardAction.trigger()  # the same folder: shown again, not restarted
    assert window.tensorboard.pid() == pid and opened == [url, url]
    window.close()
    assert not _pid_alive(pid)  # the window's close path ended it: no orphan
    assert not window.tensorboard.is_running()


def test_stop_ends_tensorboard_and_the_help_menu_starts_it_again(qtbot, window,
                                                                  tmp_path):  # noqa: ANN001
    window.settings.setValue("tensorboard/folder", str(_logged_folder(tmp_path / "tb")))
    viewer = window.tensorboard  # the menu reads the setting (the Train tab writes it)
    with qtbot.waitSignal(viewer.serving, timeout=SERVE_TIMEOUT):
        window.menus.help.tensorboardAction.trigger()
    assert viewer.logdir() == tmp_path / "tb"
    pid = viewer.pid()
    controls = window.training_panel.tensorboard
    window.tabs.setCurrentWidget(window.training_panel)
    qtbot.waitUntil(controls.stopButton.isVisible)
    qtbot.mouseClick(controls.stopButton, Qt.MouseButton.LeftButton)
    assert not viewer.is_running() and not _pid_alive(pid)
    assert not controls.stopButton.isVisible() and not controls.statusLabel.isVisible()


def test_without_the_extra_the_controls_say_how_to_install_it(qtbot, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(tensorboard_controls, "tensorboard_available", lambda: False)
    monkeypatch.setattr(tensorboard_viewer, "tensorboard_available", lambda: False)
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    controls = panel.tensorboard
    assert not controls.logCheck.isEnabled() and not controls.openButton.isEnabled()
    assert controls.log_root() is None
    text = controls.findChild(QLabel, "tensorboardStatusLabel").text()
    assert "pip install 'digitlab[tensorboard]'" in text
    with qtbot.waitSignal(controls.viewer.failed) as failed:
        assert not controls.viewer.open(Path("anywhere"))
    assert "pip install 'digitlab[tensorboard]'" in failed.args[0]


def test_the_coachs_fine_tuning_logs_when_logging_is_on(qtbot, tmp_path, bundled):  # noqa: ANN001
    settings = open_settings()  # what the Train tab's controls remember
    settings.setValue(Keys.TENSORBOARD_LOG, True)
    settings.setValue(Keys.TENSORBOARD_FOLDER, str(tmp_path / "tb"))
    store = fill_store(OwnDigitStore(tmp_path / "own-digits"), 3, "steep")
    library = ModelLibrary(tmp_path / "data")
    row = FineTunePanel(library, store, lambda: bundled)
    qtbot.addWidget(row)
    row.config = FineTuneConfig(steps=5, mnist_test_samples=200, mnist_train_samples=2000)
    with qtbot.waitSignal(row.message) as said:
        assert row.start()
    assert "logged to TensorBoard in" in said.args[0]
    qtbot.waitUntil(lambda: not row.is_running(), timeout=RUN_TIMEOUT)
    runs = list((tmp_path / "tb").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("fine-tune-")
    tags = _read(runs[0]).Tags()
    assert {"fine_tune/loss", "fine_tune/mnist_accuracy"} <= set(tags["scalars"])
    assert any(tag.startswith("kernels/") for tag in tags["images"])
    assert any(tag.startswith("weights/") for tag in tags["histograms"])


def test_a_tensorboard_that_ends_before_serving_says_why(qtbot, panel, monkeypatch):  # noqa: ANN001
    import sys

    monkeypatch.setattr(tensorboard_viewer, "tensorboard_command", lambda logdir: (
        sys.executable, ["-c", "print('E0000 no such flag: --load_fast'); raise SystemExit(3)"]))
    controls = panel.tensorboard
    with qtbot.waitSignal(controls.viewer.failed, timeout=30_000) as failed:
        qtbot.mouseClick(controls.openButton, Qt.MouseButton.LeftButton)
    assert "exit code 3" in failed.args[0] and "no such flag" in failed.args[0]
    qtbot.waitUntil(lambda: not controls.viewer.is_running())
    assert "no such flag" in controls.statusLabel.text() and controls.statusLabel.isVisible()
    assert not controls.stopButton.isVisible()
    assert controls.openButton.text() == "Open TensorBoard"
