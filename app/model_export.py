"""File ▸ Export model…: the canvas model as an ONNX graph, a ``torch.export`` program or
PyTorch code, the format chosen in the file dialog.

The graph formats take seconds (tracing, then a check of the written file against DigitLab
on MNIST test pictures: :func:`cnn_core.checkpoints.graph_export.export_steps`), so they run
as a background :class:`~app.background.Task` with a busy progress dialog that names each
stage; the result, with the largest difference measured, goes to the window's banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QProgressDialog

from .background import Task, owner
from .file_dialogs import ask_save_path, reporting_errors

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.checkpoints.graph_export import ExportCheck

    from .main_window import MainWindow

__all__ = ["ModelExport"]


class ModelExport(QObject):
    """Exports the canvas model of ``window`` (one export at a time)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._task: Task | None = None
        self._progress: QProgressDialog | None = None
        self._result: ExportCheck | None = None
        self._formats = {
            self.tr("ONNX graph (*.onnx)"): "onnx",
            self.tr("torch.export program (*.pt2)"): "pt2",
            self.tr("PyTorch code (*.py)"): "python",
        }

    def is_running(self) -> bool:
        """Whether an export runs now."""
        return self._task is not None

    @Slot()
    def ask(self) -> None:
        """Ask for a file and a format, then export the canvas model there."""
        window = self._window
        checkpoint = window.checkpoint()
        if checkpoint is None or self._task is not None:
            return
        name = Path(window.model_path.name if window.model_path else "model").stem
        asked = ask_save_path(window, self.tr("Export model"), f"{name}.onnx", list(self._formats),
                              settings=window.settings)
        if asked is None:
            return
        path, chosen = asked
        by_suffix = {".onnx": "onnx", ".pt2": "pt2", ".py": "python"}
        fmt = by_suffix.get(Path(path).suffix.lower(), self._formats.get(chosen, "onnx"))
        target = path
        if target.suffix.lower() not in by_suffix:  # typed without one: the format's
            target = target.with_name(target.name + {v: k for k, v in by_suffix.items()}[fmt])
        self.export(checkpoint, target, fmt)

    def export(self, checkpoint: Checkpoint, path: Path, fmt: str) -> None:
        """Write ``checkpoint`` to ``path`` as ``fmt`` (``onnx``, ``pt2`` or ``python``)."""
        # imported here: the window starts without torch (the early answer)
        from cnn_core.checkpoints.code_export import spec_to_python
        from cnn_core.checkpoints.graph_export import (
            ExportExtraMissing,
            export_steps,
            require_export_extra,
        )
        from cnn_core.runtime.atomic_files import write_bytes_atomic

        banner = self._window.banner
        if fmt == "python":
            text = spec_to_python(checkpoint.model.spec, source=path.name, mean=checkpoint.mean,
                                  std=checkpoint.std, classes=list(checkpoint.classes))
            with reporting_errors(banner, lambda reason: self.tr("Could not write {0}: {1}")
                                  .format(path, reason)):
                write_bytes_atomic(path, text.encode("utf-8"))
                banner.show_info(self.tr("Wrote {0}: class Net, the model as PyTorch code.")
                                 .format(path.name))
            return
        try:
            require_export_extra(fmt)
        except ExportExtraMissing:
            banner.show_error(self.tr("ONNX export needs the export extra: "
                                      "pip install 'digitlab[export]'"))
            return
        self._result = None
        task = Task("model-export", lambda: export_steps(checkpoint, path, fmt),
                    expected=(OSError, ExportExtraMissing))
        task.yielded.connect(self._on_step)
        task.failed.connect(self._on_failed)
        task.finished.connect(lambda: self._on_finished(path, fmt))
        self._task = task
        progress = QProgressDialog(self.tr("Exporting {0}…").format(path.name), "", 0, 0,
                                   self._window)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle(self.tr("Export model"))
        progress.setCancelButton(None)  # tracing cannot be interrupted; it takes seconds
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        self._progress = progress
        progress.show()
        owner().start(task)

    @Slot(object)
    def _on_step(self, step: object) -> None:
        from cnn_core.checkpoints.graph_export import ExportStage, ExportStep

        if not isinstance(step, ExportStep):  # the ExportCheck, last
            self._result = step  # type: ignore[assignment]
        elif self._progress is not None:
            labels = {ExportStage.WRITING: self.tr("Tracing the model and writing the file…"),
                      ExportStage.CHECKING: self.tr("Checking the file against DigitLab on "
                                                    "MNIST test pictures…")}
            self._progress.setLabelText(labels[step.stage])

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._window.banner.show_error(self.tr("Could not export the model: {0}").format(
            message))

    def _on_finished(self, path: Path, fmt: str) -> None:
        self._task = None
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        check = self._result
        if check is None:
            return
        text = self.tr("Wrote {0} ({1}); it agrees with DigitLab on {2} MNIST test pictures "
                       "(largest probability difference {3:.1e}).")
        if not check.ok:
            text = self.tr("Wrote {0} ({1}), but it DISAGREES with DigitLab on {2} MNIST test "
                           "pictures (largest probability difference {3:.1e}).")
        show = self._window.banner.show_info if check.ok else self._window.banner.show_error
        show(text.format(path.name, fmt, check.images, check.max_difference))
