"""The model shelf: stopped runs wait on it, picking one switches the canvas, it survives a
restart; epoch replay; class names from the checkpoint; two models compared."""

from __future__ import annotations

import numpy as np
from digit_strokes import DIGITS
from panel_controls import set_controls
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from run_events import RunEvents

from app.main_window import MainWindow
from app.models import ModelLibrary
from cnn_core.checkpoints import Checkpoint, make_metadata, save_checkpoint
from cnn_core.data.datasets import DATASETS
from cnn_core.models import create_model
from cnn_core.training import Stopped

RUN_TIMEOUT = 120_000


def _titles(window: MainWindow) -> list[str]:
    shelf = window.model_bar.modelShelf
    return [shelf.itemText(i) for i in range(shelf.count())]


def _probabilities(window: MainWindow) -> np.ndarray:
    """The canvas model's answer for the whole current drawing (no throttle pending)."""
    window.inference.request()
    window.inference.run_now()
    prediction = window.inference.last_prediction()
    assert not prediction.preprocessed.blank
    return prediction.probabilities.copy()


def _stop_a_run_in_epoch_two(window: MainWindow, qtbot) -> Stopped:  # noqa: ANN001
    """Train lenet on 1024 images; press Stop (a real click) once epoch 1 is done (the run,
    in its own process, may have finished more epochs by the time it sees the stop)."""
    panel = window.training_panel
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": 1024,
                         "epochsSpin": 30, "seedSpin": 0})
    panel.max_test_samples = 200
    with qtbot.waitSignal(RunEvents(panel.training).epoch_done, timeout=RUN_TIMEOUT):
        QTest.mouseClick(panel.trainButton, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        QTest.mouseClick(panel.stopButton, Qt.MouseButton.LeftButton)
    assert isinstance(panel.last_result, Stopped)
    return panel.last_result


def test_stopped_run_waits_on_the_shelf_and_survives_a_restart(qtbot, draw, untrained,  # noqa: ANN001
                                                               bundled) -> None:
    win = MainWindow(untrained.copy())
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    draw(win.canvas, DIGITS[4])
    qtbot.waitUntil(lambda: win.inference.last_prediction() is not None)
    before_model, before = win.checkpoint(), _probabilities(win)

    stopped = _stop_a_run_in_epoch_two(win, qtbot)
    assert win.checkpoint() is before_model  # the canvas kept its model …
    assert np.allclose(_probabilities(win), before)
    titles = _titles(win)
    assert titles[0].startswith("Bundled model")
    assert titles[1].startswith("#1 lenet · adam") and titles[1].endswith(
        f"stopped in epoch {stopped.epoch}")  # … and the run is on the shelf
    assert win.model_bar.modelShelf.currentIndex() == 2  # the canvas model: the one given at start
    assert "on the model shelf" in win.banner.text()

    # Pick the run with the keyboard, as a user would: focus the shelf, arrow up.
    win.model_bar.modelShelf.setFocus()
    with qtbot.waitSignal(win.model_changed):
        QTest.keyClick(win.model_bar.modelShelf, Qt.Key.Key_Up)
    assert win.checkpoint() is stopped.checkpoint
    assert not np.allclose(_probabilities(win), before)  # same drawing, another answer
    assert win.model_bar.modelShelf.currentIndex() == 1

    # Ctrl+B: back to the bundled model; the button does the same.
    with qtbot.waitSignal(win.model_changed):
        QTest.keySequence(win, "Ctrl+B")
    assert win.library.canvas_entry().kind == "bundled"
    assert win.model_bar.modelShelf.currentIndex() == 0
    assert np.allclose(win.checkpoint().model.features.conv1.weight.detach(),
                       bundled.model.features.conv1.weight.detach())
    assert "bundled model again" in win.banner.text()
    win.model_bar.modelShelf.setFocus()
    with qtbot.waitSignal(win.model_changed):
        QTest.keyClick(win.model_bar.modelShelf, Qt.Key.Key_Down)  # the run again
    assert win.banner.text() == ""  # the notice no longer holds, so it is gone
    with qtbot.waitSignal(win.model_changed):
        QTest.mouseClick(win.model_bar.useBundledButton, Qt.MouseButton.LeftButton)
    assert win.library.canvas_entry().kind == "bundled"
    with qtbot.waitSignal(win.model_changed):
        QTest.keyClick(win.model_bar.modelShelf, Qt.Key.Key_Down)
    run_weights = win.checkpoint().model.state_dict()
    win.close()  # waits for the writes

    # Restart: a new window on the same data folder has the same shelf and canvas model.
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.checkpoint() is not None, timeout=20_000)
    assert _titles(again)[:2] == titles[:2]  # bundled, the run (the unsaved model is gone)
    assert again.model_bar.modelShelf.currentIndex() == 1
    restored = again.checkpoint().model.state_dict()
    assert all(np.array_equal(restored[k].numpy(), run_weights[k].numpy()) for k in restored)
    assert again.model_bar.replayBar.isVisible()
    assert again.model_bar.replaySlider.maximum() == stopped.epoch
    again.close()


