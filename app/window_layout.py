"""Where the window's parts sit, and the layout it remembers between runs.

Left: the model bar above the canvas. Right: the prediction panel above the tabs. The message
banner floats over the prediction panel's headline (it takes no row: nothing moves when it
comes or goes), the model's description sits in the status bar. :func:`restore` brings
back the size, the splitters, the brush width and the tab of last time; :func:`save` keeps
them (the brush width and the tab are saved as they change).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from . import settings as prefs
from .settings import Keys

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["build", "restore", "save"]


def build(window: MainWindow) -> None:
    """Lay the window's parts out (``window.main_splitter`` and ``window.right_splitter``)."""
    window.canvas_panel.add_file_actions(window.menus.openImageAction,
                                         window.menus.saveDrawingAction)
    right = window.right_splitter = QSplitter(Qt.Orientation.Vertical, window)
    right.addWidget(window.prediction_panel)
    right.addWidget(window.tabs)
    right.setStretchFactor(1, 1)
    right.setChildrenCollapsible(False)
    main = window.main_splitter = QSplitter(Qt.Orientation.Horizontal, window)
    left = QWidget(window)
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(window.model_bar)
    column.addWidget(window.canvas_panel, 1)
    main.addWidget(left)
    main.addWidget(right)
    main.setStretchFactor(0, 2)
    main.setStretchFactor(1, 3)
    main.setChildrenCollapsible(False)
    central = QWidget(window)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(4, 4, 4, 0)
    layout.addWidget(main, 1)
    window.setCentralWidget(central)
    window.banner.float_over(window.prediction_panel)  # over its headline: no control there
    window.statusBar().addPermanentWidget(window.model_bar.modelStatusLabel)


def restore(window: MainWindow) -> None:
    """Size, splitters, brush width and current tab as the window was left last time."""
    s = window.settings
    geometry = prefs.read_bytes(s, Keys.GEOMETRY)
    if geometry is None or not window.restoreGeometry(geometry):
        window.resize(1280, 800)
    # First start: the canvas gets ~42 % of the width, the analysis the rest.
    window.main_splitter.setSizes([int(window.width() * 0.42), int(window.width() * 0.58)])
    for key, splitter in ((Keys.MAIN_SPLITTER, window.main_splitter),
                          (Keys.RIGHT_SPLITTER, window.right_splitter)):
        state = prefs.read_bytes(s, key)
        if state is not None:
            splitter.restoreState(state)
    width = prefs.read_int(s, Keys.BRUSH_WIDTH, window.canvas.brush_width())
    window.canvas_panel.brushSlider.setValue(width)
    tab = prefs.read_int(s, Keys.CURRENT_TAB, 0)
    window.tabs.setCurrentIndex(tab if 0 <= tab < window.tabs.count() else 0)


def save(window: MainWindow) -> None:
    """Remember geometry, splitters and docks (written to disk now)."""
    s = window.settings
    s.setValue(Keys.GEOMETRY, window.saveGeometry())
    s.setValue(Keys.MAIN_SPLITTER, window.main_splitter.saveState())
    s.setValue(Keys.RIGHT_SPLITTER, window.right_splitter.saveState())
    s.setValue(Keys.WINDOW_STATE, window.saveState())  # the code dock: open or not, and where
    s.sync()
