"""The Train tab on its own: settings, a real (tiny) run, pause/resume/stop, errors."""

from __future__ import annotations

import json
import math
import os
import signal
import sys
from collections.abc import Iterator

import pytest
import torch
from panel_controls import set_controls
from PySide6.QtWidgets import QFileDialog, QWidget
from run_events import RunEvents

from app.widgets.run_texts import format_duration
from app.widgets.training_form import LOAD_SPEC, LearningRateSpinBox
from app.widgets.training_panel import TrainingPanel
from cnn_core.data.datasets import DATASETS
from cnn_core.models import MODELS, get_spec
from cnn_core.runtime.devices import available_devices
from cnn_core.training import Diverged, Finished, Stopped

RUN_TIMEOUT = 120_000  # ms; a shared 2-core machine can be slow


@pytest.fixture
def panel(qtbot) -> Iterator[TrainingPanel]:  # noqa: ANN001
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 480)
    widget.show()
    yield widget
    assert widget.shutdown(5000)


def events(panel: TrainingPanel) -> RunEvents:
    """The panel's runs' events (one follower per panel)."""
    found = panel.training.findChild(RunEvents)
    return found if found is not None else RunEvents(panel.training)


def child(panel: QWidget, name: str) -> QWidget:
    found = panel.findChild(QWidget, name)
    assert found is not None, name
    return found


def configure(panel: TrainingPanel, model: str = "lenet", samples: int = 256, epochs: int = 1,
              **values: object) -> None:
    """Pick a model (its recipe fills the rest), then a tiny run on the CPU."""
    seed = values.pop("seed", 0)
    set_controls(panel, {"modelCombo": model, "maxSamplesSpin": samples, "epochsSpin": epochs,
                         "seedSpin": seed, "deviceCombo": "cpu", **values})
    panel.max_test_samples = 200


def test_controls_list_the_registry_and_fill_from_the_recipe(panel: TrainingPanel) -> None:
    models = child(panel, "modelCombo")
    entries = [models.itemData(i) for i in range(models.count()) if models.itemText(i)]
    assert entries == [*MODELS, LOAD_SPEC]
    assert models.itemText(models.count() - 1) == "Load spec file…"
    datasets = child(panel, "datasetCombo")
    assert [datasets.itemData(i) for i in range(datasets.count())] == list(DATASETS)
    devices = child(panel, "deviceCombo")
    assert [devices.itemData(i) for i in range(devices.count())] == available_devices()
    optimizers = child(panel, "optimizerCombo")
    assert [optimizers.itemData(i) for i in range(optimizers.count())] == ["sgd", "adam", "adamw"]

    models.setCurrentIndex(models.findData("lenet5"))  # Recipe("sgd", 0.5, 100, 16, ...)
    assert optimizers.currentData() == "sgd"
    assert child(panel, "lrSpin").value() == pytest.approx(0.5)
    assert child(panel, "batchSpin").value() == 100
    assert child(panel, "epochsSpin").value() == 16
    assert not child(panel, "augmentCheck").isChecked()
    models.setCurrentIndex(models.findData("digitnet"))
    assert optimizers.currentData() == "adam" and child(panel, "augmentCheck").isChecked()
    assert child(panel, "lrSpin").text() == "0.003"
    for name in ("trainButton", "pauseButton", "stopButton", "trainProgress", "lossPlot",
                 "accuracyPlot", "seedSpin"):
        child(panel, name)
    assert child(panel, "trainButton").isEnabled()
    assert not child(panel, "pauseButton").isEnabled()
    assert not child(panel, "stopButton").isEnabled()


def test_learning_rate_box_steps_on_a_log_scale(qtbot) -> None:  # noqa: ANN001
    box = LearningRateSpinBox()
    qtbot.addWidget(box)
    box.setValue(0.001)
    seen = []
    for _ in range(4):
        box.stepUp()
        seen.append(box.text())
    assert seen == ["0.002", "0.005", "0.01", "0.02"]
    box.setValue(1e-5)
    assert box.text() == "1e-05"
    box.stepDown()
    assert box.value() == pytest.approx(5e-6)


