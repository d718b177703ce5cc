"""The window's menus and file actions: open and save images and models, quit; Help.

:class:`WindowActions` makes the actions (with their shortcuts), puts them in the menu bar and
runs the file dialogs. Opening and saving a model go through the window (the model library
decides what the canvas uses); problems are shown in the window's message banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle

from . import settings as prefs
from .file_dialogs import ask_open_path, ask_save_path, reporting_errors
from .help_menu import HelpMenu
from .language import say
from .model_export import ModelExport
from .settings import Keys

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .widgets.datasets_dialog import DatasetsDialog

__all__ = ["WindowActions"]


class WindowActions(QObject):
    """The File, Edit and Help menus of ``window`` and what their actions do."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._build_actions()
        self._build_menus()

    # ------------------------------------------------------------------ build
    def _action(self, text: str, slot: object, shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def _build_actions(self) -> None:
        window, key = self._window, QKeySequence
        self.openImageAction = self._action(self.tr("&Open image…"), self.open_image_dialog,
                                            key(key.StandardKey.Open))
        self.saveDrawingAction = self._action(self.tr("Save &drawing as image…"),
                                              self.save_drawing_dialog, key("Ctrl+Shift+S"))
        self.openModelAction = self._action(self.tr("Open &model…"), self.open_model_dialog,
                                            key("Ctrl+Shift+O"))
        self.saveModelAction = self._action(self.tr("&Save model…"), self.save_model_dialog,
                                            key(key.StandardKey.Save))
        self.modelExport = ModelExport(window)
        self.exportModelAction = self._action(self.tr("&Export model…"), self.modelExport.ask,
                                              key("Ctrl+Shift+E"))
        self.exportModelAction.setToolTip(self.tr(
            "Write the canvas model as an ONNX graph, a torch.export program or PyTorch code "
            "(Ctrl+Shift+E); each graph is checked against DigitLab"))
        self.datasetsAction = self._action(self.tr("Datasets and data &folder…"),
                                           self.show_datasets, key("Ctrl+Shift+D"))
        self.datasetsAction.setToolTip(self.tr(
            "Where datasets are kept; download Fashion-MNIST, KMNIST or EMNIST"))
        self.quitAction = self._action(self.tr("&Quit"), window.close, key(key.StandardKey.Quit))
        self.showCodeAction = self._action(self.tr("&Code"), self.show_code, key("Ctrl+Shift+C"))
        self.showCodeAction.setCheckable(True)
        self.showCodeAction.setToolTip(self.tr(
            "The PyTorch code of the network in the Build tab, beside the tabs (Ctrl+Shift+C)"))
        bar = window.model_bar
        for action in (bar.useBundledAction, bar.removeFromShelfAction):
            window.addAction(action)  # their shortcuts work anywhere in the window
        style = window.style()
        self.openImageAction.setIcon(QIcon.fromTheme(
            "document-open", style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton)))
        self.saveDrawingAction.setIcon(QIcon.fromTheme(
            "document-save", style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton)))
        # The toolbar's buttons say what they open and save: the drawing, not the model
        # (Ctrl+S, in the File menu, saves the model).
        self.openImageAction.setIconText(self.tr("Open image"))
        self.saveDrawingAction.setIconText(self.tr("Save drawing"))
        self.openImageAction.setToolTip(self.tr("Open an image into the canvas (Ctrl+O)"))
        self.saveDrawingAction.setToolTip(self.tr(
            "Save the drawing as an image (Ctrl+Shift+S); Ctrl+S saves the model"))
        self.openModelAction.setToolTip(self.tr("Predict with a model file (Ctrl+Shift+O)"))
        self.saveModelAction.setToolTip(self.tr(
            "Save the model the canvas uses to a file (Ctrl+S); the drawing is saved with "
            "Ctrl+Shift+S"))
        for action, name in ((self.openImageAction, "openImageAction"),
                             (self.saveDrawingAction, "saveDrawingAction"),
                             (self.openModelAction, "openModelAction"),
                             (self.saveModelAction, "saveModelAction"),
                             (self.datasetsAction, "datasetsAction"),
                             (self.exportModelAction, "exportModelAction"),
                             (self.quitAction, "quitAction"),
                             (self.showCodeAction, "showCodeAction")):
            action.setObjectName(name)
        panel = window.canvas_panel
        for action in (panel.undoAction, panel.redoAction, panel.pasteAction, panel.clearAction):
            window.addAction(action)

    def _build_menus(self) -> None:
        window, bar = self._window, self._window.model_bar
        file_menu = window.menuBar().addMenu(self.tr("&File"))
        file_menu.addActions([self.openImageAction, self.saveDrawingAction])
        file_menu.addSeparator()
        file_menu.addActions([self.openModelAction, self.saveModelAction,
                              self.exportModelAction])
        file_menu.addActions([bar.useBundledAction, bar.removeFromShelfAction])
        file_menu.addActions(bar.shelfExport.actions())  # the canvas model's run, taken out
        file_menu.addSeparator()
        file_menu.addAction(self.datasetsAction)
        file_menu.addSeparator()
        file_menu.addAction(self.quitAction)
        edit_menu = window.menuBar().addMenu(self.tr("&Edit"))
        panel = window.canvas_panel
        edit_menu.addActions([panel.undoAction, panel.redoAction])
        edit_menu.addSeparator()
        edit_menu.addActions([panel.pasteAction, panel.clearAction])
        view_menu = window.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.showCodeAction)
        self.help = HelpMenu(window)

    def set_model_actions_enabled(self, enabled: bool) -> None:
        """Model actions wait for the model side (the shelf too)."""
        for action in (self.openModelAction, self.saveModelAction, self.showCodeAction,
                       self.exportModelAction):
            action.setEnabled(enabled)
        self._window.model_bar.set_enabled(enabled)

    def show_code(self, shown: bool) -> None:
        """Open or close the code dock (:mod:`app.code_dock`)."""
        from .code_dock import show_code

        show_code(self._window, shown)

    def show_datasets(self) -> DatasetsDialog:
        """File ▸ Datasets and data folder…: one dialog, kept while the window lives (a
        download goes on while it is hidden behind the window)."""
        from .widgets.datasets_dialog import DatasetsDialog

        dialog = self._window.findChild(DatasetsDialog, "datasetsDialog")
        if dialog is None:
            dialog = DatasetsDialog(self._window)
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # ------------------------------------------------------------------ files
    def _image_filter(self) -> str:
        return self.tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;"
                       "All files (*)")

    def _model_filter(self) -> str:
        return self.tr("DigitLab models (*.safetensors *.pt *.pth);;All files (*)")

    def open_image_dialog(self) -> None:
        """Ask for an image and load it into the canvas."""
        path = ask_open_path(self._window, self.tr("Open image"), self._image_filter(),
                             settings=self._window.settings)
        if path is not None:
            self.open_image_file(path)

    def open_image_file(self, path: str | Path) -> bool:
        """Load an image file into the canvas (scaled to fit) and predict it."""
        prefs.remember_directory(self._window.settings, path)
        return self._window.canvas.load_file(path)

    def save_drawing_dialog(self) -> None:
        """Ask where to save the drawing as an image."""
        window = self._window
        chosen = ask_save_path(window, self.tr("Save drawing"), "digit.png",
                               self._image_filter(), settings=window.settings)
        if chosen is not None:
            path = chosen[0]
            if not window.canvas.save_file(path):
                window.banner.show_error(
                    self.tr("Could not save the drawing to {0}.").format(path))

    def open_model_dialog(self) -> None:
        """Ask for a model file and predict with it."""
        path = ask_open_path(self._window, self.tr("Open model"), self._model_filter(),
                             settings=self._window.settings)
        if path is not None:
            self.open_model_file(path)

    def save_model_dialog(self) -> None:
        """Ask where to save the canvas model."""
        window = self._window
        name = window.model_path.name if window.model_path else "model.safetensors"
        chosen = ask_save_path(window, self.tr("Save model"), name, self._model_filter(),
                               settings=window.settings)
        if chosen is not None:
            self.save_model_file(chosen[0])

    def open_model_file(self, path: str | Path) -> bool:
        """Load a model file and predict with it; a bad file shows a message, not a traceback.

        The file goes on the shelf (and is reopened from its path after a restart).
        """
        from cnn_core.checkpoints import CheckpointError, load_checkpoint

        window = self._window
        try:
            checkpoint = load_checkpoint(path)
        except CheckpointError as exc:
            window.banner.show_error(self.tr("Could not open the model. {0}").format(say(exc)))
            return False
        window.set_model(checkpoint, path)
        window.settings.setValue(Keys.LAST_MODEL, str(Path(path).resolve()))
        window.banner.show_info(self.tr("Opened model {0}.").format(Path(path).name))
        return True

    def save_model_file(self, path: str | Path) -> bool:
        """Save the canvas model; errors are shown in the window."""
        window = self._window
        checkpoint = window.checkpoint()
        if checkpoint is None:
            return False
        from cnn_core.checkpoints import CheckpointError, save_checkpoint

        with reporting_errors(window.banner, self.tr("Could not save the model. {0}").format,
                              CheckpointError):
            save_checkpoint(path, checkpoint)
            window.model_path = Path(path)
            window.settings.setValue(Keys.LAST_MODEL, str(Path(path).resolve()))
            window.describe_model(checkpoint)
            window.banner.show_info(self.tr("Saved model to {0}.").format(path))
            return True
        return False
