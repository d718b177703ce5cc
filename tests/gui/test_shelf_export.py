"""The model shelf's context menu: a run as a training script, its history as CSV."""

from __future__ import annotations

import ast
import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu
from recorded_runs import record_run

from app.main_window import MainWindow
from app.models import DATA_DIR_ENV
from cnn_core.checkpoints.run_store import RunStore
from cnn_core.checkpoints.runs import RunRecord
from cnn_core.training import TrainConfig


@pytest.fixture
def recorded(tmp_path_factory: pytest.TempPathFactory) -> RunRecord:
    """A finished one-epoch lenet run in the data folder the window's shelf reads."""
    config = TrainConfig.for_model("lenet", epochs=2, max_train_samples=128, device="cpu",
                                   seed=4, batch_size=32, report_every=1, val_size=300,
                                   max_test_samples=200)
    return record_run(config, RunStore(os.environ[DATA_DIR_ENV]), number=3)


@pytest.fixture
def shelf_window(qtbot, show, untrained, recorded) -> Iterator[MainWindow]:  # noqa: ANN001
    win = show(MainWindow(untrained.copy()))
    assert win.wait_until_ready(30_000)
    yield win
    win.close()


def _pick_from_context_menu(qtbot, widget, text: str) -> list[str]:  # noqa: ANN001
    """Right-click ``widget`` and click the item ``text`` of the context menu that opens;
    returns the menu's items."""
    items: list[str] = []
    tries = []

    def click() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            tries.append(None)
            if len(tries) < 250:
                QTimer.singleShot(20, click)
            return
        items.extend(a.text() for a in menu.actions() if not a.isSeparator())
        action = next(a for a in menu.actions() if a.text() == text)
        assert action.isEnabled(), f"{text} is disabled"
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton,
                         pos=menu.actionGeometry(action).center())

    QTimer.singleShot(0, click)
    # The event a right click brings (QTest's right click through the window opened the menu
    # for the first window of a test process only).
    centre = widget.rect().center()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre,
                                                     widget.mapToGlobal(centre)))
    qtbot.waitUntil(lambda: bool(items) and QApplication.activePopupWidget() is None,
                    timeout=5_000)
    return items


def _choose_run(qtbot, win: MainWindow, record: RunRecord) -> None:  # noqa: ANN001
    shelf = win.model_bar.modelShelf
    index = shelf.findData(f"run:{record.run_id}")
    assert index > 0
    shelf.setFocus()
    with qtbot.waitSignal(win.model_changed, timeout=30_000):
        while shelf.currentIndex() != index:
            key = Qt.Key.Key_Down if shelf.currentIndex() < index else Qt.Key.Key_Up
            QTest.keyClick(shelf, key)


def _saving_to(monkeypatch, path: Path) -> list[str]:  # noqa: ANN001
    asked: list[str] = []

    def ask(_parent, _title, start, *_filters):  # noqa: ANN001, ANN002, ANN202
        asked.append(start)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    return asked


def test_export_a_shelf_run_as_a_script(shelf_window, recorded, qtbot, tmp_path,  # noqa: ANN001
                                        monkeypatch) -> None:
    win = shelf_window
    _choose_run(qtbot, win, recorded)
    out = tmp_path / "exported.py"
    asked = _saving_to(monkeypatch, out)
    texts = _pick_from_context_menu(qtbot, win.model_bar.modelShelf, "Export as &script…")
    assert Path(asked[0]).name == "lenet-run3-train.py"
    assert texts[-2:] == ["Export as &script…", "Export &history as CSV…"]
    source = out.read_text(encoding="utf-8")
    ast.parse(source)
    assert "SEED = 4" in source and "TRAIN_SAMPLES = 128" in source and "from run #3" in source
    assert f"Wrote {out}" in win.banner.text()


def test_export_a_shelf_runs_history_as_csv(shelf_window, recorded, qtbot, tmp_path,  # noqa: ANN001
                                            monkeypatch) -> None:
    win = shelf_window
    _choose_run(qtbot, win, recorded)
    out = tmp_path / "history.csv"
    _saving_to(monkeypatch, out)
    _pick_from_context_menu(qtbot, win.model_bar.modelShelf, "Export &history as CSV…")
    with out.open(encoding="utf-8") as handle:
        epochs = list(csv.DictReader(handle))
    assert [row["epoch"] for row in epochs] == ["1", "2"]
    assert float(epochs[-1]["test_accuracy"]) == pytest.approx(recorded.test_accuracy)
    with (tmp_path / "history-batches.csv").open(encoding="utf-8") as handle:
        batches = list(csv.DictReader(handle))
    assert len(batches) == len(recorded.losses) == 8  # 4 steps per epoch, each reported
    assert "history-batches.csv (every logged batch)" in win.banner.text()


def test_the_exports_wait_for_a_model_with_a_run(shelf_window) -> None:  # noqa: ANN001
    """The untrained model given at start has no run: nothing to export."""
    export = shelf_window.model_bar.shelfExport
    assert not export.exportScriptAction.isEnabled()
    assert not export.exportHistoryAction.isEnabled()


def test_a_cancelled_dialog_writes_nothing(shelf_window, recorded, qtbot, tmp_path,  # noqa: ANN001
                                           monkeypatch) -> None:
    win = shelf_window
    _choose_run(qtbot, win, recorded)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    before = win.banner.text()
    win.model_bar.shelfExport.exportScriptAction.trigger()
    assert win.banner.text() == before
    assert not list(tmp_path.glob("*.py"))



def test_a_model_file_a_run_saved_exports_from_the_file_menu(shelf_window, recorded, tmp_path,  # noqa: ANN001
                                                             monkeypatch) -> None:
    from cnn_core.checkpoints import save_checkpoint

    win = shelf_window
    saved = tmp_path / "mine.safetensors"
    save_checkpoint(saved, RunStore(os.environ[DATA_DIR_ENV]).load_final(recorded))
    assert win.open_model_file(saved)
    export = win.model_bar.shelfExport
    assert export.exportScriptAction.isEnabled() and export.exportHistoryAction.isEnabled()
    file_menu = win.menuBar().actions()[0].menu()
    assert export.exportScriptAction in file_menu.actions()
    out = tmp_path / "mine.py"
    _saving_to(monkeypatch, out)
    export.exportScriptAction.trigger()
    assert "from mine.safetensors" in out.read_text(encoding="utf-8")
    csv_out = tmp_path / "mine.csv"
    _saving_to(monkeypatch, csv_out)
    export.exportHistoryAction.trigger()
    assert len(csv_out.read_text(encoding="utf-8").splitlines()) == 3  # header and 2 epochs
    assert not (tmp_path / "mine-batches.csv").exists()  # a file alone keeps no batches
