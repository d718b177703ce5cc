"""What the Train tab says about a run's health: dead ReLUs per layer, and the advice line.

``deadUnitsPlot`` (:class:`DeadUnitsPlot`) draws, after every epoch, one bar per ReLU layer:
the share of its units that never fired in that epoch's training steps (counted in the
training process, :mod:`cnn_core.training.dead_units`), with the warning threshold as a
dashed line. ``trainingAdviceLabel`` (:class:`TrainingAdvice`) is the banner over the curves:
the plateau, dead ReLUs or divergence in one line each, with what to try
(:mod:`cnn_core.training.diagnosis` writes the sentences); it stays until the next run.
"""

from __future__ import annotations

import math
import re

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.training import TrainingRun
from cnn_core.checkpoints.runs import RunRecord
from cnn_core.models import get_spec
from cnn_core.training import Diverged, EpochDone, Finished, Stopped, TrainConfig
from cnn_core.training.dead_units import DEAD_WARNING
from cnn_core.training.diagnosis import dead_unit_advice, plateau_advice

from .chart_export import saveable

__all__ = ["DeadUnitsPlot", "RunHealth", "TrainingAdvice", "compact_layer_names",
           "short_layer_names"]

_OK, _DEAD = pg.mkBrush(90, 130, 190), pg.mkBrush(214, 39, 40)


def short_layer_names(names: list[str]) -> list[str]:
    """``features.relu1`` → ``relu1`` where that is unique, else ``f.relu1`` (the half of
    the model named by its initial): tick labels fit under narrow bars."""
    lasts = [name.rsplit(".", 1)[-1] for name in names]
    if len(set(lasts)) == len(lasts):
        return lasts
    return [f"{name.split('.', 1)[0][:1]}.{last}" if "." in name else name
            for name, last in zip(names, lasts, strict=True)]


def compact_layer_names(names: list[str]) -> list[str]:
    """``features.relu2`` → ``f2`` (the half's initial, where the layers are in more than one,
    and the layer's number), for bars too narrow for :func:`short_layer_names`; ``1``, ``2``,
    … where those would not be unique."""
    heads = [name.rpartition(".")[0] for name in names]
    compact = []
    for head, name in zip(heads, names, strict=True):
        last = name.rpartition(".")[2]
        number = re.search(r"\d+$", last)
        initial = head[:1] if len(set(heads)) > 1 else ""
        compact.append(initial + (number.group() if number else last[:3]))
    return compact if len(set(compact)) == len(compact) else [
        str(i) for i in range(1, len(names) + 1)]


class DeadUnitsPlot(pg.PlotWidget):
    """Dead-unit share per ReLU layer for the last epoch (0–100 %)."""

    _built = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadUnitsPlot")
        saveable(self)
        self._about = self.tr(
            "ReLU units (channels of a convolution, neurons of a linear layer) that output 0 "
            "for every training image of the last epoch: they pass no gradient back. Red: "
            "above %1 %.").replace("%1", f"{DEAD_WARNING * 100:.0f}")
        self.setToolTip(self._about)
        item = self.getPlotItem()
        item.setTitle(self.tr("Dead ReLUs"), size="10pt")
        item.setLabel("left", self.tr("never fired (%)"))
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(y=True, alpha=0.25)
        item.getAxis("left").enableAutoSIPrefix(False)
        small = QFont()
        small.setPointSizeF(max(6.0, small.pointSizeF() - 1.5))
        item.getAxis("bottom").setStyle(tickFont=small)  # a layer name under each bar
        self._tick_metrics = QFontMetricsF(small)
        item.setYRange(0, 100, padding=0.02)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        item.addItem(self.bars)
        self.threshold = pg.InfiniteLine(DEAD_WARNING * 100, angle=0, movable=False, pen=pg.mkPen(
            214, 39, 40, 160, width=1, style=Qt.PenStyle.DashLine))
        item.addItem(self.threshold)
        self.note = pg.TextItem(anchor=(0.5, 0.5), color=(110, 110, 110))
        item.addItem(self.note, ignoreBounds=True)
        self.note.setPos(0, 50)
        self.setMinimumSize(200, 90)
        self._shares: tuple[tuple[str, float], ...] = ()
        self._epoch = 0
        self._idle_note = ""
        self._dirty = True
        self._tick_labels: list[str] = []  # under each bar ("" where it is left unnamed)
        self._built = True

    def clear_run(self, note: str = "") -> None:
        """No bars (a new run begins); ``note`` says why, instead of "after the first epoch"."""
        self._shares, self._epoch, self._idle_note, self._dirty = (), 0, note, True

    def show_epoch(self, event: EpochDone) -> None:
        """Take the epoch's dead-unit shares; :meth:`redraw` shows them."""
        self._shares, self._epoch, self._dirty = event.dead_units, event.epoch, True

    def shares(self) -> tuple[tuple[str, float], ...]:
        """What the bars show: ``(layer, share dead)``."""
        return self._shares

    def redraw(self) -> bool:
        """Redraw the bars if they changed; whether they did."""
        if not self._dirty:
            return False
        self._dirty = False
        shares = self._shares
        xs = list(range(len(shares)))
        heights = [share * 100 for _, share in shares]
        brushes = [_DEAD if share > DEAD_WARNING else _OK for _, share in shares]
        self.bars.setOpts(x=xs, height=heights, width=0.6, brushes=brushes)
        self._fit_ticks()
        item = self.getPlotItem()
        item.setTitle(self.tr("Dead ReLUs, epoch %1").replace("%1", str(self._epoch))
                      if self._epoch else self.tr("Dead ReLUs"), size="10pt")
        item.setXRange(-0.6, max(len(shares), 1) - 0.4, padding=0)
        self.note.setPos((max(len(shares), 1) - 1) / 2, 50)
        if not self._epoch:
            self.note.setText(self._idle_note or self.tr("after the first epoch"))
        else:
            self.note.setText("" if shares else self.tr("no ReLU layers in this model"))
        return True

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)  # lays the plot out anew: the bars' spacing is current
        # pyqtgraph calls this from its own __init__, and on close after dropping the plot
        if self._built and self.getPlotItem() is not None:
            self._fit_ticks()

    def tick_labels(self) -> list[str]:
        """The layer names under the bars now ("" under a bar left unlabelled)."""
        return list(self._tick_labels)

    def _fit_ticks(self) -> None:
        """Name each bar as fully as the bars' spacing allows: ``f.relu1``, else ``f1`` (the
        tooltip then says which layer each is), else every second (third …) bar."""
        names = [name for name, _ in self._shares]
        spacing = self.getPlotItem().getViewBox().width() / (max(len(names), 1) + 0.2)
        room = spacing - 6  # a gap between neighbours
        short = short_layer_names(names)
        labels = compact_layer_names(names) if self._widest(short) > room else short
        stride = math.ceil(self._widest(labels) / room) if room > 0 else len(names)
        self._tick_labels = [label if i % max(stride, 1) == 0 else ""
                             for i, label in enumerate(labels)]
        self.getPlotItem().getAxis("bottom").setTicks(
            [[(i, label) for i, label in enumerate(self._tick_labels) if label]])
        self.setToolTip(self._about + "".join(
            f"\n{label}: {name}" for label, name in zip(labels, names, strict=True))
            if labels != short else self._about)

    def _widest(self, labels: list[str]) -> float:
        return max((self._tick_metrics.horizontalAdvance(label) for label in labels),
                   default=0.0)


