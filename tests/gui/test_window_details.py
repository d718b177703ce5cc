"""Details of the window a learner meets in the first hour, driven with real mouse and key
events: messages that float instead of shifting the controls, an edited preset that gets its
own name and keeps its recipe, a network that survives quitting, the convolution explorer
that starts at the ink and jumps where clicked, messages never cut, kernels drawn large."""

from __future__ import annotations

import numpy as np
from digit_strokes import DIGITS
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QFileDialog, QSpinBox

from app.builder.builder_view import ArchitectureBuilder
from app.widgets.kernel_view import KernelView, kernel_at, kernel_mosaic
from cnn_core.analysis.inspection import conv_kernels
from cnn_core.data.preprocess import preprocess
from cnn_core.models import MODELS, create_model

LEFT = Qt.MouseButton.LeftButton


def _open_tab(qtbot, window, widget) -> None:  # noqa: ANN001
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(window.tabs.indexOf(widget)).center())
    assert window.tabs.currentWidget() is widget


def _type_into(qtbot, widget, text: str) -> None:  # noqa: ANN001
    editor = widget.lineEdit() if isinstance(widget, QSpinBox) else widget
    qtbot.mouseClick(editor, LEFT)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _click_layer(qtbot, builder, index: int) -> None:  # noqa: ANN001
    table = builder.table
    rect = table.visualItemRect(table.item(table.row_of_layer(index), 0))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())


# ------------------------------------------------------------------------------- banners
def test_a_message_floats_and_moves_no_control(qtbot, window) -> None:  # noqa: ANN001
    tabs, shelf = window.tabs, window.model_bar.modelShelf
    before = (tabs.mapTo(window, QPoint(0, 0)), shelf.mapTo(window, QPoint(0, 0)),
              tabs.height())
    window.banner.show_error("Could not open the model. A long explanation of what went "
                             "wrong, long enough to need a second line in a narrow window.")
    qtbot.waitUntil(window.banner.isVisible)
    qtbot.wait(50)
    assert (tabs.mapTo(window, QPoint(0, 0)), shelf.mapTo(window, QPoint(0, 0)),
            tabs.height()) == before
    # over the prediction's headline, where no control lies
    panel = window.prediction_panel
    headline = QRect(panel.mapTo(window, QPoint(0, 0)), panel.size())
    banner = window.banner.geometry()
    assert headline.contains(banner), (headline, banner)
    for control in (window.tabs.tabBar(), window.model_bar.modelShelf, window.canvas):
        place = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
        assert not place.intersects(banner), (control.objectName(), place, banner)
    text = window.banner.textLabel
    assert text.height() >= text.heightForWidth(text.width())  # every line of it shows
    qtbot.mouseClick(window.banner.closeButton, LEFT)
    assert not window.banner.isVisible()
    assert tabs.mapTo(window, QPoint(0, 0)) == before[0]


