"""Every chart can be saved: as a PNG picture, an SVG drawing, or its data as CSV.

:func:`saveable` gives a pyqtgraph view (a ``PlotWidget``, a ``GraphicsLayoutWidget``) the
right-click action "Save chart…": in the view's own menu where it has one (the Train tab's
plots, whose menu also sets the axes), else in a menu of its own. The action asks for a file
(the window's save dialog, :func:`app.file_dialogs.ask_save_path`); the chosen filter, or
the file's own suffix, picks the format, and :func:`save_chart` writes it:

* PNG: the chart as it is on screen;
* SVG: the chart drawn as vectors (through Qt's SVG generator; pictures are embedded);
* CSV: what is plotted — one row ``series,x,y`` per point of every curve and bar (a bar's
  x is its place, its y its value), and ``image,row,column,value`` per pixel of every
  image (a table under the other when a chart has both).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QMenu, QMessageBox

from app.file_dialogs import ask_save_path

__all__ = ["FORMATS", "ChartSaver", "Picture", "Series", "chart_data",
           "chart_name", "save_chart", "saveable", "write_csv"]

FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)",
           "csv": "Data as CSV (*.csv)"}
"""Suffix → file-dialog filter, in the dialog's order."""


@dataclass(frozen=True)
class Series:
    """The points of one curve or set of bars."""

    name: str
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Picture:
    """The values of one image, row by row (row 0 is the image's first row)."""

    name: str
    values: np.ndarray


def _bars(item: pg.BarGraphItem) -> tuple[np.ndarray, np.ndarray]:
    """A bar chart's (x, y) per bar. Vertical bars (a height each): x is the bar's middle,
    y its top. Horizontal bars (a width each, one height for all): x is the bar's end, y its
    middle."""
    opts = item.opts

    def arr(key: str, size: int, default: float = 0.0) -> np.ndarray:
        value = opts.get(key)
        value = default if value is None else value
        return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()

    width, height = opts.get("width"), opts.get("height")
    if np.ndim(height) == 0 and np.ndim(width) == 1:  # horizontal
        n = len(width)
        start = arr("x0", n)
        middle = arr("y", n) if opts.get("y") is not None else arr("y0", n) + float(height) / 2
        return start + arr("width", n), middle
    n = len(height) if np.ndim(height) == 1 else 0
    if opts.get("x") is not None:
        middle = arr("x", n)
    else:
        middle = arr("x0", n) + arr("width", n) / 2
    return middle, arr("y0", n) + arr("height", n)


def _plot_title(item: object) -> str:
    """The title of the plot ``item`` is drawn in, in plain text ("" if none)."""
    parent = item.parentItem()
    while parent is not None and not isinstance(parent, pg.PlotItem):
        parent = parent.parentItem()
    text = parent.titleLabel.text if parent is not None else ""
    return re.sub(r"<[^>]+>", "", text or "").strip()


