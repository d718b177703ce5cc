"""The Coach tab's collected samples: their list, delete and undo, zip export and import.

:class:`SamplesBox` owns what is done to the sample files of an
:class:`~cnn_core.data.own_digits.OwnDigitStore` once they exist; the tab
(:mod:`app.widgets.handwriting_coach`) collects new ones and asks for the next digit. The box
tells the tab with ``changed`` when the set of samples changed, and with ``message`` what
happened, in one line.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from cnn_core.data.own_digits import DeletedSample, OwnDigitStore, OwnSample
from cnn_core.data.own_digits_zip import export_zip, import_zip
from cnn_core.data.preprocess import ImageError

from ..file_dialogs import ask_open_path, ask_save_path
from ..language import say
from .coach_parts import SampleList
from .naming import named

__all__ = ["SamplesBox", "sample_image"]


def sample_image(sample28: np.ndarray) -> QImage:
    """A 28×28 grey sample as a ``QImage`` (a copy: the array may go)."""
    data = np.ascontiguousarray(sample28, dtype=np.uint8)
    return QImage(data.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()


class SamplesBox(QWidget):
    """The sample list and its buttons: Delete, Undo delete, Export zip…, Import zip…."""

    changed = Signal()  # samples were removed, put back or imported (not: one added)
    message = Signal(str, bool)  # one line for the user; True for an error

    def __init__(self, store: OwnDigitStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._undo: list[DeletedSample] = []
        self._locked = False
        self.list = SampleList(self)
        self.deleteButton = named(QPushButton(self.tr("&Delete"), self), "coachDeleteButton",
                                  self.tr("Remove the selected samples (Delete)"))
        self.undoButton = named(QPushButton(self.tr("&Undo delete"), self), "coachUndoButton",
                                self.tr("Put the last removed sample back (Ctrl+Z in the sample "
                                        "list)"))
        self.exportButton = named(QPushButton(self.tr("E&xport zip…"), self), "coachExportButton",
                                  self.tr("Save all your samples in one zip file"))
        self.importButton = named(QPushButton(self.tr("&Import zip…"), self), "coachImportButton",
                                  self.tr("Add the samples of a zip file (exported here, or "
                                          "pictures named like 7_mine.png)"))
        row = QHBoxLayout()
        for button in (self.deleteButton, self.undoButton):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.exportButton, self.importButton):
            row.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        column.addLayout(row)
        self.deleteButton.clicked.connect(lambda: self.delete_samples(self.list.selected_samples()))
        self.undoButton.clicked.connect(self.undo_delete)
        self.list.delete_requested.connect(self.delete_samples)
        self.list.undo_requested.connect(self.undo_delete)
        self.list.itemSelectionChanged.connect(self.update_buttons)
        self.exportButton.clicked.connect(self.export_dialog)
        self.importButton.clicked.connect(self.import_dialog)

    # ------------------------------------------------------------------ list
    def reload(self) -> None:
        """List the store's samples afresh (after an import, or files changed on disk)."""
        self.list.clear()
        for sample in self.store.samples():
            try:
                picture = self.store.load(sample)
            except ImageError:
                picture = np.zeros((28, 28), np.uint8)  # unreadable: listed so it can go
            self.list.add_sample(sample, sample_image(picture))

    def add(self, sample: OwnSample, sample28: np.ndarray) -> None:
        """List a sample just collected."""
        self.list.add_sample(sample, sample_image(sample28))
        self.update_buttons()

    def counts(self) -> list[int]:
        """Samples per digit, as listed."""
        counts = [0] * 10
        for sample in self.list.samples():
            counts[sample.label] += 1
        return counts

    def set_locked(self, locked: bool) -> None:
        """No deleting, undoing or importing while fine-tuning reads the samples."""
        self._locked = locked
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable what can be done now."""
        free = not self._locked
        self.deleteButton.setEnabled(bool(self.list.selectedItems()) and free)
        self.undoButton.setEnabled(bool(self._undo) and free)
        self.exportButton.setEnabled(self.list.count() > 0)
        self.importButton.setEnabled(free)

    # ------------------------------------------------------------- delete
    def delete_samples(self, samples: list[OwnSample]) -> None:
        """Remove samples (files too); each can be put back with :meth:`undo_delete`."""
        if not samples:
            return
        gone = []
        for sample in samples:
            try:
                self._undo.append(self.store.delete(sample))
                gone.append(sample)
            except OSError as exc:
                self.message.emit(self.tr("Could not delete {0}: {1}").format(sample.name, exc),
                                  True)
        for row in reversed(range(self.list.count())):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) in gone:
                self.list.takeItem(row)
        if gone:
            self.message.emit(self.tr("Deleted {0} sample(s); Ctrl+Z in the list or “Undo "
                                      "delete” puts them back.").format(len(gone)), False)
        self.changed.emit()

    def undo_delete(self) -> None:
        """Put the last deleted sample back."""
        if not self._undo:
            return
        deleted = self._undo.pop()
        try:
            self.store.restore(deleted)
        except OSError as exc:
            self._undo.append(deleted)
            self.message.emit(self.tr("Could not restore the sample: {0}").format(say(exc)), True)
            return
        self.reload()
        self.changed.emit()
        self.message.emit(self.tr("Restored a {0}.").format(deleted.label), False)

    # ------------------------------------------------------------------ zips
    def export_dialog(self) -> None:
        """Ask where to save the zip, then :meth:`export_zip`."""
        chosen = ask_save_path(self, self.tr("Export your digits"),
                               f"my-digits-{_dt.date.today():%Y%m%d}.zip",
                               self.tr("Zip files (*.zip)"))
        if chosen is not None:
            self.export_zip(chosen[0])

    def export_zip(self, path: str | Path) -> int:
        """Write every sample to a zip at ``path``; return how many (0 on failure)."""
        try:
            count = export_zip(self.store, path)
        except OSError as exc:
            self.message.emit(self.tr("Could not export to {0}: {1}").format(
                path, exc.strerror or exc), True)
            return 0
        self.message.emit(self.tr("Exported {0} samples to {1}.").format(count, path), False)
        return count

    def import_dialog(self) -> None:
        """Ask for a zip, then :meth:`import_zip`."""
        path = ask_open_path(self, self.tr("Import digits"), self.tr("Zip files (*.zip)"))
        if path is not None:
            self.import_zip(path)

    def import_zip(self, path: str | Path) -> tuple[int, list[str]]:
        """Add the samples of a zip; bad entries are skipped. Returns how many were added
        and the skipped entries' reasons."""
        try:
            report = import_zip(self.store, path)
        except (OSError, ValueError) as exc:
            self.message.emit(self.tr("Could not import: {0}").format(say(exc)), True)
            return 0, []
        self.reload()
        self.changed.emit()
        text = self.tr("Imported {0} samples from {1}.").format(len(report.added),
                                                               Path(path).name)
        if report.skipped:
            text += " " + self.tr("Skipped {0}: {1}").format(len(report.skipped),
                                                             say(report.skipped[0]))
        self.message.emit(text, bool(report.skipped) and not report.added)
        return len(report.added), list(report.skipped)
