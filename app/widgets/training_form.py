"""The settings of a training run: model, dataset, recipe, device, seed.

Choosing a model fills optimizer, learning rate, batch size, epochs and augmentation from its
registry :class:`~cnn_core.models.Recipe`; "Load spec file…" adds a model from a JSON spec.
The last choices are remembered in the app's :class:`QSettings`.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from app import settings as prefs
from app.builder.document import preset_of
from app.file_dialogs import ask_open_path
from cnn_core.data.datasets import DATASETS
from cnn_core.models import DEFAULT_MODEL, MODELS, Recipe
from cnn_core.models.specs import SpecError, load_spec_file
from cnn_core.runtime.devices import available_devices
from cnn_core.training import OPTIMIZERS, TrainConfig

from ..data_folder import dataset_dir
from ..language import say
from .model_list import describe_models, model_lines
from .naming import named

__all__ = ["LOAD_SPEC", "LearningRateSpinBox", "TrainingForm", "recipe_of"]

LOAD_SPEC = "\x00load-spec"  # item data of the "Load spec file…" entry of the model list
_KEY = "training/"


def recipe_of(data: object) -> Recipe:
    """The recipe a model-list entry starts from: a registered model's own; for a spec, the
    recipe of the registered model it is or was edited from (its name says), else the
    general one."""
    if isinstance(data, str):
        return MODELS[data].recipe if data in MODELS else Recipe()
    spec = data.get("spec") if isinstance(data, dict) else None
    preset = preset_of(str(spec.get("name", ""))) if isinstance(spec, dict) else None
    return MODELS[preset].recipe if preset is not None else Recipe()


class LearningRateSpinBox(QDoubleSpinBox):
    """A learning-rate box that shows ``0.002`` / ``1e-05`` and steps 1 → 2 → 5 → 10."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(8)
        self.setRange(1e-6, 1000.0)

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        try:
            value = float(text)
        except ValueError:  # "", "1e", "0." … are on their way to a number
            partial = text == "" or text.rstrip("+-.eE") != text
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:
        # Learning rates live on a log scale: step through 1, 2, 5 of each decade.
        mantissas = (1.0, 2.0, 5.0)
        exponent = math.floor(math.log10(self.value()))
        mantissa = self.value() / 10**exponent
        index = min(range(3), key=lambda i: abs(mantissas[i] - mantissa)) + 3 * exponent + steps
        exp, i = divmod(index, 3)
        self.setValue(float(f"{mantissas[i] * 10**exp:.6g}"))


