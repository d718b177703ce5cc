"""Model choosers that say what each model is: its name, and under it one plain line."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..language import say

__all__ = ["SUMMARY_ROLE", "ModelLineDelegate", "describe_models", "model_lines"]

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 40  # the item's line of description

Index = QModelIndex | QPersistentModelIndex


class ModelLineDelegate(QStyledItemDelegate):
    """Paints a combo box's list items as the name and, in a smaller grey line under it,
    the item's :data:`SUMMARY_ROLE` text (items without one are painted as usual)."""

    def _small(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(SUMMARY_ROLE):
            size.setHeight(size.height() + QFontMetrics(self._small(option)).height() + 2)
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        summary = index.data(SUMMARY_ROLE)
        if not summary:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        rect = option.rect.adjusted(6, 1, -6, -1)
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        line = QFontMetrics(bold).height()
        painter.drawText(QRect(rect.x(), rect.y(), rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         str(index.data(Qt.ItemDataRole.DisplayRole)))
        small = self._small(option)
        painter.setFont(small)
        if not selected:
            painter.setPen(palette.placeholderText().color())
        metrics = QFontMetrics(small)
        painter.drawText(QRect(rect.x(), rect.y() + line, rect.width(), metrics.height() + 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(str(summary), Qt.TextElideMode.ElideRight,
                                            rect.width()))
        painter.restore()


def describe_models(combo: QComboBox, summaries: dict[str, str]) -> None:
    """Show under each model in ``combo``'s list its line from ``summaries`` (by the item's
    data, the model's name), as the item's tooltip too; the closed box shows the name."""
    for row in range(combo.count()):
        summary = summaries.get(str(combo.itemData(row)), "")
        if summary:
            combo.setItemData(row, summary, SUMMARY_ROLE)
            combo.setItemData(row, summary, Qt.ItemDataRole.ToolTipRole)
    combo.setItemDelegate(ModelLineDelegate(combo))
    popup = combo.view()
    popup.setMinimumWidth(max(popup.minimumWidth(), 420))


def model_lines() -> dict[str, str]:
    """Each registered model's one line (its spec's summary), by name."""
    from cnn_core.models import MODELS, get_spec

    return {name: say(get_spec(name).get("summary", "")) for name in MODELS}
