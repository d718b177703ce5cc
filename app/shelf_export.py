"""A shelf model's run, taken out of DigitLab: as a training script, or its history as CSV.

:class:`ShelfExport` holds "Export as script…" and "Export history as CSV…", the model
shelf's context-menu actions for the model the canvas uses (a training run, or a model file
that carries its run's settings and history). Both ask for a file name, write it atomically
through :mod:`cnn_core.checkpoints.script_export` and :mod:`cnn_core.checkpoints.run_history`
(a few milliseconds: no background task) and say in the message banner what was written, or
why nothing was.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .file_dialogs import ask_save_path, reporting_errors

if TYPE_CHECKING:
    from cnn_core.checkpoints.run_history import RunSource

    from .models import ModelLibrary, ShelfEntry
    from .widgets.message_banner import MessageBanner

__all__ = ["ShelfExport"]


class ShelfExport(QObject):
    """The shelf's export actions; :meth:`update` enables them for the canvas model."""

    def __init__(self, banner: MessageBanner, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("shelfExport")
        self._banner, self._parent = banner, parent
        self._library: ModelLibrary | None = None
        self.exportScriptAction = QAction(self.tr("Export as &script…"), parent)
        self.exportScriptAction.setObjectName("exportScriptAction")
        self.exportScriptAction.setToolTip(self.tr(
            "Write this run as one training script of plain PyTorch and torchvision: the "
            "model, the data, the loop, the run's settings and seed"))
        self.exportScriptAction.triggered.connect(self.export_script_dialog)
        self.exportHistoryAction = QAction(self.tr("Export &history as CSV…"), parent)
        self.exportHistoryAction.setObjectName("exportHistoryAction")
        self.exportHistoryAction.setToolTip(self.tr(
            "Write this run's history as CSV: one row per epoch (and, beside it, one per "
            "logged batch)"))
        self.exportHistoryAction.triggered.connect(self.export_history_dialog)
        self.separator = QAction(parent)
        self.separator.setObjectName("shelfExportSeparator")
        self.separator.setSeparator(True)
        self.update(None)

    def actions(self) -> list[QAction]:
        """A separator and the two actions, for a menu."""
        return [self.separator, self.exportScriptAction, self.exportHistoryAction]

    def attach(self, library: ModelLibrary) -> None:
        """Export the canvas model of ``library`` from now on."""
        self._library = library
        self.update(library.canvas_entry())

    # ------------------------------------------------------------------ state
    def update(self, entry: ShelfEntry | None) -> None:
        """Enable the actions for what ``entry`` (the canvas model) keeps of its run."""
        meta = self._meta(entry)
        config = meta.get("config") or {}
        trained = bool(config.get("optimizer"))
        self.exportScriptAction.setEnabled(trained)
        history = bool(meta.get("history")) or (entry is not None and entry.record is not None)
        self.exportHistoryAction.setEnabled(history)
        self.exportScriptAction.setStatusTip("" if trained else self.tr(
            "Only a model DigitLab trained from scratch has a run to write as a script"))

    @staticmethod
    def _meta(entry: ShelfEntry | None) -> dict:
        if entry is None:
            return {}
        if entry.record is not None:
            return entry.record.meta
        return entry.checkpoint.meta if entry.checkpoint is not None else {}

    def _source(self) -> RunSource | None:
        """The canvas model's run, as the core reads runs."""
        from cnn_core.checkpoints import CheckpointError
        from cnn_core.checkpoints.run_history import RunSource, read_run

        entry = self._library.canvas_entry() if self._library is not None else None
        if entry is None:
            return None
        if entry.record is not None:
            return RunSource.of_record(entry.record)
        if entry.kind == "file" and entry.path is not None:
            try:
                return read_run(entry.path)  # and a run.json beside it, if there is one
            except CheckpointError:
                pass  # the file changed or went since it was opened: what we hold will do
        return RunSource(self._meta(entry), None, entry.title())

    def _suggested_name(self, source: RunSource, what: str) -> str:
        name = str(source.meta.get("spec", {}).get("name", "model"))
        if source.record is not None:
            name += f"-run{source.record.number}"
        return re.sub(r"[^\w.-]+", "_", name) + what

    # ---------------------------------------------------------------- export
    def export_script_dialog(self) -> None:
        """Ask where, then write the canvas model's run as a training script."""
        from cnn_core.checkpoints.script_export import ScriptUnsupported, script_problems

        source = self._source()
        if source is None:
            return
        problems = script_problems(source.meta)
        if problems:  # said before a file name is asked for
            self._banner.show_error(self.tr("{0} cannot be written as a script: {1}").format(
                source.label, "; ".join(problems)))
            return
        chosen = ask_save_path(self._parent, self.tr("Export as script"),
                               self._suggested_name(source, "-train.py"),
                               self.tr("Python scripts (*.py);;All files (*)"))
        if chosen is None:
            return
        from cnn_core.checkpoints.script_export import export_run_script

        with reporting_errors(self._banner, self.tr("Could not write the script. {0}").format,
                              ScriptUnsupported):
            written = export_run_script(source, chosen[0])
            self._banner.show_info(self.tr(
                "Wrote {0}: run it with python {1} --data FOLDER (MNIST as torchvision keeps "
                "it).").format(written, written.name))

    def export_history_dialog(self) -> None:
        """Ask where, then write the canvas model's run history as CSV (epochs; the logged
        batches beside it as NAME-batches.csv)."""
        from cnn_core.checkpoints.run_history import (
            batch_table,
            batches_path,
            epoch_table,
            has_batches,
            write_csv,
        )

        source = self._source()
        if source is None:
            return
        chosen = ask_save_path(self._parent, self.tr("Export history as CSV"),
                               self._suggested_name(source, "-history.csv"),
                               self.tr("CSV files (*.csv);;All files (*)"))
        if chosen is None:
            return
        path = chosen[0]
        epochs = epoch_table(source)
        with reporting_errors(self._banner, self.tr("Could not write the history. {0}").format):
            write_csv(epochs, path)
            text = self.tr("Wrote {0} ({1} epochs)").format(path, len(epochs.rows))
            if has_batches(source):
                batches = write_csv(batch_table(source), batches_path(path))
                text += self.tr(" and {0} (every logged batch)").format(batches.name)
            self._banner.show_info(text + ".")