def test_a_short_run_draws_both_plots_and_hands_over_its_model(panel: TrainingPanel,
                                                              qtbot) -> None:  # noqa: ANN001
    configure(panel, samples=512, epochs=2)
    snapshots: list[object] = []
    panel.snapshot_ready.connect(snapshots.append)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT) as trained:
        child(panel, "trainButton").click()
        assert not child(panel, "trainButton").isEnabled()
        assert child(panel, "stopButton").isEnabled()
    checkpoint = trained.args[0]
    assert isinstance(panel.last_result, Finished)
    assert checkpoint is panel.last_result.checkpoint
    assert checkpoint.name == "lenet" and checkpoint.meta["epochs"] == 2
    assert len(checkpoint.meta["history"]) == 2
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert panel.lossPlot.point_count() >= 2 and panel.lossPlot.point_count("raw") >= 2
    assert panel.accuracyPlot.point_count() == 2 and panel.accuracyPlot.point_count("train") == 2
    assert snapshots and all(s is not checkpoint for s in snapshots)
    assert child(panel, "trainProgress").text().startswith("Done:")
    assert child(panel, "trainButton").isEnabled()

    # A second run: the first stays as a faint, named curve.
    configure(panel, samples=256, epochs=1, optimizerCombo="sgd", lrSpin=0.05)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    assert panel.lossPlot.run_names() == ["#1 lenet adam 0.002", "#2 lenet sgd 0.05"]
    assert panel.accuracyPlot.run_names() == ["#1 test", "#2 test", "train (dashed)"]


def test_a_run_leaves_this_process_settings_alone(panel: TrainingPanel,
                                                  qtbot) -> None:  # noqa: ANN001
    """Training happens in a child process, an entry point: the GUI's GIL switch interval
    and torch thread count stay as they were, during the run and after it."""
    before = sys.getswitchinterval(), torch.get_num_threads()
    seen: list[tuple[float, int]] = []
    events(panel).batch_done.connect(
        lambda *_: seen.append((sys.getswitchinterval(), torch.get_num_threads())))
    configure(panel, samples=256, epochs=1)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert seen and set(seen) == {before}
    assert (sys.getswitchinterval(), torch.get_num_threads()) == before