class TrainingAdvice(QLabel):
    """The advice banner of the Train tab: one line per trouble, hidden when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingAdviceLabel")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("background: #fff4d6; border: 1px solid #e0c172; color: #4a3800; "
                           "padding: 4px 8px; border-radius: 3px;")
        self._lines: dict[str, str] = {}
        self.hide()

    def set_line(self, key: str, text: str | None) -> None:
        """Say ``text`` under ``key`` (``"plateau"``, ``"dead"``, ``"diverged"``); ``None``
        takes that line away."""
        if text:
            self._lines[key] = text
        else:
            self._lines.pop(key, None)
        self.setText("\n".join(self._lines.values()))
        self.setVisible(bool(self._lines))

    def follow_epoch(self, event: EpochDone, config: TrainConfig) -> None:
        """The plateau and dead-ReLU lines for this epoch of a run of ``config`` (each goes
        away once the trouble has)."""
        spec = config.model_spec if config.model_spec is not None else get_spec(config.model)
        self.set_line("plateau", plateau_advice(event, config, spec))
        self.set_line("dead", dead_unit_advice(event, config.lr))

    def follow_end(self, event: Finished | Stopped | Diverged) -> None:
        """A diverged run's line: which learning rate to try."""
        if isinstance(event, Diverged):
            self.set_line("diverged", self.tr(
                "The loss blew up: try learning rate {0:g}, a tenth of {1:g}.").format(
                event.suggested_lr, event.lr))

    def clear_lines(self) -> None:
        """Nothing to say (a new run begins)."""
        self._lines.clear()
        self.setText("")
        self.hide()

    def lines(self) -> dict[str, str]:
        """What the banner says, by key."""
        return dict(self._lines)


class RunHealth(QObject):
    """The Train tab's dead-ReLU plot and advice banner, following the latest run (``plot``,
    ``advice``; the panel places them and forwards the run's events)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.plot = DeadUnitsPlot(parent)
        self.advice = TrainingAdvice(parent)
        # the run followed: its config and record (not the run object: it must be free to
        # go once the run has ended)
        self._config: TrainConfig | None = None
        self._record: RunRecord | None = None
        self._epoch: EpochDone | None = None

    def follow(self, run: TrainingRun) -> None:
        """A new run: nothing to say yet."""
        self._config, self._record, self._epoch = run.config, run.record, None
        self.advice.clear_lines()
        self.plot.clear_run()

    def epoch_done(self, event: EpochDone) -> None:
        """The run's epoch: its dead units, and the advice its numbers call for."""
        self._epoch = event
        self.plot.show_epoch(event)
        if self._config is not None:
            self.advice.follow_epoch(event, self._config)

    def ended(self, event: Finished | Stopped | Diverged) -> None:
        """The run's end (a divergence says which learning rate to try)."""
        self.advice.follow_end(event)

    def show_record(self, record: RunRecord) -> None:
        """The Train tab shows ``record``'s curves: the bars and banner only if it is the
        run followed (they are counted while a run trains, not kept with it)."""
        own = self._record is not None and record is self._record
        if own and self._epoch is not None:
            self.plot.show_epoch(self._epoch)
        elif not own:
            self.plot.clear_run(self.tr("counted while a run trains"))
        self.plot.redraw()
        self.advice.setVisible(own and bool(self.advice.lines()))