def test_replay_slider_scrubs_the_epochs(window: MainWindow, qtbot, draw) -> None:  # noqa: ANN001
    stopped = _stop_a_run_in_epoch_two(window, qtbot)
    window.model_bar.modelShelf.setFocus()
    with qtbot.waitSignal(window.model_changed):
        QTest.keyClick(window.model_bar.modelShelf, Qt.Key.Key_Up)
    assert not window.model_bar.replayBar.isHidden()
    slider = window.model_bar.replaySlider
    # initial weights, each finished epoch, the stopped weights: the training process may have
    # finished another epoch before it saw the stop flag, so the count comes from the run.
    assert stopped.epoch >= 2
    assert (slider.minimum(), slider.maximum(), slider.value()) == (0, stopped.epoch,
                                                                     stopped.epoch)
    assert window.model_bar.replayLabel.text().startswith(f"stopped in epoch {stopped.epoch}")
    window.tabs.setCurrentWidget(window.kernel_view)
    draw(window.canvas, DIGITS[3])
    qtbot.waitUntil(lambda: len(window.kernel_view.kernel_sets()) > 0)
    final = window.kernel_view.kernel_sets()[0].weights.copy()
    np.testing.assert_allclose(final, stopped.checkpoint.model.features.conv1.weight.detach())
    final_probabilities = _probabilities(window)

    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_Home)  # the initial weights
    assert slider.value() == 0 and window.model_bar.replayLabel.text() == "initial weights"
    qtbot.waitUntil(lambda: not np.allclose(window.kernel_view.kernel_sets()[0].weights, final))
    initial = window.kernel_view.kernel_sets()[0].weights.copy()
    assert not np.allclose(_probabilities(window), final_probabilities)  # prediction follows
    assert window.training_panel.lossPlot.marked_epoch() == 0

    QTest.keyClick(slider, Qt.Key.Key_Right)  # after epoch 1
    assert window.model_bar.replayLabel.text().startswith("epoch 1 · ")
    qtbot.waitUntil(lambda: not np.allclose(window.kernel_view.kernel_sets()[0].weights,
                                            initial))
    record = window.library.canvas_entry().record
    epoch1 = window.library.store.load_snapshot(record, 1).model.features.conv1.weight
    np.testing.assert_allclose(window.kernel_view.kernel_sets()[0].weights, epoch1.detach())
    assert window.training_panel.accuracyPlot.marked_epoch() == 1
    assert window.library.canvas_entry().record is record  # replay never changes the shelf

    QTest.keyClick(slider, Qt.Key.Key_End)
    assert window.checkpoint() is stopped.checkpoint


def _fashion_checkpoint() -> Checkpoint:
    info = DATASETS["fashion_mnist"]
    model = create_model("tinyvgg", seed=0)
    return Checkpoint(model, make_metadata(model, dataset=info.name, mean=info.mean,
                                           std=info.std, classes=list(info.classes)))


def test_a_fashion_mnist_model_answers_with_its_class_names(window: MainWindow, qtbot, draw,  # noqa: ANN001
                                                            tmp_path) -> None:
    path = save_checkpoint(tmp_path / "fashion.safetensors", _fashion_checkpoint())
    assert not window.model_bar.classesNotice.isVisible()
    assert window.open_model_file(path)
    notice = window.model_bar.classesNotice
    assert notice.isVisible() and "Fashion-MNIST" in notice.text()
    assert "clothing" in notice.text() and "not digits" in notice.text()
    draw(window.canvas, DIGITS[1])
    qtbot.waitUntil(lambda: window.inference.last_prediction() is not None
                    and window.inference.last_prediction().label is not None)
    label = window.prediction_panel.predictionLabel.text()
    classes = DATASETS["fashion_mnist"].classes
    best = int(window.inference.last_prediction().label)
    assert classes[best] in label, label  # "Trouser (…)", not "1 (…)"
    ticks = window.prediction_panel.probabilityPlot.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == list(classes)
    assert _titles(window)[-1] == "fashion.safetensors · tinyvgg · fashion_mnist"

    window.model_bar.use_bundled_model()  # a digit model again: the notice goes
    qtbot.waitUntil(lambda: not notice.isVisible())
    assert window.prediction_panel.classes() == [str(d) for d in range(10)]


def test_an_opened_file_that_has_gone_is_a_clear_disabled_entry(qtbot, tmp_path,  # noqa: ANN001
                                                                untrained) -> None:
    path = save_checkpoint(tmp_path / "mine.safetensors", untrained)
    win = MainWindow()
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    assert win.open_model_file(path)
    win.close()
    path.unlink()
    again = MainWindow()
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.checkpoint() is not None, timeout=20_000)
    shelf = again.model_bar.modelShelf
    index = shelf.findText("mine.safetensors · file not found")
    assert index > 0 and not shelf.model().item(index).isEnabled()
    assert "file not found" in shelf.itemData(index, Qt.ItemDataRole.ToolTipRole)
    assert again.library.canvas_entry().kind == "bundled"  # the fallback, said in the banner
    again.close()


