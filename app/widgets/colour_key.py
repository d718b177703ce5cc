"""The feature maps' colour key, on screen: what viridis and red/blue mean."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from .map_grid import DIVERGING, SEQUENTIAL, color_table

__all__ = ["ColourKey"]

_BAR_WIDTH, _BAR_HEIGHT = 90, 10
_SPACING = 3 + 3 + 6 + 18  # around the bar, before the words, after them (as painted)


class ColourKey(QWidget):
    """Two small colour bars with words: viridis for maps that are never negative (0 → the
    largest value), red/blue for maps with negative values (−m ← 0 → +m, 0 in the middle)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colourKey")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
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

    def _stacked(self, width: int) -> bool:
        """Whether the keys go one under the other (too narrow for both on one line)."""
        return width < sum(self._key_width(key) for key in self._keys)

    def _line(self) -> int:
        return max(self.fontMetrics().height(), _BAR_HEIGHT) + 4

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._line() * (len(self._keys) if self._stacked(width) else 1)

    def sizeHint(self) -> QSize:
        return QSize(sum(self._key_width(key) for key in self._keys), self._line())

    def minimumSizeHint(self) -> QSize:
        return QSize(max(self._key_width(key) for key in self._keys) // 2, self._line())

    def resizeEvent(self, event: object) -> None:
        self.setMinimumHeight(self.heightForWidth(self.width()))
        super().resizeEvent(event)  # type: ignore[arg-type]

    def _key_width(self, key: tuple[str, str, str, str]) -> int:
        metrics = self.fontMetrics()
        _, lo, hi, words = key
        return (metrics.horizontalAdvance(lo) + metrics.horizontalAdvance(hi)
                + _BAR_WIDTH + metrics.horizontalAdvance(words) + _SPACING)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        stacked = self._stacked(self.width())
        x, middle = 0, self._line() // 2
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
            room = max(0, self.width() - x)
            painter.drawText(QRect(x, middle - self._line() // 2, room, self._line()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(words, Qt.TextElideMode.ElideRight, room))
            x += metrics.horizontalAdvance(words) + 18
            if stacked:
                x, middle = 0, middle + self._line()
        painter.end()
