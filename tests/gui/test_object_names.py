"""Every objectName in the window names one object: findChild (tests, tools, accessibility)
never reaches the wrong one."""

from __future__ import annotations

from collections import Counter

from digit_strokes import DIGITS
from PySide6.QtCore import QObject

from app.main_window import MainWindow
from app.tabs import TABS


def _repeated_names(window: MainWindow) -> dict[str, int]:
    names = Counter(child.objectName() for child in window.findChildren(QObject))
    # Qt names the inner parts of its own widgets (qt_scrollarea_viewport, …) alike everywhere.
    return {name: count for name, count in names.items()
            if count > 1 and name and not name.startswith("qt_")}


def test_every_object_name_in_the_window_is_unique(window: MainWindow, qtbot,  # noqa: ANN001
                                                    draw) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[7])  # a drawing: the panels show their answers, steps and maps
    for index, spec in enumerate(TABS):  # every tab built and shown once
        window.select_tab(index)
        assert window.tabs.currentWidget() is getattr(window, spec.attribute)
        qtbot.wait(100)
    window.saliency_controls  # noqa: B018 - built by reading it
    window.receptive_field_overlay  # noqa: B018
    repeated = _repeated_names(window)
    assert not repeated, f"names used more than once: {sorted(repeated.items())}"


def test_the_compare_tab_names_its_own_panels(window: MainWindow) -> None:
    compare = window.compare_view
    for side in ("Left", "Right"):
        for name in ("PredictionLabel", "ProbabilityPlot", "InputView", "PredictionDetail"):
            assert compare.findChild(QObject, f"compare{side}{name}") is not None, (side, name)
    # the main prediction panel's names find the main panel's widgets
    assert window.findChild(QObject, "predictionLabel") is window.prediction_panel.predictionLabel
