"""Parts of the Coach tab: the per-digit progress grid, the sample browser, the results table.

Each is a plain widget that displays what it is given; the tab
(:mod:`app.widgets.handwriting_coach`) owns the store and decides what happens.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cnn_core.data.own_digits import OwnSample
from cnn_core.training.finetune import FineTuneFinished

__all__ = ["ProgressGrid", "ResultsTable", "SampleList", "claim_keys"]

THUMB = 56  # pixels: a 28×28 sample at 2×


def claim_keys(widget: QWidget, keys: list[QKeySequence]) -> None:
    """Let ``widget`` have ``keys`` while it has the focus, before any window shortcut.

    The main canvas owns Delete, Ctrl+Z and friends as window-wide shortcuts; inside the
    Coach tab the same keys mean the coach's canvas or sample list.
    """
    widget.installEventFilter(_KeyClaim(widget, keys))


class _KeyClaim(QObject):
    def __init__(self, parent: QWidget, keys: list[QKeySequence]) -> None:
        super().__init__(parent)
        self._keys = {key.toString() for key in keys}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            combo = QKeySequence(event.keyCombination()).toString()
            if combo in self._keys:
                event.accept()  # delivered as a key press to the widget, not to the shortcut
                return True
        return False


class ProgressGrid(QWidget):
    """Ten cells, one per digit: how many samples there are of the goal."""

    def __init__(self, goal: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coachProgress")
        self.goal = goal
        self._cells: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(3)
        for digit in range(10):
            cell = QLabel(self)
            cell.setObjectName(f"coachProgress{digit}")
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setMinimumWidth(34)
            grid.addWidget(cell, 0, digit)
            self._cells.append(cell)
        self.set_counts([0] * 10, current=None)

    def set_counts(self, counts: list[int], current: int | None) -> None:
        """Show ``counts`` (per digit); ``current`` is the digit asked for now."""
        self.counts = list(counts)
        for digit, (cell, count) in enumerate(zip(self._cells, counts, strict=True)):
            done = count >= self.goal
            cell.setText(self.tr("<b>{0}</b><br>{1}/{2}").format(digit, count, self.goal))
            cell.setToolTip(self.tr("{0} samples of {1}").format(count, digit))
            colour = "#d9f2dc" if done else ("#fff1c9" if count else "#f0f0f0")
            border = "2px solid #2f6fd0" if digit == current else "1px solid #c8c8c8"
            cell.setStyleSheet(f"QLabel {{ background: {colour}; border: {border}; "
                               f"border-radius: 3px; padding: 2px; color: #202020; }}")


class SampleList(QListWidget):
    """Thumbnails of the collected samples with their digit; Delete removes, Ctrl+Z undoes."""

    delete_requested = Signal(list)  # the OwnSample objects of the selected items
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coachSampleList")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 14, THUMB + 22))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAccessibleName(self.tr("Collected samples"))
        self.setToolTip(self.tr("Your samples. Delete removes the selected ones; "
                                "Ctrl+Z puts the last removed back."))
        claim_keys(self, [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace),
                          QKeySequence(QKeySequence.StandardKey.Undo)])

    def add_sample(self, sample: OwnSample, image28: QImage) -> None:
        """Append one sample (its 28×28 picture) and scroll to it."""
        pixmap = QPixmap.fromImage(image28).scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)
        item = QListWidgetItem(pixmap, str(sample.label))
        item.setData(Qt.ItemDataRole.UserRole, sample)
        item.setToolTip(sample.name)
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.addItem(item)
        self.scrollToItem(item)

    def samples(self) -> list[OwnSample]:
        """The samples shown, in order."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def selected_samples(self) -> list[OwnSample]:
        """The selected samples, in list order."""
        rows = sorted(self.row(item) for item in self.selectedItems())
        return [self.item(row).data(Qt.ItemDataRole.UserRole) for row in rows]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.delete_requested.emit(self.selected_samples())
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.undo_requested.emit()
        else:
            super().keyPressEvent(event)


class ResultsTable(QTableWidget):
    """Before / after accuracies: own held-out samples and MNIST test images."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(2, 3, parent)
        self.setObjectName("coachResultsTable")
        self.setHorizontalHeaderLabels([self.tr("Before"), self.tr("After"), self.tr("Change")])
        self.setVerticalHeaderLabels([self.tr("Your held-out digits"),
                                      self.tr("MNIST test images")])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clear_results()

    def sizeHint(self) -> QSize:
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        return QSize(360, rows + self.horizontalHeader().height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.sizeHint().height())

    def clear_results(self) -> None:
        """No fine-tuning yet: dashes."""
        for row in range(2):
            for column in range(3):
                self._set(row, column, "—")

    def show_result(self, result: FineTuneFinished) -> None:
        """Fill in the figures of a finished fine-tuning."""
        before, after = result.before, result.after
        self.setVerticalHeaderLabels([
            self.tr("Your held-out digits ({0})").format(before.own_count),
            self.tr("MNIST test images ({0:,})").format(before.mnist_count)])
        pairs = [(before.own_accuracy, after.own_accuracy),
                 (before.mnist_accuracy, after.mnist_accuracy)]
        for row, (old, new) in enumerate(pairs):
            self._set(row, 0, _percent(old))
            self._set(row, 1, _percent(new))
            change = "—" if old is None or new is None else f"{100 * (new - old):+.1f} pt"
            self._set(row, 2, change)

    def _set(self, row: int, column: int, text: str) -> None:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setItem(row, column, item)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"
