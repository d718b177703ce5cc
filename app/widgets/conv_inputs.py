"""What the convolution explorer convolves: its input maps and its kernel.

The inputs are the drawing (ink = 1) and, with a canvas model, the model's normalised input and
every convolution's output for the drawing, read by :func:`~cnn_core.analysis.conv_presets.
model_feature_maps`. The kernel is the canvas model's (a layer, from an output and an input
channel on), one typed into the kernel table, or a preset; the choice is
:class:`~app.widgets.conv_controls.ConvControls`'.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from cnn_core.analysis.conv_explain import flip_kernel
from cnn_core.analysis.conv_presets import fit_weight, model_feature_maps, preset_weight
from cnn_core.analysis.conv_settings import ConvSettings, ConvSettingsError
from cnn_core.analysis.inspection import KernelSet, conv_kernels
from cnn_core.analysis.receptive_field import ConvCell, conv_cell_frame, describe_cell
from cnn_core.checkpoints import Checkpoint
from cnn_core.models.receptive_field import Frame, ReceptiveFields

from .conv_controls import ConvControls

__all__ = ["ConvInputs"]


class ConvInputs(QObject):
    """The explorer's input maps (``sources``: name and ``[C, H, W]``) and kernel choices."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sources: list[tuple[str, np.ndarray]] = []
        self.kernel_sets: list[KernelSet] = []
        self.typed: np.ndarray | None = None  # the kernel typed into the table, if any
        self.typed_input: np.ndarray | None = None  # [rows, cols] typed by the user, if any
        # per source: the model layer it is the output of (None: the picture), and whether
        # it is normalised as the model reads it
        self.origins: list[tuple[str | None, bool]] = []
        self._checkpoint: Checkpoint | None = None
        self._fields: ReceptiveFields | None = None

    def set_checkpoint(self, checkpoint: Checkpoint | None) -> None:
        """Read feature maps and kernels from this model (the canvas model) from now on."""
        self._checkpoint = checkpoint
        self.kernel_sets = conv_kernels(checkpoint.model) if checkpoint is not None else []
        self._fields = ReceptiveFields(checkpoint.model.spec) if checkpoint is not None else None

    def checkpoint(self) -> Checkpoint | None:
        """The model whose maps and kernels are offered."""
        return self._checkpoint

    def fields(self) -> ReceptiveFields | None:
        """That model's receptive fields."""
        return self._fields

    def read(self, image28: np.ndarray) -> None:
        """The drawing (28×28, ink = 1) and the canvas model's maps for it become the inputs."""
        sources = [(self.tr("Drawing (ink = 1)"), image28[None])]
        origins: list[tuple[str | None, bool]] = [(None, False)]
        if self._checkpoint is not None:
            ck = self._checkpoint
            for name, maps in model_feature_maps(ck.model, image28, ck.mean, ck.std):
                raw = (ck.mean, ck.std) == (0.0, 1.0)  # a model trained on pixels as they are
                label = (self.tr("Model input (pixels in [0, 1])") if name == "input" and raw
                         else self.tr("Model input (normalised)") if name == "input" else
                         self.tr("%1 output").replace("%1", name))
                sources.append((label, maps))
                origins.append((None if name == "input" else name, True))
        if self.typed_input is not None:  # last: the drawing's and the model's keep their place
            sources.append((self.tr("Typed in"), self.typed_input[None]))
            origins.append((None, False))  # no picture behind it: no receptive field
        self.sources, self.origins = sources, origins

    def field_of(self, c: ConvControls, weight: np.ndarray, settings: ConvSettings,
                 channel: int, row: int, col: int) -> tuple[Frame, str, ConvCell]:
        """The pixels of the drawing output (``channel``, ``row``, ``col``) sees, the sentence
        that says so, and the cell (for its gradient, the effective field)."""
        cell = ConvCell(*self.origins[c.inputCombo.currentIndex()], c.inputChannelSpin.value(),
                        weight.copy(), settings, channel, row, col)
        frame = conv_cell_frame(self._fields, cell)
        return frame, describe_cell(frame, self.tr("convolution output"), row, col), cell

    def typed_index(self) -> int | None:
        """Where the typed input is in ``sources`` (None without one)."""
        return len(self.sources) - 1 if self.typed_input is not None and self.sources else None

    def wide_source(self, index: int) -> int | None:
        """An input with 3 channels or more (for the 1×1 mixing preset), when input ``index``
        has fewer: the first such; ``None`` when ``index`` will do or there is none."""
        if not self.sources or self.sources[index][1].shape[0] >= 3:
            return None
        wide = [i for i, (_, maps) in enumerate(self.sources) if maps.shape[0] >= 3]
        return wide[0] if wide else None

    def channels(self, index: int, first: int, settings: ConvSettings) -> np.ndarray:
        """Input ``index``'s ``settings.in_channels`` channels from ``first`` on."""
        name, maps = self.sources[index]
        if first + settings.in_channels > maps.shape[0]:
            raise ConvSettingsError(self.tr(
                "%1 has %2 channel(s): %3 input channel(s) from channel %4 do not fit; lower "
                "the input channels or pick a feature map with more").replace("%1", name)
                .replace("%2", str(maps.shape[0])).replace("%3", str(settings.in_channels))
                .replace("%4", str(first)))
        return maps[first:first + settings.in_channels]

    def type_value(self, shown: np.ndarray, out_channel: int, row: int, col: int,
                   value: float, flipped: bool = False) -> None:
        """A value typed into the kernel table (``row``, ``col``: channel after channel, as the
        table shows ``out_channel``'s kernel): the typed kernel is ``shown`` with it.
        ``flipped``: the table shows the kernel flipped, so the typed one is flipped back."""
        typed = shown.copy()
        channel, u = divmod(row, shown.shape[2])
        typed[out_channel, channel, u, col] = value
        self.typed = flip_kernel(typed) if flipped else typed

    def kernel(self, c: ConvControls, settings: ConvSettings,
               shown: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The weight and bias the controls ``c`` choose; ``shown`` is the kernel in use now
        (a typed kernel starts from it)."""
        key = c.kernel_source()
        bias = np.full(settings.out_channels, c.biasSpin.value())
        if key == "model":
            if not self.kernel_sets:
                raise ConvSettingsError(self.tr("The canvas model has no convolution kernels"))
            ks = self.kernel_sets[c.kernelLayerCombo.currentIndex()]
            o, i = c.kernelOutSpin.value(), c.kernelInSpin.value()
            weight = fit_weight(ks.weights[o:, i:], settings)
            if ks.bias is not None:  # the layer's own biases, not the spin's rounded one
                rest = ks.bias[o:]
                bias = rest[np.arange(settings.out_channels) % len(rest)].astype(np.float64)
        elif key == "typed":
            if self.typed is None:
                self.typed = fit_weight(shown if shown is not None
                                        else np.zeros((1, 1, 1, 1)), settings)
            self.typed = fit_weight(self.typed, settings)
            weight = self.typed
        else:
            weight = preset_weight(key, settings)
        return weight, bias
