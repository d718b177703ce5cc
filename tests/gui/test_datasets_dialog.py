"""File ▸ Datasets and data folder…: downloads with progress, Cancel, failures, the folder,
driven with real clicks and keys against a dataset server on 127.0.0.1."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from dataset_mirror import serving
from PySide6.QtCore import Qt, Slot
from PySide6.QtTest import QTest

from app import data_folder
from app.widgets.datasets_dialog import DatasetsDialog
from cnn_core.data.datasets import load_split, missing_files


def _open(qtbot: Any, window: Any) -> DatasetsDialog:
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(DatasetsDialog, "datasetsDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _row_text(dialog: DatasetsDialog, name: str) -> str:
    return dialog.table.item(dialog._rows[name], 1).text()


def test_a_download_shows_progress_and_the_dataset_becomes_usable(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _open(qtbot, window)
    dialog.set_folder(tmp_path / "mine")
    assert dialog.folderEdit.text() == str(tmp_path / "mine")
    assert "not on this computer" in _row_text(dialog, "kmnist")
    button = dialog.downloadButtons["kmnist"]
    fractions: list[float | None] = []
    shown = DatasetsDialog._on_progress

    @Slot(object)
    def record(self: DatasetsDialog, step: Any) -> None:  # every step the dialog is shown
        fractions.append(step.fraction)
        shown(self, step)

    # The dialog's own slot is connected before the task starts: no early step is missed.
    monkeypatch.setattr(DatasetsDialog, "_on_progress", record)
    with serving(monkeypatch, "kmnist"):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert dialog.is_downloading() and dialog.cancelButton.isVisible()
        qtbot.waitUntil(lambda: not dialog.is_downloading(), timeout=30_000)
    assert len(fractions) >= 5 and fractions[-1] == 1.0  # a report per file, and the end
    assert "ready" in dialog.statusLabel.text()
    assert _row_text(dialog, "kmnist") == str(tmp_path / "mine")
    assert not button.isEnabled() and not dialog.cancelButton.isVisible()
    assert missing_files("kmnist", tmp_path / "mine") == []
    assert data_folder.dataset_dir("kmnist") == str(tmp_path / "mine")
    assert len(load_split("kmnist", False, data_folder.dataset_dir("kmnist"))) == 20
    # The Evaluate tab offers it now.
    window.tabs.setCurrentWidget(window.evaluate_view)
    combo = window.evaluate_view.sourceCombo
    row = combo.findData("kmnist")
    assert combo.model().item(row).isEnabled()
    # "Use default" goes back to the default folder, where it is not.
    qtbot.mouseClick(dialog.defaultButton, Qt.MouseButton.LeftButton)
    assert data_folder.chosen_folder() is None
    assert dialog.downloadButtons["kmnist"].isEnabled()


def test_cancel_stops_the_download_and_keeps_nothing(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _open(qtbot, window)
    dialog.set_folder(tmp_path / "mine")
    with serving(monkeypatch, "kmnist") as mirror:
        mirror.chunk_delay = threading.Event()  # the server holds every chunk until set
        qtbot.mouseClick(dialog.downloadButtons["kmnist"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "MB" in dialog.statusLabel.text(), timeout=30_000)
        qtbot.mouseClick(dialog.cancelButton, Qt.MouseButton.LeftButton)
        assert dialog.statusLabel.text() == "Cancelling…"
        mirror.chunk_delay.set()
        qtbot.waitUntil(lambda: not dialog.is_downloading(), timeout=30_000)
    assert "cancelled" in dialog.statusLabel.text()
    assert not (tmp_path / "mine").exists()  # the folder it created went again
    assert dialog.downloadButtons["kmnist"].isEnabled()


def test_a_failed_download_says_why_and_keeps_nothing(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine").mkdir()
    dialog = _open(qtbot, window)
    dialog.set_folder(tmp_path / "mine")
    with serving(monkeypatch, "kmnist") as mirror:
        mirror.fail["t10k-labels-idx1-ubyte.gz"] = "404"
        qtbot.mouseClick(dialog.downloadButtons["kmnist"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.is_downloading(), timeout=30_000)
    text = dialog.statusLabel.text()
    assert "failed" in text and "HTTP 404" in text and "nothing of it was kept" in text
    assert list((tmp_path / "mine").iterdir()) == []


def test_closing_the_window_ends_a_download(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _open(qtbot, window)
    dialog.set_folder(tmp_path / "mine")
    with serving(monkeypatch, "kmnist") as mirror:
        mirror.chunk_delay = threading.Event()
        qtbot.mouseClick(dialog.downloadButtons["kmnist"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "MB" in dialog.statusLabel.text(), timeout=30_000)
        task = dialog._task
        threading.Timer(0.3, mirror.chunk_delay.set).start()  # the next chunk comes
        window.close()
        assert task.has_ended() or task.wait(10_000)
    assert not (tmp_path / "mine").exists()
