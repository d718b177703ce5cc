"""The Train tab's TensorBoard box: log runs to a folder, and open TensorBoard on it.

"Log to TensorBoard" and the folder are settings (:mod:`app.tensorboard_viewer`), remembered
as soon as they change; the Coach's fine-tuning follows the same ones. "Open TensorBoard"
asks the window's :class:`~app.tensorboard_viewer.TensorBoardViewer` to serve the folder;
while it does, the box says where, with a Stop button. Without the ``tensorboard`` package
the controls are off and the box says how to install it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import settings as prefs
from app.settings import Keys
from app.tensorboard_viewer import (
    TENSORBOARD_INSTALL,
    TensorBoardViewer,
    default_log_folder,
    log_folder,
    logging_on,
    tensorboard_available,
)

from .naming import named

__all__ = ["TensorBoardControls"]


class TensorBoardControls(QWidget):
    """Log to TensorBoard (checkbox and folder), Open TensorBoard, and its address + Stop."""

    def __init__(self, viewer: TensorBoardViewer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tensorboardControls")
        self.viewer = viewer
        self.settings = prefs.open_settings()
        self.available = tensorboard_available()
        self._failure = ""  # why the last start failed, until the next one
        self._build()
        self.logCheck.setChecked(logging_on(self.settings))
        self.folderEdit.setText(str(log_folder(self.settings)))
        self.logCheck.toggled.connect(self.save_settings)
        self.folderEdit.editingFinished.connect(self.save_settings)
        self.folderButton.clicked.connect(self.choose_folder)
        self.openButton.clicked.connect(self.open_tensorboard)
        self.stopButton.clicked.connect(viewer.stop)
        viewer.serving.connect(self._on_serving)
        viewer.stopped.connect(self._update)
        viewer.failed.connect(self._on_failed)
        self._update()

    def _build(self) -> None:
        tr = self.tr
        self.logCheck = named(
            QCheckBox(tr("Log to TensorBoard"), self), "tensorboardLogCheck",
            tr("Write each run's curves, first-layer kernels, weight and gradient histograms, "
               "misclassified validation images and settings for TensorBoard, one folder per "
               "run (fine-tuning in the Coach tab too)"))
        self.folderEdit = named(QLineEdit(self), "tensorboardFolderEdit",
                                tr("The folder runs are logged to, and TensorBoard shows"))
        self.folderEdit.setPlaceholderText(str(default_log_folder()))
        self.folderEdit.setMinimumWidth(60)
        self.folderButton = named(QToolButton(self), "tensorboardFolderButton",
                                  tr("Choose the TensorBoard folder"))
        self.folderButton.setText(tr("…"))
        self.openButton = named(QPushButton(tr("Open TensorBoard"), self), "openTensorBoardButton",
                                tr("Start TensorBoard on this folder and open it in your "
                                   "browser; it stops when DigitLab closes"))
        self.statusLabel = named(QLabel(self), "tensorboardStatusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextFormat(Qt.TextFormat.RichText)
        self.statusLabel.setOpenExternalLinks(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.stopButton = named(QPushButton(tr("Stop"), self), "stopTensorBoardButton",
                                tr("Stop TensorBoard (closing DigitLab stops it too)"))
        self.folderEdit.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        folder = QHBoxLayout()
        folder.addWidget(self.folderEdit, 1)
        folder.addWidget(self.folderButton)
        buttons = QHBoxLayout()
        buttons.addWidget(self.openButton)
        buttons.addWidget(self.stopButton)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.logCheck)
        column.addLayout(folder)
        column.addLayout(buttons)
        column.addWidget(self.statusLabel)
        if not self.available:
            for widget in (self.logCheck, self.folderEdit, self.folderButton, self.openButton):
                widget.setEnabled(False)
            self.statusLabel.setText(tr("TensorBoard is not installed. To log runs and view "
                                        "them: <code>{0}</code>").format(TENSORBOARD_INSTALL))
            self.statusLabel.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)

    # --------------------------------------------------------------- settings
    def folder(self) -> Path:
        """The folder shown (the default when the box is empty)."""
        text = self.folderEdit.text().strip()
        return Path(text).expanduser() if text else default_log_folder()

    def log_root(self) -> Path | None:
        """Where a run starting now logs its folder, or None when logging is off."""
        return self.folder() if self.available and self.logCheck.isChecked() else None

    @Slot()
    def save_settings(self) -> None:
        """Remember whether to log, and where (as soon as either changes, and when a run
        starts)."""
        self.settings.setValue(Keys.TENSORBOARD_LOG, self.logCheck.isChecked())
        text = self.folderEdit.text().strip()
        default = text == "" or Path(text).expanduser() == default_log_folder()
        self.settings.setValue(Keys.TENSORBOARD_FOLDER, "" if default else text)

    def choose_folder(self) -> None:
        """Ask for the folder (created if need be)."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("TensorBoard folder"),
                                                  str(self.folder()))
        if folder:
            self.folderEdit.setText(folder)
            self.save_settings()

    def set_training(self, running: bool) -> None:
        """While a run trains, where it logs stays as it started (TensorBoard stays usable)."""
        for widget in (self.logCheck, self.folderEdit, self.folderButton):
            widget.setEnabled(self.available and not running)

    # ----------------------------------------------------------------- viewer
    def open_tensorboard(self) -> bool:
        """Serve the folder in TensorBoard and open it in the browser."""
        self.save_settings()
        self._failure = ""
        started = self.viewer.open(self.folder())
        self._update()
        return started

    @Slot(str)
    def _on_serving(self, url: str) -> None:
        self._update()

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self._failure = text
        self._update()

    @Slot()
    def _update(self) -> None:
        if not self.available:
            self.stopButton.setVisible(False)
            return
        viewer = self.viewer
        running = viewer.is_running()
        self.stopButton.setVisible(running)
        if viewer.url is not None:
            address = viewer.url.removeprefix("http://").rstrip("/")
            self.statusLabel.setText(self.tr('TensorBoard at <a href="{0}">{1}</a>').format(
                viewer.url, address))
        elif running:
            self.statusLabel.setText(self.tr("Starting TensorBoard…"))
        else:
            self.statusLabel.setText(escape(self._failure))
        self.statusLabel.setVisible(bool(self.statusLabel.text()))
        self.openButton.setText(self.tr("Show TensorBoard") if viewer.url is not None
                                else self.tr("Open TensorBoard"))