# ------------------------------------------------------------------------------- Build
def test_an_edited_preset_gets_its_own_name_and_keeps_its_recipe(
        qtbot, window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    builder = window.findChild(ArchitectureBuilder, "architectureBuilder")
    _open_tab(qtbot, window, builder)
    assert builder.spec()["name"] == "lenet5"
    _click_layer(qtbot, builder, 0)
    _type_into(qtbot, builder.inspector.editor("out_channels"), "8")
    assert builder.spec()["name"] == "lenet5 (edited)"
    assert builder.inspector.nameEdit.text() == "lenet5 (edited)"
    # the exported file carries the name, and is offered under it
    offered: list[str] = []

    def save_name(_parent, _title, suggested, *_filters):  # noqa: ANN001, ANN002, ANN202
        offered.append(suggested)
        return str(tmp_path / "net.py"), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    qtbot.mouseClick(builder.exportButton, LEFT)
    assert offered and offered[0].endswith("lenet5_edited.py")
    assert "lenet5 (edited)" in (tmp_path / "net.py").read_text(encoding="utf-8")

    messages: list[tuple[str, str]] = []
    window.training_panel.message.connect(lambda *m: messages.append(m))
    qtbot.mouseClick(builder.trainButton, LEFT)
    form = window.training_panel.form
    assert form.modelCombo.currentText() == "lenet5 (edited) (from the builder)"
    recipe = MODELS["lenet5"].recipe  # SGD 0.5, batch 100, 16 epochs, no augmentation
    config = form.config()
    assert (config.optimizer, config.lr, config.batch_size, config.epochs, config.augment) == (
        recipe.optimizer, recipe.lr, recipe.batch_size, recipe.epochs, recipe.augment)
    assert config.model_spec["name"] == "lenet5 (edited)"
    assert messages and "keeps the recipe of lenet5" in messages[-1][1]
    assert "SGD 0.5, batch 100, 16 epochs" in messages[-1][1]

    # back to the preset's layers: the preset's name again (Ctrl+Z in the table)
    _open_tab(qtbot, window, builder)
    _click_layer(qtbot, builder, 0)
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert builder.spec()["name"] == "lenet5"


def test_a_network_from_scratch_says_which_recipe_it_gets(qtbot, window) -> None:  # noqa: ANN001
    builder = window.findChild(ArchitectureBuilder, "architectureBuilder")
    _open_tab(qtbot, window, builder)
    qtbot.mouseClick(builder.newButton, LEFT)
    for kind in ("flatten", "linear"):
        qtbot.mouseClick(builder.addButtons[kind], LEFT)
    assert builder.error() == ""
    messages: list[tuple[str, str]] = []
    window.training_panel.message.connect(lambda *m: messages.append(m))
    qtbot.mouseClick(builder.trainButton, LEFT)
    assert messages and "general recipe" in messages[-1][1]


def test_the_network_being_built_survives_quitting(qtbot) -> None:  # noqa: ANN001
    first = ArchitectureBuilder()
    qtbot.addWidget(first)
    first.resize(1100, 700)
    first.show()
    qtbot.waitExposed(first)
    _click_layer(qtbot, first, 0)
    _type_into(qtbot, first.inspector.editor("out_channels"), "8")
    edited = first.spec()
    first.close()
    first.deleteLater()

    second = ArchitectureBuilder()  # the next start of the app
    qtbot.addWidget(second)
    assert second.spec() == edited and second.spec()["name"] == "lenet5 (edited)"
    second.document.undo_stack.undo()  # Ctrl+Z goes back to the fresh preset
    assert second.spec()["name"] == "lenet5"


def test_the_error_line_is_shown_whole(qtbot) -> None:  # noqa: ANN001
    builder = ArchitectureBuilder()
    qtbot.addWidget(builder)
    builder.resize(700, 600)  # narrow: the message takes more than one line
    builder.show()
    qtbot.waitExposed(builder)
    _click_layer(qtbot, builder, 0)
    _type_into(qtbot, builder.inspector.editor("kernel_size").first, "5")
    _click_layer(qtbot, builder, 3)
    _type_into(qtbot, builder.inspector.editor("kernel_size").first, "25")
    qtbot.wait(50)
    label = builder.errorLabel
    assert builder.error() and "…" not in label.text()
    assert label.text() == label.full_text()
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()


# -------------------------------------------------------------------------- Convolution
def test_convolution_starts_at_the_ink_and_jumps_where_clicked(qtbot, window,  # noqa: ANN001
                                                               draw) -> None:
    draw(window.canvas, DIGITS[3])
    explorer = window.conv_explorer
    _open_tab(qtbot, window, explorer)
    qtbot.waitUntil(lambda: explorer.current_step() is not None, timeout=5000)
    image28 = preprocess(window.canvas.model_input()).image28
    step = explorer.current_step()
    kh, kw = explorer.controls.settings().kernel_size
    assert image28[step.row:step.row + kh, step.col:step.col + kw].any()  # at the ink
    out_w = explorer.output().shape[2]
    for index in range(explorer.positions_done() - 1):  # every window before it: blank paper
        row, col = divmod(index, out_w)
        assert not image28[row:row + kh, col:col + kw].any()

    def click_picture(picture, x: float, y: float) -> None:  # noqa: ANN001
        view = picture.plot.scene().views()[0]
        point = view.mapFromScene(picture.image.mapToScene(x, y))
        qtbot.mouseClick(view.viewport(), LEFT, pos=point)

    click_picture(explorer.pictures.output, 7.5, 5.5)  # output row 5, column 7
    step = explorer.current_step()
    assert (step.row, step.col) == (5, 7)
    assert explorer.positions_done() == 5 * out_w + 8
    assert np.isnan(explorer.output()[0, 5, 8])
    click_picture(explorer.pictures.input, 12.5, 20.5)  # the window centred on (20, 12)
    step = explorer.current_step()
    assert (step.row, step.col) == (20 - kh // 2, 12 - kw // 2)
    click_picture(explorer.pictures.output, 1.5, 1.5)  # back: later outputs blank again
    assert explorer.positions_done() == out_w + 2
    assert np.isnan(explorer.output()[0, 20 - kh // 2, 0])


# ------------------------------------------------------------------------------ Kernels
def test_conv2_kernels_fill_a_wide_view(qtbot, monkeypatch) -> None:  # noqa: ANN001
    view = KernelView()
    qtbot.addWidget(view)
    view.resize(900, 330)
    view.show()
    qtbot.waitExposed(view)
    view.set_kernels(conv_kernels(create_model("lenet5", seed=0)))
    view.select_layer("features.conv2")  # 16 out × 6 in × 5×5
    qtbot.wait(100)

    def weight_pixels() -> float:
        return view.imageItem.mapToScene(1, 0).x() - view.imageItem.mapToScene(0, 0).x()
    pixel = weight_pixels()
    assert view.plot.getAxis("bottom").labelText == "output channel"
    monkeypatch.setattr(view, "_wide_is_bigger", lambda _shape: False)  # as it was: upright
    view.select_layer("features.conv1")
    view.select_layer("features.conv2")
    qtbot.wait(100)
    assert view.plot.getAxis("bottom").labelText == "input channel"
    assert pixel >= 2 * weight_pixels(), (pixel, weight_pixels())
    weights = np.arange(6 * 2 * 3 * 3, dtype=np.float32).reshape(6, 2, 3, 3)
    mosaic, rows, columns = kernel_mosaic(weights, transpose=True)
    assert (rows, columns) == (2, 6)
    for row in range(mosaic.shape[0]):
        for column in range(mosaic.shape[1]):
            at = kernel_at(weights.shape, row, column, transpose=True)
            assert np.isnan(mosaic[row, column]) if at is None else mosaic[row, column] == \
                weights[at]


# ------------------------------------------------------------------------ the answer's bar
def test_the_percentage_on_a_tall_bar_is_readable_at_any_width(qtbot) -> None:  # noqa: ANN001

    from app.widgets.prediction_panel import PredictionPanel
    from cnn_core.recognition.predict import Prediction

    image = np.zeros((28, 28), np.float32)
    image[5:23, 12:16] = 1.0  # a 1
    probabilities = np.full(10, 0.04 / 9, np.float32)
    probabilities[1] = 0.96
    prediction = Prediction(1, 0.96, probabilities, preprocess(image), "digit")
    for width in (900, 300):  # the main panel; a narrow one, as in Compare
        panel = PredictionPanel()
        qtbot.addWidget(panel)
        panel.resize(width, 420)
        panel.show()
        qtbot.waitExposed(panel)
        panel.show_prediction(prediction)
        label = panel._best_text
        assert label.textItem.toPlainText() == "96%"
        # above its bar, inside the view, dark: never over the bar it labels
        assert label.pos().y() > 0.96
        top = label.mapRectToView(label.boundingRect()).bottom()
        view_top = panel.probabilityPlot.getViewBox().viewRange()[1][1]
        assert max(top, label.mapRectToView(label.boundingRect()).top()) <= view_top
        assert label.color.lightness() < 100, (width, label.color.name())


# ------------------------------------------------------------------------ Learn a kernel
def test_the_kernel_status_line_is_never_cut(qtbot) -> None:  # noqa: ANN001
    from app.widgets.kernel_learner import KernelLearnerView

    view = KernelLearnerView(None)
    qtbot.addWidget(view)
    view.resize(560, 600)  # narrower than the tab ever is: the status takes two lines
    view.show()
    qtbot.waitExposed(view)
    view.speedCombo.setCurrentIndex(view.speedCombo.findData(0))
    qtbot.mouseClick(view.runButton, LEFT)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)
    label = view.statusLabel
    assert "converged" in label.text()
    qtbot.wait(50)
    fits_one_line = label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    assert fits_one_line or (label.wordWrap()
                             and label.height() >= label.heightForWidth(label.width())), (
        label.text(), label.width())
