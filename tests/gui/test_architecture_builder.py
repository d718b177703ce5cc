"""The architecture builder, driven with real mouse and key events."""

from __future__ import annotations

import importlib.util
import json

import pytest
import torch
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit, QSpinBox

from app.builder.builder_view import ArchitectureBuilder
from cnn_core.models import MODELS, get_spec
from cnn_core.models.architecture import layer_table, normalise_spec
from cnn_core.models.specs import build_model, load_spec_file

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def builder(qtbot):  # noqa: ANN001
    widget = ArchitectureBuilder()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot, widget, pos: QPoint | None = None) -> None:  # noqa: ANN001
    qtbot.mouseClick(widget, LEFT, pos=pos if pos is not None else widget.rect().center())


def type_into(qtbot, widget, text: str) -> None:  # noqa: ANN001
    """Click a spin box or line edit, select its text and type ``text`` then Enter."""
    editor = widget.lineEdit() if isinstance(widget, QSpinBox) else widget
    click(qtbot, editor)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def add(qtbot, builder, kind: str, **settings: int) -> None:  # noqa: ANN001
    click(qtbot, builder.addButtons[kind])
    for key, value in settings.items():
        editor = builder.inspector.editor(key)
        assert editor is not None, key
        spin = editor.first if hasattr(editor, "first") else editor
        type_into(qtbot, spin, str(value))