class TrainingForm(QWidget):
    """The run's settings as labelled controls; :meth:`config` turns them into a TrainConfig."""

    message = Signal(str, str)  # level, text (a spec file that does not load)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingForm")
        self.settings = prefs.open_settings()
        self.max_test_samples: int | None = None  # evaluate on fewer test images (tests)
        self._model_index = 0
        self._build()
        self.modelCombo.currentIndexChanged.connect(self._on_model_changed)
        self.optimizerCombo.currentIndexChanged.connect(self._update_momentum)
        self.restore_settings()

    def _build(self) -> None:
        self.modelCombo = named(QComboBox(self), "modelCombo", self.tr("The network to train"))
        for name in MODELS:
            self.modelCombo.addItem(name, name)
        describe_models(self.modelCombo, model_lines())
        self.modelCombo.insertSeparator(self.modelCombo.count())
        self.modelCombo.addItem(self.tr("Load spec file…"), LOAD_SPEC)
        self.datasetCombo = named(QComboBox(self), "datasetCombo",
                                        self.tr("The images to learn from"))
        for key, info in DATASETS.items():
            self.datasetCombo.addItem(say(info.title), key)
        self.optimizerCombo = named(QComboBox(self), "optimizerCombo",
                                          self.tr("How the weights follow the gradient"))
        # Plain SGD unless the momentum box says otherwise (the tutorials' recipes use none).
        titles = {"sgd": self.tr("SGD"), "adam": self.tr("Adam"), "adamw": self.tr("AdamW")}
        for key in OPTIMIZERS:
            self.optimizerCombo.addItem(titles.get(key, key), key)
        self.momentumSpin = named(
            QDoubleSpinBox(self), "momentumSpin",
            self.tr("SGD's momentum: how much of the last step each step keeps (0: plain SGD, as "
                    "the tutorials train). Adam and AdamW have their own and ignore it."))
        self.momentumSpin.setRange(0.0, 0.99)
        self.momentumSpin.setDecimals(2)
        self.momentumSpin.setSingleStep(0.05)
        self.lrSpin = named(LearningRateSpinBox(self), "lrSpin",
                                  self.tr("Peak learning rate; the arrows step 1, 2, 5, 10, …"))
        self.batchSpin = named(QSpinBox(self), "batchSpin", self.tr("Images per gradient step"))
        self.batchSpin.setRange(1, 4096)
        self.epochsSpin = named(QSpinBox(self), "epochsSpin",
                                      self.tr("Passes over the training images"))
        self.epochsSpin.setRange(1, 500)
        self.maxSamplesSpin = named(QSpinBox(self), "maxSamplesSpin", self.tr(
            "Train on only the first N images, for a quick look"))
        self.maxSamplesSpin.setRange(0, 10_000_000)
        self.maxSamplesSpin.setSingleStep(1000)
        self.maxSamplesSpin.setSpecialValueText(self.tr("all images"))
        self.deviceCombo = named(QComboBox(self), "deviceCombo", self.tr("Where training runs"))
        titles = {"cpu": self.tr("CPU"), "cuda": self.tr("CUDA GPU"),
                  "mps": self.tr("Apple GPU (MPS)")}
        for key in available_devices():
            self.deviceCombo.addItem(titles.get(key, key), key)
        self.deviceCombo.setCurrentIndex(self.deviceCombo.count() - 1)  # the fastest
        self.seedSpin = named(QSpinBox(self), "seedSpin",
                                    self.tr("Same seed and settings: the same run again"))
        self.seedSpin.setRange(-1, 2**31 - 1)
        self.seedSpin.setSpecialValueText(self.tr("random"))
        self.seedSpin.setValue(-1)
        self.augmentCheck = named(
            QCheckBox(self.tr("Augment (shift, rotate, thicken)"), self), "augmentCheck",
            self.tr("Randomly distort each batch, so the model copes with drawn digits"))
        self.normalizeCheck = named(
            QCheckBox(self.tr("Normalise input"), self), "normalizeCheck",
            self.tr("Scale the pixels to the dataset's mean 0 and standard deviation 1. Off, "
                    "they stay in [0, 1], as in the tutorials' first LeNet, whose accuracy then "
                    "stays near 10 % for epochs. The model remembers which, and reads drawings "
                    "the same way"))
        self.normalizeCheck.setChecked(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in ((self.tr("Model"), self.modelCombo),
                              (self.tr("Dataset"), self.datasetCombo),
                              (self.tr("Optimizer"), self.optimizerCombo),
                              (self.tr("Momentum"), self.momentumSpin),
                              (self.tr("Learning rate"), self.lrSpin),
                              (self.tr("Batch size"), self.batchSpin),
                              (self.tr("Epochs"), self.epochsSpin),
                              (self.tr("Train on"), self.maxSamplesSpin),
                              (self.tr("Device"), self.deviceCombo),
                              (self.tr("Seed"), self.seedSpin)):
            form.addRow(label, widget)
        form.addRow(self.augmentCheck)
        form.addRow(self.normalizeCheck)

    # ----------------------------------------------------------------- models
    def model_name(self) -> str:
        """The chosen model's name (a spec's own name for a spec file)."""
        data = self.modelCombo.currentData()
        return str(data["spec"].get("name", "custom")) if isinstance(data, dict) else str(data)

    def _on_model_changed(self, index: int) -> None:
        data = self.modelCombo.itemData(index)
        if data == LOAD_SPEC:  # not a model: go back, then ask for the file
            self.modelCombo.blockSignals(True)
            self.modelCombo.setCurrentIndex(self._model_index)
            self.modelCombo.blockSignals(False)
            self.choose_spec_file()
            return
        self._model_index = index
        self.apply_recipe(recipe_of(data))

    def apply_recipe(self, recipe: Recipe) -> None:
        """Fill optimizer, learning rate, batch size, epochs and augmentation from ``recipe``."""
        self.optimizerCombo.setCurrentIndex(max(0, self.optimizerCombo.findData(recipe.optimizer)))
        self.lrSpin.setValue(recipe.lr)
        self.batchSpin.setValue(recipe.batch_size)
        self.epochsSpin.setValue(recipe.epochs)
        self.augmentCheck.setChecked(recipe.augment)
        self.momentumSpin.setValue(recipe.momentum)
        self._update_momentum()

    def _update_momentum(self) -> None:
        """Momentum is SGD's setting only."""
        self.momentumSpin.setEnabled(self.optimizerCombo.currentData() == "sgd")

    def choose_spec_file(self) -> None:
        """Ask for a JSON model spec and add it to the model list."""
        path = ask_open_path(self, self.tr("Load model spec"),
                             self.tr("Model specs (*.json);;All files (*)"), settings=self.settings)
        if path is not None:
            self.load_spec(path)

    def load_spec(self, path: str | Path) -> bool:
        """Add the spec in ``path`` to the model list and select it; a bad file is a message."""
        try:
            spec = load_spec_file(path)
        except SpecError as exc:
            detail = str(exc) if Path(path).name in str(exc) else f"{Path(path).name}: {exc}"
            self.message.emit("error", self.tr("Could not load the model spec. {0}")
                              .format(detail))
            return False
        name = str(spec.get("name", Path(path).stem))
        self._add_spec_item(self.tr("{0} (from {1})").format(name, Path(path).name), spec)
        return True

    def use_spec(self, spec: dict[str, Any]) -> None:
        """Select ``spec`` (a validated spec from the architecture builder) as the model; it
        replaces the builder's earlier one in the list."""
        for i in range(self.modelCombo.count()):
            data = self.modelCombo.itemData(i)
            if isinstance(data, dict) and data.get("source") == "builder":
                self.modelCombo.removeItem(i)
                break
        name = str(spec.get("name", "custom"))
        self._add_spec_item(self.tr("{0} (from the builder)").format(name), spec, "builder")
        self.message.emit("info", self._recipe_note(name))

    def _recipe_note(self, name: str) -> str:
        """Which recipe a network from the builder starts with, and why."""
        recipe, preset = recipe_of({"spec": {"name": name}}), preset_of(name)
        settings = self.tr("{0} {1:g}, batch {2}, {3} epochs, augmentation {4}").format(
            recipe.optimizer.upper() if recipe.optimizer == "sgd" else recipe.optimizer.title(),
            recipe.lr, recipe.batch_size, recipe.epochs,
            self.tr("on") if recipe.augment else self.tr("off"))
        if preset is None:
            return self.tr("{0} is not made from a registered model, so it starts from the "
                           "general recipe: {1}. Change it here before training.").format(
                name, settings)
        if preset == name:
            return self.tr("{0} trains with its own recipe: {1}.").format(name, settings)
        return self.tr("{0} keeps the recipe of {1}: {2}. Change it here before training."
                       ).format(name, preset, settings)

    def _add_spec_item(self, text: str, spec: dict[str, Any], source: str = "file") -> None:
        index = self.modelCombo.count() - 2  # before the separator and "Load spec file…"
        self.modelCombo.insertItem(index, text, {"spec": spec, "source": source})
        if self.modelCombo.currentIndex() == index:  # the row that was there went away
            self._on_model_changed(index)
        self.modelCombo.setCurrentIndex(index)

    # ----------------------------------------------------------------- config
    def config(self) -> TrainConfig:
        """The run the controls describe (validated later, in the worker)."""
        overrides: dict[str, Any] = {
            "dataset": self.datasetCombo.currentData(),
            "optimizer": self.optimizerCombo.currentData(),
            "lr": self.lrSpin.value(),
            "momentum": self.momentumSpin.value(),
            "batch_size": self.batchSpin.value(),
            "epochs": self.epochsSpin.value(),
            "augment": self.augmentCheck.isChecked(),
            "normalize": self.normalizeCheck.isChecked(),
            "device": self.deviceCombo.currentData(),
            "seed": None if self.seedSpin.value() < 0 else self.seedSpin.value(),
            "max_train_samples": self.maxSamplesSpin.value() or None,
            "max_test_samples": self.max_test_samples,
            "data_dir": dataset_dir(self.datasetCombo.currentData()),
        }
        data = self.modelCombo.currentData()
        if isinstance(data, dict):
            fields = dataclasses.asdict(recipe_of(data)) | overrides
            return TrainConfig(model=self.model_name(), model_spec=data["spec"], **fields)
        return TrainConfig.for_model(data, **overrides)

    # --------------------------------------------------------------- settings
    def save_settings(self) -> None:
        """Remember the current choices (called when a run starts)."""
        s, data = self.settings, self.modelCombo.currentData()
        if isinstance(data, str):
            s.setValue(_KEY + "model", data)
        for key, value in (("dataset", self.datasetCombo.currentData()),
                           ("optimizer", self.optimizerCombo.currentData()),
                           ("lr", repr(self.lrSpin.value())), ("batchSize", self.batchSpin.value()),
                           ("momentum", repr(self.momentumSpin.value())),
                           ("epochs", self.epochsSpin.value()),
                           ("augment", self.augmentCheck.isChecked()),
                           ("normalize", self.normalizeCheck.isChecked()),
                           ("device", self.deviceCombo.currentData()),
                           ("seed", self.seedSpin.value()),
                           ("maxSamples", self.maxSamplesSpin.value())):
            s.setValue(_KEY + key, value)

    def restore_settings(self) -> None:
        """Select the last model and put back the last recipe (the model's on first start)."""
        s = self.settings
        model = prefs.read_str(s, _KEY + "model", DEFAULT_MODEL)
        index = self.modelCombo.findData(model if model in MODELS else DEFAULT_MODEL)
        self.modelCombo.blockSignals(True)
        self.modelCombo.setCurrentIndex(max(0, index))
        self.modelCombo.blockSignals(False)
        self._on_model_changed(self.modelCombo.currentIndex())
        if not s.contains(_KEY + "model"):
            return
        for key, combo in (("dataset", self.datasetCombo), ("optimizer", self.optimizerCombo),
                           ("device", self.deviceCombo)):
            found = combo.findData(prefs.read_str(s, _KEY + key))
            if found >= 0:  # a GPU that went away leaves the default
                combo.setCurrentIndex(found)
        for key, box in (("lr", self.lrSpin), ("momentum", self.momentumSpin)):
            try:
                box.setValue(float(prefs.read_str(s, _KEY + key, repr(box.value()))))
            except ValueError:
                pass
        for key, spin in (("batchSize", self.batchSpin), ("epochs", self.epochsSpin),
                          ("seed", self.seedSpin), ("maxSamples", self.maxSamplesSpin)):
            spin.setValue(prefs.read_int(s, _KEY + key, spin.value()))
        self.augmentCheck.setChecked(prefs.read_bool(s, _KEY + "augment",
                                                     self.augmentCheck.isChecked()))
        self.normalizeCheck.setChecked(prefs.read_bool(s, _KEY + "normalize", True))
        self._update_momentum()
