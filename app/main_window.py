"""DigitLab's main window: draw on the left, see what the network thinks on the right."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cnn_core.checkpoints import (
    Checkpoint,
    CheckpointError,
    load_bundled,
    load_checkpoint,
    make_metadata,
    save_checkpoint,
)
from cnn_core.models import DEFAULT_MODEL, create_model

from . import settings as prefs
from .inference import LiveInference
from .settings import Keys
from .widgets.canvas_panel import CanvasPanel
from .widgets.feature_map_view import FeatureMapView
from .widgets.kernel_view import KernelView
from .widgets.message_banner import MessageBanner
from .widgets.prediction_panel import PredictionPanel

try:  # the training tab is written separately; the window works without it
    from .widgets.training_panel import TrainingPanel
except ModuleNotFoundError as exc:  # only a missing module: a broken one must still fail loudly
    if exc.name != f"{__package__}.widgets.training_panel":
        raise
    TrainingPanel = None  # type: ignore[assignment,misc]

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)



class MainWindow(QMainWindow):
    """The one DigitLab window.

    Parameters
    ----------
    checkpoint
        The model to start with. When ``None`` the last model used (or the bundled one) is
        loaded as soon as the event loop runs, so that building the window never blocks.
    """

    model_changed = Signal(object)  # the canvas model was replaced (a Checkpoint)

    def __init__(self, checkpoint: Checkpoint | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("DigitLab"))
        self.settings = prefs.open_settings()
        self.model_path: Path | None = None

        self.canvas_panel = CanvasPanel(self)
        self.canvas = self.canvas_panel.canvas
        self.prediction_panel = PredictionPanel(self)
        self.feature_map_view = FeatureMapView(self)
        self.kernel_view = KernelView(self)
        self.training_panel = self._create_training_panel()
        self.banner = MessageBanner(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.modelStatusLabel = QLabel(self)
        self.modelStatusLabel.setObjectName("modelStatusLabel")

        self.inference = LiveInference(self.canvas.model_input, self)
        self._build_actions()
        self._build_menus()
        self._build_layout()
        self._connect()
        self._restore_settings()
        self.prediction_panel.show_message(self.tr("Loading model…"))
        if checkpoint is not None:
            self.set_model(checkpoint)
        else:
            QTimer.singleShot(0, self._load_startup_model)

    # ------------------------------------------------------------------ build
    def _create_training_panel(self) -> QWidget:
        # INTEGRATION POINT: TrainingPanel (app/widgets/training_panel.py, written by the
        # training side) gets the window so that it can call set_model / set_inspection_model.
        if TrainingPanel is None:
            placeholder = QLabel(self.tr("Training is not available in this build."), self)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return placeholder
        panel = TrainingPanel(self)
        panel.model_trained.connect(self.set_model)  # a run ended: the canvas uses its model
        panel.snapshot_ready.connect(self.set_inspection_model)  # live maps and kernels
        panel.message.connect(self._on_training_message)
        return panel

    def _on_training_message(self, level: str, text: str) -> None:
        if level == "info":
            self.banner.show_info(text)
        else:  # "warning" (divergence) and "error" stay until dismissed
            self.banner.show_error(text)

    def _action(self, text: str, slot: object, shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence
        self.openImageAction = self._action(self.tr("&Open image…"), self.open_image_dialog,
                                            key(key.StandardKey.Open))
        self.saveDrawingAction = self._action(self.tr("Save &drawing…"),
                                              self.save_drawing_dialog, key("Ctrl+Shift+S"))
        self.openModelAction = self._action(self.tr("Open &model…"), self.open_model_dialog,
                                            key("Ctrl+Shift+O"))
        self.saveModelAction = self._action(self.tr("&Save model…"), self.save_model_dialog,
                                            key(key.StandardKey.Save))
        self.quitAction = self._action(self.tr("&Quit"), self.close, key(key.StandardKey.Quit))
        style = self.style()
        self.openImageAction.setIcon(QIcon.fromTheme(
            "document-open", style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton)))
        self.saveDrawingAction.setIcon(QIcon.fromTheme(
            "document-save", style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton)))
        self.openImageAction.setIconText(self.tr("Open"))
        self.saveDrawingAction.setIconText(self.tr("Save"))
        self.openImageAction.setToolTip(self.tr("Open an image into the canvas (Ctrl+O)"))
        self.saveDrawingAction.setToolTip(self.tr("Save the drawing as an image"))
        panel = self.canvas_panel
        for action in (panel.undoAction, panel.redoAction, panel.pasteAction, panel.clearAction):
            self.addAction(action)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addActions([self.openImageAction, self.saveDrawingAction])
        file_menu.addSeparator()
        file_menu.addActions([self.openModelAction, self.saveModelAction])
        file_menu.addSeparator()
        file_menu.addAction(self.quitAction)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        panel = self.canvas_panel
        edit_menu.addActions([panel.undoAction, panel.redoAction])
        edit_menu.addSeparator()
        edit_menu.addActions([panel.pasteAction, panel.clearAction])

    def _build_layout(self) -> None:
        self.canvas_panel.add_file_actions(self.openImageAction, self.saveDrawingAction)
        self.tabs.addTab(self.training_panel, self.tr("Train"))
        self.tabs.addTab(self.feature_map_view, self.tr("Feature maps"))
        self.tabs.addTab(self.kernel_view, self.tr("Kernels"))
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.addWidget(self.prediction_panel)
        self.right_splitter.addWidget(self.tabs)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.addWidget(self.canvas_panel)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.modelStatusLabel)

    def _connect(self) -> None:
        self.canvas.changed.connect(self.inference.request)
        self.canvas.load_failed.connect(self.banner.show_error)
        self.canvas_panel.brushSlider.valueChanged.connect(
            lambda value: self.settings.setValue(Keys.BRUSH_WIDTH, value))
        self.inference.predicted.connect(self.prediction_panel.show_prediction)
        self.inference.activations_ready.connect(self.feature_map_view.set_activations)
        self.inference.kernels_ready.connect(self.kernel_view.set_kernels)
        self.inference.failed.connect(self._on_inference_failed)
        self.tabs.currentChanged.connect(self._on_tab_changed)

    # ----------------------------------------------------------------- models
    def checkpoint(self) -> Checkpoint | None:
        """The model the canvas predicts with (``None`` until it is loaded)."""
        return self.inference.checkpoint()

    def set_model(self, checkpoint: Checkpoint, path: str | Path | None = None) -> None:
        """Predict with ``checkpoint`` from now on; the current drawing is re-predicted at once.

        The training side calls this when a run ends. ``path`` is where it came from, if a file.
        """
        self.model_path = Path(path) if path is not None else None
        self.inference.set_checkpoint(checkpoint)
        self._describe_model(checkpoint)
        self.model_changed.emit(checkpoint)

    def set_inspection_model(self, checkpoint: Checkpoint | None) -> None:
        """Show a live training snapshot in the feature-map and kernel views (latest wins).

        ``None`` goes back to the canvas model.
        """
        self.inference.set_snapshot(checkpoint)
        source = (self.tr("Live: the model being trained") if checkpoint is not None
                  else self._model_source_text())
        self.feature_map_view.set_source(source)
        self.kernel_view.set_source(source)

    def open_model_file(self, path: str | Path) -> bool:
        """Load a model file and predict with it; a bad file shows a message, not a traceback."""
        try:
            checkpoint = load_checkpoint(path)
        except CheckpointError as exc:
            self.banner.show_error(self.tr("Could not open the model. {0}").format(exc))
            return False
        self.set_model(checkpoint, path)
        self.settings.setValue(Keys.LAST_MODEL, str(Path(path).resolve()))
        self.banner.show_info(self.tr("Opened model {0}.").format(Path(path).name))
        return True

    def save_model_file(self, path: str | Path) -> bool:
        """Save the canvas model; errors are shown in the window."""
        checkpoint = self.checkpoint()
        if checkpoint is None:
            return False
        try:
            save_checkpoint(path, checkpoint)
        except (OSError, CheckpointError) as exc:
            self.banner.show_error(self.tr("Could not save the model. {0}").format(exc))
            return False
        self.model_path = Path(path)
        self.settings.setValue(Keys.LAST_MODEL, str(Path(path).resolve()))
        self._describe_model(checkpoint)
        self.banner.show_info(self.tr("Saved model to {0}.").format(path))
        return True

    def _load_startup_model(self) -> None:
        last = prefs.read_str(self.settings, Keys.LAST_MODEL)
        if last and Path(last).is_file():
            try:
                self.set_model(load_checkpoint(last), last)
                return
            except CheckpointError as exc:
                self.banner.show_error(self.tr("Could not reopen the last model. {0}")
                                       .format(exc))
        try:
            checkpoint = load_bundled()
        except CheckpointError as exc:
            model = create_model(DEFAULT_MODEL)
            checkpoint = Checkpoint(model, make_metadata(model))
            self.banner.show_error(self.tr(
                "The bundled model could not be loaded ({0}). Using an untrained {1} model: "
                "train it in the Train tab or open a model file.").format(exc, DEFAULT_MODEL))
        self.set_model(checkpoint)

    def _model_source_text(self) -> str:
        checkpoint = self.checkpoint()
        return self.tr("Model: {0}").format(checkpoint.name) if checkpoint else ""

    def _describe_model(self, checkpoint: Checkpoint) -> None:
        accuracy = checkpoint.test_accuracy
        text = self.tr("Model: {0}").format(checkpoint.name)
        if accuracy is not None:
            text += self.tr(" · test accuracy {0:.2%}").format(accuracy)
        else:
            text += self.tr(" · not tested")
        if self.model_path is not None:
            text += f" · {self.model_path.name}"
        self.modelStatusLabel.setText(text)
        self.feature_map_view.set_source(self._model_source_text())
        self.kernel_view.set_source(self._model_source_text())

    def _on_inference_failed(self, message: str) -> None:
        self.banner.show_error(self.tr("The model failed on this drawing: {0}").format(message))

    # ------------------------------------------------------------------ files
    def _dialog_dir(self) -> str:
        return prefs.last_directory(self.settings)

    def _image_filter(self) -> str:
        return self.tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;"
                       "All files (*)")

    def _model_filter(self) -> str:
        return self.tr("DigitLab models (*.safetensors *.pt *.pth);;All files (*)")

    def open_image_dialog(self) -> None:
        """Ask for an image and load it into the canvas."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open image"), self._dialog_dir(),
                                              self._image_filter())
        if path:
            self.open_image_file(path)

    def open_image_file(self, path: str | Path) -> bool:
        """Load an image file into the canvas (scaled to fit) and predict it."""
        prefs.remember_directory(self.settings, path)
        return self.canvas.load_file(path)

    def save_drawing_dialog(self) -> None:
        """Ask where to save the drawing as an image."""
        start = str(Path(self._dialog_dir()) / "digit.png")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save drawing"), start,
                                              self._image_filter())
        if path:
            prefs.remember_directory(self.settings, path)
            if not self.canvas.save_file(path):
                self.banner.show_error(self.tr("Could not save the drawing to {0}.").format(path))

    def open_model_dialog(self) -> None:
        """Ask for a model file and predict with it."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open model"), self._dialog_dir(),
                                              self._model_filter())
        if path:
            prefs.remember_directory(self.settings, path)
            self.open_model_file(path)

    def save_model_dialog(self) -> None:
        """Ask where to save the canvas model."""
        name = self.model_path.name if self.model_path else "model.safetensors"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save model"),
                                              str(Path(self._dialog_dir()) / name),
                                              self._model_filter())
        if path:
            prefs.remember_directory(self.settings, path)
            self.save_model_file(path)

    # -------------------------------------------------------------- tabs, state
    def _on_tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        self.inference.set_wanted(maps=widget is self.feature_map_view,
                                  kernels=widget is self.kernel_view)
        self.settings.setValue(Keys.CURRENT_TAB, index)

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = prefs.read_bytes(s, Keys.GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        # First start: the canvas gets ~42 % of the width, the analysis the rest.
        self.main_splitter.setSizes([int(self.width() * 0.42), int(self.width() * 0.58)])
        for key, splitter in ((Keys.MAIN_SPLITTER, self.main_splitter),
                              (Keys.RIGHT_SPLITTER, self.right_splitter)):
            state = prefs.read_bytes(s, key)
            if state is not None:
                splitter.restoreState(state)
        width = prefs.read_int(s, Keys.BRUSH_WIDTH, self.canvas.brush_width())
        self.canvas_panel.brushSlider.setValue(width)
        tab = prefs.read_int(s, Keys.CURRENT_TAB, 0)
        self.tabs.setCurrentIndex(tab if 0 <= tab < self.tabs.count() else 0)
        self._on_tab_changed(self.tabs.currentIndex())

    def save_settings(self) -> None:
        """Remember geometry, splitters and the current tab."""
        self.settings.setValue(Keys.GEOMETRY, self.saveGeometry())
        self.settings.setValue(Keys.MAIN_SPLITTER, self.main_splitter.saveState())
        self.settings.setValue(Keys.RIGHT_SPLITTER, self.right_splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        shutdown = getattr(self.training_panel, "shutdown", None)
        if callable(shutdown):  # stop a running training thread and wait for it
            shutdown()
        self.save_settings()
        super().closeEvent(event)