def choose(qtbot, combo: QComboBox, data: str) -> None:  # noqa: ANN001
    """Pick an item with the keyboard (Home, then Down), as a user without a mouse would."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.findData(data) - combo.currentIndex()):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def click_layer(qtbot, builder, index: int) -> None:  # noqa: ANN001
    table = builder.table
    rect = table.visualItemRect(table.item(table.row_of_layer(index), 0))
    click(qtbot, table.viewport(), rect.center())


def test_build_lenet5_from_scratch(qtbot, builder):  # noqa: ANN001
    click(qtbot, builder.newButton)
    assert builder.document.count() == 0 and "empty" in builder.errorLabel.full_text()
    add(qtbot, builder, "conv", out_channels=6, kernel_size=5, padding=2)
    add(qtbot, builder, "sigmoid")
    add(qtbot, builder, "avgpool")
    add(qtbot, builder, "conv", out_channels=16, kernel_size=5)
    add(qtbot, builder, "sigmoid")
    add(qtbot, builder, "avgpool")
    add(qtbot, builder, "flatten")
    for width in (120, 84):
        add(qtbot, builder, "linear", out_features=width)
        add(qtbot, builder, "sigmoid")
    add(qtbot, builder, "linear")  # 10 outputs by default
    type_into(qtbot, builder.inspector.nameEdit, "lenet5")
    choose(qtbot, builder.inspector.initCombo, "xavier")
    assert builder.error() == "" and builder.errorLabel.full_text() == ""
    assert normalise_spec(builder.spec()) == normalise_spec(get_spec("lenet5"))
    assert builder.spec()["features"][0] == {"type": "conv", "out_channels": 6,
                                             "kernel_size": 5, "padding": 2}
    # the live table: conv1's row and the totals
    table = builder.table
    assert table.item(1, 1).text() == "6×28×28" and table.item(1, 3).text() == "117.6 K"
    assert "117,600 MACs" in table.item(1, 3).toolTip()
    assert "61,706 parameters" in table.item(table.rowCount() - 1, 2).toolTip()


def test_invalid_stack_is_explained_at_its_layer_and_undo_redo(qtbot, builder):  # noqa: ANN001
    click_layer(qtbot, builder, 5)  # pool2: 16×5×5
    add(qtbot, builder, "maxpool")  # → 16×2×2
    add(qtbot, builder, "conv", kernel_size=1)
    assert builder.error() == ""
    type_into(qtbot, builder.inspector.editor("kernel_size").first, "5")
    assert builder.table.is_marked(7)
    assert sum(builder.table.is_marked(i) for i in range(builder.document.count())) == 1
    text = builder.errorLabel.full_text()
    assert text.startswith("Layer 8 (Conv2d): features[7] (features.conv3)")
    assert "5×5 kernel" in text and "16×2×2" in text
    assert "\n" not in text and "Traceback" not in text
    assert builder.table.item(8, 1).text() == "breaks here"
    assert builder.table.item(7, 1).text() == "16×2×2"  # the layers before keep their figures
    assert not any(b.isEnabled() for b in (builder.saveButton, builder.trainButton,
                                           builder.exportButton))
    click_layer(qtbot, builder, 0)
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert builder.error() == "" and builder.spec()["features"][7]["kernel_size"] == 1
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert builder.table.is_marked(7)


def test_delete_and_move_with_keys_and_drop(qtbot, builder):  # noqa: ANN001
    click_layer(qtbot, builder, 1)  # sigmoid1
    qtbot.keyClick(builder.table, Qt.Key.Key_Delete)
    assert [layer["type"] for layer in builder.spec()["features"]][:2] == ["conv", "avgpool"]
    assert builder.error() == ""
    click_layer(qtbot, builder, 1)  # pool1
    qtbot.keyClick(builder.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [layer["type"] for layer in builder.spec()["features"]][:3] == [
        "conv", "conv", "avgpool"]
    qtbot.keyClick(builder.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert builder.spec()["features"][1]["type"] == "avgpool"
    # drag conv1's row below conv2's: a drop event from the table onto its own viewport
    table = builder.table
    click_layer(qtbot, builder, 0)
    target = table.visualItemRect(table.item(table.row_of_layer(2), 0))
    mime = QMimeData()
    mime.setData("application/x-qabstractitemmodeldatalist", b"")
    drop = QDropEvent(target.bottomLeft() - QPoint(-4, 2), Qt.DropAction.MoveAction, mime, LEFT,
                      Qt.KeyboardModifier.NoModifier)
    drop.setDropAction(Qt.DropAction.MoveAction)

    def deliver() -> None:
        drop.source = lambda: table  # what QDrag sets for a drag that started in the table
        table.dropEvent(drop)

    deliver()
    kinds = [layer["type"] for layer in builder.spec()["features"]]
    assert kinds[:3] == ["avgpool", "conv", "conv"]
    assert builder.spec()["features"][2]["out_channels"] == 6  # conv1 now third
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.IgnoreAction  # no row
    assert table.rowCount() == builder.document.count() + 2  # deleted by the view itself


def test_presets_totals_equal_the_built_models(qtbot, builder):  # noqa: ANN001
    combo = builder.presetCombo
    for name in MODELS:
        choose(qtbot, combo, name)
        assert builder.document.state.name == get_spec(name)["name"]
        params = sum(p.numel() for p in build_model(get_spec(name)).parameters())
        totals = builder.table.item(builder.table.rowCount() - 1, 2)
        assert f"{params:,} parameters" in totals.toolTip(), name
        assert layer_table(builder.spec()).params == params
        assert normalise_spec(builder.spec()) == normalise_spec(get_spec(name)), name
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert builder.document.state.name == get_spec(list(MODELS)[-2])["name"]


def shown_names(builder) -> list[str]:  # noqa: ANN001
    """The names in the Layer column ("features.conv1 · Conv2d 6, 5×5" → "features.conv1")."""
    table = builder.table
    return [table.item(table.row_of_layer(i), 0).text().split(" · ")[0]
            for i in range(table.layer_count())]


def test_every_preset_shows_each_layer_by_its_own_module_name(qtbot, builder):  # noqa: ANN001
    for name in MODELS:
        choose(qtbot, builder.presetCombo, name)
        model = build_model(get_spec(name))
        modules = [f"{part}.{child}" for part in ("features", "classifier")
                   for child, _ in getattr(model, part).named_children()]
        shown = shown_names(builder)
        assert len(set(shown)) == len(shown) == builder.document.count(), (name, shown)
        assert shown == modules, name  # model.named_modules(): the names hooks and dumps use
    # after a break too: LeNet-5 with its first convolution too wide for the image
    choose(qtbot, builder.presetCombo, "lenet5")
    click_layer(qtbot, builder, 0)
    type_into(qtbot, builder.inspector.editor("kernel_size").first, "40")
    assert builder.table.is_marked(0) and "40×40 kernel" in builder.error()
    assert shown_names(builder)[-3:] == ["classifier.fc2", "classifier.sigmoid2",
                                         "classifier.fc3"]
    click_layer(qtbot, builder, 10)  # classifier.sigmoid2, below the break
    assert builder.inspector.editor("name").placeholderText() == "sigmoid2"


def test_save_and_open_round_trip(qtbot, builder, tmp_path, monkeypatch):  # noqa: ANN001
    path = tmp_path / "mine.json"
    click_layer(qtbot, builder, 0)
    type_into(qtbot, builder.inspector.editor("out_channels"), "9")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    click(qtbot, builder.saveButton)
    saved = builder.spec()
    assert json.loads(path.read_text()) == saved
    assert normalise_spec(load_spec_file(path)) == normalise_spec(saved)  # the CLI reads it
    click(qtbot, builder.newButton)
    click(qtbot, builder.openButton)
    assert builder.spec() == saved and builder.error() == ""
    # a file that does not build opens too, marked where it breaks
    broken = json.loads(path.read_text())
    broken["features"][0]["kernel_size"] = 40
    path.write_text(json.dumps(broken))
    click(qtbot, builder.openButton)
    assert builder.table.is_marked(0) and "40×40 kernel" in builder.error()
    # a file that is not a spec is a one-line message; the network stays
    messages: list[tuple[str, str]] = []
    builder.message.connect(lambda level, text: messages.append((level, text)))
    path.write_text("[1, 2]")
    click(qtbot, builder.openButton)
    assert messages == [("error", "Could not open mine.json: not a model spec (an object with "
                                  "features and classifier lists)")]
    assert builder.table.is_marked(0)


def test_train_this_fills_the_train_tab(qtbot, window, draw):  # noqa: ANN001
    draw(window.canvas, [[(0.3, 0.3), (0.5, 0.6), (0.7, 0.7)]])
    assert not window.canvas.is_blank()
    builder = window.findChild(ArchitectureBuilder, "architectureBuilder")
    assert window.tabs.indexOf(builder) >= 0
    bar = window.tabs.tabBar()
    click(qtbot, bar, bar.tabRect(window.tabs.indexOf(builder)).center())
    choose(qtbot, builder.presetCombo, "tinyvgg")
    click_layer(qtbot, builder, 0)
    type_into(qtbot, builder.inspector.editor("out_channels"), "12")
    click(qtbot, builder.trainButton)
    assert window.tabs.currentWidget() is window.training_panel
    form = window.training_panel.form
    assert form.modelCombo.currentText().startswith("tinyvgg")
    config = form.config()
    assert config.model_spec == builder.spec() and config.model_spec["features"][0][
        "out_channels"] == 12
    click(qtbot, bar, bar.tabRect(window.tabs.indexOf(builder)).center())
    click(qtbot, builder.trainButton)  # again: the builder's entry is replaced, not added
    entries = [form.modelCombo.itemData(i) for i in range(form.modelCombo.count())]
    assert sum(isinstance(e, dict) for e in entries) == 1
    # Delete in the builder edits the network, not the drawing
    click_layer(qtbot, builder, 1)
    count = builder.document.count()
    qtbot.keyClick(builder.table, Qt.Key.Key_Delete)
    assert builder.document.count() == count - 1
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert builder.document.count() == count
    assert not window.canvas.is_blank()  # Delete and Ctrl+Z left the drawing alone
    assert window.canvas.can_undo()


def test_export_code_runs_like_the_model(qtbot, builder, tmp_path, monkeypatch):  # noqa: ANN001
    path = tmp_path / "net.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    choose(qtbot, builder.presetCombo, "lenet")
    click_layer(qtbot, builder, 2)
    add(qtbot, builder, "residual", out_channels=12)  # a block as well as plain layers
    click(qtbot, builder.exportButton)
    source = path.read_text()
    assert "cnn_core" not in source and "class Net(" in source  # standalone: torch only
    loader = importlib.util.spec_from_file_location("exported_net", path)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    model = build_model(builder.spec(), seed=1).eval()
    net = module.Net().eval()
    net.load_state_dict(model.state_dict())  # strict: the same keys and shapes
    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(net(x), model(x))


def test_strings_and_names(builder):  # noqa: ANN001
    for name in ("layerTable", "builderErrorLabel", "builderSaveButton", "builderTrainButton",
                 "builderExportButton", "builderPresetCombo"):
        assert builder.findChild(object, name) is not None, name
    assert all(button.toolTip() for button in builder.addButtons.values())
    assert isinstance(builder.inspector.nameEdit, QLineEdit)
    assert QApplication.instance() is not None


def test_inception_block_and_per_layer_init(qtbot, builder):  # noqa: ANN001
    choose(qtbot, builder.presetCombo, "lenet")
    click_layer(qtbot, builder, 2)  # pool1: 6×14×14
    add(qtbot, builder, "inception", c1=8)
    assert builder.error() == ""
    row = builder.table.row_of_layer(3)
    assert builder.table.item(row, 1).text() == f"{8 + 32 + 8 + 8}×14×14"
    model = build_model(builder.spec())
    params = sum(p.numel() for p in model.features[3].parameters())
    assert builder.table.item(row, 2).text() == f"{params:,}"
    choose(qtbot, builder.inspector.editor("init"), "normal")
    assert builder.spec()["features"][3]["init"] == "normal" and builder.error() == ""
    choose(qtbot, builder.inspector.editor("init"), "")  # back to the network's
    assert "init" not in builder.spec()["features"][3]


def test_blocks_of_your_own_centring_own_parameter_and_shared(qtbot, builder):  # noqa: ANN001
    """The tutorials' nn.Module chapter: a parameter-free centring layer, a layer with its
    own nn.Parameter and a layer used twice with the same weights, built from the palette."""
    click_layer(qtbot, builder, 0)  # conv1
    add(qtbot, builder, "expression")  # x - x.mean(), the tutorials' centring layer
    add(qtbot, builder, "scale")
    assert builder.error() == ""
    assert builder.spec()["features"][1:3] == [{"type": "expression", "expr": "x - x.mean()"},
                                               {"type": "scale"}]
    click_layer(qtbot, builder, 1)
    type_into(qtbot, builder.inspector.editor("expr"), "x.mean()")  # one number per batch
    assert "one result per picture" in builder.errorLabel.full_text()
    type_into(qtbot, builder.inspector.editor("expr"), "x - x.mean(dim=1, keepdim=True)")
    assert builder.error() == ""
    # fc2 (120 → 84) and its sigmoid are layers 11 and 12 now: add an 84 → 84 layer, then
    # use it a second time.
    click_layer(qtbot, builder, 12)
    add(qtbot, builder, "linear", out_features=84)
    add(qtbot, builder, "shared")
    type_into(qtbot, builder.inspector.editor("of"), "fc9")
    assert "no earlier layer with weights is called 'fc9'" in builder.errorLabel.full_text()
    type_into(qtbot, builder.inspector.editor("of"), "fc3")
    assert builder.error() == ""
    spec = builder.spec()
    assert spec["classifier"][5:7] == [{"type": "linear", "out_features": 84},
                                       {"type": "shared", "of": "fc3"}]
    model = build_model(spec, seed=0)
    assert model.classifier.shared1.target is model.classifier.fc3
    assert layer_table(spec).params == sum(p.numel() for p in model.parameters())
    assert builder.table.item(builder.table.rowCount() - 1, 2).toolTip().startswith(
        f"{layer_table(spec).params:,} parameters")


def test_the_preset_list_stops_naming_an_edited_preset(qtbot, builder):  # noqa: ANN001
    builder.load_preset("lenet5")
    assert builder.presetCombo.currentData() == "lenet5"
    click_layer(qtbot, builder, 0)
    type_into(qtbot, builder.inspector.editor("out_channels"), "8")
    assert builder.spec()["name"] == "lenet5 (edited)"
    assert builder.presetCombo.currentIndex() == 0  # "Preset…", not "lenet5"
    qtbot.keyClick(builder.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert builder.presetCombo.currentData() == "lenet5"  # undone: lenet5 again
