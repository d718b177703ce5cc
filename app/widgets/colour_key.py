"""The feature maps' colour key, on screen: what viridis and red/blue mean."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from .map_grid import DIVERGING, SEQUENTIAL, color_table

__all__ = ["ColourKey"]

_BAR_WIDTH, _BAR_HEIGHT = 90, 10


class ColourKey(QWidget):
    """Two small colour bars with words: viridis for maps that are never negative (0 → the
    largest value), red/blue for maps with negative values (−m ← 0 → +m, 0 in the middle)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colourKey")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("One scale per layer: colours compare across its maps. "
                                "m is the layer's (or, per map, the map's) largest magnitude."))
        self._keys = [
            (SEQUENTIAL, self.tr("0"), self.tr("max"),
             self.tr("never negative")),
            (DIVERGING, self.tr("−m"), self.tr("+m"),
             self.tr("negative blue, positive red")),
        ]

    def texts(self) -> list[str]:
        """The words shown, for each key."""
        return [f"{lo} … {hi}: {words}" for _, lo, hi, words in self._keys]

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = sum(self._key_width(key) for key in self._keys) + 24
        return QSize(width, max(metrics.height(), _BAR_HEIGHT) + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * _BAR_WIDTH, self.sizeHint().height())

    def _key_width(self, key: tuple[str, str, str, str]) -> int:
        metrics = self.fontMetrics()
        _, lo, hi, words = key
        return (metrics.horizontalAdvance(lo) + metrics.horizontalAdvance(hi)
                + _BAR_WIDTH + metrics.horizontalAdvance(words) + 20)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        x, middle = 0, self.height() // 2
        for name, lo, hi, words in self._keys:
            table = color_table(name)
            painter.setPen(self.palette().text().color())
            painter.drawText(x, middle + metrics.ascent() // 2 - 1, lo)
            x += metrics.horizontalAdvance(lo) + 3
            bar = QRect(x, middle - _BAR_HEIGHT // 2, _BAR_WIDTH, _BAR_HEIGHT)
            gradient = QLinearGradient(bar.left(), 0, bar.right(), 0)
            for stop in range(9):
                gradient.setColorAt(stop / 8, QColor.fromRgb(table[round(stop / 8 * 255)]))
            painter.fillRect(bar, gradient)
            x += _BAR_WIDTH + 3
            painter.drawText(x, middle + metrics.ascent() // 2 - 1, hi)
            x += metrics.horizontalAdvance(hi) + 6
            painter.drawText(QRect(x, 0, max(0, self.width() - x), self.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(words, Qt.TextElideMode.ElideRight,
                                                max(0, min(self.width() - x,
                                                           metrics.horizontalAdvance(words)))))
            x += metrics.horizontalAdvance(words) + 18
        painter.end()
