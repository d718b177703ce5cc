"""The code dock: the network's PyTorch code beside the Build tab, driven with real mouse and
key events."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QSpinBox

from app.main_window import MainWindow
from app.widgets.code_view import BUILDER, CANVAS, CodePanel
from cnn_core.checkpoints import Checkpoint
from cnn_core.checkpoints.code_export import spec_to_python
from cnn_core.models import get_spec

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def _open_code(qtbot, win: MainWindow) -> CodePanel:  # noqa: ANN001
    """The Build tab on show, the code dock opened with its shortcut."""
    win.tabs.setCurrentWidget(win.architecture_builder)
    qtbot.keyClick(win, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dock = win.code_dock
    qtbot.waitUntil(dock.isVisible)
    qtbot.waitExposed(dock)  # a floating dock is a window of its own
    panel = dock.widget()
    qtbot.waitUntil(lambda: panel.code() is not None)
    return panel


def _row_point(table, index: int) -> QPoint:  # noqa: ANN001
    return table.visualItemRect(table.item(table.row_of_layer(index), 0)).center()


def _exec(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "saved_net"}
    exec(compile(source, "net.py", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def _shapes(state: dict[str, torch.Tensor]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value.shape) for key, value in state.items()}


def test_code_follows_the_builder_and_lights_the_hovered_row(qtbot, window: MainWindow):  # noqa: ANN001
    panel = _open_code(qtbot, window)
    builder = window.architecture_builder
    dock = window.code_dock
    # no room beside the tabs at 1280 pixels: it floats over the canvas's side, clear of them
    assert dock.isFloating()
    tabs_left = window.tabs.mapToGlobal(QPoint(0, 0)).x()
    assert dock.frameGeometry().right() < tabs_left and dock.width() >= 480
    text = panel.text
    assert text.objectName() == "codeView"
    metrics = QFontMetrics(text.font())  # monospace: every character as wide as any other
    assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("MMMM")
    assert text.toPlainText() == spec_to_python(builder.spec())  # the one generator's code
    assert "class Net(nn.Module):" in text.toPlainText()
    assert "def forward(self, x):" in text.toPlainText()

    # the mouse over conv2's row lights conv2's lines in the code
    table = builder.table
    QTest.mouseMove(table.viewport(), _row_point(table, 3))
    lines = text.toPlainText().splitlines()
    qtbot.waitUntil(lambda: bool(text.lit_lines()))
    lit = text.lit_lines()
    assert lines[lit[0]].strip().startswith('("conv2", nn.Conv2d(6, 16')
    assert any("init_weights(self.features.conv2" in lines[i] for i in lit)
    QTest.mouseMove(table.viewport(), _row_point(table, 7))  # fc1: the first classifier layer
    qtbot.waitUntil(lambda: lines[text.lit_lines()[0]].strip().startswith('("fc1", nn.Linear('))

    # an edit in the builder changes the code, once the edits pause
    qtbot.mouseClick(table.viewport(), LEFT, pos=_row_point(table, 0))
    spin = builder.inspector.editor("out_channels")
    assert isinstance(spin, QSpinBox)
    qtbot.mouseClick(spin.lineEdit(), LEFT)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(spin.lineEdit(), "12")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert "nn.Conv2d(1, 12" not in text.toPlainText()  # not per keystroke: after a pause
    qtbot.waitUntil(lambda: "nn.Conv2d(1, 12" in text.toPlainText(), timeout=3000)
    assert "nn.Conv2d(12, 16" in text.toPlainText()
    assert text.toPlainText() == spec_to_python(builder.spec())
    assert "lenet5" in panel.statusLabel.text()



def test_clicking_a_line_selects_its_row_and_shows_its_maps(qtbot, window: MainWindow, draw):  # noqa: ANN001
    panel = _open_code(qtbot, window)
    builder = window.architecture_builder
    draw(window.canvas, [[(0.5, 0.2), (0.5, 0.8)]])
    # lenet5 in the builder is not the canvas model: the row is selected, no maps are shown
    code = panel.code()
    pool1 = code.layers[panel.layer_names().index("features.pool1")].ranges[0][0]
    qtbot.mouseClick(panel.text.viewport(), LEFT, pos=panel.text.line_rect_centre(pool1))
    assert builder.table.current_layer() == 2
    assert window.tabs.currentWidget() is builder
    assert "not this network" in panel.statusLabel.text()
    assert panel.text.lit_lines() == [pool1]

    # the canvas model's own network (lenet): a click shows that layer's feature maps
    builder.load_preset("lenet")
    qtbot.waitUntil(lambda: "features.conv2" in panel.layer_names()
                    and panel.code().text == spec_to_python(builder.spec()), timeout=3000)
    conv2 = panel.code().layers[panel.layer_names().index("features.conv2")].ranges[0][0]
    qtbot.mouseClick(panel.text.viewport(), LEFT, pos=panel.text.line_rect_centre(conv2))
    names = [layer for layer in panel.layer_names()]
    assert builder.table.current_layer() == names.index("features.conv2")
    view = window.feature_map_view
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.focused_layer() == "features.conv2", timeout=10_000)
    card = next(c for c in view.cards() if c.name == "features.conv2")
    qtbot.waitUntil(lambda: view.scrollArea.verticalScrollBar().value() >= card.y() - 4
                    or view.scrollArea.verticalScrollBar().value()
                    == view.scrollArea.verticalScrollBar().maximum())
    # the keyboard: the arrow keys move through the code, Enter acts as a click
    window.tabs.setCurrentWidget(builder)
    panel.text.setFocus()
    cursor = panel.text.textCursor()
    cursor.setPosition(panel.text.document().findBlockByNumber(conv2 - 2).position())
    panel.text.setTextCursor(cursor)  # on pool1's line
    qtbot.keyClick(panel.text, Qt.Key.Key_Down)
    qtbot.keyClick(panel.text, Qt.Key.Key_Down)  # conv2's line
    qtbot.keyClick(panel.text, Qt.Key.Key_Up)  # relu / sigmoid between them
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)
    assert builder.table.current_layer() == names.index("features.conv2") - 1
    # a click on a line that is no layer's (the class line) selects nothing new
    net_line = panel.code().text.splitlines().index("class Net(nn.Module):")
    window.tabs.setCurrentWidget(builder)
    qtbot.mouseClick(panel.text.viewport(), LEFT, pos=panel.text.line_rect_centre(net_line))
    assert window.tabs.currentWidget() is builder


def test_canvas_model_code_copy_and_save(qtbot, bundled: Checkpoint, tmp_path,  # noqa: ANN001
                                         monkeypatch: pytest.MonkeyPatch, show):
    panel = show(CodePanel(), (900, 700))
    panel.set_builder_spec(get_spec("lenet5"), at_once=True)
    qtbot.waitUntil(lambda: panel.code() is not None)
    panel.set_checkpoint(bundled)
    # choose "Model on the canvas" with the keyboard
    panel.sourceCombo.setFocus()
    qtbot.keyClick(panel.sourceCombo, Qt.Key.Key_Down)
    assert panel.source() == CANVAS
    text = panel.text.toPlainText()
    assert "class Net(nn.Module):" in text and "MEAN = " in text and "CLASSES = " in text
    assert bundled.name in panel.statusLabel.text()
    lines = text.splitlines()
    for name, layer in zip(panel.layer_names(), panel.code().layers, strict=True):
        assert f'("{name.partition(".")[2]}", ' in lines[layer.ranges[0][0]]

    # Copy: the button, and Ctrl+C in the code with nothing selected, copy the whole file
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("")
    qtbot.mouseClick(panel.copyButton, LEFT)
    assert clipboard.text() == text
    clipboard.setText("")
    panel.text.setFocus()
    qtbot.keyClick(panel.text, Qt.Key.Key_C, CTRL)
    assert clipboard.text() == text
    # with a selection, Ctrl+C copies the selection
    panel.text.selectAll()
    cursor = panel.text.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(5, cursor.MoveMode.KeepAnchor)
    panel.text.setTextCursor(cursor)
    qtbot.keyClick(panel.text, Qt.Key.Key_C, CTRL)
    assert clipboard.text() == text[:5]

    # Save…: a .py file that compiles and builds the bundled model's module
    target = tmp_path / "bundled_net.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "Python files (*.py)"))
    qtbot.mouseClick(panel.saveButton, LEFT)
    saved = target.read_text(encoding="utf-8")
    assert saved == text
    compile(saved, str(target), "exec")
    net = _exec(saved)["Net"]()
    assert _shapes(net.state_dict()) == _shapes(bundled.model.state_dict())
    net.load_state_dict(bundled.model.state_dict())  # the weights load unchanged


def test_a_network_that_does_not_build_keeps_the_last_code(qtbot, show,  # noqa: ANN001
                                                           untrained: Checkpoint):
    panel = show(CodePanel(), (900, 700))
    spec = get_spec("lenet5")
    panel.set_builder_spec(spec, at_once=True)
    qtbot.waitUntil(lambda: panel.code() is not None)
    before = panel.text.toPlainText()
    broken = {**spec, "classifier": spec["classifier"][:-1]}  # no 10-way output
    panel.set_builder_spec(broken, at_once=True)
    qtbot.waitUntil(lambda: "does not build" in panel.statusLabel.text())
    assert panel.text.toPlainText() == before
    assert panel.copyButton.isEnabled()
    # the canvas model's code, then back: still the Build tab's last code, not the canvas's
    panel.set_source(CANVAS)
    panel.set_checkpoint(untrained)
    assert "STD = " in panel.text.toPlainText()
    panel.set_source(BUILDER)
    assert panel.text.toPlainText() == before and "does not build" in panel.statusLabel.text()
    # a Build tab whose network never built shows no code at all (not the canvas model's)
    fresh = show(CodePanel(), (900, 700))
    fresh.set_checkpoint(untrained)
    fresh.set_source(CANVAS)
    fresh.set_builder_spec(broken)
    fresh.set_source(BUILDER)
    assert fresh.text.toPlainText() == "" and not fresh.saveButton.isEnabled()


def test_highlighter_colours_keywords_strings_numbers_comments(qtbot, show):  # noqa: ANN001
    panel = show(CodePanel(), (900, 700))
    panel.set_builder_spec(get_spec("lenet5"), at_once=True)
    qtbot.waitUntil(lambda: panel.code() is not None)
    highlighter = panel.text.highlighter
    document = panel.text.document()

    def colour_at(line_text: str, token: str) -> str:
        block = document.begin()
        while block.isValid() and line_text not in block.text():
            block = block.next()
        assert block.isValid(), line_text
        at = block.text().index(token)
        formats = block.layout().formats()
        hit = next(f for f in formats if f.start <= at < f.start + f.length)
        return hit.format.foreground().color().name()

    for line_text, token, kind in (("class Net(nn.Module):", "class", "keyword"),
                                   ("def forward(self, x):", "forward", "definition"),
                                   ('("conv1", nn.Conv2d', '"conv1"', "string"),
                                   ("nn.Conv2d(1, 6", "6", "number"),
                                   ("# → 6×28×28", "# →", "comment")):
        expected = highlighter.format_of(kind).foreground().color().name()
        assert colour_at(line_text, token) == expected, (line_text, kind)
    light = highlighter.format_of("keyword").foreground().color()
    palette = panel.text.palette()  # a dark palette: the colours turn light
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    panel.text.setPalette(palette)
    dark = highlighter.format_of("keyword").foreground().color()
    assert dark.lightness() > light.lightness() + 40
    assert colour_at("class Net(nn.Module):", "class") == dark.name()


def test_the_dock_comes_back_where_it_was(qtbot, untrained: Checkpoint):  # noqa: ANN001
    first = MainWindow(untrained.copy())
    qtbot.addWidget(first)
    first.resize(1920, 1080)
    first.show()
    qtbot.waitExposed(first)
    assert first.wait_until_ready(30_000)
    first.tabs.setCurrentWidget(first.architecture_builder)
    first.menus.showCodeAction.trigger()  # View ▸ Code: room on the right at 1920 pixels
    dock = first.code_dock
    qtbot.waitUntil(dock.isVisible)
    assert not dock.isFloating()
    assert first.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    qtbot.waitUntil(lambda: dock.width() >= 520)  # wide enough to read a layer's line whole
    assert first.menus.showCodeAction.isChecked()
    # the mouse over a line of the code lights every line of its layer
    panel = dock.widget()
    text = panel.text
    qtbot.waitUntil(lambda: panel.code() is not None)
    fc2 = panel.code().layers[panel.layer_names().index("classifier.fc2")]
    QTest.mouseMove(text.viewport(), text.line_rect_centre(fc2.ranges[-1][0]))  # init_weights
    qtbot.waitUntil(lambda: text.lit_lines() == fc2.lines())
    assert text.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    first.close()

    again = MainWindow(untrained.copy())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.wait_until_ready(30_000)
    qtbot.waitUntil(again.code_dock.isVisible)
    assert again.menus.showCodeAction.isChecked()
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)  # its shortcuts answer once it has the focus
    qtbot.keyClick(again, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)  # closes it
    qtbot.waitUntil(again.code_dock.isHidden)
    assert not again.menus.showCodeAction.isChecked()
    again.close()


def test_the_canvas_models_code_links_rows_only_of_the_same_network(qtbot,  # noqa: ANN001
                                                                      window: MainWindow):
    panel = _open_code(qtbot, window)
    builder = window.architecture_builder
    table, text = builder.table, panel.text
    panel.set_source(CANVAS)  # the untrained "lenet" on the canvas; lenet5 in the builder
    assert window.checkpoint().name in panel.statusLabel.text()
    assert "STD = " in text.toPlainText()
    QTest.mouseMove(table.viewport(), _row_point(table, 0))  # conv1 of another network
    qtbot.wait(50)
    assert text.lit_lines() == []
    builder.load_preset("lenet")  # now the rows are the canvas model's layers
    QTest.mouseMove(table.viewport(), _row_point(table, 1))
    QTest.mouseMove(table.viewport(), _row_point(table, 0))
    conv1 = panel.code().layers[panel.layer_names().index("features.conv1")]
    qtbot.waitUntil(lambda: text.lit_lines() == conv1.lines())
