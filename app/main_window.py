"""DigitLab's main window: draw on the left, see what the network thinks on the right."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSlider,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from . import background, model_loader
from . import settings as prefs
from .deferred_parts import DeferredParts
from .settings import Keys
from .widgets.canvas_panel import CanvasPanel
from .widgets.message_banner import MessageBanner
from .widgets.prediction_panel import PredictionPanel
from .widgets.tab_bar import fit_tab_bar

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint

    from .models import ModelLibrary, ShelfEntry

# Only modules that do not import torch are imported above: the window shows before torch
# is loaded. Modules that need it are imported where they are used: the model library and
# live inference in `_build_core`, once the background load has imported torch; every tab in
# its own `_make_*` method, when the tab is built.

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)

# What a model that does not answer with digits answers with, by dataset.
_ANSWERS = {"fashion_mnist": "clothing classes", "kmnist": "Japanese characters (Kuzushiji)"}


class _LoadRelay(QObject):
    """Brings "the background load has finished" from the loader thread to the GUI thread.

    One signal, once, instead of a polling timer: every GUI wake-up during the import also
    takes the GIL from the loader. On the loaded 2-core machine the first prediction with a
    15 ms poll was 13 % later than before the background load (26.5 vs 23.4 s at loadavg
    11-16); with this signal 3 % (12.9 vs 12.5 s at 11-12), within the spread.
    """

    finished = Signal()
    tab_modules_imported = Signal()  # the second background import (the tabs' modules) ended


_relay: _LoadRelay | None = None


def _load_relay() -> _LoadRelay:
    """The process's relay: made in the GUI thread, never deleted (the loader may emit late)."""
    global _relay
    if _relay is None:
        _relay = _LoadRelay()
    return _relay


def _torch_imported() -> bool:
    """Whether torch is imported completely (not merely being imported by another thread)."""
    module = sys.modules.get("torch")
    spec = getattr(module, "__spec__", None)
    return module is not None and not getattr(spec, "_initializing", False)


