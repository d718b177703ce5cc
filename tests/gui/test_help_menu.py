"""The Help menu (user guide, keyboard shortcuts, About), names that tell the two saves apart,
and ``digitlab-gui --version``."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QToolButton

from app.help_menu import guide_path
from app.main import parse_args
from app.main_window import MainWindow
from app.models import data_dir
from app.version import version


def _menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu()
    raise AssertionError(f"no {title} menu")


def test_the_help_menu_offers_guide_shortcuts_and_about(window: MainWindow) -> None:
    texts = [a.text().replace("&", "") for a in _menu(window, "Help").actions() if a.text()]
    assert texts == ["User guide", "Keyboard shortcuts", "Open TensorBoard", "About DigitLab"]


def test_about_names_versions_device_and_data_folder(window: MainWindow) -> None:
    text = window.menus.help.about_text()
    for fact in (version(), metadata.version("torch"), qVersion(),
                 metadata.version("pyqtgraph"), str(data_dir())):
        assert fact in text, fact
    assert "Training device" in text and "cpu" in text  # torch is loaded in the tests


def test_f1_lists_every_shortcut_of_the_window(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    window.evaluate_view  # noqa: B018 - a tab with a button shortcut, built
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(QDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.findChild(QLabel, "shortcutsTable").text()
    shortcuts = set(window.menus.help.shortcuts())
    assert {("Ctrl+S", "Save model"), ("Ctrl+Shift+S", "Save drawing as image"),
            ("Ctrl+B", "Use the bundled model"), ("F5", "Evaluate (in Evaluate)")} <= shortcuts
    assert "Save drawing as image" in table and "Ctrl+Shift+O" in table
    dialog.close()


def test_the_guide_opens_in_the_system_viewer(window: MainWindow, monkeypatch) -> None:  # noqa: ANN001
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    [action for action in _menu(window, "Help").actions()
     if action.text().replace("&", "") == "User guide"][0].trigger()
    assert [url.toLocalFile() for url in opened] == [str(guide_path())]
    assert guide_path().exists()


def test_the_toolbar_and_the_menu_say_which_save_is_which(window: MainWindow) -> None:
    toolbar = window.canvas_panel.toolbar
    labels = [button.text() for button in toolbar.findChildren(QToolButton) if button.text()]
    assert "Save drawing" in labels and "Open image" in labels and "Save" not in labels
    assert "model" in window.menus.saveDrawingAction.toolTip()  # points to the other save
    assert "drawing" in window.menus.saveModelAction.toolTip()


def test_version_on_the_command_line(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"digitlab-gui {version()}"
