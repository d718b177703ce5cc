"""The Coach tab with real mouse and key events: collect 5 samples per digit by drawing,
browse and delete them, zip them, fine-tune, and find the tuned model on the shelf."""

from __future__ import annotations

import zipfile
from pathlib import Path

from digit_strokes import DIGITS
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from cnn_core.checkpoints import load_bundled
from cnn_core.training.finetune import FineTuneConfig
from own_hand import strokes

FINE_TUNE_TIMEOUT = 120_000
STYLES = ("backhand", "steep", "wide")


def _coach(window):  # noqa: ANN001, ANN202
    coach = window.findChild(type(window.handwriting_coach), "handwritingCoach")
    window.tabs.setCurrentWidget(coach)
    return coach


def _collect(coach, draw, per_digit: int) -> None:  # noqa: ANN001
    """Draw every digit the prompt asks for, varying the hand; Enter accepts each."""
    for i in range(10 * per_digit):
        digit = coach.prompt_digit
        sample = i // 10
        hand = DIGITS[digit] if sample == 0 else strokes(digit, sample, STYLES[sample % 3])
        draw(coach.canvas, hand)
        QTest.keyClick(coach.canvas, Qt.Key.Key_Return)


def test_collect_fine_tune_and_use_the_tuned_model(bundled_window, draw, qtbot,  # noqa: ANN001
                                                   tmp_path) -> None:
    window = bundled_window
    draw(window.canvas, DIGITS[1])  # the main canvas's drawing must survive the coach's keys
    coach = _coach(window)
    coach.fine_tune_config = FineTuneConfig(steps=6, mnist_test_samples=300)
    assert coach.findChild(type(coach.promptLabel), "coachPromptLabel").text() == "Draw a 0"
    assert not coach.fineTuneButton.isEnabled()  # nothing collected yet
    QTest.keyClick(coach.canvas, Qt.Key.Key_Return)  # a blank canvas is not a sample
    assert coach.sampleList.count() == 0 and "first" in coach.statusLabel.text()

    draw(coach.canvas, DIGITS[0])
    qtbot.waitUntil(lambda: "reads a 0" in coach.guessLabel.text())  # the guess while drawing
    QTest.keyClick(coach.canvas, Qt.Key.Key_Delete)  # Delete clears the coach's canvas only
    assert coach.canvas.is_blank() and coach.sampleList.count() == 0
    assert not window.canvas.is_blank()
    QTest.mouseClick(coach.skipButton, Qt.MouseButton.LeftButton)
    assert coach.prompt_digit == 1
    QTest.mouseClick(coach.skipButton, Qt.MouseButton.LeftButton)
    assert coach.prompt_digit == 2

    _collect(coach, draw, 5)
    assert coach.progressGrid.counts == [5] * 10
    assert coach.store.counts() == [5] * 10
    assert [s.label for s in coach.sampleList.samples()][:3] == [2, 3, 4]  # drawing order
    assert coach.findChild(type(coach.progressGrid), "coachProgress").counts == [5] * 10

    # Delete one with the Delete key, then Ctrl+Z in the list puts it back
    coach.sampleList.setFocus()
    coach.sampleList.setCurrentRow(0)
    QTest.keyClick(coach.sampleList, Qt.Key.Key_Delete)
    assert coach.store.counts()[2] == 4 and coach.sampleList.count() == 49
    assert not window.canvas.is_blank()  # the main canvas's Delete shortcut did not fire
    QTest.keyClick(coach.sampleList, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert coach.store.counts()[2] == 5 and coach.sampleList.count() == 50

    exported = tmp_path / "mine.zip"
    assert coach.export_zip(exported) == 50
    with zipfile.ZipFile(exported) as archive:
        assert sum(n.startswith("samples/") for n in archive.namelist()) == 50

    bundled = window.checkpoint()
    assert coach.fineTuneButton.isEnabled()
    QTest.mouseClick(coach.fineTuneButton, Qt.MouseButton.LeftButton)
    assert coach.is_fine_tuning() and coach.fineTuneButton.text() == "&Cancel"
    qtbot.waitUntil(lambda: not coach.is_fine_tuning(), timeout=FINE_TUNE_TIMEOUT)

    table = coach.findChild(type(coach.resultsTable), "coachResultsTable")
    cells = [[table.item(r, c).text() for c in range(3)] for r in range(2)]
    assert all(text.endswith("%") for row in cells for text in row[:2]), cells
    assert table.verticalHeaderItem(0).text() == "Your held-out digits (10)"
    assert table.verticalHeaderItem(1).text() == "MNIST test images (300)"
    assert coach.fineTuneProgress.value() == coach.fineTuneProgress.maximum()

    tuned = window.checkpoint()
    assert tuned is not bundled
    assert tuned.meta["title"] == f"{load_bundled().name} · tuned on your handwriting (50 samples)"
    assert window.model_bar.modelShelf.currentText().startswith(tuned.meta["title"])
    assert window.library.canvas_entry().path.is_file()  # kept across restarts
    QTest.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.library.canvas_entry().kind == "bundled"
    shelf = window.model_bar.modelShelf
    titles = [shelf.itemText(i) for i in range(shelf.count())]
    assert any(t.startswith(tuned.meta["title"]) for t in titles)


def test_cancel_stops_fine_tuning_and_import_reports_skips(bundled_window, qtbot,  # noqa: ANN001
                                                           tmp_path) -> None:
    window = bundled_window
    coach = _coach(window)
    source = tmp_path / "digits.zip"
    with zipfile.ZipFile(source, "w") as archive:
        import io

        from PIL import Image

        from own_hand import render
        for digit in range(10):
            for i in range(3):
                buffer = io.BytesIO()
                Image.fromarray(render(digit, i, "steep")).save(buffer, format="PNG")
                archive.writestr(f"{digit}_{i}.png", buffer.getvalue())
        archive.writestr("../evil_3.png", b"x")
    assert coach.import_zip(source) == 30
    assert coach.sampleList.count() == 30 and "Skipped 1" in coach.statusLabel.text()
    coach.fine_tune_config = FineTuneConfig(steps=500, report_every=1, mnist_test_samples=200)
    before = window.checkpoint()
    QTest.mouseClick(coach.fineTuneButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coach.fineTuneProgress.value() >= 2, timeout=FINE_TUNE_TIMEOUT)
    QTest.mouseClick(coach.fineTuneButton, Qt.MouseButton.LeftButton)  # now "Cancel"
    qtbot.waitUntil(lambda: not coach.is_fine_tuning(), timeout=FINE_TUNE_TIMEOUT)
    assert "cancelled" in coach.statusLabel.text() and window.checkpoint() is before


def test_the_zip_dialogs_start_in_the_folder_last_used_and_remember_it(
        qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import datetime as dt

    import numpy as np
    from PySide6.QtWidgets import QFileDialog

    from app import settings as prefs
    from app.widgets.coach_samples import SamplesBox
    from cnn_core.data.own_digits import OwnDigitStore

    store = OwnDigitStore(tmp_path / "own-digits")
    store.add(3, np.full((28, 28), 200, np.uint8))
    box = SamplesBox(store)
    qtbot.addWidget(box)
    box.reload()
    box.update_buttons()
    box.show()
    opened_last = tmp_path / "pictures"  # where the window last opened a file
    opened_last.mkdir()
    prefs.remember_directory(prefs.open_settings(), opened_last / "digit.png")
    saved_to = tmp_path / "backups"
    saved_to.mkdir()
    starts: list[str] = []

    def save_file_name(_parent, _title, start, filters, *_rest):  # noqa: ANN001, ANN202
        starts.append(start)
        return str(saved_to / "mine.zip"), filters

    def open_file_name(_parent, _title, start, filters, *_rest):  # noqa: ANN001, ANN202
        starts.append(start)
        return str(saved_to / "mine.zip"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file_name)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_file_name)
    QTest.mouseClick(box.exportButton, Qt.MouseButton.LeftButton)
    name = f"my-digits-{dt.date.today():%Y%m%d}.zip"
    assert [Path(s) for s in starts] == [opened_last.resolve() / name]
    assert (saved_to / "mine.zip").is_file()
    QTest.mouseClick(box.importButton, Qt.MouseButton.LeftButton)  # where the zip went
    assert Path(starts[1]) == saved_to.resolve()
    assert prefs.last_directory(prefs.open_settings()) == str(saved_to.resolve())