def test_compare_view_shows_two_models_on_the_same_drawing(window: MainWindow, qtbot, draw,  # noqa: ANN001
                                                           bundled) -> None:
    view = window.compare_view
    QTest.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=window.tabs.tabBar()
                     .tabRect(window.tabs.indexOf(view)).center())
    assert window.tabs.currentWidget() is view
    left, right = view.sides()
    assert left.key == window.library.canvas_entry().key  # the canvas model …
    assert right.key == "bundled"  # … against the bundled one
    draw(window.canvas, DIGITS[7])
    qtbot.waitUntil(lambda: left.inference.last_prediction() is not None
                    and right.inference.last_prediction() is not None
                    and not right.inference.last_prediction().preprocessed.blank)
    qtbot.waitUntil(lambda: len(left.maps.cards()) > 0 and len(right.maps.cards()) > 0)
    p_left = left.inference.last_prediction().probabilities
    p_right = right.inference.last_prediction().probabilities
    assert not np.allclose(p_left, p_right)
    assert right.prediction.predictionLabel.text().startswith("7")  # the bundled model reads it
    assert left.maps.cards()[0].name == "features.conv1"
    assert {c.name for c in right.maps.cards()} != {c.name for c in left.maps.cards()}

    # Both sides follow the drawing (throttled): clear it and they say "Draw a digit".
    QTest.keyClick(window.canvas, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: right.prediction.predictionLabel.text() == "Draw a digit")
    # Pick with the keyboard: the right side can show the canvas model too.
    right.combo.setFocus()
    QTest.keyClick(right.combo, Qt.Key.Key_End)
    assert right.key == right.combo.currentData() != "bundled"


def test_runs_are_bounded_and_the_canvas_run_is_never_evicted(qtbot, tmp_path,  # noqa: ANN001
                                                              monkeypatch) -> None:
    from app import models
    from cnn_core.checkpoints.run_store import RunStore
    from cnn_core.checkpoints.runs import RunRecord

    store = RunStore(tmp_path)
    model = create_model("lenet", seed=0)
    meta = make_metadata(model)
    for number in range(1, 4):
        record = RunRecord(store.new_run_id(number), number, "finished", meta)
        record.final = Checkpoint(model, meta)
        store.save(record)
    monkeypatch.setattr(models, "MAX_RUNS", 2)
    library = ModelLibrary(tmp_path)
    library.restore()
    first = library.entries()[1]
    library.choose(first.key)
    library._evict(protect=None)
    library.flush()
    assert [r.number for r in library.runs()] == [1, 3]  # #2 went, #1 is the canvas model
    assert [r.number for r in RunStore(tmp_path).load_records()] == [1, 3]


def test_remove_a_run_from_the_shelf_deletes_its_files(qtbot) -> None:  # noqa: ANN001
    from app.models import data_dir
    from cnn_core.checkpoints.run_store import RunStore
    from cnn_core.checkpoints.runs import RunRecord

    store = RunStore(data_dir())
    model = create_model("lenet", seed=0)
    record = RunRecord(store.new_run_id(1), 1, "stopped", make_metadata(model), ended_epoch=2,
                       test_accuracy=0.5)
    record.final = Checkpoint(model, make_metadata(model))
    store.save(record)
    win = MainWindow()
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=20_000)
    assert not win.model_bar.removeFromShelfAction.isEnabled()  # the bundled model cannot go
    win.model_bar.modelShelf.setFocus()
    with qtbot.waitSignal(win.model_changed):
        QTest.keyClick(win.model_bar.modelShelf, Qt.Key.Key_Down)
    assert win.library.canvas_entry().record.run_id == record.run_id
    assert win.model_bar.removeFromShelfAction.isEnabled()
    with qtbot.waitSignal(win.model_changed):
        win.model_bar.removeFromShelfAction.trigger()
    win.library.flush()
    assert win.library.canvas_entry().kind == "bundled"
    assert win.model_bar.modelShelf.count() == 1 and "Removed #1 lenet" in win.banner.text()
    assert not store.folder(record).exists() and store.load_records() == []
    win.close()


def test_compare_view_shown_before_the_model_loads_takes_it(qtbot, draw) -> None:  # noqa: ANN001
    win = MainWindow()  # the canvas model loads once the event loop runs
    qtbot.addWidget(win)
    win.tabs.setCurrentWidget(win.compare_view)
    win.show()
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=30_000)
    draw(win.canvas, DIGITS[7])
    sides = win.compare_view.sides()
    qtbot.waitUntil(lambda: all(s.inference.last_prediction() is not None for s in sides),
                    timeout=10_000)
    assert sides[0].key == win.library.canvas_entry().key
