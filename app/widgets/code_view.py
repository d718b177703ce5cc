"""The ``codePanel``: the PyTorch code of a network, its layers' lines lit as you point.

It shows :func:`cnn_core.checkpoints.code_export.export_spec`'s source of the network in the
Build tab (regenerated a moment after each edit) or of the model on the canvas, in colour, in
a monospace font. :meth:`CodePanel.highlight_layer` lights the lines of one layer (the window
calls it as the mouse goes over the Build tab's rows); clicking a layer's line (or Enter on
it) emits ``layer_clicked`` with its module name. Copy (the button; Ctrl+C with nothing
selected) puts the whole file on the clipboard; Save… writes it as a ``.py`` file, atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import settings as prefs
from app.builder.spec_files import file_stem
from app.file_dialogs import ask_save_path
from cnn_core.checkpoints.code_export import ExportedCode, export_spec
from cnn_core.runtime.atomic_files import write_bytes_atomic

from ..language import say
from .naming import named
from .python_highlighter import PythonHighlighter, is_dark

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint

__all__ = ["BUILDER", "CANVAS", "CodePanel", "CodeText"]

BUILDER, CANVAS = "builder", "canvas"  # whose code the panel shows
REGENERATE_MS = 300  # the builder's edits come in bursts (a spin box held down): wait for a pause


class CodeText(QPlainTextEdit):
    """Read-only source with layer lines that light up and answer a click."""

    line_clicked = Signal(int)  # 0-based line number
    line_hovered = Signal(int)  # 0-based line number, −1 when the mouse leaves

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeView")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)  # where the system names none
        font.setFixedPitch(True)
        self.setFont(font)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.highlighter = PythonHighlighter(self.document(), is_dark(self.palette()))
        self._press: QPoint | None = None

    def line_at(self, point: QPoint) -> int:
        """The 0-based line under a viewport point."""
        return self.cursorForPosition(point).blockNumber()

    def line_rect_centre(self, line: int) -> QPoint:
        """A viewport point in the middle of ``line``'s text (for tests and tooltips)."""
        block = self.document().findBlockByNumber(line)
        rect = self.blockBoundingGeometry(block).translated(self.contentOffset())
        width = self.fontMetrics().horizontalAdvance(block.text().rstrip()[:40])
        return QPoint(int(rect.left()) + 4 + width // 2, int(rect.center().y()))

    def show_lines(self, lines: list[int], colour: QColor) -> None:
        """Light ``lines`` (whole width) in ``colour``; none when empty. The first is scrolled
        into view if it is not in view."""
        selections = []
        for line in lines:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(colour)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(self.document().findBlockByNumber(line))
            selections.append(selection)
        self.setExtraSelections(selections)
        if lines:
            self._scroll_to(lines[0], lines[-1])

    def lit_lines(self) -> list[int]:
        """The lines lit now."""
        return [s.cursor.blockNumber() for s in self.extraSelections()]

    def _scroll_to(self, first: int, last: int) -> None:
        bar = self.verticalScrollBar()  # in lines: a plain text edit scrolls by blocks
        visible = max(1, self.viewport().height() // max(1, self.fontMetrics().lineSpacing()))
        if first < bar.value() or last >= bar.value() + visible - 1:
            # the layer near the top, a few lines of context above it, its last line in view
            bar.setValue(max(0, first - 3 if last - first < visible - 5 else first - 1))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_dark(is_dark(self.palette()))
        super().changeEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.line_hovered.emit(self.line_at(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.line_hovered.emit(-1)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point, press = event.position().toPoint(), self._press
        self._press = None
        # a click, not the end of a drag that selected text
        if (event.button() == Qt.MouseButton.LeftButton and press is not None
                and (point - press).manhattanLength() < 4 and not self.textCursor().hasSelection()):
            self.line_clicked.emit(self.line_at(point))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and not self.textCursor().hasSelection():
            QGuiApplication.clipboard().setText(self.toPlainText())  # nothing chosen: all of it
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # the keyboard's click
            self.line_clicked.emit(self.textCursor().blockNumber())
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class CodePanel(QWidget):
    """The code of the Build tab's network or of the canvas model, with Copy and Save…."""

    layer_clicked = Signal(str)  # module name of the layer whose line was clicked
    source_changed = Signal(str)  # BUILDER or CANVAS: whose code is shown
    message = Signal(str, str)  # level, text (saved; could not save)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codePanel")
        self.settings = prefs.open_settings()
        self._code: ExportedCode | None = None
        self._last: dict[str, tuple[ExportedCode, str]] = {}  # source → last code that built
        self._name = "custom"
        self._spec: dict[str, Any] | None = None  # the builder's network, waiting for a pause
        self._checkpoint: Checkpoint | None = None
        self._lit = ""
        self._hovered = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REGENERATE_MS)
        self._timer.timeout.connect(self.regenerate)
        self._build()

    def _build(self) -> None:
        self.sourceCombo = named(QComboBox(self), "codeSourceCombo", self.tr(
            "Whose code to show: the network being built in the Build tab, or the model "
            "the canvas uses (with its input normalisation and class names)"))
        self.sourceCombo.addItem(self.tr("Network in Build"), BUILDER)
        self.sourceCombo.addItem(self.tr("Model on the canvas"), CANVAS)
        self.sourceCombo.currentIndexChanged.connect(self._on_source)
        # narrow enough to dock beside the tabs of a 1280-pixel window without widening it
        self.sourceCombo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sourceCombo.setMinimumContentsLength(8)
        self.copyButton = named(QPushButton(self.tr("Copy"), self), "codeCopyButton",
                                self.tr("Copy the whole file to the clipboard (Ctrl+C in the code "
                                        "copies the selection, or everything when none)"))
        self.saveButton = named(QPushButton(self.tr("Save…"), self), "codeSaveButton",
                                self.tr("Save the code as a .py file that needs only torch"))
        for button in (self.copyButton, self.saveButton):
            button.setAutoDefault(False)
        self.copyButton.clicked.connect(self.copy)
        self.saveButton.clicked.connect(self.save_dialog)
        self.statusLabel = named(QLabel(self), "codeStatusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text = CodeText(self)
        self.text.setToolTip(self.tr("Point at a layer's row in the Build tab to light its line "
                                     "here; click a layer's line to select its row and see its "
                                     "feature maps"))
        self.text.line_clicked.connect(self._on_line_clicked)
        self.text.line_hovered.connect(self._on_line_hovered)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.sourceCombo, 1)
        bar.addWidget(self.copyButton)
        bar.addWidget(self.saveButton)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(bar)
        column.addWidget(self.statusLabel)
        column.addWidget(self.text, 1)

    # ------------------------------------------------------------------ input
    def source(self) -> str:
        """Whose code is shown: :data:`BUILDER` or :data:`CANVAS`."""
        return str(self.sourceCombo.currentData())

    def set_source(self, source: str) -> None:
        """Show the code of the Build tab's network (:data:`BUILDER`) or the canvas model."""
        self.sourceCombo.setCurrentIndex(max(0, self.sourceCombo.findData(source)))

    def set_builder_spec(self, spec: dict[str, Any], at_once: bool = False) -> None:
        """The Build tab's network changed: its code follows after a short pause in the edits
        (at once with ``at_once``)."""
        self._spec = spec
        if self.source() == BUILDER:
            self._timer.start(0 if at_once else REGENERATE_MS)

    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """The canvas uses ``checkpoint`` now."""
        self._checkpoint = checkpoint
        if self.source() == CANVAS:
            self.regenerate()

    def _on_source(self) -> None:
        self.regenerate()
        self.source_changed.emit(self.source())

    def regenerate(self) -> None:
        """Write the code of the shown network now (a network that does not build keeps the
        last code that did, and says why)."""
        self._timer.stop()
        if self.source() == CANVAS:
            ck = self._checkpoint
            if ck is None:
                self._show_problem(self.tr("No model on the canvas yet."))
                return
            self._show(export_spec(ck.model.spec, source=ck.name, mean=ck.mean, std=ck.std,
                                   classes=list(ck.classes)),
                       self.tr("The model on the canvas: {0}").format(ck.name), ck.name, CANVAS)
            return
        if self._spec is None:
            self._show_problem(self.tr("The Build tab has no network yet."))
            return
        name = str(self._spec.get("name", "custom"))
        try:
            code = export_spec(self._spec)
        except ValueError as exc:  # SpecError: the stack does not build (yet)
            self._show_problem(self.tr("{0} does not build: {1} The code below is the last one "
                                       "that did.").format(name, say(exc)))
            return
        self._show(code, self.tr("The network in the Build tab: {0}").format(name), name, BUILDER)

    def _show(self, code: ExportedCode, status: str, name: str, source: str) -> None:
        self._last[source] = (code, name)
        self._name = name
        self.statusLabel.setText(status)
        self.statusLabel.setStyleSheet("")
        self.copyButton.setEnabled(True)
        self.saveButton.setEnabled(True)
        if self._code is not None and code.text == self._code.text:
            self._code = code
            return
        bar = self.text.verticalScrollBar()
        keep = bar.value() if self._code is not None else None
        self._code = code
        self.text.setPlainText(code.text)
        if keep is None:  # the first code: start at the class, the part people read
            keep = max(0, code.text.splitlines().index("class Net(nn.Module):") - 1)
        bar.setValue(keep)
        self._light()

    def _show_problem(self, text: str) -> None:
        """Say what is wrong, over the last code of the shown source that built (none if
        none did: not the other source's code)."""
        last = self._last.get(self.source())
        if last is None:
            self._code = None
            self.text.setPlainText("")
        elif self._code is None or last[0].text != self._code.text:
            self._code, self._name = last
            self.text.setPlainText(self._code.text)
            self._light()
        self.statusLabel.setText(text)
        red = "#ff7b72" if is_dark(self.palette()) else "#b00020"  # readable on either
        self.statusLabel.setStyleSheet(f"color: {red}; font-weight: bold;")
        has_code = self._code is not None
        self.copyButton.setEnabled(has_code)
        self.saveButton.setEnabled(has_code)

    # ------------------------------------------------------------------ layers
    def code(self) -> ExportedCode | None:
        """The code shown (``None`` before any network built)."""
        return self._code

    def layer_names(self) -> list[str]:
        """The module names of the shown code's layers, in order."""
        return [layer.name for layer in self._code.layers] if self._code else []

    def highlight_layer(self, name: str) -> list[int]:
        """Light the lines of the layer called ``name`` (``features.conv1``); '' or a name the
        code does not have: none. Returns the lines lit."""
        self._lit = name
        return self._light()

    def _light(self) -> list[int]:
        name = self._hovered or self._lit
        lines: list[int] = []
        if self._code is not None and name in self.layer_names():
            lines = self._code.layers[self.layer_names().index(name)].lines()
        colour = QColor(self.palette().color(self.palette().ColorRole.Highlight))
        colour.setAlpha(70 if self._hovered else 110)
        self.text.show_lines(lines, colour)
        return lines

    def _layer_of(self, line: int) -> str:
        if self._code is None:
            return ""
        index = self._code.layer_at(line)
        return self._code.layers[index].name if index >= 0 else ""

    def _on_line_hovered(self, line: int) -> None:
        name = self._layer_of(line) if line >= 0 else ""
        self.text.viewport().setCursor(Qt.CursorShape.PointingHandCursor if name
                                       else Qt.CursorShape.IBeamCursor)
        if name != self._hovered:
            self._hovered = name
            self._light()

    def _on_line_clicked(self, line: int) -> None:
        name = self._layer_of(line)
        if name:
            self._lit = name
            self._light()
            self.layer_clicked.emit(name)

    def say(self, text: str) -> None:
        """A line about the last click (e.g. why no feature maps are shown)."""
        self.statusLabel.setText(text)
        self.statusLabel.setStyleSheet("")

    # ------------------------------------------------------------------ files
    def copy(self) -> None:
        """Put the whole code on the clipboard."""
        if self._code is not None:
            QGuiApplication.clipboard().setText(self._code.text)
            self.message.emit("info", self.tr("Copied the code of {0}").format(self._name))

    def save_dialog(self) -> None:
        """Ask where to save the code."""
        if self._code is None:
            return
        chosen = ask_save_path(self, self.tr("Save PyTorch code"), f"{file_stem(self._name)}.py",
                               self.tr("Python files (*.py);;All files (*)"),
                               settings=self.settings)
        if chosen is not None:
            self.save(chosen[0])

    def save(self, path: str | Path) -> bool:
        """Write the code to ``path`` (atomically: a crash leaves the old file or the new)."""
        if self._code is None:
            return False
        try:
            write_bytes_atomic(Path(path), self._code.text.encode("utf-8"))
        except OSError as exc:
            self.message.emit("error", self.tr("Could not save the code: {0}").format(exc))
            return False
        self.message.emit("info", self.tr("Saved the code to {0}").format(Path(path).name))
        return True
