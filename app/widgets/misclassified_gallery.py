"""Thumbnails of the test images behind one confusion-matrix cell."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from cnn_core.analysis.evaluation import EvaluationResult

from .evaluation_plots import short_name

__all__ = ["MisclassifiedGallery", "uint8_qimage"]

_THUMB = 56
CHUNK = 40  # thumbnails added per event-loop turn


def uint8_qimage(image: np.ndarray) -> QImage:
    """A Grayscale8 QImage (a copy) of a uint8 ``[H, W]`` array."""
    data = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = data.shape
    return QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


class MisclassifiedGallery(QListWidget):
    """A grid of test images, each with its true and predicted class and top-3 answers.

    Clicking one emits :attr:`image_chosen` with its index in the evaluated set.
    """

    image_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("misclassifiedGallery")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(_THUMB, _THUMB))
        self.setGridSize(QSize(116, _THUMB + 66))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setToolTip(self.tr("Click an image to put it on the canvas"))
        self.itemClicked.connect(self._on_item_clicked)
        self.itemActivated.connect(self._on_item_clicked)  # Enter on the keyboard
        self._pending: list[int] = []
        self._result: EvaluationResult | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._add_chunk)

    def show_images(self, result: EvaluationResult, indices: np.ndarray) -> None:
        """Show the images ``indices`` of ``result``, in that order.

        The first :data:`CHUNK` appear at once, the rest chunk by chunk from the event loop,
        so a large cell never freezes the window (see :meth:`filling`).
        """
        self.clear()
        self._pending = [int(i) for i in np.asarray(indices, np.int64).tolist()]
        self._result = result
        self._add_chunk()

    def filling(self) -> bool:
        """Whether images are still being added."""
        return bool(self._pending)

    def _add_chunk(self) -> None:
        chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
        for index in chunk:
            self.addItem(self._item(index))
        if self._pending:
            self._timer.start()

    def _item(self, index: int) -> QListWidgetItem:
        result = self._result
        names = result.classes
        true, pred = int(result.labels[index]), int(result.predictions[index])
        top = result.top3(index)
        pixmap = QPixmap.fromImage(uint8_qimage(result.images[index])).scaled(
            _THUMB, _THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)
        answers = " · ".join(f"{short_name(names[c], 6)}\u00a0{p:.0%}" for c, p in top)
        text = self.tr("#{0}: {1} → {2}\n{3}").format(
            index, short_name(names[true], 7), short_name(names[pred], 7), answers)
        item = QListWidgetItem(QIcon(pixmap), text)
        item.setData(Qt.ItemDataRole.UserRole, index)
        item.setToolTip(self.tr("Test image #{0}: a {1}, read as {2}\ntop 3: {3}\n"
                                "Click to put it on the canvas").format(
            index, names[true], names[pred], ", ".join(f"{names[c]} {p:.1%}" for c, p in top)))
        return item

    def indices(self) -> list[int]:
        """The indices shown, in order."""
        return [int(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self.image_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