def test_a_killed_training_process_is_a_message_and_a_new_run_works(
        panel: TrainingPanel, qtbot) -> None:  # noqa: ANN001
    configure(panel, samples=1024, epochs=30)
    with qtbot.waitSignal(events(panel).batch_done, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    pid = panel.controller.training_pid()
    assert pid is not None and pid != os.getpid()
    messages: list[tuple[str, str]] = []
    panel.message.connect(lambda level, text: messages.append((level, text)))
    with qtbot.waitSignal(panel.running_changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda running: not running):
        os.kill(pid, signal.SIGKILL)
    assert messages == [("error", "Training failed: the training process ended unexpectedly "
                                  "(killed by signal 9)")]
    assert child(panel, "trainButton").isEnabled() and panel.library.runs() == []
    configure(panel, samples=256, epochs=1)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    assert isinstance(panel.last_result, Finished)


def test_shutdown_ends_a_training_process_that_does_not_stop(
        panel: TrainingPanel, qtbot) -> None:  # noqa: ANN001
    """A child that cannot answer the stop flag (frozen here with SIGSTOP; on a busy machine,
    one still starting) is killed, so no thread outlives the window."""
    from app import background

    configure(panel, samples=1024, epochs=30)
    with qtbot.waitSignal(events(panel).batch_done, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    pid = panel.controller.training_pid()
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    assert panel.shutdown(timeout_ms=300) is True
    assert not panel.is_running() and background.owner().tasks() == []
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(pid, 0)


def test_pause_resume_and_stop(panel: TrainingPanel, qtbot) -> None:  # noqa: ANN001
    configure(panel, samples=2000, epochs=50)
    batches: list[object] = []
    events(panel).batch_done.connect(batches.append)
    with qtbot.waitSignal(events(panel).batch_done, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()

    pause = child(panel, "pauseButton")
    pause.click()
    assert pause.text() == "Resume"
    assert child(panel, "trainProgress").text().startswith("Paused")
    qtbot.wait(500)  # a report already on its way may still arrive
    count = len(batches)
    qtbot.wait(1500)
    assert len(batches) == count, "batches kept coming while paused"

    with qtbot.waitSignal(events(panel).batch_done, timeout=RUN_TIMEOUT):
        pause.click()
    assert pause.text() == "Pause"

    with qtbot.waitSignal(panel.model_trained, timeout=10_000) as trained:
        child(panel, "stopButton").click()
    assert isinstance(panel.last_result, Stopped)
    assert trained.args[0] is panel.last_result.checkpoint
    qtbot.waitUntil(lambda: child(panel, "trainButton").isEnabled(), timeout=10_000)
    assert child(panel, "trainProgress").text().startswith("Stopped in epoch")


def test_stop_while_paused_ends_the_run(panel: TrainingPanel, qtbot) -> None:  # noqa: ANN001
    configure(panel, samples=2000, epochs=50)
    with qtbot.waitSignal(events(panel).batch_done, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    child(panel, "pauseButton").click()
    with qtbot.waitSignal(panel.running_changed, timeout=10_000) as ended:
        child(panel, "stopButton").click()
    assert ended.args == [False]
    assert isinstance(panel.last_result, Stopped)


def test_divergence_restores_the_last_good_weights(panel: TrainingPanel,
                                                   qtbot) -> None:  # noqa: ANN001
    configure(panel, samples=640, epochs=1, optimizerCombo="sgd", lrSpin=1000.0)
    messages: list[tuple[str, str]] = []
    panel.message.connect(lambda level, text: messages.append((level, text)))
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT) as trained:
        child(panel, "trainButton").click()
    assert isinstance(panel.last_result, Diverged)
    weights = trained.args[0].model.state_dict().values()
    assert all(math.isfinite(float(w.float().abs().max())) for w in weights)
    assert messages and messages[-1][0] == "warning"
    assert "diverged" in messages[-1][1] and "learning rate" in messages[-1][1]
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert child(panel, "trainProgress").text().startswith("Diverged")


def test_a_missing_dataset_is_a_message_not_a_crash(panel: TrainingPanel, qtbot,  # noqa: ANN001
                                                    tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("HOME", str(tmp_path))  # no KMNIST files here
    configure(panel, datasetCombo="kmnist")
    messages: list[tuple[str, str]] = []
    panel.message.connect(lambda level, text: messages.append((level, text)))
    with qtbot.waitSignal(panel.running_changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda running: not running):
        child(panel, "trainButton").click()
    assert messages and messages[-1][0] == "error"
    assert messages[-1][1].startswith("Training failed:") and "KMNIST" in messages[-1][1].upper()
    assert panel.last_result is None
    assert child(panel, "trainProgress").text().startswith("Failed:")
    assert child(panel, "trainButton").isEnabled()


@pytest.mark.parametrize("content", ["{not json", json.dumps({"layers": [{"type": "nope"}]})])
def test_a_bad_spec_file_shows_a_message(panel: TrainingPanel, tmp_path, monkeypatch,  # noqa: ANN001
                                         content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    messages: list[tuple[str, str]] = []
    panel.message.connect(lambda level, text: messages.append((level, text)))
    models = child(panel, "modelCombo")
    before, count = models.currentData(), models.count()
    models.setCurrentIndex(models.findData(LOAD_SPEC))
    assert messages and messages[0][0] == "error"
    assert messages[0][1].startswith("Could not load the model spec.")
    assert "broken.json" in messages[0][1]
    assert models.currentData() == before and models.count() == count


def test_a_spec_file_becomes_a_trainable_model(panel: TrainingPanel, tmp_path,  # noqa: ANN001
                                               monkeypatch, qtbot) -> None:  # noqa: ANN001
    spec = get_spec("lenet")
    spec["name"] = "my_lenet"
    spec["features"][0]["out_channels"] = 5
    path = tmp_path / "my_lenet.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    models = child(panel, "modelCombo")
    models.setCurrentIndex(models.findData(LOAD_SPEC))
    assert models.currentText() == "my_lenet (from my_lenet.json)"
    config = panel.form.config()
    assert config.model_spec is not None and config.model_spec["name"] == "my_lenet"
    assert models.itemData(models.count() - 1) == LOAD_SPEC  # still last

    # Train it: the run builds the file's network (5 filters, not lenet's 6) and it learns.
    set_controls(panel, {"maxSamplesSpin": 2048, "epochsSpin": 3, "seedSpin": 0,
                         "deviceCombo": "cpu", "augmentCheck": False})
    panel.max_test_samples = 500
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT) as trained:
        child(panel, "trainButton").click()
    result = panel.last_result
    assert isinstance(result, Finished) and trained.args[0] is result.checkpoint
    model = result.checkpoint.model
    assert model.name == "my_lenet" and result.checkpoint.meta["spec"]["name"] == "my_lenet"
    first_conv = next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d))
    assert first_conv.out_channels == 5
    losses = [epoch.train_loss for epoch in result.history]
    assert len(losses) == 3 and losses[2] < losses[1] < losses[0]
    print(f"spec-file model: train loss {losses}, test accuracy {result.test_accuracy:.3f}")
    assert result.test_accuracy > 0.4  # chance is 0.1; 0.57 measured with seed 0


def test_settings_are_remembered(panel: TrainingPanel, qtbot) -> None:  # noqa: ANN001
    configure(panel, model="lenet5", samples=256, epochs=1, seed=7, lrSpin=0.02)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        child(panel, "trainButton").click()
    again = TrainingPanel()
    qtbot.addWidget(again)
    assert child(again, "modelCombo").currentData() == "lenet5"
    assert child(again, "lrSpin").value() == pytest.approx(0.02)
    assert child(again, "epochsSpin").value() == 1
    assert child(again, "seedSpin").value() == 7
    assert child(again, "maxSamplesSpin").value() == 256
    assert child(again, "optimizerCombo").currentData() == "sgd"


def test_plots_offer_save_chart_in_their_context_menu(panel: TrainingPanel,
                                                      tmp_path) -> None:  # noqa: ANN001
    from app.widgets.chart_export import save_chart

    panel.lossPlot.begin_run(1, "#1 test")
    for i, loss in enumerate((2.3, 1.5, 0.9), start=1):
        panel.lossPlot.add_loss(i / 3, loss)
    panel.lossPlot.redraw()
    for plot in (panel.lossPlot, panel.accuracyPlot, panel.gradientPlot):
        assert plot.getPlotItem().menuEnabled()
        assert [action.text() for action in plot.scene().contextMenu] == ["Save chart…"]
        assert plot.getPlotItem().clipToViewMode()
        assert plot.getPlotItem().downsampleMode()[1]  # auto downsampling
    text = save_chart(panel.lossPlot, tmp_path / "loss.csv").read_text()
    assert "Training loss,1,0.9" in text  # the raw losses (unnamed: the plot's title)
    assert "#1 test,1," in text  # the smoothed curve, named by its run
    assert save_chart(panel.lossPlot, tmp_path / "loss.png").stat().st_size > 1000


def test_format_duration() -> None:
    assert format_duration(75) == "1:15"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(float("nan")) == "–"


def test_each_tick_repaints_one_plot_and_the_end_of_a_run_all(panel: TrainingPanel) -> None:
    """While training, new points reach one plot per timer tick, so that no turn of the event
    loop paints all three; when the run ends, every plot shows all its points at once."""
    plots = [panel.lossPlot, panel.accuracyPlot]
    for plot in plots:
        plot.begin_run(1, "#1 test")

    def add(step: int) -> None:
        panel.lossPlot.add_loss(step / 10, 2.0 / step)
        panel.accuracyPlot.add_epoch(step, 0.5, 0.6)
        panel.gradientPlot.add_norms(step / 10, (("conv1", 0.1 * step),))

    def drawn() -> list[int]:
        return [panel.lossPlot.point_count(), panel.accuracyPlot.point_count(),
                panel.gradientPlot.point_count("conv1")]

    add(1)
    changed = []
    for _ in range(3):
        before = drawn()
        panel._refresh()
        changed.append(sum(a != b for a, b in zip(drawn(), before, strict=True)))
    assert changed == [1, 1, 1]
    assert drawn() == [1, 1, 1]
    add(2)
    panel._refresh()  # a tick while it runs: one plot
    assert sorted(drawn()) == [1, 1, 2]
    panel._set_running(False)  # the run ended: the rest at once
    assert drawn() == [2, 2, 2]
