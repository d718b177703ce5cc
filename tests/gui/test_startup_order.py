"""Start-up order: the canvas is answered first, the tabs are built after it, bit by bit.

The tabs' modules are imported by a second background load (app.model_loader); the tests hold
it at a gate, so that "the canvas answers, the tabs are not built yet" is a state the test
controls. Everything is driven with real mouse events.
"""

from __future__ import annotations

import pytest
from digit_strokes import DIGITS
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from app import model_loader
from app.deferred_parts import PLACEHOLDER_NAME
from app.main_window import MainWindow

PARTS = ["training_panel", "feature_map_view", "kernel_view", "compare_view",
         "perturbation_view", "evaluate_view", "architecture_builder", "conv_explorer",
         "handwriting_coach", "kernel_learner", "dataset_browser"]  # the tabs, in order
OTHER_PARTS = ["saliency_controls", "receptive_field_overlay",
               "code_dock"]  # deferred parts that are not tabs
TAB_TITLES = ["Train", "Feature maps", "Kernels", "Compare", "Perturb", "Evaluate", "Build",
              "Convolution", "Coach", "Learn a kernel", "Browse data"]


def _answers(win: MainWindow) -> bool:
    """Whether the window answers the canvas (with the model loaded in the background)."""
    return win.answers_canvas() and win.checkpoint() is not None


def _pages(win: MainWindow) -> list[str]:
    return [win.tabs.widget(i).objectName() for i in range(win.tabs.count())]


def _click_tab(qtbot, win: MainWindow, title: str) -> None:  # noqa: ANN001
    bar = win.tabs.tabBar()
    index = TAB_TITLES.index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_the_prediction_is_shown_before_any_tab_is_built(
        qtbot, draw, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window()
    # Every tab's title is there from the first paint; the pages are placeholders.
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == TAB_TITLES
    assert _pages(win) == [PLACEHOLDER_NAME] * len(TAB_TITLES)
    draw(win.canvas, DIGITS[7])  # drawn while torch and the model load
    with qtbot.waitSignal(win.inference_ready, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: win.prediction_panel.predictionLabel.text().startswith("7"),
                    timeout=10_000)
    assert not win.is_ready()
    assert win.pending_parts()[0] == "training_panel"  # the tab on show comes first
    assert len(win.pending_parts()) == len(TAB_TITLES) + len(OTHER_PARTS)
    assert _pages(win) == [PLACEHOLDER_NAME] * len(TAB_TITLES)
    assert win.menus.openModelAction.isEnabled() and win.model_bar.modelShelf.isEnabled()
    with qtbot.waitSignal(win.ready, timeout=30_000):
        gated_tabs.set()
    assert win.pending_parts() == [] and PLACEHOLDER_NAME not in _pages(win)
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == TAB_TITLES
    assert win.tabs.currentIndex() == 0 and win.tabs.currentWidget() is win.training_panel
    assert set(win.build_seconds) == {"core", *OTHER_PARTS, *PARTS}
    win.close()


def test_a_stroke_is_answered_between_two_tabs_being_built(
        qtbot, draw, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    answers: list[tuple[str, int]] = []  # (label, parts still to build) at each prediction
    label = win.prediction_panel.predictionLabel  # shows each prediction before this hears it
    win.inference.predicted.connect(lambda _prediction: answers.append(
        (label.text(), len(win.pending_parts()))))
    drawn: list[int] = []

    def draw_a_four() -> None:  # runs in the event loop, between two build steps
        drawn.append(len(win.pending_parts()))
        draw(win.canvas, DIGITS[4])

    def after_first_part(_name: str) -> None:
        if not drawn:
            QTimer.singleShot(0, draw_a_four)

    win.part_built.connect(after_first_part)
    with qtbot.waitSignal(win.ready, timeout=60_000):
        gated_tabs.set()
    assert drawn and 0 < drawn[0] < len(TAB_TITLES) + len(OTHER_PARTS)  # some parts built, some not
    assert any(text.startswith("4") and pending > 0 for text, pending in answers), answers
    assert label.text().startswith("4")
    win.close()


def test_clicking_a_tab_not_built_yet_builds_it_at_once(
        qtbot, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    assert _pages(win)[5] == PLACEHOLDER_NAME
    _click_tab(qtbot, win, "Evaluate")
    assert win.tabs.currentIndex() == 5
    assert win.tabs.currentWidget().objectName() == "evaluateView"
    assert win.tabs.tabText(5) == "Evaluate"
    assert _pages(win).count(PLACEHOLDER_NAME) == len(TAB_TITLES) - 1  # only that one
    # The feature maps are computed as soon as their tab is on show.
    with qtbot.waitSignal(win.inference.activations_ready, timeout=10_000):
        _click_tab(qtbot, win, "Feature maps")
    assert win.tabs.currentWidget() is win.feature_map_view
    win.close()


def test_train_this_in_the_builder_builds_the_train_tab_it_targets(
        qtbot, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    _click_tab(qtbot, win, "Build")
    builder = win.tabs.currentWidget()
    assert builder.objectName() == "architectureBuilder"
    assert _pages(win)[0] == PLACEHOLDER_NAME  # the Train tab is not built yet
    assert builder.trainButton.isEnabled()
    qtbot.mouseClick(builder.trainButton, Qt.MouseButton.LeftButton)
    assert win.tabs.currentIndex() == 0
    panel = win.tabs.currentWidget()
    assert panel is win.training_panel and panel.objectName() != PLACEHOLDER_NAME
    assert panel.form.config().model_spec == builder.spec()
    win.close()


def test_code_that_reads_a_tab_gets_it_built_in_its_place(
        qtbot, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    view = win.compare_view  # as tests and scripts reach into the window
    assert win.tabs.indexOf(view) == 3 and win.tabs.tabText(3) == "Compare"
    assert win.tabs.currentIndex() == 0  # reading it did not switch tabs
    assert win.compare_view is view  # built once
    win.close()


def test_closing_while_the_tabs_are_pending_builds_nothing_more(
        qtbot, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    imports = model_loader.start_tab_imports()
    win.close()
    gated_tabs.set()
    assert imports.wait(60)
    qtbot.wait(200)  # the queued "imported" signal has been delivered by now
    assert len(win.pending_parts()) == len(TAB_TITLES) + len(OTHER_PARTS) and not win.is_ready()
    with pytest.raises(AttributeError):
        _ = win.training_panel


def test_no_tab_is_built_while_a_stroke_is_under_way(
        qtbot, bundled, gated_tabs, start_window) -> None:  # noqa: ANN001
    win = start_window(_answers)
    canvas, rect = win.canvas, win.canvas.visible_rect()

    def at(x: float, y: float) -> QPoint:
        return QPoint(round(rect.x() + x * rect.width()), round(rect.y() + y * rect.height()))

    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(canvas, left, none, at(0.5, 0.15))  # a "1", drawn slowly
    gated_tabs.set()
    model_loader.start_tab_imports().wait(60)
    for step in range(1, 8):
        QTest.mouseMove(canvas, at(0.5, 0.15 + step * 0.1))
        qtbot.wait(60)  # the event loop runs: the tabs could be built now, but wait
    assert len(win.pending_parts()) == len(TAB_TITLES) + len(OTHER_PARTS)
    assert not canvas.is_blank()
    with qtbot.waitSignal(win.ready, timeout=60_000):
        QTest.mouseRelease(canvas, left, none, at(0.5, 0.85))
    assert win.prediction_panel.predictionLabel.text().startswith("1")
    win.close()
