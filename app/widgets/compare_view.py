"""Two shelf models side by side on the same drawing: answers, inputs and feature maps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.inference import LiveInference
from cnn_core.checkpoints import CheckpointError

from ..language import say
from .feature_map_view import FeatureMapView
from .prediction_panel import PredictionPanel

if TYPE_CHECKING:
    from app.models import ModelLibrary, ShelfEntry
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.data.data_picture import DataPicture

__all__ = ["CompareSide", "CompareView"]


class CompareSide(QWidget):
    """One model of the comparison: its prediction (the widget), its shelf chooser
    (:attr:`combo`) and its feature maps (:attr:`maps`); :class:`CompareView` lays the choosers
    out above both answers and the maps under them.

    Predictions follow the drawing through a :class:`~app.inference.LiveInference`, so they
    are throttled like the canvas's own (at most ~30 a second, always the latest drawing).
    """

    def __init__(self, library: ModelLibrary,
                 image_source: Callable[[], np.ndarray | DataPicture],
                 side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName(f"compare{side}")
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"compare{side}Combo")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setToolTip(self.tr("The model on this side (any model on the shelf)"))
        self.prediction = PredictionPanel(self, show_steps=False, input_size=96,
                                          name_prefix=f"compare{side}")
        self.prediction.setObjectName(f"compare{side}Prediction")
        font = QFont(self.prediction.predictionLabel.font())
        font.setPointSizeF(font.pointSizeF() * 0.7)  # two answers side by side: smaller
        self.prediction.predictionLabel.setFont(font)
        self.prediction.probabilityPlot.setMinimumHeight(130)
        self.maps = FeatureMapView(self, name_prefix=f"compare{side}Maps")
        self.maps.setObjectName(f"compare{side}Maps")
        self.maps.sourceLabel.hide()  # the chooser above says which model it is
        self.maps.zoomSlider.setValue(36)
        self.maps.setMinimumHeight(120)
        self.inference = LiveInference(image_source, self)
        self.inference.model_changed.connect(self.prediction.set_model)
        self.inference.predicted.connect(self.prediction.show_prediction)
        self.inference.activations_ready.connect(self.maps.set_activations)
        self.inference.failed.connect(self.prediction.show_message)
        self.combo.activated.connect(self._on_activated)
        self.key = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.prediction)

    def fill(self, entries: list[ShelfEntry]) -> None:
        """List the shelf's models, keeping the current choice."""
        self.combo.blockSignals(True)
        self.combo.clear()
        for entry in entries:
            self.combo.addItem(entry.title(), entry.key)
            index = self.combo.count() - 1
            self.combo.setItemData(index, entry.title(), Qt.ItemDataRole.ToolTipRole)
            if entry.error:
                self.combo.model().item(index).setEnabled(False)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.key)))
        self.combo.blockSignals(False)

    def choose(self, key: str) -> bool:
        """Show shelf entry ``key`` on this side; False (and a message) if it cannot load."""
        entry = self.library.entry(key)
        if entry is None:
            return False
        try:
            checkpoint = self.library.load(entry)
        except CheckpointError as exc:
            self.prediction.show_message(self.tr("Cannot load this model: {0}").format(say(exc)))
            return False
        self.key = key
        self.combo.setCurrentIndex(max(0, self.combo.findData(key)))
        self._show(checkpoint, entry.title())
        return True

    def checkpoint(self) -> Checkpoint | None:
        """The model on this side."""
        return self.inference.checkpoint()

    def _show(self, checkpoint: Checkpoint, title: str) -> None:
        self.prediction.set_classes(list(checkpoint.classes))
        self.maps.set_source(title)
        self.inference.set_checkpoint(checkpoint)

    def _on_activated(self, index: int) -> None:
        key = self.combo.itemData(index)
        if isinstance(key, str) and not self.choose(key):
            self.combo.setCurrentIndex(max(0, self.combo.findData(self.key)))