class _DeferredPart:
    """A window attribute that is one of its deferred parts: built when first read.

    Before the model side exists it raises :class:`AttributeError` (as a missing attribute).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, window: MainWindow | None, owner: type | None = None) -> QWidget:
        if window is None:
            return self  # type: ignore[return-value]
        return window._parts.widget(self.name)


class MainWindow(QMainWindow):
    """The one DigitLab window.

    The window is built in three steps so that it shows before torch is imported and answers
    the canvas as soon as it can: first the canvas, the prediction panel, the model bar, menus,
    layout and the tab bar with a placeholder page per tab (no torch); then, once
    :mod:`app.model_loader` has imported torch and loaded the bundled model in a background
    thread, the core of the model side: the model library and live inference, which answer
    the canvas at once (``inference_ready``; a drawing made meanwhile is predicted then); last,
    once a second thread has imported the tabs' modules, the tabs and the saliency controls
    (:class:`~app.deferred_parts.DeferredParts`), one per event-loop turn with the tab on show
    first, so that strokes are answered between them. A tab that is chosen, or a part that code
    reads (``window.training_panel``, ``window.evaluate_view``, …), is built at once.
    ``ready`` is emitted (and :meth:`is_ready` turns true) when everything is built;
    ``model_changed`` when a model is put in use.

    Parameters
    ----------
    checkpoint
        The model to start with. When ``None`` the shelf's canvas model from last time (or
        the bundled one) is loaded as soon as the event loop runs, so that building the
        window never blocks.
    library
        The models and runs (default: a :class:`~app.models.ModelLibrary` over the user data
        folder, restored from disk).
    background
        Build the model side after a background load (``True``) or at once (``False``).
        ``None`` (the default): in the background while torch is not (completely) imported
        yet and neither ``checkpoint`` nor ``library`` is given.
    """

    model_changed = Signal(object)  # the canvas model was replaced (a Checkpoint)
    inference_ready = Signal()  # the library and live inference exist: the canvas is answered
    part_built = Signal(str)  # a deferred part (a tab, the saliency controls) was built: its name
    ready = Signal()  # the whole model side (library, inference, every tab) has been built

    # The deferred parts (see `_add_parts`): built on first use, or in their turn.
    saliency_controls = _DeferredPart()
    training_panel = _DeferredPart()
    feature_map_view = _DeferredPart()
    kernel_view = _DeferredPart()
    compare_view = _DeferredPart()
    perturbation_view = _DeferredPart()
    evaluate_view = _DeferredPart()
    architecture_builder = _DeferredPart()
    conv_explorer = _DeferredPart()
    handwriting_coach = _DeferredPart()
    kernel_learner = _DeferredPart()
    dataset_browser = _DeferredPart()

    def __init__(self, checkpoint: Checkpoint | None = None,
                 parent: QWidget | None = None, library: ModelLibrary | None = None,
                 background: bool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("DigitLab"))
        self.settings = prefs.open_settings()
        self.model_path: Path | None = None
        self._replay_points: list = []
        self._ready = False  # everything is built
        self._core_ready = False  # the library and live inference exist
        self._closing = False
        self._preloaded: object = None  # what the background load returned
        self._load: model_loader.BackgroundLoad | None = None
        self._load_started = False  # once: a failed load is not tried again
        self.build_seconds: dict[str, float] = {}  # GUI-thread blocks of the build, by name

        self.canvas_panel = CanvasPanel(self)
        self.canvas = self.canvas_panel.canvas
        self.prediction_panel = PredictionPanel(self)
        self.banner = MessageBanner(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        fit_tab_bar(self.tabs)  # every tab in view, no scroll arrows
        self._parts = DeferredParts(self.tabs, self.tr("Loading this tab…"), self)
        self._add_parts()
        self._parts.built.connect(self._on_part_built)
        self._parts.all_built.connect(self._on_all_built)
        self._build_model_bar()
        self.modelStatusLabel = QLabel(self)
        self.modelStatusLabel.setObjectName("modelStatusLabel")
        self._build_actions()
        self._build_menus()
        self._build_layout()
        self._connect_shell()
        self._restore_settings()
        self._restore_tab()
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.prediction_panel.show_message(self.tr("Loading model…"))
        if background is None:
            background = checkpoint is None and library is None and not _torch_imported()
        if background:
            self._set_model_actions_enabled(False)
            self.modelStatusLabel.setText(self.tr("Loading PyTorch and the model…"))
            if model_loader.started():  # e.g. a second window: the load is under way
                self._start_load()
            # else paintEvent starts it: imported alongside, torch (holding the GIL and the
            # numpy import) delayed the first paint from 2.3-3.7 s to 7-22 s on a loaded machine.
            return
        self._build_core(library)
        self._parts.build_all()
        if checkpoint is not None:
            self.set_model(checkpoint)
        else:
            QTimer.singleShot(0, self._load_startup_model)

    # --------------------------------------------------------------- start-up
    def is_ready(self) -> bool:
        """Whether the whole model side (library, inference, every tab) exists."""
        return self._ready

    def answers_canvas(self) -> bool:
        """Whether live inference exists (the canvas is answered; tabs may still be pending)."""
        return self._core_ready

    def pending_parts(self) -> list[str]:
        """The deferred parts (tabs, saliency controls) not built yet, in building order."""
        return self._parts.pending()

    def wait_until_ready(self, timeout_ms: int = 60_000) -> bool:
        """Run the event loop until :meth:`is_ready` and a model is in use (for tests and
        scripts); ``False`` if that took longer than ``timeout_ms``."""
        import time

        from PySide6.QtCore import QCoreApplication, QEventLoop

        end = time.monotonic() + timeout_ms / 1000
        while not (self._ready and self.checkpoint() is not None):
            if time.monotonic() > end:
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self._load is not None and not self._ready:
                self._load.wait(0.005)
        return True

    def _start_load(self) -> None:
        if not self._load_started and not self._core_ready:
            self._load_started = True
            self._load = model_loader.start()
            relay = _load_relay()
            relay.finished.connect(self._on_load_finished)  # queued from the loader thread
            self._load.add_done_callback(relay.finished.emit)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._core_ready and not self._load_started:
            # The first frame is on screen: now the import may compete with the GUI thread.
            QTimer.singleShot(0, self._start_load)

    def _on_load_finished(self) -> None:
        if self._load is None or not self._load.done():  # closed meanwhile, or another load
            return
        try:
            self._preloaded = self._load.result()
        except Exception as exc:  # torch itself failed to import: say so, in one line
            log.exception("loading torch and the model failed")
            self.prediction_panel.show_message(self.tr("The model could not be loaded."))
            self.banner.show_error(self.tr("Could not load PyTorch or the model: {0}: {1}")
                                   .format(type(exc).__name__, exc))
            return
        finally:
            self._load = None
        start = time.perf_counter()
        self._build_core(None)
        self._set_model_actions_enabled(True)
        self._load_startup_model()  # the drawing made meanwhile is predicted now
        self.build_seconds["core"] = time.perf_counter() - start
        # Then the tabs: their modules are imported behind the window first.
        relay = _load_relay()
        relay.tab_modules_imported.connect(self._on_tab_modules_imported)  # twice: harmless
        model_loader.start_tab_imports().add_done_callback(relay.tab_modules_imported.emit)

    def _on_tab_modules_imported(self) -> None:
        if self._closing:
            return
        imports = model_loader.start_tab_imports()
        if imports.done():
            try:
                imports.result()
            except Exception:  # each tab imports its module again when built, and fails loudly
                log.exception("importing the tabs' modules in the background failed")
        self._parts.start_stepping()

    def _build_core(self, library: ModelLibrary | None) -> None:
        """The part of the model side that answers the canvas: the library and inference."""
        from .analysis_worker import AnalysisWorker
        from .inference import LiveInference
        from .models import ModelLibrary

        if library is None:
            library = ModelLibrary(parent=self)
            self._saved_canvas_key = library.restore()
        else:  # already restored by its owner
            canvas = library.canvas_entry()
            self._saved_canvas_key = canvas.key if canvas is not None else ""
        self.library = library
        self.inference = LiveInference(self.canvas.model_input, self)
        self.analysis = AnalysisWorker(self)  # saliency, sweeps, adversarial search
        self._connect_core()
        self._core_ready = True
        self._parts.enable()
        self._fill_shelf()
        self.inference_ready.emit()

    def _on_part_built(self, name: str) -> None:
        self.build_seconds[name] = self._parts.seconds[name]
        if self._parts.built_part(name) is self.tabs.currentWidget():
            self._update_tab_views()
        self.part_built.emit(name)

    def _on_all_built(self) -> None:
        self._ready = True
        self.ready.emit()

    # ------------------------------------------------------------------ build
    def _create_training_panel(self) -> QWidget:
        # INTEGRATION POINT: TrainingPanel (app/widgets/training_panel.py, written by the
        # training side) gets the window so that it can call set_model / set_inspection_model.
        try:  # the training tab is written separately; the window works without it
            from .widgets.training_panel import TrainingPanel
        except ModuleNotFoundError as exc:  # only a missing module: a broken one must fail loudly
            if exc.name != f"{__package__}.widgets.training_panel":
                raise
            placeholder = QLabel(self.tr("Training is not available in this build."), self)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return placeholder
        panel = TrainingPanel(self.library, self)
        panel.snapshot_ready.connect(self.set_inspection_model)  # live maps and kernels
        panel.message.connect(self._on_training_message)
        return panel

    def _train_built_spec(self, spec: dict) -> None:
        """"Train this" in the builder: the spec becomes the Train tab's model."""
        panel = self.training_panel
        if not hasattr(panel, "form") or panel.is_running():
            self.banner.show_error(self.tr("A run is in progress; stop it to train this one."))
            return
        panel.form.use_spec(spec)
        self.tabs.setCurrentWidget(panel)

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
        self.useBundledAction = self._action(self.tr("Use the &bundled model"),
                                             self.use_bundled_model, key("Ctrl+B"))
        self.useBundledAction.setObjectName("useBundledAction")
        self.useBundledAction.setIconText(self.tr("Bundled"))
        self.useBundledAction.setToolTip(self.tr(
            "Predict with the model that ships with DigitLab again (Ctrl+B)"))
        self.useBundledButton.setDefaultAction(self.useBundledAction)
        self.removeFromShelfAction = self._action(self.tr("&Remove model from shelf"),
                                                  self.remove_canvas_model)
        self.removeFromShelfAction.setObjectName("removeFromShelfAction")
        self.removeFromShelfAction.setToolTip(self.tr(
            "Take the current model off the shelf (a run's files are deleted); the canvas "
            "goes back to the bundled model"))
        self.modelShelf.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.modelShelf.addActions([self.useBundledAction, self.removeFromShelfAction])
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
        file_menu.addActions([self.useBundledAction, self.removeFromShelfAction])
        file_menu.addSeparator()
        file_menu.addAction(self.quitAction)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        panel = self.canvas_panel
        edit_menu.addActions([panel.undoAction, panel.redoAction])
        edit_menu.addSeparator()
        edit_menu.addActions([panel.pasteAction, panel.clearAction])

    def _add_parts(self) -> None:
        """Register the deferred parts: the tabs (placeholder pages now, in this order) and the
        saliency controls under the canvas. Each is built by its ``_make_*`` method."""
        add = self._parts.add
        add("saliency_controls", self._make_saliency_controls)
        add("training_panel", self._make_training_panel, self.tr("Train"))
        add("feature_map_view", self._make_feature_map_view, self.tr("Feature maps"))
        add("kernel_view", self._make_kernel_view, self.tr("Kernels"))
        add("compare_view", self._make_compare_view, self.tr("Compare"))
        add("perturbation_view", self._make_perturbation_view, self.tr("Perturb"))
        add("evaluate_view", self._make_evaluate_view, self.tr("Evaluate"))
        add("architecture_builder", self._make_architecture_builder, self.tr("Build"))
        add("conv_explorer", self._make_conv_explorer, self.tr("Convolution"))
        add("handwriting_coach", self._make_handwriting_coach, self.tr("Coach"))
        add("kernel_learner", self._make_kernel_learner, self.tr("Learn a kernel"))
        add("dataset_browser", self._make_dataset_browser, self.tr("Browse data"))

    # Each `_make_*` builds its part, connects it and brings it up to date with the canvas
    # model (which may have been in use for a while when a part is built).
    def _make_saliency_controls(self) -> QWidget:
        from .widgets.saliency_overlay import SaliencyControls

        controls = SaliencyControls(self.canvas, self.analysis, self)
        self.canvas_panel.layout().addWidget(controls)
        self._follow_canvas_model(controls)
        return controls

    def _make_training_panel(self) -> QWidget:
        panel = self._create_training_panel()
        self._mark_epoch(self._current_epoch(), panel)
        entry = self.library.canvas_entry()
        if entry is not None and entry.record is not None and hasattr(panel, "show_run"):
            panel.show_run(entry.record)
        return panel

    def _make_feature_map_view(self) -> QWidget:
        from .widgets.feature_map_view import FeatureMapView

        view = FeatureMapView(self)
        self.inference.activations_ready.connect(view.set_activations)
        view.set_source(self._inspection_source_text())
        return view

    def _make_kernel_view(self) -> QWidget:
        from .widgets.kernel_view import KernelView

        view = KernelView(self)
        self.inference.kernels_ready.connect(view.set_kernels)
        view.set_source(self._inspection_source_text())
        return view

    def _make_compare_view(self) -> QWidget:
        from .widgets.compare_view import CompareView

        view = CompareView(self.library, self.canvas.image_array, self)
        self.canvas.changed.connect(view.drawing_changed)
        return view

    def _make_perturbation_view(self) -> QWidget:
        from .widgets.perturbation_view import PerturbationView

        view = PerturbationView(self.analysis, self)
        self._follow_canvas_model(view)
        return view

    def _make_evaluate_view(self) -> QWidget:
        from .widgets.evaluate_view import EvaluateView

        view = EvaluateView(self.checkpoint, self)
        view.image_chosen.connect(self.canvas.set_picture)  # a gallery image
        self.model_changed.connect(view.model_changed)
        if self.checkpoint() is not None:
            view.model_changed(self.checkpoint())
        return view

    def _make_architecture_builder(self) -> QWidget:
        from .builder.builder_view import ArchitectureBuilder

        builder = ArchitectureBuilder(self)
        builder.message.connect(self._on_training_message)
        builder.train_requested.connect(self._train_built_spec)
        return builder

    def _make_conv_explorer(self) -> QWidget:
        from .widgets.conv_explorer import ConvExplorer

        explorer = ConvExplorer(self.canvas.model_input, self)
        self.canvas.changed.connect(explorer.drawing_changed)
        self.model_changed.connect(explorer.set_checkpoint)
        if self.checkpoint() is not None:
            explorer.set_checkpoint(self.checkpoint())
        return explorer

    def _make_handwriting_coach(self) -> QWidget:
        from .widgets.handwriting_coach import HandwritingCoach

        return HandwritingCoach(self.library, self)

    def _make_kernel_learner(self) -> QWidget:
        from .widgets.kernel_learner import KernelLearnerView

        learner = KernelLearnerView(self.canvas.model_input, self)
        self.canvas.changed.connect(learner.drawing_changed)
        return learner

    def _make_dataset_browser(self) -> QWidget:
        from .widgets.dataset_browser import DatasetBrowser

        browser = DatasetBrowser(self.checkpoint, getattr(self.training_panel, "form", None),
                                 self)
        browser.image_chosen.connect(self.canvas.set_picture)
        self.model_changed.connect(browser.model_changed)
        return browser

    def _follow_canvas_model(self, view: QWidget) -> None:
        """``view`` hears of every prediction and model change (replay included); it is
        told the current ones now."""
        self.inference.predicted.connect(view.set_prediction)
        self.analysis.checkpoint_changed.connect(view.set_checkpoint)
        checkpoint = self.inference.checkpoint()
        if checkpoint is not None:
            view.set_checkpoint(checkpoint)
        last = self.inference.last_prediction()
        if last is not None:
            view.set_prediction(last)

    def _build_layout(self) -> None:
        self.canvas_panel.add_file_actions(self.openImageAction, self.saveDrawingAction)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.addWidget(self.prediction_panel)
        self.right_splitter.addWidget(self.tabs)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.modelBar)
        column.addWidget(self.replayBar)
        column.addWidget(self.classesNotice)
        column.addWidget(self.canvas_panel, 1)
        self.main_splitter.addWidget(left)
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

    def _connect_shell(self) -> None:
        self.canvas.load_failed.connect(self.banner.show_error)
        self.canvas_panel.brushSlider.valueChanged.connect(
            lambda value: self.settings.setValue(Keys.BRUSH_WIDTH, value))

    def _set_model_actions_enabled(self, enabled: bool) -> None:
        """Model actions wait for the model side; the shelf box too."""
        for action in (self.openModelAction, self.saveModelAction, self.useBundledAction,
                       self.removeFromShelfAction):
            action.setEnabled(enabled)
        self.modelShelf.setEnabled(enabled)

    def _connect_core(self) -> None:
        self.canvas.changed.connect(self.inference.request)
        self.canvas.stroke_finished.connect(self.inference.answer_now)
        lib = self.library
        lib.canvas_model_changed.connect(self._on_canvas_model_changed)
        lib.entries_changed.connect(self._fill_shelf)
        lib.failed.connect(self.banner.show_error)
        self.modelShelf.activated.connect(self._on_shelf_activated)
        self.replaySlider.valueChanged.connect(self._on_replay)
        self.inference.predicted.connect(self.prediction_panel.show_prediction)
        self.inference.failed.connect(self._on_inference_failed)

    # -------------------------------------------------------------- model bar
    def _build_model_bar(self) -> None:
        """The shelf chooser, "use the bundled model", epoch replay and the classes notice."""
        self.modelBar = QWidget(self)
        self.modelBar.setObjectName("modelBar")
        self.modelShelf = QComboBox(self.modelBar)
        self.modelShelf.setObjectName("modelShelf")
        self.modelShelf.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.modelShelf.setMinimumContentsLength(8)
        self.modelShelf.setToolTip(self.tr(
            "The model the canvas uses: the bundled model, your training runs and the model "
            "files you opened"))
        self.useBundledButton = QToolButton(self.modelBar)
        self.useBundledButton.setObjectName("useBundledButton")
        self.useBundledButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        shelf_label = QLabel(self.tr("&Model:"), self.modelBar)
        shelf_label.setBuddy(self.modelShelf)
        row = QHBoxLayout(self.modelBar)
        row.setContentsMargins(6, 4, 6, 0)
        row.addWidget(shelf_label)
        row.addWidget(self.modelShelf, 1)
        row.addWidget(self.useBundledButton)

        self.replayBar = QWidget(self)
        self.replayBar.setObjectName("replayBar")
        self.replaySlider = QSlider(Qt.Orientation.Horizontal, self.replayBar)
        self.replaySlider.setObjectName("replaySlider")
        self.replaySlider.setPageStep(1)
        self.replaySlider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.replaySlider.setToolTip(self.tr(
            "Replay the run: the canvas, feature maps and kernels use the weights after "
            "this epoch (arrow keys step, Home/End jump)"))
        self.replayLabel = QLabel(self.replayBar)
        self.replayLabel.setObjectName("replayLabel")
        self.replayLabel.setMinimumWidth(200)
        replay_title = QLabel(self.tr("&Replay:"), self.replayBar)
        replay_title.setBuddy(self.replaySlider)
        row = QHBoxLayout(self.replayBar)
        row.setContentsMargins(6, 0, 6, 0)
        row.addWidget(replay_title)
        row.addWidget(self.replaySlider, 1)
        row.addWidget(self.replayLabel)
        self.replayBar.setVisible(False)

        self.classesNotice = QLabel(self)
        self.classesNotice.setObjectName("classesNotice")
        self.classesNotice.setWordWrap(True)
        self.classesNotice.setStyleSheet(
            "QLabel { background: #fff4d6; border: 1px solid #e0c170; border-radius: 3px;"
            " padding: 4px 6px; color: #5a4300; }")
        self.classesNotice.setVisible(False)

    def _fill_shelf(self) -> None:
        """List the shelf's models; the current item is the canvas model."""
        shelf, canvas = self.modelShelf, self.library.canvas_entry()
        shelf.blockSignals(True)
        shelf.clear()
        for entry in self.library.entries():
            shelf.addItem(entry.title(), entry.key)
            index = shelf.count() - 1
            tip = entry.error or (str(entry.path) if entry.path else entry.title())
            shelf.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
            if entry.error:
                shelf.model().item(index).setEnabled(False)
        if canvas is not None:
            shelf.setCurrentIndex(shelf.findData(canvas.key))
        shelf.blockSignals(False)
        self._update_shelf_actions()

    def _on_shelf_activated(self, index: int) -> None:
        key = self.modelShelf.itemData(index)
        canvas = self.library.canvas_entry()
        if not isinstance(key, str) or (canvas is not None and key == canvas.key
                                        and self._replay_index() == self.replaySlider.maximum()):
            return
        if self.library.choose(key) is None:  # could not load: the shelf shows the canvas again
            self._fill_shelf()
        else:  # e.g. "the canvas uses the bundled model again" no longer holds
            self.banner.dismiss_info()

    def use_bundled_model(self) -> None:
        """Predict with the bundled model again (Ctrl+B)."""
        if self.library.use_bundled() is not None:
            self.banner.show_info(self.tr("The canvas uses the bundled model again."))

    def remove_canvas_model(self) -> None:
        """Take the canvas model off the shelf (not the bundled model) and use the bundled one."""
        entry = self.library.canvas_entry()
        if entry is None or entry.kind == "bundled":
            self.banner.show_info(self.tr("The bundled model always stays on the shelf."))
            return
        title = entry.title()
        if self.library.remove(entry.key):
            self.banner.show_info(self.tr("Removed {0} from the shelf.").format(title))

    def _update_shelf_actions(self) -> None:
        entry = self.library.canvas_entry()
        self.removeFromShelfAction.setEnabled(entry is not None and entry.kind != "bundled")

    # ----------------------------------------------------------------- models
    def checkpoint(self) -> Checkpoint | None:
        """The model the canvas predicts with (``None`` until it is loaded)."""
        return self.inference.checkpoint() if self._core_ready else None

    def set_model(self, checkpoint: Checkpoint, path: str | Path | None = None) -> None:
        """Predict with ``checkpoint`` from now on; the current drawing is re-predicted at once.

        The model goes on the shelf (as the file ``path``, if it came from one) unless it is
        already there. ``model_changed`` is emitted.
        """
        for entry in self.library.entries():
            if entry.checkpoint is checkpoint and path is None:
                self.library.choose(entry.key)
                return
        self.library.add_checkpoint(checkpoint, path)

    def _on_canvas_model_changed(self, entry: ShelfEntry, checkpoint: Checkpoint) -> None:
        self.model_path = entry.path if entry.kind == "file" else None
        self.analysis.set_checkpoint(checkpoint)  # first: the new prediction asks it for maps
        self.inference.set_checkpoint(checkpoint)
        self._show_classes(checkpoint)
        self._fill_shelf()
        self._setup_replay(entry)
        self._describe_model(checkpoint)
        panel = self._parts.built_part("training_panel")
        if entry.record is not None and hasattr(panel, "show_run"):
            panel.show_run(entry.record)
        self.model_changed.emit(checkpoint)

    def _show_classes(self, checkpoint: Checkpoint) -> None:
        from cnn_core.datasets import DATASETS

        classes = list(checkpoint.classes)
        self.prediction_panel.set_classes(classes)
        if checkpoint.has_digit_classes:
            self.classesNotice.setVisible(False)
            return
        dataset = str(checkpoint.meta.get("dataset", ""))
        info = DATASETS.get(dataset)
        title = info.title if info is not None else (dataset or self.tr("another dataset"))
        answers = _ANSWERS.get(dataset, self.tr("its own classes"))
        self.classesNotice.setText(self.tr(
            "This model was trained on {0}: it answers with {1} ({2}), not digits.").format(
            title, self.tr(answers), ", ".join(classes[:3]) + ", …"))
        self.classesNotice.setVisible(True)

    # ----------------------------------------------------------------- replay
    def _setup_replay(self, entry: ShelfEntry) -> None:
        points = self.library.replay_points(entry)
        self._replay_points = points
        self.replayBar.setVisible(len(points) >= 2)
        self.replaySlider.blockSignals(True)
        self.replaySlider.setRange(0, max(0, len(points) - 1))
        self.replaySlider.setValue(max(0, len(points) - 1))
        self.replaySlider.blockSignals(False)
        self._show_replay_label()
        self._mark_epoch(points[-1].epoch if points else None)

    def _replay_index(self) -> int:
        return self.replaySlider.value()

    def _on_replay(self, index: int) -> None:
        entry = self.library.canvas_entry()
        if entry is None or not self._replay_points:
            return
        from cnn_core.checkpoints import CheckpointError

        try:
            checkpoint = self.library.replay_checkpoint(entry, index)
        except CheckpointError as exc:
            self.banner.show_error(self.tr("Cannot replay this epoch: {0}").format(exc))
            return
        self.analysis.set_checkpoint(checkpoint)
        self.inference.set_checkpoint(checkpoint)
        self._show_replay_label()
        self._mark_epoch(self._replay_points[index].epoch)
        self._describe_model(checkpoint)

    def _show_replay_label(self) -> None:
        points = getattr(self, "_replay_points", [])
        if not points:
            self.replayLabel.setText("")
            return
        point = points[self.replaySlider.value()]
        text = point.label
        if point.test_accuracy is not None:
            text += self.tr(" · {0:.1%} test").format(point.test_accuracy)
        self.replayLabel.setText(text)

    def _current_epoch(self) -> int | None:
        """The epoch whose weights the canvas uses (replay), or ``None``."""
        points, index = self._replay_points, self.replaySlider.value()
        return points[index].epoch if 0 <= index < len(points) else None

    def _mark_epoch(self, epoch: int | None, panel: QWidget | None = None) -> None:
        if panel is None:
            panel = self._parts.built_part("training_panel")
        mark = getattr(panel, "mark_epoch", None)
        if callable(mark):
            mark(epoch)

    def set_inspection_model(self, checkpoint: Checkpoint | None) -> None:
        """Show a live training snapshot in the feature-map and kernel views (latest wins).

        ``None`` goes back to the canvas model.
        """
        self.inference.set_snapshot(checkpoint)
        self._set_inspection_source(self._inspection_source_text())

    def _inspection_source_text(self) -> str:
        """Where the feature maps and kernels come from: a live snapshot, or the model."""
        if self.inference.snapshot() is not None:
            return self.tr("Live: the model being trained")
        return self._model_source_text()

    def _set_inspection_source(self, text: str) -> None:
        for name in ("feature_map_view", "kernel_view"):
            view = self._parts.built_part(name)
            if view is not None:
                view.set_source(text)

    def open_model_file(self, path: str | Path) -> bool:
        """Load a model file and predict with it; a bad file shows a message, not a traceback.

        The file goes on the shelf (and is reopened from its path after a restart).
        """
        from cnn_core.checkpoints import CheckpointError, load_checkpoint

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
        from cnn_core.checkpoints import CheckpointError, save_checkpoint

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
        # The shelf's canvas model from last time; else the last model file; else bundled.
        from cnn_core.checkpoints import Checkpoint, CheckpointError, load_checkpoint, make_metadata
        from cnn_core.models import DEFAULT_MODEL, create_model

        bundled = self.library.entries()[0]
        if bundled.checkpoint is None and isinstance(self._preloaded, Checkpoint):
            bundled.checkpoint = self._preloaded  # loaded by the background thread
        self._preloaded = None
        key = self._saved_canvas_key
        if key and self.library.entry(key) is not None and self.library.choose(key) is not None:
            return
        last = prefs.read_str(self.settings, Keys.LAST_MODEL)
        if last:
            try:
                self.set_model(load_checkpoint(last), last)
                return
            except CheckpointError as exc:
                # forget it, so that the next start does not stumble over the same file
                self.settings.remove(Keys.LAST_MODEL)
                self.banner.show_error(self.tr(
                    "Could not reopen the last model, so the bundled model is used. {0}")
                    .format(exc))
        try:
            self.library.load(self.library.entries()[0])
        except CheckpointError as exc:
            model = create_model(DEFAULT_MODEL)
            self.set_model(Checkpoint(model, make_metadata(model)))
            self.banner.show_error(self.tr(
                "The bundled model could not be loaded ({0}). Using an untrained {1} model: "
                "train it in the Train tab or open a model file.").format(exc, DEFAULT_MODEL))
            return
        self.library.use_bundled()

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
        points, index = self._replay_points, self.replaySlider.value()
        if points and 0 <= index < len(points) and not points[index].final:
            text += self.tr(" · replaying: {0}").format(points[index].label)
        self.modelStatusLabel.setText(text)
        self._set_inspection_source(self._model_source_text())

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
        self.settings.setValue(Keys.CURRENT_TAB, index)
        if self._core_ready:
            self._parts.build_page(index)  # a tab chosen before its turn is built now
            self._update_tab_views()

    def _update_tab_views(self) -> None:
        """Compute feature maps, kernels and comparisons only for the tab on show."""
        widget, built = self.tabs.currentWidget(), self._parts.built_part
        self.inference.set_wanted(maps=widget is built("feature_map_view"),
                                  kernels=widget is built("kernel_view"))
        compare = built("compare_view")
        if compare is not None:
            compare.set_active(widget is compare)

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

    def _restore_tab(self) -> None:
        tab = prefs.read_int(self.settings, Keys.CURRENT_TAB, 0)
        self.tabs.setCurrentIndex(tab if 0 <= tab < self.tabs.count() else 0)

    def select_tab(self, index: int) -> None:
        """Show tab ``index`` (built now if the model side exists, else as soon as it does)."""
        self.tabs.setCurrentIndex(index)

    def save_settings(self) -> None:
        """Remember geometry, splitters and the current tab."""
        self.settings.setValue(Keys.GEOMETRY, self.saveGeometry())
        self.settings.setValue(Keys.MAIN_SPLITTER, self.main_splitter.saveState())
        self.settings.setValue(Keys.RIGHT_SPLITTER, self.right_splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self._parts.stop()  # no tab is built any more
        if not self._core_ready:  # closed while torch was loading: nothing of the model side yet
            self._load_started = True  # a pending start does not start it any more
            self._load = None  # the thread ends on its own; the process waits for it
            self.save_settings()
            super().closeEvent(event)
            return
        background.stop_all()  # every task ends; the stopped run and every write are on disk
        self.save_settings()
        super().closeEvent(event)
