"""Step through a convolution: the ``convExplorer`` tab.

The kernel's window moves over the (padded) input one output position at a time; at each
position the window's values, the kernel, their products and the sum (+ bias) are shown and
the output grid fills in, followed by an optional activation and pooling. Every number comes
from :func:`cnn_core.analysis.conv_explain.conv_step`, the core's hand-written convolution, so what
is shown is what is computed; :class:`cnn_core.analysis.conv_walk.ConvWalk` keeps the positions
done and the output so far, and the play bar's timer sets the pace.

The controls (input, kernel, every Conv2d parameter, activation, pooling, playback) are
:class:`~app.widgets.conv_controls.ConvControls`; what they choose to convolve
:class:`~app.widgets.conv_inputs.ConvInputs`; the numbers shown are
:class:`~app.widgets.conv_readouts.ConvReadOuts`; the pictures
:class:`~app.widgets.conv_views.ConvPictures`. Each module lists its widgets' objectNames.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from cnn_core.analysis.conv_explain import ACTIVATIONS, ConvStep, flip_kernel, pad_input, pool2d
from cnn_core.analysis.conv_settings import ConvSettings, ConvSettingsError, check_settings
from cnn_core.analysis.conv_walk import ConvWalk
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.data_picture import DataPicture, prepare

from ..language import say
from .conv_controls import ConvControls
from .conv_inputs import ConvInputs
from .conv_readouts import ConvReadOuts
from .conv_views import ConvPictures, first_inked, output_cell_under

__all__ = ["ConvExplorer"]


class ConvExplorer(QWidget):
    """The convolution explorer tab (see the module docstring for its widgets).

    Pointing at an output cell emits :attr:`field_hovered` (the pixels it sees, in words, and
    the cell whose gradient is its effective field); leaving the output, :attr:`field_left`.

    Parameters
    ----------
    image_source
        Returns the current drawing (the canvas's ``model_input``), read when it changed.
    """

    field_hovered = Signal(object, str, object)  # Frame, sentence, ConvCell
    field_left = Signal()

    def __init__(self, image_source: Callable[[], np.ndarray | DataPicture],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convExplorer")
        self._image_source = image_source
        self.inputs = ConvInputs(self)  # the input maps and the kernel choices
        self._dirty = True
        self._x: np.ndarray | None = None  # the input channels used
        self._weight: np.ndarray | None = None  # the kernel slid: flipped for a convolution
        self._raw_weight: np.ndarray | None = None  # the kernel as chosen, never flipped
        self._settings = ConvSettings()
        self._walk: ConvWalk | None = None  # the positions and the output so far
        self._resume_at = 0  # positions done when the settings last failed: redone after
        self._untouched = True  # no step yet: the window waits where the drawing's ink starts

        self.controls = ConvControls(self)
        self.pictures = ConvPictures(self)
        self.read_outs = ConvReadOuts(self)
        r = self.read_outs
        self.formulaLabel, self.outputSizeLabel = r.formulaLabel, r.outputSizeLabel
        self.messageLabel, self.positionLabel = r.messageLabel, r.positionLabel
        self.sumLabel, self.equationLabel = r.sumLabel, r.equationLabel
        self.kernelTable, self.productsTable = r.kernelTable, r.productsTable
        self._build_layout()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(120)  # the drawing changes on every mouse move
        self._refresh_timer.timeout.connect(self.refresh_input)
        self._connect()
        self._shortcuts()
        self.refresh_input()

    # ------------------------------------------------------------------ build
    def _build_layout(self) -> None:
        bottom = self.read_outs.position_panel()
        right = QVBoxLayout()
        right.setSpacing(2)
        for widget in (self.controls.playBar, self.formulaLabel, self.outputSizeLabel,
                       self.messageLabel):
            right.addWidget(widget)
        right.addWidget(self.pictures, 1)
        right.addWidget(bottom)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.controls)
        layout.addLayout(right, 1)

    def _connect(self) -> None:
        c = self.controls
        c.changed.connect(self._rebuild)
        c.preset_chosen.connect(self._on_preset_chosen)
        c.playButton.clicked.connect(self.toggle_play)
        c.stepButton.clicked.connect(self.step_forward)
        c.backButton.clicked.connect(self.step_back)
        c.resetButton.clicked.connect(self.reset)
        c.finishButton.clicked.connect(self.finish)
        c.playBar.steps_due.connect(self._advance)
        self.kernelTable.itemChanged.connect(self._on_kernel_edited)
        c.typedBox.input_typed.connect(self._on_input_typed)
        c.typedBox.kernel_typed.connect(self._on_kernel_typed)
        c.typedBox.example_chosen.connect(self._on_example)
        self.pictures.input_clicked.connect(self._on_input_clicked)
        self.pictures.output_clicked.connect(
            lambda row, col: self.jump_to(self._shown_channel(), row, col))
        self.pictures.output_hovered.connect(self._on_output_hovered)
        self.pictures.output_left.connect(self.field_left)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in ((Qt.Key.Key_Space, self.toggle_play), (Qt.Key.Key_Right,
                          self.step_forward), (Qt.Key.Key_Left, self.step_back),
                          (Qt.Key.Key_Home, self.reset), (Qt.Key.Key_End, self.finish)):
            QShortcut(QKeySequence(key), self, slot, context=context)

    # ------------------------------------------------------------------ inputs
    def set_checkpoint(self, checkpoint: Checkpoint | None) -> None:
        """Use this model's feature maps and kernels (the canvas model)."""
        self.inputs.set_checkpoint(checkpoint)
        self.controls.set_kernel_layers([(k.name, k.weights.shape, k.bias)
                                         for k in self.inputs.kernel_sets])
        self.drawing_changed()

    def drawing_changed(self) -> None:
        """The drawing changed: read it again soon (now if the tab is hidden, when shown)."""
        self._dirty = True
        if self.isVisible():
            self._refresh_timer.start()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        if self._dirty:
            self.refresh_input()

    def refresh_input(self) -> None:
        """Read the drawing, run the canvas model on it, and recompute what is shown."""
        self._dirty = False
        self.inputs.read(prepare(self._image_source()).image28.astype(np.float64))
        self.controls.set_inputs([(name, maps.shape) for name, maps in self.inputs.sources])
        self._rebuild()

    def _on_preset_chosen(self, key: str) -> None:
        if key == "mixing_1x1":  # needs several input channels: take the first map with 3
            wide = self.inputs.wide_source(self.controls.inputCombo.currentIndex())
            if wide is not None:
                self.controls.inputCombo.setCurrentIndex(wide)
        self._rebuild()

    def _on_input_typed(self, matrix: np.ndarray) -> None:
        """A typed input becomes the input (one channel)."""
        self.inputs.typed_input = matrix
        self._untouched = True
        self.refresh_input()
        c = self.controls
        for spin in (c.groupsSpin, c.inChannelsSpin):  # one channel: one group of one
            spin.setValue(1)
        c.inputCombo.setCurrentIndex(self.inputs.typed_index())

    def _on_kernel_typed(self, kernel: np.ndarray) -> None:
        """A typed kernel becomes the kernel, its size the kernel size."""
        self.inputs.typed = kernel[None, None]
        self.controls.use_typed_kernel(kernel.shape)
        self._rebuild()

    def _on_example(self, x: np.ndarray, kernel: np.ndarray) -> None:
        """A tutorial's example: its input and kernel, and corr2d's plain settings."""
        self.inputs.typed = kernel[None, None]
        self.controls.use_typed_kernel(kernel.shape, plain=True)
        self._on_input_typed(x)
        self._rebuild()

    # ------------------------------------------------------------------ the computation
    def _rebuild(self) -> None:
        """Read the controls, check them, and recompute the positions done so far."""
        if not self.inputs.sources:
            return
        settings = self.controls.settings()
        self._settings = settings
        self._show_formula(settings)
        try:
            c = self.controls
            x = self.inputs.channels(c.inputCombo.currentIndex(), c.inputChannelSpin.value(),
                                     settings)
            out_hw = check_settings(settings, x.shape[1:])
            weight, bias = self.inputs.kernel(c, settings, self._raw_weight)
        except ConvSettingsError as error:
            self._fail(say(error))
            return
        self.read_outs.show_message("")
        self._x, self._raw_weight = x, weight
        self._weight = flip_kernel(weight) if c.flipped() else weight
        if self.controls.kernel_source() != "typed":
            self.inputs.typed = None
        padded = pad_input(x, settings.padding, settings.padding_mode)
        done = self.positions_done()
        walk = self._walk = ConvWalk.start(padded, self._weight, bias, settings, out_hw)
        done = min(done, len(walk.positions))
        if self._untouched:
            done = first_inked(padded, settings, out_hw) + 1 if x.any() else 0
        self.read_outs.show_output_size(settings.out_channels, out_hw, len(walk.positions))
        self._advance(done)
        self.controls.set_running(True)

    def _fail(self, message: str) -> None:
        self.pause()
        self.read_outs.show_message(message)
        self._resume_at, self._walk = self.positions_done(), None
        self.read_outs.show_no_output()
        self.controls.set_running(False)
        self._show()

    def _show_formula(self, s: ConvSettings) -> None:
        _, maps = self.inputs.sources[self.controls.inputCombo.currentIndex()]
        self.read_outs.show_formula(maps.shape[1:3], s)

    def _advance(self, count: int) -> None:
        """Compute the next ``count`` positions (the last one is shown in detail)."""
        if self._walk is None:
            return
        self._walk.advance(count)
        self._show()
        if self._walk.finished:
            self.pause()

    # ------------------------------------------------------------------ playback
    def step_forward(self) -> None:
        """Compute the next output position."""
        self._untouched = False
        self._advance(1)

    def jump_to(self, channel: int, row: int, col: int) -> None:
        """Make output (``channel``, ``row``, ``col``) the position shown: the positions
        before it computed, those after it blank."""
        walk = self._walk
        if walk is None or (channel, row, col) not in walk.positions:
            return
        self.pause()
        self._untouched = False
        walk.jump_to(channel, row, col)
        self._show()

    def _shown_channel(self) -> int:
        step = self.current_step()
        return step.out_channel if step is not None else 0

    def _on_output_hovered(self, row: int, col: int) -> None:
        if self.inputs.typed_index() == self.controls.inputCombo.currentIndex():
            return  # typed numbers: no drawing behind them, so no field on it
        if self._walk is not None and self._weight is not None:
            self.field_hovered.emit(*self.inputs.field_of(
                self.controls, self._weight, self._settings, self._shown_channel(), row, col))

    def _on_input_clicked(self, row: float, col: float) -> None:
        if self._walk is None:
            return
        i, j = output_cell_under(self._settings, self._walk.out.shape[1:], row, col)
        self.jump_to(self._shown_channel(), i, j)

    def step_back(self) -> None:
        """Undo the last position (its output goes blank again)."""
        if self._walk is None or self._walk.done == 0:
            return
        self.pause()
        self._untouched = False
        self._walk.back()
        self._show()

    def reset(self) -> None:
        """Back to before the first position."""
        self.pause()
        self._untouched = False
        self._walk, self._resume_at = None, 0
        self._rebuild()

    def finish(self) -> None:
        """Compute every remaining position."""
        self._untouched = False
        if self._walk is not None:
            self._advance(len(self._walk.positions))

    def toggle_play(self) -> None:
        """Play or pause (from the end, play starts again at the beginning)."""
        if self.is_playing():
            self.pause()
            return
        if self._walk is None or not self._walk.positions:
            return
        self._untouched = False
        if self._walk.finished:
            self.reset()
        self.controls.playBar.play()

    def pause(self) -> None:
        """Stop playing."""
        self.controls.playBar.pause()

    def is_playing(self) -> bool:
        """True while the window moves by itself."""
        return self.controls.playBar.is_playing()

    # ------------------------------------------------------------------ read-outs
    def current_step(self) -> ConvStep | None:
        """The position shown in detail (the last one computed)."""
        return self._walk.step if self._walk is not None else None

    def output(self) -> np.ndarray | None:
        """The output so far, ``[out_channels, H, W]`` with NaN where not computed."""
        return None if self._walk is None else self._walk.out.copy()

    def positions_done(self) -> int:
        """How many output positions are computed."""
        return self._walk.done if self._walk is not None else self._resume_at

    def _show(self) -> None:
        walk, step = self._walk, self.current_step()
        o = step.out_channel if step is not None else 0
        self.read_outs.show_step(step, walk.done if walk else self._resume_at,
                                 len(walk.positions) if walk else 0, self._settings)
        self._show_kernel(o)
        self._show_pictures(o)

    def _show_kernel(self, o: int) -> None:
        if self._weight is None or self._walk is None:
            self.kernelTable.setRowCount(0)
            return
        channels = tuple(self._settings.group_inputs(o))
        self.kernelTable.show_blocks(self._weight[o], channels)
        self.read_outs.show_kernel_heading(self.controls.flipped())

    def _show_pictures(self, o: int) -> None:
        p, walk, step = self.pictures, self._walk, self.current_step()
        if walk is None:
            for picture in (p.input, p.output, p.activated, p.pooled):
                picture.show(None, "")
            self.read_outs.show_output_values(None, 0)
            return
        group = list(self._settings.group_inputs(o))
        p.show_input(walk.padded[group], self._settings.padding, step,
                     self.tr("Input (padded), ch %1").replace(
                         "%1", ", ".join(str(c) for c in group)))
        out = walk.out[o]
        cell = (step.row, step.col) if step is not None else None
        p.show_output(out, cell, self.tr("Output ch %1").replace("%1", str(o)))
        self.read_outs.show_output_values(out, o)
        activated = self._activate(out)
        key = self.controls.activation_key()
        p.activated.show(activated if key else None,
                         self.controls.activationCombo.currentText() if key else
                         self.tr("No activation"))
        self._show_pooled(activated)

    def _activate(self, out: np.ndarray) -> np.ndarray:
        key = self.controls.activation_key()
        return ACTIVATIONS[key][0](out) if key else out

    def _show_pooled(self, values: np.ndarray) -> None:
        mode = self.controls.pool_mode()
        picture = self.pictures.pooled
        self.read_outs.show_pooled_size(None)
        if not mode:
            picture.show(None, self.tr("No pooling"))
            return
        size = self.controls.poolSizeSpin.value()
        stride = self.controls.poolStrideSpin.value()
        try:
            pooled = pool2d(values[None], (size, size), (stride, stride), mode)[0]
        except ConvSettingsError as error:
            picture.show(None, say(error))
            return
        mode_text = self.controls.poolCombo.currentText()
        picture.show(pooled, self.tr("%1 pool").replace("%1", mode_text))
        self.read_outs.show_pooled_size(pooled.shape)

    def _on_kernel_edited(self, item) -> None:  # noqa: ANN001
        value = self.kernelTable.value_at(item.row(), item.column())
        if value is None or self._weight is None:
            self.read_outs.show_message(self.tr("A kernel value must be a number."))
            self._show_kernel(self._shown_channel())
            return
        o = self._shown_channel()
        self.inputs.type_value(self._weight, o, item.row(), item.column(), value,
                               self.controls.flipped())
        if self.inputs.typed.shape[:2] == (1, 1):  # one kernel: its field says it too
            self.controls.typedBox.show_kernel(self.inputs.typed[0, 0])
        self.controls.set_kernel_source("typed")
        self._rebuild()
