"""The ``codeDock``: the code panel docked beside the tabs, tied to the Build tab.

The code sits in a dock rather than a tab because it is read *beside* the Build tab: pointing
at a layer's row lights its line in the code, clicking a line selects the row, and both must be
on screen at once. The dock opens on the right of the window (View ▸ Code, Ctrl+Shift+C), can
be moved to any side or floated to a window of its own, and comes back where it was left.

:func:`make_code_dock` builds it (a deferred part of the window) and :class:`CodeLink` ties the
panel to the builder (its network, its rows under the mouse, its selection), to the canvas
model, and to the Feature maps tab (a clicked line shows that layer's maps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Slot
from PySide6.QtWidgets import QDockWidget, QWidget

from cnn_core.models.architecture import module_names, normalise_spec

from . import settings as prefs
from .settings import Keys
from .widgets.code_view import BUILDER, CANVAS, CodePanel

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint

    from .builder.builder_view import ArchitectureBuilder
    from .main_window import MainWindow

__all__ = ["CodeLink", "make_code_dock"]


class CodeLink(QObject):
    """What the code panel and the rest of the window tell each other."""

    def __init__(self, window: MainWindow, builder: ArchitectureBuilder,
                 panel: CodePanel) -> None:
        super().__init__(panel)
        self._window, self._builder, self._panel = window, builder, panel
        self._checkpoint: Checkpoint | None = None
        builder.document.changed.connect(self._on_network_changed)
        builder.table.layer_hovered.connect(self._on_row_hovered)
        builder.table.layer_selected.connect(self._on_row_hovered)
        panel.layer_clicked.connect(self._on_line_clicked)
        panel.source_changed.connect(self._on_source_changed)
        panel.message.connect(window.show_message)
        window.model_changed.connect(self._on_model_changed)
        panel.set_builder_spec(builder.spec(), at_once=True)
        if window.checkpoint() is not None:
            self._on_model_changed(window.checkpoint())

    @Slot()
    def _on_network_changed(self) -> None:
        self._panel.set_builder_spec(self._builder.spec())

    @Slot(object)
    def _on_model_changed(self, checkpoint: Checkpoint) -> None:
        self._checkpoint = checkpoint
        self._panel.set_checkpoint(checkpoint)

    @Slot(str)
    def _on_source_changed(self, _source: str) -> None:
        self._on_row_hovered(-1)

    @Slot(int)
    def _on_row_hovered(self, index: int) -> None:
        """A row under the mouse lights its layer; off the rows, the selected one stays lit."""
        if index < 0:
            index = self._builder.table.current_layer()
        names = module_names(self._builder.spec())
        lit = 0 <= index < len(names) and self._rows_are_the_code()
        self._panel.highlight_layer(names[index] if lit else "")

    @Slot(str)
    def _on_line_clicked(self, name: str) -> None:
        names = module_names(self._builder.spec())
        if name in names and self._rows_are_the_code():
            self._builder.select_layer(names.index(name))
        checkpoint = self._checkpoint
        if checkpoint is None or not (self._panel.source() == CANVAS or self._same_as_canvas()):
            where = checkpoint.name if checkpoint is not None else self.tr("no model yet")
            self._panel.say(self.tr(
                "{0}: the feature maps come from the model on the canvas ({1}), which is not "
                "this network. Train it (Build ▸ Train this) to see its maps.").format(name, where))
            return
        view = self._window.feature_map_view
        view.show_layer(name)
        self._window.tabs.setCurrentWidget(view)

    def _rows_are_the_code(self) -> bool:
        """Whether the Build tab's rows are the layers of the code shown."""
        return self._panel.source() == BUILDER or self._same_as_canvas()

    def _same_as_canvas(self) -> bool:
        """Whether the Build tab's network is the canvas model's (same layers, same sizes)."""
        if self._checkpoint is None:
            return False
        try:
            return normalise_spec(self._builder.spec()) == normalise_spec(
                self._checkpoint.model.spec)
        except ValueError:  # the builder's network does not build
            return False


def make_code_dock(window: MainWindow) -> QWidget:
    """The code dock (a deferred part of the window): built hidden unless it was open when
    the window last closed (:func:`app.window_layout.save` keeps where it was)."""
    panel = CodePanel(window)
    dock = QDockWidget(QCoreApplication.translate("MainWindow", "Code"), window)
    dock.setObjectName("codeDock")
    dock.setWidget(panel)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    dock.hide()  # before it is added: a shown dock would widen the window to fit it
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    state = prefs.read_bytes(window.settings, Keys.WINDOW_STATE)
    if state is not None and window.restoreState(state):
        dock.setProperty("placed", dock.isVisible() or dock.isFloating())
    CodeLink(window, window.architecture_builder, panel)
    action = window.menus.showCodeAction
    dock.toggleViewAction().toggled.connect(action.setChecked)
    action.setChecked(dock.isVisible())
    return dock


def show_code(window: MainWindow, shown: bool) -> None:
    """Open (or close) the code dock. Opened for the first time, it docks on the right when
    the window has room for it beside the tabs (a 1920-pixel screen), and otherwise floats over
    the canvas's side of the window (the drawing is not needed while building)."""
    dock = window.code_dock
    if not shown:
        dock.hide()
        return
    if dock.isHidden() and not dock.isFloating() and not dock.property("placed"):
        room = window.width() - window.centralWidget().minimumSizeHint().width()
        if room >= _DOCKED_WIDTH:
            dock.show()
            text = dock.widget().text  # the layers' lines end with their shapes: ~96 columns
            whole = (text.fontMetrics().horizontalAdvance("M" * 96) + 16
                     + text.verticalScrollBar().sizeHint().width())
            window.resizeDocks([dock], [max(_DOCKED_WIDTH, min(room, whole))],
                               Qt.Orientation.Horizontal)
        else:
            dock.setFloating(True)  # over the canvas, below the model bar, up to the tabs
            corner = window.canvas_panel.mapToGlobal(QPoint(0, 0))
            right = window.tabs.mapToGlobal(QPoint(0, 0)).x() - 8
            bottom = window.mapToGlobal(QPoint(0, window.height())).y() - 8
            dock.setGeometry(corner.x(), corner.y(), max(480, right - corner.x()),
                             max(360, bottom - corner.y()))
        dock.setProperty("placed", True)
    dock.show()
    dock.raise_()


_DOCKED_WIDTH = 520  # pixels: a layer's line (about 70 characters) reads whole