def chart_data(view: pg.GraphicsView) -> tuple[list[Series], list[Picture]]:
    """The curves, bars and images drawn in ``view`` (visible ones, bottom first).

    A chart whose picture is not its data (a confusion matrix shaded on a log scale) gives
    its data itself: a ``chart_data()`` method of the view is used instead.
    """
    own = getattr(view, "chart_data", None)
    if callable(own):
        return own()
    series: list[Series] = []
    pictures: list[Picture] = []
    items = view.scene().items(Qt.SortOrder.AscendingOrder)
    for item in items:
        if not item.isVisible() or isinstance(item.parentItem(), pg.PlotDataItem):
            continue  # a curve's own line and symbols are the curve
        name = _plot_title(item)
        if isinstance(item, pg.PlotDataItem):
            x, y = item.getOriginalDataset()
            name = item.name() or name
        elif isinstance(item, pg.PlotCurveItem | pg.ScatterPlotItem):
            x, y = item.getData()
            name = item.name() or name
        elif isinstance(item, pg.BarGraphItem):
            x, y = _bars(item)
            name = str(item.opts.get("name") or name)
        elif isinstance(item, pg.ImageItem) and item.image is not None:
            image = np.asarray(item.image)
            if item.axisOrder == "col-major":
                image = image.swapaxes(0, 1)
            name = item.objectName() or name or f"image {len(pictures) + 1}"
            if image.ndim == 3:
                pictures += [Picture(f"{name} channel {c}", image[..., c])
                             for c in range(image.shape[2])]
            else:
                pictures.append(Picture(name, image))
            continue
        else:
            continue
        if x is None or y is None or not len(x):
            continue
        kind = "bars" if isinstance(item, pg.BarGraphItem) else "curve"
        series.append(Series(name or f"{kind} {len(series) + 1}",
                             np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    return _apart(series), _apart(pictures)


def _apart(found: list) -> list:
    """The same list, a name used twice made distinct: "loss", "loss (2)"."""
    seen: dict[str, int] = {}
    distinct = []
    for one in found:
        seen[one.name] = seen.get(one.name, 0) + 1
        count = seen[one.name]
        name = one.name if count == 1 else f"{one.name} ({count})"
        distinct.append(dataclasses.replace(one, name=name))
    return distinct


def _number(value: float) -> str:
    return f"{value:.9g}"


def write_csv(view: pg.GraphicsView, path: str | Path) -> Path:
    """Write what ``view`` plots as CSV (see the module docstring); returns the path."""
    series, pictures = chart_data(view)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        if series or not pictures:
            out.writerow(["series", "x", "y"])
            for one in series:
                out.writerows([one.name, _number(x), _number(y)]
                              for x, y in zip(one.x, one.y, strict=True))
        if series and pictures:
            out.writerow([])
        if pictures:
            out.writerow(["image", "row", "column", "value"])
            for picture in pictures:
                rows, columns = picture.values.shape
                for r in range(rows):
                    out.writerows([picture.name, r, c, _number(picture.values[r, c])]
                                  for c in range(columns))
    return path


def _write_svg(view: pg.GraphicsView, path: Path) -> None:
    """The view drawn through Qt's SVG generator: lines and text stay vectors, images are
    embedded. (pyqtgraph's own SVG exporter fails on some of the app's charts.)"""
    from PySide6.QtSvg import QSvgGenerator

    size = view.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRect(QPoint(0, 0), size))
    generator.setResolution(view.logicalDpiX())  # else axes and text shrink to 72/96
    generator.setTitle(chart_name(view))
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    try:
        view.render(painter)
    finally:
        painter.end()
    if not path.is_file():
        raise OSError(f"could not write {path}")


def save_chart(view: pg.GraphicsView, path: str | Path, kind: str | None = None) -> Path:
    """Save ``view`` as ``kind`` (``png``, ``svg`` or ``csv``; default: the path's suffix).

    Raises
    ------
    ValueError
        For another kind.
    OSError
        When the file cannot be written.
    """
    path = Path(path)
    kind = (kind or path.suffix.lstrip(".")).lower()
    if kind == "png":
        if not view.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    elif kind == "svg":
        _write_svg(view, path)
    elif kind == "csv":
        write_csv(view, path)
    else:
        raise ValueError(f"charts are saved as {', '.join(FORMATS)}, not {kind!r}")
    return path


def chart_name(view: pg.GraphicsView) -> str:
    """A file name for the chart: its title in plain characters, else its object name."""
    for item in view.scene().items(Qt.SortOrder.AscendingOrder):
        if isinstance(item, pg.PlotItem) and item.titleLabel.text:
            slug = re.sub(r"[^0-9A-Za-z]+", "-", _plot_title(item.vb)).strip("-").lower()
            if slug:
                return slug
    return view.objectName() or "chart"


class ChartSaver(QObject):
    """The "Save chart…" action of one view, and its menu where the view has none."""

    def __init__(self, view: pg.GraphicsView) -> None:
        super().__init__(view)
        name = view.objectName() or "chart"
        self.setObjectName(f"{name}Saver")
        self.view = view
        self.action = QAction(self.tr("Save chart…"), view)
        self.action.setObjectName(f"{name}SaveAction")
        self.action.setToolTip(self.tr("Save this chart as a PNG picture, an SVG drawing, or "
                                       "its data as CSV"))
        self.action.triggered.connect(self.save)
        self.menu = QMenu(view)
        self.menu.setObjectName(f"{name}SaveMenu")
        self.menu.addAction(self.action)
        scene = view.scene()
        scene.contextMenu = [self.action]  # in the view's own menu, instead of "Export…"
        scene.sigMouseClicked.connect(self._on_click)

    def _on_click(self, event: object) -> None:
        # Nothing in the chart took the right click (a chart without a menu): ours.
        if event.button() == Qt.MouseButton.RightButton and not event.isAccepted():
            event.accept()
            self.menu.popup(event.screenPos().toPoint())

    def save(self) -> Path | None:
        """Ask where and in which format, and save; the path written, or None."""
        asked = ask_save_path(self.view, self.tr("Save chart"), f"{chart_name(self.view)}.png",
                              list(FORMATS.values()), selected=FORMATS["png"])
        if asked is None:
            return None
        target, chosen = asked
        kind = target.suffix.lstrip(".").lower()
        if kind not in FORMATS:  # no suffix, or not ours: the filter says
            kind = next((k for k, f in FORMATS.items() if f == chosen), "png")
            target = target.with_name(f"{target.name}.{kind}")
        try:
            save_chart(self.view, target, kind)
        except OSError as exc:
            QMessageBox.warning(self.view, self.tr("Save chart"),
                                self.tr("Could not save {0}: {1}").format(target, exc))
            return None
        return target


def saveable(view: pg.GraphicsView) -> pg.GraphicsView:
    """Give ``view`` its right-click "Save chart…" (PNG, SVG, CSV); returns ``view``."""
    view.chartSaver = ChartSaver(view)
    return view
