"""File ▸ Datasets…: the data folder, which datasets it holds, and downloads with progress.

A download is :func:`cnn_core.data.download.download_steps` run by one background
:class:`~app.background.Task`; Cancel (or closing the dialog or the window) stops the task,
which closes the generator, and the core removes what the download had added.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cnn_core.data.datasets import DATASETS, OWN, DatasetUnavailable, dataset_folder, missing_files
from cnn_core.data.download import DownloadProgress, download_steps

from .. import data_folder
from ..background import Task, owner

__all__ = ["DatasetsDialog"]

_LARGE = {"emnist_digits": 500}  # MB, roughly: said before a download starts


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f}"


class DatasetsDialog(QDialog):
    """The data folder, a table of the datasets (where each is, or a Download button), and
    the progress of the one download that may run at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetsDialog")
        self.setWindowTitle(self.tr("Datasets"))
        self._task: Task | None = None
        self._downloading = ""
        self._started = 0.0
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        intro = QLabel(self.tr(
            "MNIST comes with DigitLab. The other datasets are read from the data folder "
            "(and from /usr/share/datasets, where Debian's packages put them), and can be "
            "downloaded into it."), self)
        intro.setWordWrap(True)
        self.folderEdit = QLineEdit(self)
        self.folderEdit.setObjectName("dataFolderEdit")
        self.folderEdit.setReadOnly(True)
        self.folderEdit.setToolTip(self.tr("Where datasets are read from and downloaded to"))
        self.changeButton = QPushButton(self.tr("Change…"), self)
        self.changeButton.setObjectName("dataFolderChangeButton")
        self.changeButton.clicked.connect(self._choose_folder)
        self.defaultButton = QPushButton(self.tr("Use default"), self)
        self.defaultButton.setObjectName("dataFolderDefaultButton")
        self.defaultButton.clicked.connect(self._use_default)
        self.openButton = QPushButton(self.tr("Open"), self)
        self.openButton.setObjectName("dataFolderOpenButton")
        self.openButton.setToolTip(self.tr("Show the folder in the file manager"))
        self.openButton.clicked.connect(self._open_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(self.tr("Data folder:"), self))
        folder_row.addWidget(self.folderEdit, 1)
        for button in (self.changeButton, self.defaultButton, self.openButton):
            folder_row.addWidget(button)

        names = [name for name in DATASETS if name != OWN]
        self.table = QTableWidget(len(names), 3, self)
        self.table.setObjectName("datasetsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Dataset"), self.tr("Where"), ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.downloadButtons: dict[str, QPushButton] = {}
        for row, name in enumerate(names):
            self.table.setItem(row, 0, QTableWidgetItem(DATASETS[name].title))
            self.table.setItem(row, 1, QTableWidgetItem(""))
            if name == "mnist":
                continue
            button = QPushButton(self.tr("Download"), self.table)
            button.setObjectName(f"download_{name}_Button")
            button.clicked.connect(lambda _=False, n=name: self.download(n))
            self.downloadButtons[name] = button
            self.table.setCellWidget(row, 2, button)
        self._rows = {name: row for row, name in enumerate(names)}

        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("downloadProgress")
        self.progressBar.setRange(0, 1000)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("downloadStatusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancelButton = QPushButton(self.tr("Cancel download"), self)
        self.cancelButton.setObjectName("downloadCancelButton")
        self.cancelButton.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progressBar, 1)
        progress_row.addWidget(self.cancelButton)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("datasetsDialogButtons")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(folder_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.statusLabel)
        layout.addWidget(buttons)
        self.resize(760, 360)

    # ------------------------------------------------------------------ state
    def refresh(self) -> None:
        """Show the folder and where each dataset is; enable what can be done now."""
        chosen = data_folder.chosen_folder()
        self.folderEdit.setText(str(data_folder.shown_folder()))
        busy = self._task is not None
        self.defaultButton.setEnabled(chosen is not None and not busy)
        self.changeButton.setEnabled(not busy)
        for name, row in self._rows.items():
            item = self.table.item(row, 1)
            button = self.downloadButtons.get(name)
            if name == "mnist":
                item.setText(self.tr("comes with DigitLab"))
                continue
            where = dataset_folder(name, chosen)
            there = not missing_files(name, where)
            if name == self._downloading:
                item.setText(self.tr("downloading into {0}…").format(where))
            elif there:
                item.setText(str(where))
            else:
                size = _LARGE.get(name)
                item.setText(self.tr("not on this computer") if size is None else self.tr(
                    "not on this computer (a download of over {0} MB)").format(size))
            assert button is not None
            button.setEnabled(not there and not busy)
            button.setText(self.tr("Download") if not there else self.tr("Ready"))
        self.progressBar.setVisible(busy)
        self.cancelButton.setVisible(busy)

    def is_downloading(self) -> bool:
        """Whether a download runs now."""
        return self._task is not None

    # ----------------------------------------------------------------- folder
    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the data folder"), str(data_folder.shown_folder()))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        """Use ``folder`` for datasets from now on (``None``: the default)."""
        data_folder.set_chosen_folder(folder)
        self.statusLabel.setText("")
        self.refresh()

    @Slot()
    def _use_default(self) -> None:
        self.set_folder(None)

    @Slot()
    def _open_folder(self) -> None:
        folder = data_folder.shown_folder()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --------------------------------------------------------------- download
    def download(self, name: str) -> None:
        """Start downloading dataset ``name`` into the data folder (one at a time)."""
        if self._task is not None:
            return
        target = data_folder.shown_folder()
        self._downloading = name
        self._started = time.monotonic()
        self.progressBar.setValue(0)
        self.progressBar.setFormat(self.tr("connecting…"))
        self.statusLabel.setText(self.tr("Downloading {0} into {1}…").format(
            DATASETS[name].title, target))
        task = Task(f"download-{name}", lambda: download_steps(name, target),
                    expected=(DatasetUnavailable, OSError))
        task.yielded.connect(self._on_progress)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        self._task = task
        self._failed = False
        self._cancelled = False
        owner().start(task)
        self.refresh()

    @Slot()
    def cancel(self) -> None:
        """Stop the download; what it had written is removed."""
        if self._task is not None:
            self._cancelled = True
            self.cancelButton.setEnabled(False)
            self.statusLabel.setText(self.tr("Cancelling…"))
            self._task.stop()

    @Slot(object)
    def _on_progress(self, step: DownloadProgress) -> None:
        if step.finished:
            self.progressBar.setValue(1000)
            return
        fraction = step.fraction
        if fraction is None:
            self.progressBar.setRange(0, 0)  # busy: the server gave no size
        else:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(int(fraction * 1000))
        self.progressBar.setFormat(self.tr("file {0} of {1}: {2}").format(
            step.index + 1, step.files, step.file))
        text = self.tr("{0}: {1} MB").format(step.file, _megabytes(step.done))
        if step.total:
            text = self.tr("{0}: {1} of {2} MB").format(
                step.file, _megabytes(step.done), _megabytes(step.total))
        elapsed = time.monotonic() - self._started
        if fraction and elapsed > 1.0:
            left = elapsed * (1 - fraction) / fraction
            text += self.tr(" · about {0} s left").format(max(1, round(left)))
        self.statusLabel.setText(text)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._failed = True
        self.statusLabel.setText(self.tr("The download failed, and nothing of it was kept: "
                                         "{0}").format(message))

    @Slot()
    def _on_finished(self) -> None:
        name, self._downloading = self._downloading, ""
        self._task = None
        self.cancelButton.setEnabled(True)
        self.progressBar.setRange(0, 1000)
        if self._cancelled:
            self.statusLabel.setText(self.tr("Download of {0} cancelled; nothing of it was "
                                             "kept.").format(DATASETS[name].title))
        elif not self._failed:
            self.statusLabel.setText(self.tr("{0} is ready: choose it in the Train, Evaluate "
                                             "or Browse data tab.").format(DATASETS[name].title))
        self.refresh()

    # ------------------------------------------------------------------ close
    def done(self, result: int) -> None:  # noqa: D102 - Close and Esc end the download too
        self.cancel()
        if self._task is not None:
            self._task.wait(5000)
        super().done(result)
