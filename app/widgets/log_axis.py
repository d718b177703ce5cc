"""A log axis that stays readable: labelled at 1, 2, 5 of each decade (round values in
between over a short range, only the decades on a short axis), labels never closer than
:data:`LABEL_PITCH` pixels, and the style of every "value per step" chart on one."""

from __future__ import annotations

import math

import pyqtgraph as pg

__all__ = ["LABEL_PITCH", "LogAxis", "log_axis", "spread_labels", "style_log_plot"]

LABEL_PITCH = 22  # pixels along a vertical axis per tick label (a line of text and a gap)


class LogAxis(pg.AxisItem):
    """A log axis labelled at 1, 2, 5 of each decade (pyqtgraph labels 1…9, which pile up
    over a short range), and at round values in between when the range holds fewer than
    three of those (a loss between 1 and 2.5 would show just "2": the "1" at the very edge
    is not drawn). On an axis too short for all of those labels, only the decades (every
    other one, or fewer, if need be) are labelled."""

    def logTickValues(self, minVal: float, maxVal: float, size: float,
                      stdTicks: list) -> list:
        levels = self._log_levels(minVal, maxVal, size, stdTicks)
        span = maxVal - minVal
        return spread_labels(levels, size / span) if span > 0 and size > 0 else levels

    def _log_levels(self, low: float, high: float, size: float, std_ticks: list) -> list:
        decades = [(spacing, t) for spacing, t in std_ticks if spacing >= 1.0]
        if len(decades) >= 3:  # many decades: those are enough
            return decades
        labelled: list[float] = []
        plain: list[float] = []
        for decade in range(math.floor(low), math.ceil(high)):
            for mantissa in range(1, 10):
                value = decade + math.log10(mantissa)
                if low <= value <= high:
                    (labelled if mantissa in (1, 2, 5) else plain).append(value)
        if len(labelled) < 3:
            return [(None, _round_log_ticks(low, high)), (None, plain)]
        room = max(2, int(size // LABEL_PITCH))  # labels that fit along the axis
        decades_only = [v for v in labelled if abs(v - round(v)) < 1e-9]
        if len(labelled) > room and len(decades_only) >= 2:  # short axis, several decades
            shown = decades_only[::max(1, math.ceil(len(decades_only) / room))]
            rest = sorted(v for v in labelled + plain if v not in shown)
            return [(None, shown), (None, rest)]
        return [(None, labelled), (None, plain)]

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        numbers = [10.0 ** v * scale for v in values]
        for digits in range(1, 6):  # as few significant digits as tell the ticks apart
            # rounded to ``digits`` significant digits, then written plainly: 100, not 1e+02
            strings = [f"{float(f'{x:.{digits}g}'):g}" for x in numbers]
            if len(set(strings)) == len(strings):
                return strings
        return strings


def _roundness(value: float) -> int:
    """0 for a decade (1, 10, 0.1), 1 for 2 or 5 of a decade, 2 for anything else."""
    mantissa = round(10.0 ** (value - math.floor(value + 1e-9)), 6)
    return 0 if mantissa in (1.0, 10.0) else 1 if mantissa in (2.0, 5.0) else 2


def spread_labels(levels: list, pixels_per_unit: float) -> list:
    """The labelled tick levels (the first two) thinned so that no two labels are closer
    than :data:`LABEL_PITCH` pixels: decades win over 2 and 5, which win over the rest, and
    earlier levels over later ones. A dropped value stays as an unlabelled tick (a level of
    its own after the labelled ones), so the grid keeps its lines."""
    taken: list[float] = []
    kept: list[tuple[object, list[float]]] = []
    dropped: list[float] = []
    for spacing, values in levels[:2]:
        shown = []
        for value in sorted(values, key=lambda v: (_roundness(v), v)):
            if any(abs(value - t) < 1e-9 for t in taken):
                continue  # the same tick on two levels: labelled once
            if any(abs(value - t) * pixels_per_unit < LABEL_PITCH for t in taken):
                dropped.append(value)
                continue
            taken.append(value)
            shown.append(value)
        kept.append((spacing, sorted(shown)))
    rest = dropped + [v for _, values in levels[2:] for v in values]
    return [*kept, (None, sorted(rest))] if rest else kept


def log_axis() -> LogAxis:
    """A left :class:`LogAxis` that labels only its main ticks (no crowded minor labels)."""
    axis = LogAxis("left")
    axis.setStyle(maxTextLevel=1)
    return axis


def style_log_plot(item: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    """A value per step on a log y axis: title, labels, a faint grid, no SI prefixes, and
    only the visible points drawn (downsampled), so long curves stay cheap to redraw."""
    item.setTitle(title, size="10pt")
    item.setLabel("bottom", x_label)
    item.setLabel("left", y_label)
    item.setLogMode(x=False, y=True)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    for side in ("bottom", "left"):
        item.getAxis(side).enableAutoSIPrefix(False)


def _round_log_ticks(low: float, high: float, most: int = 7) -> list[float]:
    """log10 of round values (1, 2 or 5 × 10^k apart, at most ``most`` of them) between
    ``10**low`` and ``10**high``."""
    lo, hi = 10.0 ** low, 10.0 ** high
    if not hi > lo:
        return []
    power = 10.0 ** math.floor(math.log10((hi - lo) / most))
    for step in (m * power for m in (1, 2, 5, 10, 20)):
        values = [k * step for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)]
        if len(values) <= most:
            return [math.log10(v) for v in values if v > 0]
    return []
