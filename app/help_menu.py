"""The window's Help menu: the user guide, every keyboard shortcut, and About DigitLab.

About names the versions that matter when something goes wrong (DigitLab, PyTorch, Qt and
PySide6, pyqtgraph, Python), the device training uses and the folder where runs and the
model shelf live. The shortcut list is read from the window's actions when it opens, so it
never disagrees with what the keys do.
"""

from __future__ import annotations

import platform
from html import escape
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
)

from .version import version

__all__ = ["HelpMenu", "about_facts", "guide_path"]

_ROOT = Path(__file__).resolve().parents[1]


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _plain(text: str) -> str:
    """A menu or button text without its mnemonic ampersand, ellipsis and arrows."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip("…◀▶ ")


def _device() -> str:
    """The device training uses by default ("auto"), once PyTorch is loaded."""
    from .window_startup import torch_imported

    if not torch_imported():  # never import torch in the GUI thread just for this
        return "known once PyTorch has loaded"
    import torch

    from cnn_core.runtime.devices import available_devices, resolve_device

    device = resolve_device("auto")
    text = str(device)
    if device.type == "cuda":
        text += f" ({torch.cuda.get_device_name(device)})"
    return f"{text}; available: {', '.join(available_devices())}"


def guide_path() -> Path:
    """The user guide: ``docs/guide/`` of the source tree (its README when it has one), else
    the project README."""
    guide = _ROOT / "docs" / "guide"
    for candidate in (guide / "README.md", guide, _ROOT / "README.md"):
        if candidate.exists():
            return candidate
    return guide


def about_facts() -> dict[str, str]:
    """What About shows: name → value, in order."""
    import PySide6

    from .models import data_dir

    return {
        "DigitLab": version(),
        "PyTorch": _package_version("torch"),
        "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
        "pyqtgraph": _package_version("pyqtgraph"),
        "Python": f"{platform.python_version()} on {platform.system()} {platform.machine()}",
        "Training device": _device(),
        "Data folder": str(data_dir()),
        "User guide": str(guide_path()),
    }


class HelpMenu(QObject):
    """The Help menu of ``window``: User guide, Keyboard shortcuts (F1), About DigitLab."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        menu = window.menuBar().addMenu(self.tr("&Help"))
        menu.setObjectName("helpMenu")
        self.guideAction = self._add(menu, self.tr("User &guide"), self.open_guide,
                                     "guideAction")
        self.shortcutsAction = self._add(menu, self.tr("&Keyboard shortcuts"),
                                         self.show_shortcuts, "shortcutsAction",
                                         QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.tensorboardAction = self._add(menu, self.tr("Open &TensorBoard"),
                                           self.open_tensorboard, "tensorboardAction")
        self.tensorboardAction.setStatusTip(self.tr(
            "Show the runs logged to TensorBoard (Train tab: Log to TensorBoard) in your "
            "browser"))
        viewer = getattr(window, "tensorboard", None)
        if viewer is not None:
            viewer.serving.connect(self._on_tensorboard_serving)
            viewer.failed.connect(self._on_tensorboard_failed)
        menu.addSeparator()
        self.aboutAction = self._add(menu, self.tr("&About DigitLab"), self.show_about,
                                     "aboutAction")
        self.aboutAction.setMenuRole(QAction.MenuRole.AboutRole)

    def _add(self, menu: object, text: str, slot: object, name: str,
             shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
            self._window.addAction(action)
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # ------------------------------------------------------------------ about
    def about_text(self) -> str:
        """About's text (rich text: a title and a two-column table)."""
        rows = "".join(f"<tr><td><b>{escape(name)}</b>&nbsp;&nbsp;</td><td>{escape(value)}</td>"
                       "</tr>" for name, value in about_facts().items())
        intro = self.tr("Draw digits, train convolutional networks and look inside them.")
        return f"<h3>DigitLab {escape(version())}</h3><p>{escape(intro)}</p><table>{rows}</table>"

    def show_about(self) -> None:
        """Show About DigitLab."""
        box = QMessageBox(self._window)
        box.setObjectName("aboutDialog")
        box.setWindowTitle(self.tr("About DigitLab"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -------------------------------------------------------------- shortcuts
    def shortcuts(self) -> list[tuple[str, str]]:
        """Every shortcut of the window's actions and of the buttons in its tabs (built so
        far): (keys, what it does), sorted by what it does."""
        native = QKeySequence.SequenceFormat.NativeText
        found: set[tuple[str, str]] = set()  # a tab's key may mean something else in another
        for action in self._window.findChildren(QAction):
            keys = ", ".join(key.toString(native) for key in action.shortcuts())
            if keys:
                found.add((keys, _plain(action.text())))
        tabs = self._window.findChild(QTabWidget, "tabs")
        for button in self._window.findChildren(QAbstractButton):
            keys = button.shortcut().toString(native)
            if not keys or not button.text():
                continue
            what = _plain(button.text())
            for index in range(tabs.count() if tabs is not None else 0):
                if tabs.widget(index).isAncestorOf(button):
                    what = self.tr("{0} (in {1})").format(what, _plain(tabs.tabText(index)))
            found.add((keys, what))
        return sorted(found, key=lambda item: (item[1].lower(), item[0]))

    def show_shortcuts(self) -> QDialog:
        """Show the keyboard shortcuts in a dialog (returned, for tests)."""
        dialog = QDialog(self._window)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = "".join(f"<tr><td>{escape(what)}&nbsp;&nbsp;&nbsp;</td><td><b>{escape(keys)}"
                       "</b></td></tr>" for keys, what in self.shortcuts())
        table = QLabel(f"<table>{rows}</table>", dialog)
        table.setObjectName("shortcutsTable")
        table.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ------------------------------------------------------------ tensorboard
    def open_tensorboard(self) -> bool:
        """Serve the TensorBoard folder (the Train tab's setting) and open it in the browser."""
        from .tensorboard_viewer import log_folder

        return self._window.tensorboard.open(log_folder(self._window.settings))

    def _on_tensorboard_serving(self, url: str) -> None:
        self._window.show_message("info", self.tr("TensorBoard at {0} (it stops when DigitLab "
                                                  "closes)").format(url))

    def _on_tensorboard_failed(self, text: str) -> None:
        self._window.show_message("error", text)

    # ------------------------------------------------------------------ guide
    def open_guide(self) -> bool:
        """Open the user guide with the system's viewer; whether that worked (a message says
        where the guide is when it did not)."""
        path = guide_path()
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            return True
        QMessageBox.information(self._window, self.tr("User guide"), self.tr(
            "The user guide is in {0}.").format(path))
        return False

