"""The Train tab's input switch, dead-ReLU plot and advice banner: real short runs driven with
the mouse, and recorded events for the troubles a short run cannot be relied on to hit."""

from __future__ import annotations

import os

from panel_controls import set_controls
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QScrollArea
from test_training_panel import RUN_TIMEOUT

from app.widgets.training_health import DeadUnitsPlot, TrainingAdvice
from app.widgets.training_panel import TrainingPanel
from cnn_core.checkpoints import Checkpoint
from cnn_core.checkpoints.runs import RunRecord
from cnn_core.models import create_model
from cnn_core.training import Diverged, EpochDone, TrainConfig


def _open(window, qtbot) -> TrainingPanel:  # noqa: ANN001
    """The window's Train tab, on show."""
    panel = window.training_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.isVisible)
    return panel


def _train(panel: TrainingPanel, qtbot, model: str, **values: object) -> Checkpoint:  # noqa: ANN001
    set_controls(panel, {"modelCombo": model, "maxSamplesSpin": 300, "epochsSpin": 1,
                         "seedSpin": 0, "deviceCombo": "cpu", **values})
    panel.max_test_samples = 200
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT) as trained:
        qtbot.mouseClick(panel.trainButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    return trained.args[0]


def _grab(widget, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("DIGITLAB_GRAB_DIR")
    if folder:
        widget.grab().save(os.path.join(folder, name))


def test_normalise_off_reaches_the_run_its_record_and_its_model(window, qtbot) -> None:  # noqa: ANN001
    panel = _open(window, qtbot)
    check = panel.form.normalizeCheck
    assert check.objectName() == "normalizeCheck" and check.isChecked()
    set_controls(panel, {"modelCombo": "lenet5"})
    check.ensurePolished()
    panel.findChild(QScrollArea, "trainingSettings").ensureWidgetVisible(check)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(10, check.height() // 2))
    assert not check.isChecked()
    checkpoint = _train(panel, qtbot, "lenet5")
    record = panel.shown_run()
    assert record.meta["config"]["normalize"] is False
    assert (checkpoint.mean, checkpoint.std) == (0.0, 1.0)  # inference reads [0, 1] pixels
    assert panel.form.settings.value("training/normalize") in (False, "false")
    # the tutorials' plateau: a sigmoid LeNet on raw pixels guesses after 3 SGD steps
    accuracy = checkpoint.meta["history"][-1]["val_accuracy"]
    assert accuracy < 0.15
    advice = panel.adviceLabel
    assert advice.isVisible() and advice.objectName() == "trainingAdviceLabel"
    assert "after epoch 1, about a guess's" in advice.text()
    assert "turn Normalise input on" in advice.text()
    assert panel.deadUnitsPlot.shares() == ()  # lenet5 has sigmoids, no ReLU
    assert "no ReLU layers" in panel.deadUnitsPlot.note.toPlainText()


def test_a_relu_run_shows_its_dead_units_per_layer(window, qtbot) -> None:  # noqa: ANN001
    panel = _open(window, qtbot)
    checkpoint = _train(panel, qtbot, "lenet", maxSamplesSpin=640)
    assert checkpoint.meta["config"]["normalize"] is True
    assert (checkpoint.mean, checkpoint.std) == (0.1307, 0.3081)
    plot = panel.deadUnitsPlot
    assert plot.objectName() == "deadUnitsPlot"
    layers = [name for name, _ in plot.shares()]
    assert layers == ["features.relu1", "features.relu2", "classifier.relu1",
                      "classifier.relu2"]
    assert all(0.0 <= share < 0.5 for _, share in plot.shares())
    heights = plot.bars.opts["height"]
    assert list(heights) == [share * 100 for _, share in plot.shares()]
    # as fully named as the plot's width allows (at 1280 px wide, the compact names)
    assert plot.tick_labels() in (["f.relu1", "f.relu2", "c.relu1", "c.relu2"],
                                  ["f1", "f2", "c1", "c2"])
    _assert_labels_apart(plot)
    assert "epoch 1" in plot.getPlotItem().titleLabel.text
    assert "Dead ReLUs" not in panel.adviceLabel.text()
    _grab(window, "train-dead-units.png")
    # another run on the shelf: its curves, and no bars that are not its own
    own, shares = panel.shown_run(), plot.shares()
    other = RunRecord("older", 99, "finished", dict(own.meta), ended_epoch=1)
    panel.show_run(other)
    assert plot.shares() == () and "while a run trains" in plot.note.toPlainText()
    panel.show_run(own)
    assert plot.shares() == shares


def _assert_labels_apart(plot: DeadUnitsPlot) -> None:
    """Every labelled bar's name is narrower than the room up to the next labelled bar."""
    axis = plot.getPlotItem().getAxis("bottom")
    metrics = QFontMetricsF(axis.style["tickFont"])
    spacing = plot.getPlotItem().getViewBox().width() / (len(plot.shares()) + 0.2)
    labelled = [i for i, label in enumerate(plot.tick_labels()) if label]
    assert labelled and labelled[0] == 0
    room = spacing * (labelled[1] - labelled[0] if len(labelled) > 1 else 1)
    for i in labelled:
        assert metrics.horizontalAdvance(plot.tick_labels()[i]) < room, plot.tick_labels()


def test_bar_names_shorten_and_thin_to_fit_the_width(qtbot) -> None:  # noqa: ANN001
    plot = DeadUnitsPlot()
    qtbot.addWidget(plot)
    lenet = (("features.relu1", 0.1), ("features.relu2", 0.0), ("classifier.relu1", 0.2),
             ("classifier.relu2", 0.0))
    plot.resize(700, 200)
    plot.show()
    plot.show_epoch(_epoch(1, 0.9, lenet))
    plot.redraw()
    qtbot.waitUntil(lambda: plot.tick_labels() == ["f.relu1", "f.relu2", "c.relu1", "c.relu2"])
    _assert_labels_apart(plot)
    assert plot.toolTip().count("\n") == 0  # the names say it all
    plot.resize(210, 200)  # as narrow as the Train tab's at 1280×800, or narrower
    assert plot.tick_labels() == ["f1", "f2", "c1", "c2"]  # at once, no wait for a redraw
    _assert_labels_apart(plot)
    assert "f1: features.relu1" in plot.toolTip() and "c2: classifier.relu2" in plot.toolTip()
    nin = tuple((f"features.relu{i}", 0.0) for i in range(1, 13))  # twelve bars
    plot.show_epoch(_epoch(2, 0.9, nin))
    plot.redraw()
    labels = plot.tick_labels()
    assert labels[0] == "1" and "" in labels  # every second (third …) bar named
    _assert_labels_apart(plot)
    plot.resize(900, 200)
    qtbot.waitUntil(lambda: "" not in plot.tick_labels())
    _assert_labels_apart(plot)


def _epoch(epoch: int, accuracy: float, dead: tuple[tuple[str, float], ...]) -> EpochDone:
    return EpochDone(epoch, 3, 2.0, accuracy, 2.0, accuracy, 2.0, accuracy, 0.1, 100.0, 1.0,
                     2.0, dead)


def test_recorded_events_raise_and_clear_the_banner_lines(qtbot) -> None:  # noqa: ANN001
    advice, plot = TrainingAdvice(), DeadUnitsPlot()
    for widget in (advice, plot):
        qtbot.addWidget(widget)
        widget.show()
    config = TrainConfig.for_model("lenet", lr=0.03)
    dying = _epoch(1, 0.62, (("features.relu1", 0.75), ("classifier.relu1", 0.1)))
    advice.follow_epoch(dying, config)
    plot.show_epoch(dying)
    assert plot.redraw() and not plot.redraw()  # only when something changed
    brushes = [b.color().red() for b in plot.bars.opts["brushes"]]
    assert brushes[0] > brushes[1]  # the dead layer's bar is red
    assert list(advice.lines()) == ["dead"]
    assert "75% of the units of features.relu1 never fired" in advice.text()
    assert "classifier.relu1" not in advice.text()
    assert "0.003" in advice.text()  # a tenth of 0.03
    advice.follow_epoch(_epoch(2, 0.9, (("features.relu1", 0.2),)), config)
    assert not advice.isVisible()  # the trouble went, so did its line
    checkpoint = Checkpoint(create_model("lenet"), {})
    advice.follow_end(Diverged(2, 40, float("nan"), "the loss became nan", (), checkpoint,
                               0.03, 0.003))
    assert advice.isVisible()
    assert advice.text() == "The loss blew up: try learning rate 0.003, a tenth of 0.03."
    advice.clear_lines()
    assert not advice.isVisible()
