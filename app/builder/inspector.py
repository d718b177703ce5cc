"""The inspector: the network's name and initialisation, and the selected layer's settings as
spin boxes, check boxes and combos. Every change is reported at once (the table follows live).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cnn_core.models.spec_fields import INITS

from .layer_kinds import LayerKind, Setting, kind_of, set_setting

__all__ = ["LayerInspector", "PairEdit"]


class PairEdit(QWidget):
    """Two spin boxes (height, width) with a link button that keeps them equal."""

    changed = Signal()

    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first, self.second = QSpinBox(self), QSpinBox(self)
        for spin, suffix in ((self.first, "_h"), (self.second, "_w")):
            spin.setObjectName(f"param_{setting.key}{suffix}")
            spin.setRange(int(setting.lo), int(setting.hi))
            if setting.special:
                spin.setSpecialValueText(setting.special)
            spin.valueChanged.connect(self._on_spin)
            # share the row: the inspector is narrow beside the table
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("8888") + 24)
        self.link = QToolButton(self)
        self.link.setObjectName(f"param_{setting.key}_link")
        self.link.setText("=")
        self.link.setCheckable(True)
        self.link.setChecked(setting.linked)
        self.link.setToolTip(self.tr("Linked: height and width change together"))
        self.link.setVisible(setting.linked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.first, 1)
        row.addWidget(self.link)
        row.addWidget(self.second, 1)

    def value(self) -> tuple[int, int]:
        """(height, width)."""
        return self.first.value(), self.second.value()

    def set_value(self, value: tuple[int, int]) -> None:
        """Show ``value`` without reporting a change; a non-square pair unlinks."""
        for spin, v in ((self.first, value[0]), (self.second, value[1])):
            spin.blockSignals(True)
            spin.setValue(v)
            spin.blockSignals(False)
        if value[0] != value[1]:
            self.link.setChecked(False)

    def _on_spin(self, value: int) -> None:
        if self.link.isChecked():
            other = self.second if self.sender() is self.first else self.first
            other.blockSignals(True)
            other.setValue(value)
            other.blockSignals(False)
        self.changed.emit()


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple):
        return int(value[0]), int(value[1])
    return int(value), int(value)


class LayerInspector(QWidget):
    """Edits one layer (:meth:`show_layer`) and the network's name and initialisation."""

    layer_edited = Signal(int, dict, str)  # index, the new layer, the setting's key
    network_edited = Signal(str, str)  # field ("name" or "init"), value
    editing_finished = Signal()  # Enter or focus left a field: the next edit is a new step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerInspector")
        self._index = -1
        self._layer: dict[str, Any] = {}
        self._kind: LayerKind | None = None
        self._editors: dict[str, QWidget] = {}
        network = QGroupBox(self.tr("Network"), self)
        self.nameEdit = QLineEdit(network)
        self.nameEdit.setObjectName("builderNameEdit")
        self.nameEdit.setToolTip(self.tr("The model's name in the spec, the shelf and runs"))
        self.nameEdit.setMaxLength(100)
        self.initCombo = self._init_combo(network, "builderInitCombo", inherit=False)
        self.initCombo.setToolTip(self.tr("How every conv and linear layer's weights start, "
                                          "unless a layer says otherwise"))
        form = QFormLayout(network)
        form.addRow(self.tr("Name"), self.nameEdit)
        form.addRow(self.tr("Init"), self.initCombo)
        self.layerBox = QGroupBox(self.tr("Layer"), self)
        self.layerForm = QFormLayout(self.layerBox)
        self.layerForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(network)
        column.addWidget(self.layerBox)
        column.addStretch(1)
        self.nameEdit.textEdited.connect(lambda text: self.network_edited.emit("name", text))
        self.nameEdit.editingFinished.connect(self.editing_finished)
        self.initCombo.currentIndexChanged.connect(
            lambda _: self.network_edited.emit("init", self.initCombo.currentData()))
        self.show_layer(-1, None)

    def _init_combo(self, parent: QWidget, name: str, inherit: bool) -> QComboBox:
        combo = QComboBox(parent)
        combo.setObjectName(name)
        if inherit:
            combo.addItem(self.tr("as the network"), "")
        titles = {"default": self.tr("PyTorch default"), "xavier": self.tr("Xavier"),
                  "kaiming": self.tr("Kaiming"), "normal": self.tr("Normal")}
        for key in INITS:
            combo.addItem(titles.get(key, key), key)
        return combo

    # ------------------------------------------------------------------ network
    def show_network(self, name: str, init: str) -> None:
        """Show the network's settings (no signal)."""
        if self.nameEdit.text() != name:
            self.nameEdit.setText(name)
        self.initCombo.blockSignals(True)
        self.initCombo.setCurrentIndex(max(0, self.initCombo.findData(init)))
        self.initCombo.blockSignals(False)

    # ------------------------------------------------------------------ layer
    def show_layer(self, index: int, layer: dict[str, Any] | None, auto_name: str = "") -> None:
        """Edit ``layer`` (at ``index``); ``None`` empties the form."""
        kind = kind_of(layer.get("type", "")) if layer else None
        if index != self._index or kind is not self._kind:
            self._rebuild(kind)
        self._index, self._layer, self._kind = index, dict(layer or {}), kind
        if kind is None:
            return
        self.layerBox.setTitle(self.tr("Layer: {0}").format(kind.title))
        self.layerBox.setToolTip(kind.tip)
        name_edit = self._editors["name"]
        assert isinstance(name_edit, QLineEdit)
        name_edit.setPlaceholderText(auto_name)
        if name_edit.text() != self._layer.get("name", ""):
            name_edit.setText(self._layer.get("name", ""))
        for setting in kind.settings:
            self._show_value(setting, self._layer.get(setting.key, self._shown_default(setting)))

    def _shown_default(self, setting: Setting) -> Any:
        if setting.default is not None:
            return setting.default
        assert self._kind is not None
        return self._kind.new.get(setting.key, setting.lo)

    def _rebuild(self, kind: LayerKind | None) -> None:
        while self.layerForm.rowCount():
            self.layerForm.removeRow(0)
        self._editors = {}
        if kind is None:
            hint = QLabel(self.tr("Select a layer to edit it, or add one from the palette."))
            hint.setWordWrap(True)
            self.layerForm.addRow(hint)
            self.layerBox.setTitle(self.tr("Layer"))
            return
        if not kind.settings:
            note = QLabel(self.tr("No settings."), self.layerBox)
            self.layerForm.addRow(note)
        name = QLineEdit(self.layerBox)
        name.setObjectName("layerNameEdit")
        name.setToolTip(self.tr("The module's name (features.conv1 …); empty: automatic"))
        name.textEdited.connect(self._on_name)
        name.editingFinished.connect(self.editing_finished)
        self._editors["name"] = name
        self.layerForm.addRow(self.tr("Name"), name)
        for setting in kind.settings:
            editor = self._editor(setting)
            editor.setToolTip(setting.tip)
            self._editors[setting.key] = editor
            self.layerForm.addRow(setting.label, editor)

    def _editor(self, setting: Setting) -> QWidget:
        parent = self.layerBox
        if setting.widget == "pair":
            pair = PairEdit(setting, parent)
            pair.changed.connect(lambda: self._edited(setting, pair.value()))
            for spin in (pair.first, pair.second):
                spin.editingFinished.connect(self.editing_finished)
            return pair
        if setting.widget == "int":
            spin = QSpinBox(parent)
            spin.setRange(int(setting.lo), int(setting.hi))
            spin.valueChanged.connect(lambda v: self._edited(setting, v))
            spin.editingFinished.connect(self.editing_finished)
            widget: QWidget = spin
        elif setting.widget == "float":
            real = QDoubleSpinBox(parent)
            real.setRange(setting.lo, setting.hi)
            real.setDecimals(3)
            real.setSingleStep(0.05 if setting.hi <= 1 else 0.1)
            real.valueChanged.connect(lambda v: self._edited(setting, round(v, 6)))
            real.editingFinished.connect(self.editing_finished)
            widget = real
        elif setting.widget == "text":  # applied when Enter is pressed or focus leaves
            line = QLineEdit(parent)
            line.setMaxLength(120)
            line.editingFinished.connect(lambda: self._edited(setting, line.text().strip()))
            line.editingFinished.connect(self.editing_finished)
            widget = line
        elif setting.widget == "bool":
            check = QCheckBox(parent)
            check.toggled.connect(lambda v: self._edited(setting, v))
            widget = check
        else:
            combo = (self._init_combo(parent, "", inherit=True) if setting.widget == "init"
                     else QComboBox(parent))
            if setting.widget == "choice":
                for choice in setting.choices:
                    combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(
                lambda _: self._edited(setting, combo.currentData()))
            widget = combo
        widget.setObjectName(f"param_{setting.key}")
        return widget

    def _show_value(self, setting: Setting, value: Any) -> None:
        editor = self._editors[setting.key]
        if isinstance(editor, PairEdit):
            editor.set_value(_pair(value))
            return
        editor.blockSignals(True)
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.setValue(value)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit) and editor.text() != str(value):
            editor.setText(str(value))
        editor.blockSignals(False)

    def _edited(self, setting: Setting, value: Any) -> None:
        if self._index < 0:
            return
        self._layer = set_setting(self._layer, setting, value)
        self.layer_edited.emit(self._index, dict(self._layer), setting.key)

    def _on_name(self, text: str) -> None:
        layer = dict(self._layer)
        if text.strip():
            layer["name"] = text.strip()
        else:
            layer.pop("name", None)
        self._layer = layer
        self.layer_edited.emit(self._index, dict(layer), "name")

    def editor(self, key: str) -> QWidget | None:
        """The control of one setting of the shown layer (tests, shortcuts)."""
        return self._editors.get(key)

