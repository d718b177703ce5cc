"""The convolution explorer's control column: input, kernel, every Conv2d parameter, the
activation and pooling after it, and playback.

Widgets (objectName → what it does):

- ``convInputCombo`` the input: the drawing (28×28, ink 0–1), the model's normalised input,
  or any feature map of the canvas model; ``convInputChannelSpin`` its first channel used.
- ``convKernelPresetCombo`` the kernel: a preset (the tutorials' [1, −1] edge, Sobel x/y,
  blur, sharpen, identity, a 1×1 convolution mixing 3 channels into 2), typed in, or one of
  the canvas model's kernels (``convKernelLayerCombo``, ``convKernelOutSpin``,
  ``convKernelInSpin``: layer, first output and input channel); ``convFlipCheck`` flips it
  (a true convolution). Typed numbers: :class:`~app.widgets.conv_typed.ConvTypedBox`.
- Conv2d parameters: ``convKernelHSpin`` / ``convKernelWSpin``, ``convStrideSpin`` /
  ``convStrideWSpin``, ``convPaddingSpin`` / ``convPaddingWSpin``, ``convDilationSpin`` /
  ``convDilationWSpin`` (height / width; the width follows the height while they are equal),
  ``convPaddingModeCombo``, ``convGroupsSpin``, ``convInChannelsSpin``,
  ``convOutChannelsSpin``, ``convBiasCheck`` and ``convBiasSpin`` (its value).
- After it: ``convActivationCombo``; ``convPoolCombo``, ``convPoolSizeSpin``,
  ``convPoolStrideSpin``.
- Playback: :class:`~app.widgets.conv_playback.ConvPlayBar` (its widgets, named there, are
  here under the same names).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.conv_presets import KERNEL_PRESETS
from cnn_core.analysis.conv_settings import PADDING_MODES, ConvSettings

from .conv_form import form_combo, form_row, form_spin
from .conv_playback import ConvPlayBar
from .conv_typed import ConvFlipChoice, ConvTypedBox

__all__ = ["ConvControls"]

MAX_CHANNELS = 16


class ConvControls(QScrollArea):
    """Every setting of the explorer; ``changed`` fires when one changes."""

    changed = Signal()  # any setting changed
    preset_chosen = Signal(str)  # the kernel source was picked in the combo (its key)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convControls")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._biases: list[np.ndarray | None] = []
        self._last: dict[str, int] = {}
        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self._input_box())
        layout.addWidget(self._kernel_box())
        self.typedBox = ConvTypedBox(inner)
        layout.addWidget(self.typedBox)
        layout.addWidget(self._conv_box())
        layout.addWidget(self._after_box())
        self.playBar = ConvPlayBar(self)  # placed by the explorer, above the pictures
        bar = self.playBar
        self.playButton, self.backButton, self.stepButton = (bar.playButton, bar.backButton,
                                                             bar.stepButton)
        self.resetButton, self.finishButton = bar.resetButton, bar.finishButton
        self.speedSlider, self.speedLabel = bar.speedSlider, bar.speedLabel
        self._set_model_enabled(False)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setFixedWidth(inner.sizeHint().width() + 24)

    # ------------------------------------------------------------------ widgets
    def _spin(self, name: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
        return form_spin(self, name, (low, high), value, tip, self.changed)

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        return form_combo(self, name, items)

    _inline = staticmethod(form_row)

    def _pair(self, name: str, low: int, high: int, value: int, tip: str) -> QWidget:
        """Height and width spins; the width follows the height while the two are equal."""
        h = self._spin(f"conv{name}Spin", low, high, value, tip + self.tr(" (height)"))
        w = self._spin(f"conv{name}WSpin", low, high, value, tip + self.tr(" (width)"))
        setattr(self, f"{name[0].lower()}{name[1:]}Spin", h)
        setattr(self, f"{name[0].lower()}{name[1:]}WSpin", w)
        self._last[name] = value

        def follow(new: int) -> None:
            if w.value() == self._last[name]:
                w.blockSignals(True)
                w.setValue(new)
                w.blockSignals(False)
            self._last[name] = new

        h.valueChanged.disconnect(self.changed)
        h.valueChanged.connect(follow)
        h.valueChanged.connect(self.changed)
        return self._inline(self, h, "×", w)

    def _input_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Input"), self)
        self.inputCombo = self._combo("convInputCombo", [])
        self.inputCombo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.inputCombo.setMinimumContentsLength(14)
        self.inputCombo.currentIndexChanged.connect(self._on_input_changed)
        self.inputChannelSpin = self._spin("convInputChannelSpin", 0, 0, 0,
                                           self.tr("The first channel of the input used"))
        self._input_shapes: list[tuple[int, ...]] = []
        form = QFormLayout(box)
        form.addRow(self.inputCombo)
        form.addRow(self.tr("From channel"), self.inputChannelSpin)
        return box

    def _kernel_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Kernel"), self)
        presets = [(self.tr("Edge [1, −1] (tutorials)"), "edge"),
                   (self.tr("Sobel x (vertical edges)"), "sobel_x"),
                   (self.tr("Sobel y (horizontal edges)"), "sobel_y"),
                   (self.tr("Blur (3×3 mean)"), "blur"), (self.tr("Sharpen"), "sharpen"),
                   (self.tr("Identity"), "identity"),
                   (self.tr("1×1 mixing 3 → 2 channels"), "mixing_1x1"),
                   (self.tr("Typed in"), "typed"), (self.tr("The canvas model's"), "model")]
        self.presetCombo = self._combo("convKernelPresetCombo", presets)
        self.presetCombo.setCurrentIndex(self.presetCombo.findData("sobel_x"))
        self.presetCombo.activated.connect(self._on_preset_activated)
        self.kernelLayerCombo = self._combo("convKernelLayerCombo", [])
        self.kernelLayerCombo.activated.connect(lambda _i: self._on_model_kernel())
        self.kernelOutSpin = self._spin("convKernelOutSpin", 0, 0, 0,
                                        self.tr("The layer's first output channel used"))
        self.kernelInSpin = self._spin("convKernelInSpin", 0, 0, 0,
                                       self.tr("The layer's first input channel used"))
        # the output channel also picks the bias: set it before the explorer recomputes
        self.kernelOutSpin.valueChanged.disconnect(self.changed)
        self.kernelOutSpin.valueChanged.connect(lambda _v: self._on_model_kernel())
        self.flipChoice = ConvFlipChoice(box)
        self.flipChoice.toggled.connect(self.changed)
        form = QFormLayout(box)
        form.addRow(self.presetCombo)
        form.addRow(self.tr("Model layer"), self.kernelLayerCombo)
        form.addRow(self.tr("From channel"), self._inline(
            box, self.tr("out"), self.kernelOutSpin, self.tr("in"), self.kernelInSpin))
        form.addRow(self.flipChoice)
        return box

    def _conv_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Conv2d parameters"), self)
        form = QFormLayout(box)
        self.inChannelsSpin = self._spin("convInChannelsSpin", 1, MAX_CHANNELS, 1,
                                         self.tr("in_channels"))
        self.outChannelsSpin = self._spin("convOutChannelsSpin", 1, MAX_CHANNELS, 1,
                                          self.tr("out_channels"))
        form.addRow(self.tr("In channels"), self.inChannelsSpin)
        form.addRow(self.tr("Out channels"), self.outChannelsSpin)
        form.addRow(self.tr("Kernel size"), self._pair("Kernel", 1, 9, 3, self.tr("kernel_size")))
        self.kernelSpin.valueChanged.connect(self._on_kernel_size)
        self.kernelWSpin.valueChanged.connect(self._on_kernel_size)
        form.addRow(self.tr("Stride"), self._pair("Stride", 1, 8, 1, self.tr("stride")))
        form.addRow(self.tr("Padding"), self._pair("Padding", 0, 8, 0, self.tr("padding")))
        form.addRow(self.tr("Dilation"), self._pair("Dilation", 1, 6, 1, self.tr("dilation")))
        modes = {"zeros": self.tr("zeros: pad with 0"),
                 "reflect": self.tr("reflect: mirror the inside"),
                 "replicate": self.tr("replicate: repeat the edge"),
                 "circular": self.tr("circular: wrap around")}
        self.paddingModeCombo = self._combo("convPaddingModeCombo",
                                            [(modes.get(m, m), m) for m in PADDING_MODES])
        self.paddingModeCombo.currentIndexChanged.connect(self.changed)
        form.addRow(self.tr("Padding mode"), self.paddingModeCombo)
        self.groupsSpin = self._spin("convGroupsSpin", 1, MAX_CHANNELS, 1, self.tr("groups"))
        form.addRow(self.tr("Groups"), self.groupsSpin)
        self.biasCheck = QCheckBox(self.tr("Bias"), self)
        self.biasCheck.setObjectName("convBiasCheck")
        self.biasCheck.setChecked(True)
        self.biasCheck.toggled.connect(self.changed)
        self.biasSpin = QDoubleSpinBox(self)
        self.biasSpin.setObjectName("convBiasSpin")
        self.biasSpin.setRange(-10.0, 10.0)
        self.biasSpin.setDecimals(3)
        self.biasSpin.setSingleStep(0.1)
        self.biasSpin.setToolTip(self.tr("The bias added to every output value (a model "
                                         "kernel brings its layer's own biases)"))
        self.biasSpin.valueChanged.connect(self.changed)
        self.biasCheck.toggled.connect(
            lambda on: self.biasSpin.setEnabled(on and self.kernel_source() != "model"))
        row = self._inline(box, self.biasCheck, self.biasSpin)
        row.layout().setStretchFactor(self.biasSpin, 1)
        form.addRow(row)
        return box

    def _after_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Then"), self)
        self.activationCombo = self._combo("convActivationCombo", [
            (self.tr("No activation"), ""), ("ReLU", "relu"), ("LeakyReLU", "leaky_relu"),
            ("ELU", "elu"), ("Sigmoid", "sigmoid"), ("Tanh", "tanh")])
        self.activationCombo.setCurrentIndex(1)
        self.activationCombo.currentIndexChanged.connect(self.changed)
        self.poolCombo = self._combo("convPoolCombo", [
            (self.tr("No pooling"), ""), (self.tr("Max"), "max"), (self.tr("Average"), "avg")])
        self.poolCombo.setCurrentIndex(1)
        self.poolCombo.currentIndexChanged.connect(self.changed)
        self.poolSizeSpin = self._spin("convPoolSizeSpin", 1, 8, 2, self.tr("Pooling window"))
        self.poolStrideSpin = self._spin("convPoolStrideSpin", 1, 8, 2, self.tr("Pooling stride"))
        form = QFormLayout(box)
        form.addRow(self.tr("Activation"), self.activationCombo)
        form.addRow(self.tr("Pooling"), self.poolCombo)
        form.addRow(self._inline(box, self.tr("size"), self.poolSizeSpin,
                                 self.tr("stride", "the pooling window's step"),
                                 self.poolStrideSpin))
        return box

    # ------------------------------------------------------------------ reading
    def settings(self) -> ConvSettings:
        """The Conv2d parameters as set."""
        return ConvSettings(
            self.inChannelsSpin.value(), self.outChannelsSpin.value(),
            (self.kernelSpin.value(), self.kernelWSpin.value()),
            (self.strideSpin.value(), self.strideWSpin.value()),
            (self.paddingSpin.value(), self.paddingWSpin.value()),
            (self.dilationSpin.value(), self.dilationWSpin.value()),
            self.paddingModeCombo.currentData(), self.groupsSpin.value(),
            self.biasCheck.isChecked())

    def kernel_source(self) -> str:
        """A preset's key, ``"typed"`` or ``"model"``."""
        return str(self.presetCombo.currentData())

    def flipped(self) -> bool:
        """Whether the kernel is flipped (a true convolution, not Conv2d's correlation)."""
        return self.flipChoice.isChecked()

    def activation_key(self) -> str:
        """The activation's key in :data:`cnn_core.analysis.conv_explain.ACTIVATIONS`, or ``""``."""
        return str(self.activationCombo.currentData())

    def pool_mode(self) -> str:
        """``"max"``, ``"avg"`` or ``""``."""
        return str(self.poolCombo.currentData())

    # ------------------------------------------------------------------ updating
    def set_inputs(self, inputs: list[tuple[str, tuple[int, ...]]]) -> None:
        """The inputs to choose from, ``(name, shape)``; the choice stays when it can."""
        self._input_shapes = [shape for _, shape in inputs]
        texts = [f"{name}  ({'×'.join(map(str, shape))})" for name, shape in inputs]
        if texts != [self.inputCombo.itemText(i) for i in range(self.inputCombo.count())]:
            current, shown = max(self.inputCombo.currentIndex(), 0), self.inputCombo.currentText()
            self.inputCombo.blockSignals(True)
            self.inputCombo.clear()
            self.inputCombo.addItems(texts)  # the same input stays chosen where it still is
            self.inputCombo.setCurrentIndex(texts.index(shown) if shown in texts
                                            else min(current, len(texts) - 1))
            self.inputCombo.blockSignals(False)
        self._update_channel_range()

    def _on_input_changed(self) -> None:
        self._update_channel_range()
        self.changed.emit()

    def _update_channel_range(self) -> None:
        index = self.inputCombo.currentIndex()
        channels = self._input_shapes[index][0] if 0 <= index < len(self._input_shapes) else 1
        self.inputChannelSpin.blockSignals(True)
        self.inputChannelSpin.setMaximum(channels - 1)
        self.inputChannelSpin.blockSignals(False)

    def set_kernel_layers(self, layers: list[tuple[str, tuple[int, ...], np.ndarray | None]]
                          ) -> None:
        """The canvas model's conv layers: ``(name, weight shape, bias)``."""
        self._layer_shapes = [shape for _, shape, _ in layers]
        self._biases = [bias for _, _, bias in layers]
        self.kernelLayerCombo.blockSignals(True)
        self.kernelLayerCombo.clear()
        for name, shape, _ in layers:
            self.kernelLayerCombo.addItem(f"{name}  ({'×'.join(map(str, shape))})")
        self.kernelLayerCombo.blockSignals(False)
        model_item = self.presetCombo.model().item(self.presetCombo.findData("model"))
        model_item.setEnabled(bool(layers))
        if not layers and self.kernel_source() == "model":
            self.set_kernel_source("sobel_x")
        elif self.kernel_source() == "model":
            self._on_model_kernel()

    def set_kernel_source(self, key: str) -> None:
        """Show ``key`` in the kernel combo without re-applying the preset."""
        self.presetCombo.blockSignals(True)
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(key))
        self.presetCombo.blockSignals(False)
        self._set_model_enabled(key == "model")

    def use_typed_kernel(self, kernel_hw: tuple[int, int], plain: bool = False) -> None:
        """A typed kernel of ``kernel_hw`` is in use; ``plain``: also one channel in and out,
        stride 1, no padding or dilation, one group, no bias (the tutorials' corr2d), all
        quietly."""
        values = {self.kernelSpin: kernel_hw[0], self.kernelWSpin: kernel_hw[1]}
        if plain:
            values |= {spin: 1 for spin in (self.inChannelsSpin, self.outChannelsSpin,
                                             self.groupsSpin, self.strideSpin, self.strideWSpin,
                                             self.dilationSpin, self.dilationWSpin)}
            values |= {self.paddingSpin: 0, self.paddingWSpin: 0}
            self.biasCheck.blockSignals(True)
            self.biasCheck.setChecked(False)
            self.biasCheck.blockSignals(False)
        self._set_quietly(values)
        self._last.update(Stride=self.strideSpin.value(), Padding=self.paddingSpin.value(),
                          Dilation=self.dilationSpin.value())
        self.set_kernel_source("typed")  # also enables the bias spin as the check says

    def set_running(self, ok: bool) -> None:
        """Enable playback only when the settings can run."""
        for button in (self.playButton, self.stepButton, self.backButton, self.finishButton):
            button.setEnabled(ok)

    def _set_model_enabled(self, on: bool) -> None:
        for widget in (self.kernelLayerCombo, self.kernelOutSpin, self.kernelInSpin):
            widget.setEnabled(on)
        self.biasSpin.setEnabled(self.biasCheck.isChecked() and not on)

    def _set_quietly(self, values: dict[QSpinBox, int]) -> None:
        for spin, value in values.items():
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._last.update(Kernel=self.kernelSpin.value())

    def _on_preset_activated(self) -> None:
        key = self.kernel_source()
        self._set_model_enabled(key == "model")
        if key in KERNEL_PRESETS:
            kh, kw = KERNEL_PRESETS[key].shape
            self._set_quietly({self.kernelSpin: kh, self.kernelWSpin: kw})
        elif key == "mixing_1x1":
            self._set_quietly({self.kernelSpin: 1, self.kernelWSpin: 1, self.inChannelsSpin: 3,
                               self.outChannelsSpin: 2, self.groupsSpin: 1})
        elif key == "model":
            self._on_model_kernel(emit=False)
        self.preset_chosen.emit(key)

    def _on_model_kernel(self, emit: bool = True) -> None:
        index = self.kernelLayerCombo.currentIndex()
        if index < 0:
            return
        out_c, in_c, kh, kw = self._layer_shapes[index]
        self.kernelOutSpin.blockSignals(True)
        self.kernelOutSpin.setMaximum(out_c - 1)
        self.kernelOutSpin.blockSignals(False)
        self.kernelInSpin.setMaximum(in_c - 1)
        values = {self.kernelSpin: kh, self.kernelWSpin: kw}
        self._set_quietly(values)
        bias = self._biases[index]
        self.biasCheck.blockSignals(True)
        self.biasCheck.setChecked(bias is not None)
        self.biasCheck.blockSignals(False)
        self.biasSpin.setEnabled(False)  # the layer's biases are used, as they are
        if bias is not None:
            self.biasSpin.blockSignals(True)
            self.biasSpin.setValue(float(bias[self.kernelOutSpin.value()]))
            self.biasSpin.blockSignals(False)
        if emit:
            self.changed.emit()

    def _on_kernel_size(self) -> None:
        """A preset changed in size is no longer that preset: it becomes typed in."""
        key = self.kernel_source()
        if key in KERNEL_PRESETS and KERNEL_PRESETS[key].shape != (self.kernelSpin.value(),
                                                                    self.kernelWSpin.value()):
            self.set_kernel_source("typed")
        elif key == "model":
            self.set_kernel_source("typed")
