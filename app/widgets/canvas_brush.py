"""The canvas's round brush: ink and eraser strokes painted into the drawing, and the widget
pixels that a stroke or the brush's outline touches (the canvas repaints only those).

The drawing is white ink (:data:`INK`) on black paper (:data:`PAPER`); the eraser paints
paper, :data:`ERASER` times as wide as the pen.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

__all__ = ["ERASER", "INK", "PAPER", "outline_rect", "paint_segment", "segment_rect",
           "stroke_width"]

INK = QColor(255, 255, 255)
PAPER = QColor(0, 0, 0)
ERASER = 1.5  # the eraser's width, in pen widths


def stroke_width(width: int, erase: bool) -> float:
    """The width of a stroke of a ``width`` brush, in drawing pixels."""
    return width * (ERASER if erase else 1.0)


def paint_segment(image: QImage, start: QPointF, end: QPointF, width: int,
                  erase: bool) -> None:
    """Paint a round-capped stroke from ``start`` to ``end`` (a dot when they are equal)."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(PAPER if erase else INK, stroke_width(width, erase), Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    if start == end:
        painter.drawPoint(start)
    else:
        painter.drawLine(start, end)
    painter.end()


def outline_rect(centre: QPointF | None, radius: float) -> QRect:
    """Widget pixels the brush outline of ``radius`` at ``centre`` covers (empty for
    ``None``)."""
    if centre is None:
        return QRect()
    radius += 3  # its pen, antialiasing
    return QRectF(centre.x() - radius, centre.y() - radius, 2 * radius,
                  2 * radius).toAlignedRect()


def segment_rect(start: QPointF, end: QPointF, shown: QRectF, size: int, width: int) -> QRect:
    """Widget pixels a segment between two points of a ``size`` drawing, shown in ``shown``,
    may touch once scaled up (for a ``width`` brush, as wide as its eraser)."""
    scale = shown.width() / size
    pad = (stroke_width(width, True) / 2 + 2) * scale + 2  # the eraser's width, smoothing
    left, right = sorted((start.x(), end.x()))
    top, bottom = sorted((start.y(), end.y()))
    return QRectF(shown.x() + left * scale - pad, shown.y() + top * scale - pad,
                  (right - left) * scale + 2 * pad,
                  (bottom - top) * scale + 2 * pad).toAlignedRect()
