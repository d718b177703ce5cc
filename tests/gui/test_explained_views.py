"""Views that explain themselves on screen: one ECE said once, one MAC count, thumbnails
that keep their shape, a colour key, labelled outputs, hover values, a line per model, and
why Fine-tune is off (real clicks, moves and keys)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from digit_strokes import DIGITS, line
from fake_models import weakly_preferring
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from window_clicks import EVALUATION_TIMEOUT, evaluate, open_tab

from app.main_window import MainWindow
from app.widgets.image_thumb import TitledThumb
from app.widgets.model_list import SUMMARY_ROLE


def _hover(widget, pos: QPoint) -> None:  # noqa: ANN001
    """Move the mouse over ``widget`` to ``pos`` (no button held), as a hover."""
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), QPointF(widget.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_evaluate_says_one_ece_once_and_the_reliability_axis_fits(
        qtbot, bundled_window: MainWindow) -> None:  # noqa: ANN001
    window = bundled_window
    view = window.evaluate_view
    result = evaluate(qtbot, window, 500)
    plot = view.reliabilityPlot
    said = " ".join([view.summaryLabel.text(), view.calibrationNote.text(),
                     plot.getPlotItem().titleLabel.text])
    assert said.count("ECE") == 1 and said.count("%") >= 1
    assert f"ECE {result.ece:.2%}" in view.calibrationNote.text()
    assert "T = 1" in view.calibrationNote.text() and "Reliability diagram" in said
    assert view.calibrationNote.isVisible()
    metrics = plot.fontMetrics()  # the axis's tick font is the plot's
    for size in ((1280, 800), (1920, 1080)):
        window.resize(*size)
        qtbot.wait(200)
        box = plot.getViewBox()
        right = plot.mapFromScene(box.mapViewToScene(QPointF(1.0, 0.0))).x()
        # the "100%" under the axis's end is drawn whole, inside the plot
        assert right + metrics.horizontalAdvance("100%") / 2 <= plot.width(), size
        assert plot.height() >= 110 and view.calibrationNote.geometry().bottom() <= view.height()


def test_build_footer_table_and_exported_code_count_the_same_macs(
        qtbot, window: MainWindow, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    builder = window.architecture_builder
    open_tab(qtbot, window, builder)
    combo = builder.presetCombo
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != "lenet5":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    footer = builder.summaryLabel.full_text()  # what the footer says, elided or not
    shown = re.search(r"([\d,]+) MACs per image \(conv and linear layers only\)", footer)
    assert shown is not None, footer
    path = tmp_path / "lenet5.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(builder.exportButton, Qt.MouseButton.LeftButton)
    exported = re.search(r"# [\d,]+ trainable parameters, ([\d,]+) multiply-adds",
                         path.read_text())
    assert exported is not None
    assert shown.group(1) == exported.group(1)
    assert "(MACs: conv and linear layers only" in path.read_text()
    table = builder.table
    total = table.item(table.rowCount() - 1, 3).toolTip() or ""
    assert f"{shown.group(1)} multiply-adds" in total


def test_preprocessing_thumbnails_keep_the_aspect_ratio(qtbot, window: MainWindow,
                                                        draw) -> None:  # noqa: ANN001
    window.canvas.set_brush_width(8)
    draw(window.canvas, [line((0.5, 0.15), (0.5, 0.85))])  # a thin 1
    qtbot.waitUntil(lambda: "Cropped to the ink" in window.prediction_panel.step_titles())
    cropped = window.prediction_panel.findChild(TitledThumb, "step_cropped")
    image = cropped.thumb.image()
    assert image.height() > 5 * image.width()  # tall and thin
    rect = cropped.thumb.image_rect()
    assert rect.height() / rect.width() == pytest.approx(image.height() / image.width(),
                                                         rel=0.05)
    # no white block: beside the thin stroke the thumbnail's square is not ink
    grab = cropped.thumb.grab().toImage()
    side = cropped.thumb.width()
    lightness = [grab.pixelColor(x, side // 2).lightness() for x in (3, side - 4)]
    assert max(lightness) < 250
    assert grab.pixelColor(side // 2, side // 2).lightness() > 200  # the stroke itself


def _maps_of_a_3(qtbot, window: MainWindow, draw):  # noqa: ANN001, ANN202
    """The Feature maps tab on show, with the maps of a drawn 3."""
    view = window.feature_map_view
    open_tab(qtbot, window, view)
    draw(window.canvas, DIGITS[3])
    qtbot.waitUntil(lambda: len(view.cards()) > 2)
    return view


def test_feature_maps_have_a_colour_key_labelled_outputs_and_hover_values(
        qtbot, bundled_window: MainWindow, draw) -> None:  # noqa: ANN001
    window = bundled_window
    view = _maps_of_a_3(qtbot, window, draw)
    texts = " ".join(view.colourKey.texts())
    assert "never negative" in texts and "negative blue, positive red" in texts
    assert view.colourKey.isVisible() and view.colourKey.width() >= view.colourKey.sizeHint(
    ).width() * 0.9
    output = view.cards()[-1].grid
    assert output.cell_labels() == [str(d) for d in range(10)]
    first = view.cards()[0].grid
    view.scrollArea.ensureWidgetVisible(first)
    rect = first.tile_rect(1)
    spot = QPoint(rect.x() + rect.width() // 2, rect.y() + rect.height() // 4)
    _hover(first, spot)
    qtbot.waitUntil(lambda: view.hoverLabel.text().startswith("channel 1, row "))
    found = first.value_at(spot)
    assert found is not None and found[0] == 1
    value = view.hoverLabel.text().split("  ·  ")[0]  # the receptive field follows where it fits
    assert value.endswith(f"{found[3]:.3f}")
    view.scrollArea.ensureWidgetVisible(output)
    cell = output.tile_rect(3)
    _hover(output, cell.center())
    qtbot.waitUntil(lambda: view.hoverLabel.text().startswith("class 3: "))
    assert (view.hoverLabel.text().split("  ·  ")[0]
            == f"class 3: {float(output.values()[3]):.3f}")


def test_the_hover_readout_of_a_wide_layer_shows_whole_at_both_window_sizes(
        qtbot, bundled_window: MainWindow, draw) -> None:  # noqa: ANN001
    window = bundled_window
    view = _maps_of_a_3(qtbot, window, draw)
    label = view.hoverLabel
    for size, channel in (((1280, 800), 142), ((1920, 1080), 157)):
        window.resize(*size)
        qtbot.wait(200)
        grid = next(c.grid for c in view.cards() if len(c.grid.values()) == 160)  # 5 × 32
        view.scrollArea.ensureWidgetVisible(grid, 0, 0)
        _hover(grid, grid.tile_rect(channel).center())
        said = f"channel {channel}, row "
        qtbot.waitUntil(lambda said=said: label.text().startswith(said))
        # nothing cut: the whole text fits the label (a right-aligned one lost its start)
        shown = label.text()
        assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
        assert label.isVisible() and label.geometry().right() <= view.width(), size


def test_model_lists_say_what_each_model_is(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    for combo in (window.architecture_builder.presetCombo,
                  window.training_panel.form.modelCombo):
        lines = {name: combo.itemData(combo.findData(name), SUMMARY_ROLE)
                 for name in ("lenet5", "lenet", "nin")}
        assert all(lines.values()) and len(set(lines.values())) == 3
        combo.setFocus()
        QTest.keyClick(combo, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the list
        qtbot.waitUntil(lambda c=combo: c.view().isVisible())
        popup = combo.view()
        row = popup.visualRect(popup.model().index(combo.findData("lenet5"), 0))
        assert row.height() >= 1.6 * combo.fontMetrics().height()  # name, and its line
        QTest.keyClick(popup, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda c=combo: not c.view().isVisible())


def test_coach_says_why_fine_tune_is_off_and_a_weak_guess_is_not_green(
        qtbot, window: MainWindow, draw, untrained) -> None:  # noqa: ANN001
    window.set_model(weakly_preferring(untrained, 0))  # a weak right guess for the prompted 0
    coach = window.handwriting_coach
    open_tab(qtbot, window, coach)
    note = coach.fineTune.blockerLabel
    assert not coach.fineTuneButton.isEnabled()
    assert note.isVisible() and note.text().startswith("Fine-tune is off: Collect more")
    assert coach.prompt_digit == 0
    draw(coach.canvas, DIGITS[0])
    qtbot.waitUntil(lambda: coach.inference.last_prediction() is not None
                    and coach.inference.last_prediction().verdict == "unsure")
    text, style = coach.guessLabel.text(), coach.guessLabel.styleSheet()
    assert "unsure" in text and re.search(r"\b1[56]%", text)
    assert "#1d6b2a" not in style  # not green
    assert np.isclose(coach.inference.last_prediction().probabilities.max(), 0.155, atol=0.01)


def test_browse_data_paints_a_weak_right_answer_amber_not_green(
        qtbot, window: MainWindow, untrained) -> None:  # noqa: ANN001
    """A model that answers 3 at ~15 % whatever the picture is right on the 3s: not green."""
    window.set_model(weakly_preferring(untrained, 3))
    browser = window.dataset_browser
    with qtbot.waitSignal(browser.page_shown, timeout=EVALUATION_TIMEOUT):
        open_tab(qtbot, window, browser)
    cells = browser.grid.cells()
    lucky = [c for c in cells if c.answer and not c.wrong]
    assert lucky and all(c.weak for c in lucky)
    image = browser.grid.grab().toImage()
    green = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
                if image.pixelColor(x, y).green() > 100 > image.pixelColor(x, y).red())
    assert green == 0