def _row(left: QWidget, right: QWidget) -> QWidget:
    """The left and right side's widgets in two equal columns."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(left, 1)
    layout.addWidget(right, 1)
    return row


def _scrolling(widget: QWidget, parent: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it (scrolling only when too small)."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


class CompareView(QWidget):
    """``compareView``: two shelf models on the current drawing, side by side.

    Work is done only while the view is shown (:meth:`set_active`).
    """

    def __init__(self, library: ModelLibrary,
                 image_source: Callable[[], np.ndarray | DataPicture],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.library = library
        self.left = CompareSide(library, image_source, "Left", self)
        self.right = CompareSide(library, image_source, "Right", self)
        self._active = False
        hint = QLabel(self.tr("The same drawing, two models: pick any two from the shelf."),
                      self)
        hint.setObjectName("compareHint")
        # The two answers above the two sides' maps, a handle between them: dragged up, it
        # hides the answers (the canvas's own answer is beside the tabs) and the maps take the
        # whole height, which a short window needs. The choosers stay above both.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("compareSplitter")
        # the answers scroll rather than clip when the handle leaves them less than they need
        answers = _scrolling(_row(self.left, self.right), self)
        answers.setObjectName("compareAnswers")
        answers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._answers = answers
        self.splitter.addWidget(answers)
        self.splitter.addWidget(_row(self.left.maps, self.right.maps))
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(1, 1)
        self._placed = False  # the handle was moved (or put back where it was): sizes stay
        self.splitter.splitterMoved.connect(self._on_moved)
        for side in (self.left, self.right):
            side.inference.predicted.connect(self._fit_answers)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(_row(self.left.combo, self.right.combo))
        column_layout.addWidget(self.splitter, 1)
        # In a scroll area: two full columns must not force a minimum size on the window.
        scroll = _scrolling(column, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        library.entries_changed.connect(self._refill)
        # The canvas model may arrive after the view was shown (it loads behind the window):
        # the left side then takes it.
        library.canvas_model_changed.connect(lambda *_: self._refill())
        self._refill()

    def restore_split(self, state: QByteArray) -> bool:
        """Put the handle between the answers and the maps back where it was left (a
        ``splitter.saveState()``); True if the state was usable."""
        self._placed = self.splitter.restoreState(state)
        return self._placed

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_answers()

    def _on_moved(self, *_args: object) -> None:
        self._placed = True

    def _fit_answers(self, *_args: object) -> None:
        """Until the handle is moved, the answers get the height they need (at most 3/5 of
        the two parts': the maps keep the rest); they grow with a longer explanation."""
        total = sum(self.splitter.sizes())
        if self._placed or total <= 0:
            return
        row = self._answers.widget()
        width = self._answers.viewport().width()
        need = row.heightForWidth(width) if row.hasHeightForWidth() else row.sizeHint().height()
        answers = min(max(need, row.minimumSizeHint().height()), total * 3 // 5)
        if self.splitter.sizes()[0] != answers:
            self.splitter.setSizes([answers, total - answers])

    def sides(self) -> tuple[CompareSide, CompareSide]:
        """Left and right."""
        return self.left, self.right

    def set_active(self, active: bool) -> None:
        """Compute only while shown; on showing, pick defaults and catch up with the drawing."""
        self._active = active
        for side in self.sides():
            side.inference.set_wanted(maps=active, kernels=False)
        if not active:
            return
        self._choose_defaults()
        self.drawing_changed()

    def drawing_changed(self) -> None:
        """The drawing changed: both sides predict again (throttled)."""
        if self._active:
            for side in self.sides():
                side.inference.request()

    def _refill(self) -> None:
        entries = self.library.entries()
        for side in self.sides():
            if side.key and self.library.entry(side.key) is None:
                side.key = ""  # it left the shelf
            side.fill(entries)
        if self._active:
            self._choose_defaults()

    def _choose_defaults(self) -> None:
        """Left: the canvas model; right: the bundled model, or the newest other model."""
        canvas = self.library.canvas_entry()
        entries = [e for e in self.library.entries() if not e.error]
        if not self.left.key and canvas is not None:
            self.left.choose(canvas.key)
        if not self.right.key:
            others = [e for e in entries if e.key != self.left.key]
            bundled = [e for e in others if e.kind == "bundled"]
            pick = bundled[0] if bundled else (others[-1] if others else None)
            if pick is not None:
                self.right.choose(pick.key)
