"""The Perturb tab's "Change the input" box: one slider per change the model's input can
undergo (rotate, scale, shift, thicken or thin, noise), each with its value beside it, and
Reset.

Widgets (objectName): ``perturbationSliders`` the box; ``rotateSlider``, ``scaleSlider``,
``shiftXSlider``, ``shiftYSlider``, ``thicknessSlider``, ``noiseSlider``;
``perturbationReset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from cnn_core.analysis.perturb import Perturbation

__all__ = ["SLIDERS", "PerturbationSliders", "SliderSpec", "slider_spec"]


@dataclass(frozen=True)
class SliderSpec:
    """One perturbation slider: integer positions ``lo..hi`` mean ``position / divisor``."""

    key: str  # the Perturbation field
    object_name: str
    lo: int
    hi: int
    divisor: float
    neutral: int  # the position that changes nothing
    fmt: str  # how the value reads, e.g. "{0:+.0f}°"


SLIDERS: tuple[SliderSpec, ...] = (
    SliderSpec("rotate", "rotateSlider", -60, 60, 1, 0, "{0:+.0f}°"),
    SliderSpec("scale", "scaleSlider", 50, 150, 100, 100, "{0:.0%}"),
    SliderSpec("shift_x", "shiftXSlider", -16, 16, 2, 0, "{0:+.1f} px"),
    SliderSpec("shift_y", "shiftYSlider", -16, 16, 2, 0, "{0:+.1f} px"),
    SliderSpec("thickness", "thicknessSlider", -8, 8, 4, 0, "{0:+.2f} px"),
    SliderSpec("noise", "noiseSlider", 0, 60, 100, 0, "{0:.0%}"),
)


def slider_spec(key: str) -> SliderSpec:
    """The slider of the :class:`~cnn_core.analysis.perturb.Perturbation` field ``key``."""
    return next(spec for spec in SLIDERS if spec.key == key)


class PerturbationSliders(QGroupBox):
    """The sliders and Reset; :attr:`moved` says which slider moved, and to what value.

    Attributes: ``sliders`` (field → slider), ``names`` (field → its name for people),
    ``resetButton``.
    """

    moved = Signal(object, float)  # SliderSpec, the value it now means

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("perturbationSliders")
        self.setTitle(self.tr("Change the input"))
        self.names = {"rotate": self.tr("Rotate"), "scale": self.tr("Scale"),
                      "shift_x": self.tr("Shift right"), "shift_y": self.tr("Shift down"),
                      "thickness": self.tr("Thicken / thin"), "noise": self.tr("Noise")}
        self.sliders: dict[str, QSlider] = {}
        self._value_labels: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        for spec in SLIDERS:
            form.addRow(self.names[spec.key], self._make_slider(spec))
        self.resetButton = QPushButton(self.tr("Reset"), self)
        self.resetButton.setObjectName("perturbationReset")
        self.resetButton.setToolTip(self.tr("Put every slider back to no change"))
        self.resetButton.clicked.connect(self.reset)
        form.addRow("", self.resetButton)

    def perturbation(self) -> Perturbation:
        """The perturbation the sliders describe."""
        return Perturbation(**{spec.key: self.value(spec.key) for spec in SLIDERS})

    def value(self, key: str) -> float:
        """What the slider of field ``key`` means now."""
        return self.sliders[key].value() / slider_spec(key).divisor

    def reset(self) -> None:
        """Every slider back to "no change"."""
        for spec in SLIDERS:
            self.sliders[spec.key].setValue(spec.neutral)

    def _on_slider(self, spec: SliderSpec, position: int) -> None:
        self._show_value(spec, position)
        self.moved.emit(spec, position / spec.divisor)

    def _show_value(self, spec: SliderSpec, position: int) -> None:
        self._value_labels[spec.key].setText(spec.fmt.format(position / spec.divisor))

    def _make_slider(self, spec: SliderSpec) -> QWidget:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setObjectName(spec.object_name)
        slider.setRange(spec.lo, spec.hi)
        slider.setValue(spec.neutral)
        slider.setPageStep(max(1, (spec.hi - spec.lo) // 12))
        slider.setMinimumWidth(120)
        label = QLabel(self)
        label.setMinimumWidth(62)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.sliders[spec.key] = slider
        self._value_labels[spec.key] = label
        slider.valueChanged.connect(partial(self._on_slider, spec))
        self._show_value(spec, slider.value())
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(slider, 1)
        box.addWidget(label)
        return row
