"""The ``architectureBuilder`` tab: a palette of layer types, the live layer table and the
inspector, with presets, undo/redo, JSON specs, Python export and "Train this".

Keys: a palette button (click, or Space when it has the focus) adds its layer after the
selected one; Delete
removes the selected layer; Alt+Up / Alt+Down move it; Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) undo and
redo. Inside the tab these keys act on the network, not on the drawing canvas.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import settings as prefs
from app.widgets.model_list import describe_models, model_lines
from cnn_core.models import MODELS, get_spec
from cnn_core.models.architecture import error_location, module_names, partial_layer_table
from cnn_core.models.layer_costs import MAC_CONVENTION

from ..language import say
from .document import BuilderDocument, split_layers
from .elided_label import ElidedLabel
from .flow_layout import FlowLayout
from .inspector import LayerInspector
from .layer_kinds import KINDS, kind_of
from .layer_table_view import LayerTableView
from .spec_files import BuilderFiles

__all__ = ["ArchitectureBuilder"]

log = logging.getLogger(__name__)
_START_PRESET = "lenet5"
_NETWORK_KEY = "builder/network"  # the network being built, kept across restarts


class ArchitectureBuilder(QWidget):
    """Build a network from layers and see every layer's figures as it changes."""

    train_requested = Signal(dict)  # a valid spec to put in the Train tab
    message = Signal(str, str)  # level, text (files that cannot be written …)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architectureBuilder")
        self.settings = prefs.open_settings()
        self.document = BuilderDocument(self)
        self.files = BuilderFiles(self)  # Open…, Save…, Export code…
        self._selected = -1
        self._error = ""
        self._build()
        self._connect()
        self.document.load_spec(get_spec(_START_PRESET), "", undoable=False)
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(_START_PRESET))
        self._restore_network()
        self.document.changed.connect(self._remember_network)

    def _restore_network(self) -> None:
        """Put back the network of the last session (every change is kept as it is made, so
        quitting, or a crash, loses nothing); Ctrl+Z goes back to the fresh preset."""
        text = prefs.read_str(self.settings, _NETWORK_KEY)
        if not text:
            return
        try:
            spec = json.loads(text)
        except ValueError:
            log.warning("the builder's saved network is not JSON; starting from %s",
                        _START_PRESET)
            return
        if not isinstance(spec, dict) or spec == self.spec():
            return
        self.document.load_spec(spec, self.tr("Restore the last network"))
        self.presetCombo.setCurrentIndex(max(0, self.presetCombo.findData(self.spec()["name"])))

    def _remember_network(self) -> None:
        self.settings.setValue(_NETWORK_KEY, json.dumps(self.spec()))

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.presetCombo = QComboBox(self)
        self.presetCombo.setObjectName("builderPresetCombo")
        self.presetCombo.setToolTip(self.tr("Start from a registered model (Ctrl+Z goes back)"))
        self.presetCombo.addItem(self.tr("Preset…"), None)
        for name in MODELS:
            self.presetCombo.addItem(name, name)
        describe_models(self.presetCombo, model_lines())
        self.newButton = self._button("builderNewButton", self.tr("New"),
                                      self.tr("Start an empty network (Ctrl+Z goes back)"))
        self.openButton = self._button("builderOpenButton", self.tr("Open…"),
                                       self.tr("Open a JSON model spec"))
        self.saveButton = self._button("builderSaveButton", self.tr("Save…"), self.tr(
            "Save as a JSON spec: train it with digitlab train --model-spec FILE"))
        self.exportButton = self._button("builderExportButton", self.tr("Export code…"), self.tr(
            "Write a standalone PyTorch module (class Net) that needs only torch"))
        self.trainButton = self._button("builderTrainButton", self.tr("Train this"), self.tr(
            "Put this network in the Train tab and go there"))
        self.trainButton.setDefault(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.presetCombo, 1)
        for button in (self.newButton, self.openButton, self.saveButton, self.exportButton,
                       self.trainButton):
            bar.addWidget(button)

        self.palette_ = QWidget(self)
        self.palette_.setObjectName("layerPalette")
        flow = FlowLayout(self.palette_, spacing=3)
        self.addButtons: dict[str, QToolButton] = {}
        for kind in KINDS:
            described = kind_of(kind)
            assert described is not None
            button = QToolButton(self.palette_)
            button.setObjectName(f"add_{kind}")
            button.setText(described.title)
            button.setToolTip(self.tr("{0}: {1} Click to add it after the selected layer.")
                              .format(described.title, described.tip))
            button.clicked.connect(lambda _=False, k=kind: self.add_layer(k))
            flow.addWidget(button)
            self.addButtons[kind] = button
        self.table = LayerTableView(self)
        self.inspector = LayerInspector(self)
        scroll = self._scroll = QScrollArea(self)
        scroll.setObjectName("builderInspectorScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inspector)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 23
                               + scroll.verticalScrollBar().sizeHint().width())
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)

        self.errorLabel = ElidedLabel(self, wrap=True)  # an error is read whole
        self.errorLabel.setObjectName("builderErrorLabel")
        self.errorLabel.setStyleSheet(
            f"color: {self.table.palette_error_colour().name()}; font-weight: bold;")
        self.summaryLabel = ElidedLabel(self)
        self.summaryLabel.setObjectName("builderSummaryLabel")
        status = QHBoxLayout()
        status.setContentsMargins(0, 0, 0, 0)
        status.addWidget(self.errorLabel, 1)
        status.addWidget(self.summaryLabel, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(bar)
        column.addWidget(self.palette_)
        column.addWidget(self.splitter, 1)
        column.addLayout(status)

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def _connect(self) -> None:
        self.document.changed.connect(self._refresh)
        self.presetCombo.activated.connect(self._on_preset)
        self.newButton.clicked.connect(self.new_network)
        self.openButton.clicked.connect(self.files.open_dialog)
        self.saveButton.clicked.connect(self.files.save_dialog)
        self.exportButton.clicked.connect(self.files.export_dialog)
        self.trainButton.clicked.connect(self.train_this)
        self.table.layer_selected.connect(self._on_layer_selected)
        self.table.move_requested.connect(self._move)
        self.table.remove_requested.connect(self.remove_layer)
        self.inspector.layer_edited.connect(self._on_layer_edited)
        self.inspector.network_edited.connect(self._on_network_edited)
        self.inspector.editing_finished.connect(self.document.seal)

    # ------------------------------------------------------------------ state
    def spec(self) -> dict[str, Any]:
        """The spec the builder shows (it may be invalid; see :meth:`error`)."""
        return self.document.spec()

    def error(self) -> str:
        """The message of the first problem of the stack ('' when it builds)."""
        return self._error

    def _refresh(self) -> None:
        spec = self.document.spec()
        # the preset list names the network only while it is that preset ("lenet5 (edited)"
        # is none of them: the list then reads "Preset…")
        self.presetCombo.setCurrentIndex(max(0, self.presetCombo.findData(spec.get("name"))))
        table, error = partial_layer_table(spec)
        layers = self.document.layers()
        error_at: int | None = None
        self._error = "" if error is None else say(error)
        if error is not None:
            where = error_location(str(error))  # the English text's "features[2]: …"
            features, _ = split_layers(layers)
            if where is not None:
                error_at = where[1] + (len(features) if where[0] == "classifier" else 0)
            elif layers:
                error_at = len(layers) - 1  # e.g. the stack does not end in 10 outputs
            if not layers:
                self._error = self.tr("The network is empty: add layers from the palette.")
        self._selected = min(self._selected, len(layers) - 1)
        self.table.show_stack(layers, module_names(spec), table, error_at, self._error,
                              self._selected)
        self.errorLabel.set_full_text(self._describe_error(layers, error_at))
        self.errorLabel.setVisible(bool(self._error))
        self.summaryLabel.setVisible(not self._error)
        self.summaryLabel.set_full_text("" if error is not None else self.tr(
            "{0} layers → {1} outputs · {2:,} parameters · {3:,} MACs per image ({4}) · "
            "{5:.2f} MFLOPs").format(
                len(layers), table.output_shape[0], table.params, table.macs,
                say(MAC_CONVENTION), 2 * table.macs / 1e6))
        self.inspector.show_network(self.document.state.name, self.document.state.init)
        self._show_inspector()
        valid = error is None
        for button in (self.saveButton, self.trainButton, self.exportButton):
            button.setEnabled(valid)

    def _describe_error(self, layers: list[dict[str, Any]], error_at: int | None) -> str:
        if not self._error:
            return ""
        if error_at is None:
            return self._error
        kind = kind_of(str(layers[error_at].get("type")))
        title = kind.title if kind else str(layers[error_at].get("type"))
        return self.tr("Layer {0} ({1}): {2}").format(error_at + 1, title, self._error)

    def _show_inspector(self) -> None:
        index = self._selected
        if index < 0:
            self.inspector.show_layer(-1, None)
            return
        # the layer's own name, inside its part: "conv1" of "features.conv1"
        name = module_names(self.document.spec())[index].partition(".")[2]
        self.inspector.show_layer(index, self.document.layer(index), name)
        QTimer.singleShot(0, self, self._fit_inspector)  # once the new fields are polished

    def _fit_inspector(self) -> None:
        """Widen the inspector's column to its form, so no field is cut off."""
        scroll = self._scroll
        self.inspector.layerBox.layout().activate()
        self.inspector.layout().activate()
        needed = (self.inspector.minimumSizeHint().width() + 2 * scroll.frameWidth()
                  + scroll.verticalScrollBar().sizeHint().width())
        if needed > scroll.minimumWidth():
            scroll.setMinimumWidth(needed)

    # ------------------------------------------------------------------ edits
    def select_layer(self, index: int) -> None:
        """Select layer ``index`` in the table (−1: none)."""
        self._selected = index
        self._refresh()

    def _on_layer_selected(self, index: int) -> None:
        if index != self._selected:
            self._selected = index
            self._show_inspector()

    def add_layer(self, kind: str) -> None:
        """Add a ``kind`` layer after the selected one (at the end when none is)."""
        described = kind_of(kind)
        if described is None:
            return
        at = self._selected + 1 if self._selected >= 0 else self.document.count()
        self._selected = at
        self.document.insert(at, {"type": kind, **described.new},
                             self.tr("Add {0}").format(described.title))

    def remove_layer(self, index: int) -> None:
        """Take out layer ``index``; the next one (or the previous) is selected."""
        if not 0 <= index < self.document.count():
            return
        self._selected = min(index, self.document.count() - 2)
        self.document.remove(index, self.tr("Remove layer"))

    def _move(self, index: int, to: int) -> None:
        if 0 <= to < self.document.count():
            self._selected = to
            self.document.move(index, to, self.tr("Move layer"))

    def load_network(self, spec: dict[str, Any], label: str, preset: str = "") -> None:
        """Replace the stack by ``spec`` (undoable as ``label``); ``preset`` names the
        registered model it is, shown in the preset chooser."""
        self._selected = -1
        self.document.load_spec(spec, label)
        self.presetCombo.setCurrentIndex(max(0, self.presetCombo.findData(preset)) if preset else 0)

    def new_network(self) -> None:
        """Start from an empty stack (undoable)."""
        self.load_network({"name": "custom", "features": [], "classifier": []},
                          self.tr("New network"))

    def load_preset(self, name: str) -> None:
        """Replace the stack by a registered model's spec (undoable)."""
        self.load_network(get_spec(name), self.tr("Load {0}").format(name), name)

    def _on_preset(self, index: int) -> None:
        name = self.presetCombo.itemData(index)
        if name:
            self.load_preset(name)

    def _on_layer_edited(self, index: int, layer: dict, key: str) -> None:
        self.document.replace_layer(index, layer, self.tr("Change {0}").format(key), key)

    def _on_network_edited(self, field: str, value: str) -> None:
        self.document.set_network(self.tr("Change network {0}").format(field), **{field: value})

    # ------------------------------------------------------------------ keys
    def _is_builder_key(self, event: QKeyEvent) -> str:
        for name, keys in (("undo", QKeySequence.StandardKey.Undo),
                           ("redo", QKeySequence.StandardKey.Redo)):
            if event.matches(keys):
                return name
        combo = event.keyCombination().toCombined()
        if combo in (QKeySequence("Ctrl+Shift+Z")[0].toCombined(),
                     QKeySequence("Ctrl+Y")[0].toCombined()):
            return "redo"
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.table.hasFocus():
            return "delete"
        return ""

    def event(self, event: QEvent) -> bool:
        # The window's Ctrl+Z and Delete belong to the canvas; inside this tab they edit the
        # network, so claim them before the window's shortcuts see them.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if self._is_builder_key(event):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._is_builder_key(event)
        if action == "undo":
            self.document.undo_stack.undo()
        elif action == "redo":
            self.document.undo_stack.redo()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def train_this(self) -> None:
        """Ask for this network to be trained (the window fills the Train tab)."""
        if not self._error:
            self.train_requested.emit(self.spec())

