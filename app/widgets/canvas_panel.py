"""The drawing canvas with its toolbar: brush width, undo, redo, clear."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .canvas import DrawingCanvas

__all__ = ["CanvasPanel"]


class CanvasPanel(QWidget):
    """A :class:`DrawingCanvas` under a toolbar; owns the canvas's edit actions.

    The actions (``undoAction``, ``redoAction``, ``clearAction``, ``pasteAction``) carry the
    standard shortcuts; the main window puts the same actions in its Edit menu.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = DrawingCanvas(self)
        self.toolbar = QToolBar(self.tr("Canvas"), self)
        self.toolbar.setObjectName("canvasToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        self.undoAction = self._action(self.tr("Undo"), QKeySequence.StandardKey.Undo,
                                       self.canvas.undo, "edit-undo",
                                       QStyle.StandardPixmap.SP_ArrowBack)
        self.redoAction = self._action(self.tr("Redo"), QKeySequence("Ctrl+Shift+Z"),
                                       self.canvas.redo, "edit-redo",
                                       QStyle.StandardPixmap.SP_ArrowForward)
        self.redoAction.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.clearAction = self._action(self.tr("Clear"), QKeySequence(Qt.Key.Key_Delete),
                                        self.canvas.clear, "edit-clear",
                                        QStyle.StandardPixmap.SP_DialogResetButton)
        self.clearAction.setShortcuts([QKeySequence(Qt.Key.Key_Delete),
                                       QKeySequence(Qt.Key.Key_Backspace)])
        self.pasteAction = self._action(self.tr("Paste image"), QKeySequence.StandardKey.Paste,
                                        self.canvas.paste, "edit-paste",
                                        QStyle.StandardPixmap.SP_FileDialogContentsView)
        self.undoAction.setEnabled(False)
        self.redoAction.setEnabled(False)
        self.canvas.undo_available.connect(self.undoAction.setEnabled)
        self.canvas.redo_available.connect(self.redoAction.setEnabled)

        self.brushSlider = QSlider(Qt.Orientation.Horizontal, self)
        self.brushSlider.setObjectName("brushSlider")
        self.brushSlider.setRange(4, 48)
        self.brushSlider.setValue(self.canvas.brush_width())
        self.brushSlider.setMaximumWidth(260)
        self.brushSlider.setToolTip(self.tr("Brush width"))
        self.brushLabel = QLabel(self)
        self.brushSlider.valueChanged.connect(self._on_brush_changed)
        self._on_brush_changed(self.brushSlider.value())
        self._build_layout()

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey,
                slot: object, icon_name: str, fallback: QStyle.StandardPixmap) -> QAction:
        icon = QIcon.fromTheme(icon_name, self.style().standardIcon(fallback))
        action = QAction(icon, text, self)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    def _build_layout(self) -> None:
        self.toolbar.addAction(self.undoAction)
        self.toolbar.addAction(self.redoAction)
        self.toolbar.addAction(self.clearAction)
        brush_row = QHBoxLayout()
        brush_row.setContentsMargins(6, 0, 6, 0)
        brush_row.addWidget(QLabel(self.tr("Brush width"), self))
        brush_row.addWidget(self.brushSlider, 1)
        brush_row.addWidget(self.brushLabel)
        brush_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.toolbar)
        layout.addLayout(brush_row)
        layout.addWidget(self.canvas, 1)

    def add_file_actions(self, *actions: QAction) -> None:
        """Put the window's open/save actions at the start of the toolbar."""
        first = self.toolbar.actions()[0] if self.toolbar.actions() else None
        for action in actions:
            self.toolbar.insertAction(first, action)
        self.toolbar.insertSeparator(first)

    def _on_brush_changed(self, value: int) -> None:
        self.canvas.set_brush_width(value)
        self.brushLabel.setText(self.tr("{0} px").format(value))
