"""DigitLab's main window: draw on the left, see what the network thinks on the right.

The window wires its parts together: the canvas (:mod:`app.widgets.canvas_panel`), the
prediction panel, the model bar (:mod:`app.model_bar`), the menus and file actions
(:mod:`app.window_actions`), the start-up load (:mod:`app.window_startup`), live inference
and what it says about the model in use (:mod:`app.window_inference`) and the tabs
(:mod:`app.tabs`, built by :mod:`app.deferred_parts`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from . import background, lifetime, model_loader, window_layout
from . import settings as prefs
from .deferred_parts import DeferredPart, DeferredParts
from .model_bar import ModelBar
from .settings import Keys
from .tabs import TABS, make_receptive_field_overlay, make_saliency_controls
from .tensorboard_viewer import TensorBoardViewer
from .widgets.canvas_panel import CanvasPanel
from .widgets.message_banner import MessageBanner
from .widgets.prediction_panel import PredictionPanel
from .widgets.tab_bar import fit_tab_bar
from .window_actions import WindowActions
from .window_startup import StartupLoad, load_startup_model, starts_with_bundled, torch_imported

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint

    from .early_answer import EarlyAnswer
    from .models import ModelLibrary, ShelfEntry

# Only modules that do not import torch are imported above: the window shows before torch
# is loaded. The model library and live inference are imported in `_build_core`, once the
# background load has imported torch; every tab in its factory (app/tabs.py), when it is built.

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The one DigitLab window.

    It shows before torch is imported and answers the canvas as soon as it can. First the
    canvas, prediction panel, model bar, menus and a placeholder page per tab (no torch); then,
    once :mod:`app.window_startup` has loaded torch and the bundled model in the background,
    the model library and live inference (``inference_ready``); last the tabs and the saliency
    controls (:class:`~app.deferred_parts.DeferredParts`), one per event-loop turn with the tab
    on show first. A tab that is chosen, or a part that code reads (``window.training_panel``:
    each tab's ``attribute`` in :data:`app.tabs.TABS`), is built at once. ``ready`` (and
    :meth:`is_ready`) when everything is built; ``model_changed`` when a model is put in use.

    Parameters
    ----------
    checkpoint
        The model to start with. When ``None`` the shelf's canvas model from last time (or
        the bundled one) is loaded as soon as the event loop runs.
    library
        The models and runs (default: a :class:`~app.models.ModelLibrary` over the user data
        folder, restored from disk).
    background
        Build the model side after a background load (``True``) or at once (``False``).
        ``None`` (the default): in the background while torch is not (completely) imported
        yet and neither ``checkpoint`` nor ``library`` is given.
    """

    model_changed = Signal(object)  # the canvas model was replaced (a Checkpoint)
    early_prediction = Signal(object)  # a Prediction shown before torch (the ONNX copy's)
    inference_ready = Signal()  # the library and live inference exist: the canvas is answered
    part_built = Signal(str)  # a deferred part (a tab, the saliency controls) was built: its name
    ready = Signal()  # the whole model side (library, inference, every tab) has been built

    saliency_controls = DeferredPart("saliency_controls")  # under the canvas; the tabs follow
    receptive_field_overlay = DeferredPart("receptive_field_overlay")  # over the canvas
    code_dock = DeferredPart("code_dock")  # the code of the Build tab's network, beside the tabs

    def __init__(self, checkpoint: Checkpoint | None = None,
                 parent: QWidget | None = None, library: ModelLibrary | None = None,
                 background: bool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("DigitLab"))
        self.settings = prefs.open_settings()
        self.model_path: Path | None = None
        self.saved_canvas_key = ""  # the shelf's canvas model when the window last closed
        self._ready = False  # everything is built
        self._core_ready = False  # the library and live inference exist
        self._stopped = False  # background work stopped: the window is closed or the app quits
        self.early_answer: EarlyAnswer | None = None  # answers before torch, then hands over
        self.build_seconds: dict[str, float] = {}  # GUI-thread blocks of the build, by name

        self.canvas_panel = CanvasPanel(self)
        self.canvas = self.canvas_panel.canvas
        self.prediction_panel = PredictionPanel(self)
        self.banner = MessageBanner(self)
        self.model_bar = ModelBar(self.banner, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        fit_tab_bar(self.tabs)  # every tab in view, no scroll arrows
        self._parts = DeferredParts(self.tabs, self.tr("Loading this tab…"), self)
        self._parts.add("saliency_controls", lambda: make_saliency_controls(self))
        self._parts.add("receptive_field_overlay", lambda: make_receptive_field_overlay(self))
        for spec in TABS:
            self._parts.add(spec.attribute, lambda spec=spec: spec.factory(self),
                            self.tr(spec.title))
        self._parts.add("code_dock", lambda: _make_code_dock(self))
        self._parts.built.connect(self._on_part_built)
        self._parts.all_built.connect(self._on_all_built)
        self.tensorboard = TensorBoardViewer(self)  # Help menu and Train tab; ends on close
        self.menus = WindowActions(self)
        window_layout.build(self)
        self.canvas.load_failed.connect(self.banner.show_error)
        self.canvas_panel.brushSlider.valueChanged.connect(
            lambda value: self.settings.setValue(Keys.BRUSH_WIDTH, value))
        window_layout.restore(self)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.prediction_panel.show_message(self.tr("Loading model…"))
        self._startup = StartupLoad(self)
        self._startup.early_loaded.connect(self._on_early_loaded)
        self._startup.loaded.connect(self._on_loaded)
        self._startup.failed.connect(self._on_load_failed)
        self._startup.tabs_imported.connect(self._parts.start_stepping)
        lifetime.track(self)  # its threads end with the app or the script, closed or not
        if background is None:
            background = checkpoint is None and library is None and not torch_imported()
        self._answer_early = bool(background) and starts_with_bundled(self.settings)
        if background:
            self.menus.set_model_actions_enabled(False)
            self.model_bar.modelStatusLabel.setText(self.tr("Loading PyTorch and the model…"))
            if model_loader.started():  # e.g. a second window: the load is under way
                self._startup.start()
            # else paintEvent starts it: imported alongside, torch (holding the GIL and the
            # numpy import) delayed the first paint from 2.3-3.7 s to 7-22 s on a loaded machine.
            return
        self._build_core(library)
        self._parts.build_all()
        if checkpoint is not None:
            self.set_model(checkpoint)
        else:
            QTimer.singleShot(0, lambda: load_startup_model(self))

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
        from PySide6.QtCore import QCoreApplication, QEventLoop

        end = time.monotonic() + timeout_ms / 1000
        while not (self._ready and self.checkpoint() is not None):
            if time.monotonic() > end:
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if not self._ready:
                self._startup.wait(0.005)
        return True

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._core_ready and not self._startup.started():
            # The first frame is on screen: now the import may compete with the GUI thread.
            QTimer.singleShot(0, lambda: self._startup.start(early=self._answer_early))

    def _on_early_loaded(self, predictor: object) -> None:
        """The bundled model's ONNX copy answers the canvas until torch is there."""
        from .early_answer import EarlyAnswer

        if self._core_ready or self._stopped:
            return
        self.early_answer = EarlyAnswer(self, predictor)
        self.early_answer.predicted.connect(self.early_prediction)
        self.early_answer.answer()  # the drawing made meanwhile (or "Draw a digit")
        self.model_bar.modelStatusLabel.setText(
            self.tr("Bundled model (answering while PyTorch loads…)"))

    def _on_loaded(self, preloaded: object) -> None:
        start = time.perf_counter()
        if self.early_answer is not None:  # hand over: live inference answers from now on
            self.early_answer.stop()
            self.early_answer.deleteLater()
            self.early_answer = None
        self._build_core(None)
        self.menus.set_model_actions_enabled(True)
        load_startup_model(self, preloaded)  # the drawing made meanwhile is predicted now
        self.build_seconds["core"] = time.perf_counter() - start
        self._startup.import_tabs()  # then the tabs: their modules are imported behind first

    def _on_load_failed(self, exc: Exception) -> None:
        self.prediction_panel.show_message(self.tr("The model could not be loaded."))
        self.banner.show_error(self.tr("Could not load PyTorch or the model: {0}: {1}")
                               .format(type(exc).__name__, exc))

    def _build_core(self, library: ModelLibrary | None) -> None:
        """The part of the model side that answers the canvas: the library and inference."""
        from .models import ModelLibrary
        from .window_inference import CanvasInference

        if library is None:
            library = ModelLibrary(parent=self)
            self.saved_canvas_key = library.restore()
        else:  # already restored by its owner
            canvas = library.canvas_entry()
            self.saved_canvas_key = canvas.key if canvas is not None else ""
        self.library = library
        self.canvas_inference = CanvasInference(self, self._parts)
        self.inference = self.canvas_inference.inference  # the tabs' views connect to these
        self.analysis = self.canvas_inference.analysis
        self.model_bar.replayed.connect(self.canvas_inference.use_weights)
        library.canvas_model_changed.connect(self._on_canvas_model_changed)
        library.failed.connect(self.banner.show_error)
        self._core_ready = True
        self._parts.enable()
        self.model_bar.attach(library)
        self.inference_ready.emit()

    def _on_part_built(self, name: str) -> None:
        self.build_seconds[name] = self._parts.seconds[name]
        if self._parts.built_part(name) is self.tabs.currentWidget():
            self.canvas_inference.update_tab_views()
        self.part_built.emit(name)

    def _on_all_built(self) -> None:
        self._ready = True
        self.ready.emit()

    def show_message(self, level: str, text: str) -> None:
        """Show a tab's message: ``"info"`` goes away by itself, anything else (``"warning"``,
        ``"error"``) stays until dismissed."""
        if level == "info":
            self.banner.show_info(text)
        else:
            self.banner.show_error(text)

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

    def open_model_file(self, path: str | Path) -> bool:
        """Load a model file and predict with it; a bad file shows a message."""
        return self.menus.open_model_file(path)

    def save_model_file(self, path: str | Path) -> bool:
        """Save the canvas model; errors are shown in the window."""
        return self.menus.save_model_file(path)

    def open_image_file(self, path: str | Path) -> bool:
        """Load an image file into the canvas (scaled to fit) and predict it."""
        return self.menus.open_image_file(path)

    def _on_canvas_model_changed(self, entry: ShelfEntry, checkpoint: Checkpoint) -> None:
        self.model_path = entry.path if entry.kind == "file" else None
        self.model_bar.model_changed(entry, checkpoint)
        self.canvas_inference.use_weights(checkpoint)
        panel = self._parts.built_part("training_panel")
        if entry.record is not None and panel is not None:
            panel.show_run(entry.record)
        self.model_changed.emit(checkpoint)

    def describe_model(self, checkpoint: Checkpoint) -> None:
        """Say which model the canvas uses (status bar, feature-map and kernel tabs)."""
        self.canvas_inference.describe_model(checkpoint)

    def set_inspection_model(self, checkpoint: Checkpoint | None) -> None:
        """Show a live training snapshot in the feature-map and kernel views (latest wins);
        ``None`` goes back to the canvas model."""
        self.canvas_inference.set_inspection_model(checkpoint)

    def inspection_source_text(self) -> str:
        """Where the feature maps and kernels come from: a live snapshot, or the model."""
        return self.canvas_inference.inspection_source_text()

    # -------------------------------------------------------------- tabs, state
    def _on_tab_changed(self, index: int) -> None:
        self.settings.setValue(Keys.CURRENT_TAB, index)
        if self._core_ready:
            self._parts.build_page(index)  # a tab chosen before its turn is built now
            self.canvas_inference.update_tab_views()

    def select_tab(self, index: int) -> None:
        """Show tab ``index`` (built now if the model side exists, else as soon as it does)."""
        self.tabs.setCurrentIndex(index)

    def stop_background_work(self) -> None:
        """Stop everything that runs in the background and wait for it (a training run, its
        files on disk, analyses, an evaluation, a fine-tuning). Nothing is built any more.
        Called on close, when the application quits and at interpreter exit (:mod:`app.lifetime`);
        only the first call does something."""
        if self._stopped:
            return
        self._stopped = True
        self._parts.stop()
        self._startup.stop()  # a load still under way ends on its own; the process waits for it
        background.stop_all()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.stop_background_work()
        window_layout.save(self)
        super().closeEvent(event)


def _make_code_dock(window: MainWindow) -> QWidget:
    from .code_dock import make_code_dock  # imports torch: not before the model side exists

    return make_code_dock(window)


for _spec in TABS:  # window.training_panel, window.evaluate_view, …: built when first read
    setattr(MainWindow, _spec.attribute, DeferredPart(_spec.attribute))
