"""The model bar above the canvas: which model the canvas uses, epoch replay, what it answers.

Three rows: the shelf chooser with "use the bundled model"; the replay slider (shown for a
run with at least two saved epochs), which puts that epoch's weights on the canvas; and a
notice when the model answers with something other than digits. The bar exists before the
model side does (disabled); :meth:`ModelBar.attach` connects it to the model library.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .shelf_export import ShelfExport
from .widgets.message_banner import MessageBanner

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint

    from .models import ModelLibrary, ShelfEntry

__all__ = ["ModelBar"]

# What a model that does not answer with digits answers with, by dataset.
_ANSWERS = {"fashion_mnist": "clothing classes", "kmnist": "Japanese characters (Kuzushiji)"}


class ModelBar(QWidget):
    """The shelf chooser, "use the bundled model", epoch replay and the classes notice.

    ``useBundledAction`` and ``removeFromShelfAction`` are for the window's menus too, and
    ``modelStatusLabel`` (what :meth:`describe` writes) for its status bar. The shelf's
    context menu also holds ``shelfExport``'s "Export as script…" and "Export history as
    CSV…" for the canvas model's run.
    """

    replayed = Signal(object)  # a replayed epoch's Checkpoint is now the canvas's weights

    def __init__(self, banner: MessageBanner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelArea")
        self._banner = banner
        self._library: ModelLibrary | None = None
        self._replay_points: list = []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self._build_shelf_row())
        column.addWidget(self._build_replay_row())
        column.addWidget(self._build_notice())
        self.modelStatusLabel = QLabel(self)  # for the window's status bar
        self.modelStatusLabel.setObjectName("modelStatusLabel")
        self._build_actions()

    # ------------------------------------------------------------------ build
    def _build_shelf_row(self) -> QWidget:
        row_widget = QWidget(self)
        row_widget.setObjectName("modelBar")
        self.modelShelf = QComboBox(row_widget)
        self.modelShelf.setObjectName("modelShelf")
        self.modelShelf.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.modelShelf.setMinimumContentsLength(8)
        self.modelShelf.setToolTip(self.tr(
            "The model the canvas uses: the bundled model, your training runs and the model "
            "files you opened"))
        self.useBundledButton = QToolButton(row_widget)
        self.useBundledButton.setObjectName("useBundledButton")
        self.useBundledButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        shelf_label = QLabel(self.tr("&Model:"), row_widget)
        shelf_label.setBuddy(self.modelShelf)
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(6, 4, 6, 0)
        row.addWidget(shelf_label)
        row.addWidget(self.modelShelf, 1)
        row.addWidget(self.useBundledButton)
        return row_widget

    def _build_replay_row(self) -> QWidget:
        self.replayBar = QWidget(self)
        self.replayBar.setObjectName("replayBar")
        self.replaySlider = QSlider(Qt.Orientation.Horizontal, self.replayBar)
        self.replaySlider.setObjectName("replaySlider")
        self.replaySlider.setPageStep(1)
        self.replaySlider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.replaySlider.setToolTip(self.tr(
            "Replay the run: the canvas, feature maps and kernels use the weights after "
            "this epoch (arrow keys step, Home/End jump)"))
        self.replayLabel = QLabel(self.replayBar)
        self.replayLabel.setObjectName("replayLabel")
        self.replayLabel.setMinimumWidth(200)
        replay_title = QLabel(self.tr("&Replay:"), self.replayBar)
        replay_title.setBuddy(self.replaySlider)
        row = QHBoxLayout(self.replayBar)
        row.setContentsMargins(6, 0, 6, 0)
        row.addWidget(replay_title)
        row.addWidget(self.replaySlider, 1)
        row.addWidget(self.replayLabel)
        self.replayBar.setVisible(False)
        return self.replayBar

    def _build_notice(self) -> QLabel:
        self.classesNotice = QLabel(self)
        self.classesNotice.setObjectName("classesNotice")
        self.classesNotice.setWordWrap(True)
        self.classesNotice.setStyleSheet(
            "QLabel { background: #fff4d6; border: 1px solid #e0c170; border-radius: 3px;"
            " padding: 4px 6px; color: #5a4300; }")
        self.classesNotice.setVisible(False)
        return self.classesNotice

    def _build_actions(self) -> None:
        self.useBundledAction = QAction(self.tr("Use the &bundled model"), self)
        self.useBundledAction.setObjectName("useBundledAction")
        self.useBundledAction.setShortcut(QKeySequence("Ctrl+B"))
        self.useBundledAction.setIconText(self.tr("Bundled"))
        self.useBundledAction.setToolTip(self.tr(
            "Predict with the model that ships with DigitLab again (Ctrl+B)"))
        self.useBundledAction.triggered.connect(self.use_bundled_model)
        self.useBundledButton.setDefaultAction(self.useBundledAction)
        self.removeFromShelfAction = QAction(self.tr("&Remove model from shelf"), self)
        self.removeFromShelfAction.setObjectName("removeFromShelfAction")
        self.removeFromShelfAction.setToolTip(self.tr(
            "Take the current model off the shelf (a run's files are deleted); the canvas "
            "goes back to the bundled model"))
        self.removeFromShelfAction.triggered.connect(self.remove_canvas_model)
        self.shelfExport = ShelfExport(self._banner, self)  # a run as a script, as CSV
        self.modelShelf.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.modelShelf.addActions([self.useBundledAction, self.removeFromShelfAction,
                                    *self.shelfExport.actions()])

    def attach(self, library: ModelLibrary) -> None:
        """Work on ``library`` from now on (the model side exists)."""
        self._library = library
        self.shelfExport.attach(library)
        library.entries_changed.connect(self.fill_shelf)
        self.modelShelf.activated.connect(self._on_shelf_activated)
        self.replaySlider.valueChanged.connect(self._on_replay)
        self.fill_shelf()

    def set_enabled(self, enabled: bool) -> None:
        """The shelf and its actions wait for the model side."""
        for action in (self.useBundledAction, self.removeFromShelfAction,
                       self.shelfExport.exportScriptAction, self.shelfExport.exportHistoryAction):
            action.setEnabled(enabled)
        self.modelShelf.setEnabled(enabled)
        if enabled and self._library is not None:
            self._update_shelf_actions()

    # ------------------------------------------------------------------ shelf
    def fill_shelf(self) -> None:
        """List the shelf's models; the current item is the canvas model."""
        library = self._library
        if library is None:
            return
        shelf, canvas = self.modelShelf, library.canvas_entry()
        shelf.blockSignals(True)
        shelf.clear()
        for entry in library.entries():
            shelf.addItem(entry.title(), entry.key)
            index = shelf.count() - 1
            tip = entry.error or (str(entry.path) if entry.path else entry.title())
            shelf.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
            if entry.error:
                shelf.model().item(index).setEnabled(False)
        if canvas is not None:
            shelf.setCurrentIndex(shelf.findData(canvas.key))
        shelf.blockSignals(False)
        self._update_shelf_actions()

    def _on_shelf_activated(self, index: int) -> None:
        key = self.modelShelf.itemData(index)
        canvas = self._library.canvas_entry()
        if not isinstance(key, str) or (canvas is not None and key == canvas.key
                                        and self.replaySlider.value()
                                        == self.replaySlider.maximum()):
            return
        if self._library.choose(key) is None:  # could not load: the shelf shows the canvas
            self.fill_shelf()
        else:  # e.g. "the canvas uses the bundled model again" no longer holds
            self._banner.dismiss_info()

    def use_bundled_model(self) -> None:
        """Predict with the bundled model again (Ctrl+B)."""
        if self._library.use_bundled() is not None:
            self._banner.show_info(self.tr("The canvas uses the bundled model again."))

    def remove_canvas_model(self) -> None:
        """Take the canvas model off the shelf (not the bundled model) and use the bundled one."""
        entry = self._library.canvas_entry()
        if entry is None or entry.kind == "bundled":
            self._banner.show_info(self.tr("The bundled model always stays on the shelf."))
            return
        title = entry.title()
        if self._library.remove(entry.key):
            self._banner.show_info(self.tr("Removed {0} from the shelf.").format(title))

    def _update_shelf_actions(self) -> None:
        entry = self._library.canvas_entry()
        self.removeFromShelfAction.setEnabled(entry is not None and entry.kind != "bundled")
        self.shelfExport.update(entry)

    # ----------------------------------------------------------------- models
    def model_changed(self, entry: ShelfEntry, checkpoint: Checkpoint) -> None:
        """The canvas model is now ``entry``: list it, offer its epochs, say what it answers."""
        self._show_classes(checkpoint)
        self.fill_shelf()
        self._setup_replay(entry)

    def describe(self, checkpoint: Checkpoint, path: Path | None) -> None:
        """Say which model the canvas uses (its file ``path``, the epoch replayed) and how good
        it is."""
        accuracy = checkpoint.test_accuracy
        text = self.tr("Model: {0}").format(checkpoint.name)
        if accuracy is not None:
            text += self.tr(" · test accuracy {0:.2%}").format(accuracy)
        else:
            text += self.tr(" · not tested")
        if path is not None:
            text += f" · {path.name}"
        point = self._current_point()
        if point is not None and not point.final:
            text += self.tr(" · replaying: {0}").format(point.label)
        self.modelStatusLabel.setText(text)

    def _show_classes(self, checkpoint: Checkpoint) -> None:
        from cnn_core.data.datasets import DATASETS

        if checkpoint.has_digit_classes:
            self.classesNotice.setVisible(False)
            return
        classes = list(checkpoint.classes)
        dataset = str(checkpoint.meta.get("dataset", ""))
        info = DATASETS.get(dataset)
        title = info.title if info is not None else (dataset or self.tr("another dataset"))
        answers = _ANSWERS.get(dataset, self.tr("its own classes"))
        self.classesNotice.setText(self.tr(
            "This model was trained on {0}: it answers with {1} ({2}), not digits.").format(
            title, self.tr(answers), ", ".join(classes[:3]) + ", …"))
        self.classesNotice.setVisible(True)

    # ----------------------------------------------------------------- replay
    def _setup_replay(self, entry: ShelfEntry) -> None:
        points = self._library.replay_points(entry)
        self._replay_points = points
        self.replayBar.setVisible(len(points) >= 2)
        self.replaySlider.blockSignals(True)
        self.replaySlider.setRange(0, max(0, len(points) - 1))
        self.replaySlider.setValue(max(0, len(points) - 1))
        self.replaySlider.blockSignals(False)
        self._show_replay_label()

    def _on_replay(self, index: int) -> None:
        entry = self._library.canvas_entry()
        if entry is None or not self._replay_points:
            return
        from cnn_core.checkpoints import CheckpointError

        try:
            checkpoint = self._library.replay_checkpoint(entry, index)
        except CheckpointError as exc:
            self._banner.show_error(self.tr("Cannot replay this epoch: {0}").format(exc))
            return
        self._show_replay_label()
        self.replayed.emit(checkpoint)

    def _show_replay_label(self) -> None:
        point = self._current_point()
        if point is None:
            self.replayLabel.setText("")
            return
        text = point.label
        if point.test_accuracy is not None:
            text += self.tr(" · {0:.1%} test").format(point.test_accuracy)
        self.replayLabel.setText(text)

    def _current_point(self) -> object | None:
        points, index = self._replay_points, self.replaySlider.value()
        return points[index] if 0 <= index < len(points) else None

    def current_epoch(self) -> int | None:
        """The epoch whose weights the canvas uses (replay), or ``None``."""
        point = self._current_point()
        return point.epoch if point is not None else None
