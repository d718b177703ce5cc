"""Parts of the window built after it answers the canvas: one per event-loop turn, or on demand.

At start-up the tab bar shows every tab's title at once, each page a light placeholder. Once
the model side is there, :meth:`DeferredParts.start_stepping` builds the parts one per turn of
the event loop (the current tab first, then in order), so that a stroke drawn meanwhile is
answered between two parts instead of after all of them; while a mouse button is held (a
stroke under way) no part is built at all. A part that somebody needs sooner
(its tab is chosen, code reads it) is built at once by :meth:`DeferredParts.widget`. A built
tab page replaces its placeholder at the same index; the current tab stays current.

A part is a tab page (it has a title) or another widget of the window (no title).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

__all__ = ["HELD_RETRY_MS", "PLACEHOLDER_NAME", "DeferredPart", "DeferredParts"]

PLACEHOLDER_NAME = "pendingTabPage"  # objectName of a page not built yet
HELD_RETRY_MS = 50  # while a mouse button is held, the next part waits this long and looks again


@dataclass
class _Part:
    name: str
    build: Callable[[], QWidget]
    title: str | None  # None: not a tab page
    placeholder: QLabel | None = None
    widget: QWidget | None = None


class DeferredPart:
    """A class attribute that is one of an object's deferred parts: built when first read.

    The object keeps its :class:`DeferredParts` as ``_parts`` (the window does). Before the
    parts are enabled it raises :class:`AttributeError` (as a missing attribute).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: object | None, owner: type | None = None) -> QWidget:
        if obj is None:
            return self  # type: ignore[return-value]
        return obj._parts.widget(self.name)  # type: ignore[attr-defined]


class DeferredParts(QObject):
    """The window's deferred parts, in the order they are added.

    Parameters
    ----------
    tabs
        The tab widget that the titled parts are pages of (added at its end, in order).
    placeholder_text
        What a page that is not built yet says.
    """

    built = Signal(str)  # a part's name, right after it was built (and put in its tab)
    all_built = Signal()

    def __init__(self, tabs: QTabWidget, placeholder_text: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tabs = tabs
        self._text = placeholder_text
        self._parts: dict[str, _Part] = {}
        self._enabled = False
        self._stepping = False
        self._stopped = False
        self._building: set[str] = set()
        self.seconds: dict[str, float] = {}  # how long each part took to build (GUI thread)

    # ------------------------------------------------------------------ parts
    def add(self, name: str, build: Callable[[], QWidget], title: str | None = None) -> None:
        """Register a part; a titled one gets its placeholder tab now."""
        part = _Part(name, build, title)
        if title is not None:
            part.placeholder = QLabel(self._text, self._tabs)
            part.placeholder.setObjectName(PLACEHOLDER_NAME)
            part.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._tabs.addTab(part.placeholder, title)
        self._parts[name] = part

    def names(self) -> list[str]:
        """Every part's name, in order."""
        return list(self._parts)

    def built_part(self, name: str) -> QWidget | None:
        """The part ``name`` if it has been built, else ``None`` (never builds it)."""
        return self._parts[name].widget

    def pending(self) -> list[str]:
        """The parts not built yet, in the order they will be built."""
        order = list(self._parts.values())
        current = self._part_at(self._tabs.currentIndex())
        if current is not None:  # the tab on show comes first
            order.remove(current)
            order.insert(0, current)
        return [part.name for part in order if part.widget is None]

    def all_done(self) -> bool:
        """Whether every part has been built."""
        return all(part.widget is not None for part in self._parts.values())

    # --------------------------------------------------------------- building
    def enable(self) -> None:
        """Allow building (the model side the parts need exists)."""
        self._enabled = True

    def widget(self, name: str) -> QWidget:
        """The part ``name``, built now if it was not yet.

        Raises
        ------
        AttributeError
            Before :meth:`enable`: the part cannot be built yet (nor after :meth:`stop`).
        """
        part = self._parts[name]
        if part.widget is None:
            if not self._enabled or self._stopped:
                raise AttributeError(f"{name} is built once the model is loaded")
            self._build(part)
        return part.widget

    def build_page(self, index: int) -> None:
        """Build the tab page at ``index`` now if it is a placeholder (and building is on)."""
        part = self._part_at(index)
        if part is not None and part.widget is None and self._enabled and not self._stopped:
            self._build(part)

    def build_all(self) -> None:
        """Build every part now, in order."""
        for name in self.pending():
            self.widget(name)

    def start_stepping(self) -> None:
        """Build the remaining parts one per event-loop turn."""
        if not self._stepping and not self._stopped:
            self._stepping = True
            QTimer.singleShot(0, self._step)

    def stop(self) -> None:
        """Build nothing more (the window is closing)."""
        self._stopped = True

    def _step(self) -> None:
        if self._stopped:
            return
        if QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            # A stroke (or a drag) is under way: no part is built until the button is up, so
            # every mouse move of it is answered at once.
            QTimer.singleShot(HELD_RETRY_MS, self._step)
            return
        pending = self.pending()
        if pending:
            self.widget(pending[0])
        if len(pending) > 1:
            QTimer.singleShot(0, self._step)

    def _part_at(self, index: int) -> _Part | None:
        page = self._tabs.widget(index)
        for part in self._parts.values():
            if page is not None and page in (part.placeholder, part.widget):
                return part
        return None

    def _build(self, part: _Part) -> None:
        if part.name in self._building:
            raise RuntimeError(f"building {part.name} needs {part.name} itself")
        self._building.add(part.name)
        start = time.perf_counter()
        try:
            widget = part.build()
        finally:
            self._building.discard(part.name)
        if part.placeholder is not None:
            self._swap_in(part, widget)
        part.widget = widget
        self.seconds[part.name] = time.perf_counter() - start
        self.built.emit(part.name)
        if self.all_done():
            self.all_built.emit()

    def _swap_in(self, part: _Part, widget: QWidget) -> None:
        """Put ``widget`` where the placeholder of ``part`` is; the current tab stays."""
        tabs, placeholder = self._tabs, part.placeholder
        index = tabs.indexOf(placeholder)
        current = tabs.currentIndex()
        blocked = tabs.blockSignals(True)  # the tab on show does not change
        try:
            tabs.insertTab(index, widget, tabs.tabText(index))
            tabs.removeTab(index + 1)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(blocked)
        part.placeholder = None
        placeholder.deleteLater()
