"""A drop-down too narrow for its choice elides it and shows it whole as the tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.widgets.elided_combo import ElidedComboBox


def test_long_choice_is_elided_with_the_full_text_as_tooltip(qtbot) -> None:  # noqa: ANN001
    parent = QWidget()
    qtbot.addWidget(parent)
    combo = ElidedComboBox(parent)
    combo.setToolTip("Which feature map to convolve")
    long_text = "features.conv1 output of a rather long layer name  (16×28×28)"
    combo.addItems(["short", long_text])
    combo.setFixedWidth(120)
    parent.show()
    qtbot.waitExposed(parent)
    assert not combo.is_elided() and combo.toolTip() == "Which feature map to convolve"
    combo.setCurrentIndex(1)
    assert combo.is_elided() and combo.toolTip() == long_text
    shown = combo._shown_text()
    assert shown.endswith("…") and long_text.startswith(shown[:-1])
    combo.grab()  # paints the elided text without a warning
    combo.setFixedWidth(combo.fontMetrics().horizontalAdvance(long_text) + 80)
    qtbot.waitUntil(lambda: not combo.is_elided(), timeout=5_000)
    assert combo.toolTip() == "Which feature map to convolve"
