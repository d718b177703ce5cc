"""The window's start-up: torch and the model behind the shown window, then the tabs' modules.

:class:`StartupLoad` runs :mod:`app.model_loader`'s background work for a window and brings
its ends to the GUI thread as signals: ``early_loaded`` when the bundled model's ONNX copy
answers (only for a window that starts with the bundled model, :func:`starts_with_bundled`;
:mod:`app.early_answer` answers the canvas with it), ``loaded`` when torch and the bundled
model are there
(the window then builds the part that answers the canvas), ``tabs_imported`` when the tabs'
modules are (the window then builds the tabs, one per event-loop turn).
:func:`load_startup_model` picks the model the canvas starts with.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, Signal

from cnn_core.runtime.user_data import read_shelf_state, user_data_dir

from . import model_loader
from . import settings as prefs
from .settings import BUNDLED_KEY, Keys

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["StartupLoad", "load_startup_model", "starts_with_bundled", "torch_imported",
           "when_torch_loaded"]

log = logging.getLogger(__name__)


class _LoadRelay(QObject):
    """Brings "the background load has finished" from the loader thread to the GUI thread.

    One signal, once, instead of a polling timer: every GUI wake-up during the import also
    takes the GIL from the loader. On the loaded 2-core machine the first prediction with a
    15 ms poll was 13 % later than before the background load (26.5 vs 23.4 s at loadavg
    11-16); with this signal 3 % (12.9 vs 12.5 s at 11-12), within the spread.
    """

    finished = Signal()
    early_finished = Signal()  # the load of the bundled model's ONNX copy ended
    tab_modules_imported = Signal()  # the second background import (the tabs' modules) ended


_relay: _LoadRelay | None = None


def _load_relay() -> _LoadRelay:
    """The process's relay: made in the GUI thread, never deleted (the loader may emit late)."""
    global _relay
    if _relay is None:
        _relay = _LoadRelay()
    return _relay


def when_torch_loaded(callback: Callable[[], object]) -> None:
    """Call ``callback()`` in the GUI thread once torch is imported: now if it is, else when the
    background load ends, before any window builds its model side on it (never when the
    import failed)."""
    if torch_imported():
        callback()
        return

    def loaded() -> None:
        if torch_imported():  # not when the import failed (or the process is ending)
            callback()

    _load_relay().finished.connect(loaded, Qt.ConnectionType.SingleShotConnection)


def torch_imported() -> bool:
    """Whether torch is imported completely (not merely being imported by another thread)."""
    module = sys.modules.get("torch")
    spec = getattr(module, "__spec__", None)
    return module is not None and not getattr(spec, "_initializing", False)


class StartupLoad(QObject):
    """One window's view of the process's background load (:func:`app.model_loader.start`)."""

    early_loaded = Signal(object)  # the ONNX predictor that answers until torch is there
    loaded = Signal(object)  # what the load returned: a Checkpoint, a CheckpointError or None
    failed = Signal(object)  # the exception that importing torch or the core modules raised
    tabs_imported = Signal()  # the tabs' modules are imported: the tabs may be built

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._load: model_loader.BackgroundLoad | None = None
        self._started = False  # once: a failed load is not tried again
        self._stopped = False

    def started(self) -> bool:
        """Whether :meth:`start` was called (or the load will never start: :meth:`stop`)."""
        return self._started

    def start(self, early: bool = False) -> None:
        """Start (or join) the background load; ``loaded`` or ``failed`` follows. With
        ``early``, the bundled model's ONNX copy is loaded first (``early_loaded`` follows if
        it can answer), and torch's load starts when that has ended."""
        if self._started:
            return
        self._started = True
        if early and not model_loader.started():
            relay = _load_relay()
            relay.early_finished.connect(self._on_early_finished)  # queued from the loader
            model_loader.start_early().add_done_callback(relay.early_finished.emit)
            return
        self._start_torch()

    def _on_early_finished(self) -> None:
        _load_relay().early_finished.disconnect(self._on_early_finished)
        if self._stopped:
            return
        predictor = None
        try:
            predictor = model_loader.start_early().result(0)
        except Exception:  # noqa: BLE001 - the torch path answers instead
            log.exception("loading the bundled model's ONNX copy failed")
        if predictor is not None:
            self.early_loaded.emit(predictor)
        self._start_torch()

    def _start_torch(self) -> None:
        self._load = model_loader.start()
        relay = _load_relay()
        relay.finished.connect(self._on_finished)  # queued from the loader thread
        self._load.add_done_callback(relay.finished.emit)

    def wait(self, seconds: float) -> None:
        """Block up to ``seconds`` for the load (for scripts that spin the event loop)."""
        if self._load is not None:
            self._load.wait(seconds)

    def stop(self) -> None:
        """Nothing more is reported (the window is closing); a running import ends on its own
        and the process waits for it (the loader's threads are not daemons)."""
        self._stopped = self._started = True
        self._load = None

    def _on_finished(self) -> None:
        if self._load is None or not self._load.done():  # stopped meanwhile, or another load
            return
        load, self._load = self._load, None
        try:
            result = load.result()
        except Exception as exc:  # torch itself failed to import
            log.exception("loading torch and the model failed")
            self.failed.emit(exc)
            return
        self.loaded.emit(result)

    def import_tabs(self) -> None:
        """Import the tabs' modules in the background; ``tabs_imported`` follows."""
        relay = _load_relay()
        relay.tab_modules_imported.connect(self._on_tabs_imported)
        model_loader.start_tab_imports().add_done_callback(relay.tab_modules_imported.emit)

    def _on_tabs_imported(self) -> None:
        if self._stopped:
            return
        imports = model_loader.start_tab_imports()
        if imports.done():
            try:
                imports.result()
            except Exception:  # each tab imports its module again when built, and fails loudly
                log.exception("importing the tabs' modules in the background failed")
        self.tabs_imported.emit()


def starts_with_bundled(settings: QSettings) -> bool:
    """Whether :func:`load_startup_model` will put the bundled model in use, as far as is known
    without torch: the shelf's canvas model from last time is the bundled one, or there is
    none and no last model file either (a first start)."""
    canvas = read_shelf_state(user_data_dir()).get("canvas")
    if canvas:
        return canvas == BUNDLED_KEY
    return not prefs.read_str(settings, Keys.LAST_MODEL)


def load_startup_model(window: MainWindow, preloaded: object = None) -> None:
    """Put the canvas's first model in use: the shelf's canvas model from last time; else the
    last model file; else the bundled model (``preloaded``, if the background load read it);
    else an untrained default model, with a message saying so."""
    from cnn_core.checkpoints import Checkpoint, CheckpointError, load_checkpoint, make_metadata
    from cnn_core.models import DEFAULT_MODEL, create_model

    library = window.library
    bundled = library.entries()[0]
    if bundled.checkpoint is None and isinstance(preloaded, Checkpoint):
        bundled.checkpoint = preloaded  # loaded by the background thread
    key = window.saved_canvas_key
    if key and library.entry(key) is not None and library.choose(key) is not None:
        return
    last = prefs.read_str(window.settings, Keys.LAST_MODEL)
    if last:
        try:
            window.set_model(load_checkpoint(last), last)
            return
        except CheckpointError as exc:
            # forget it, so that the next start does not stumble over the same file
            window.settings.remove(Keys.LAST_MODEL)
            window.banner.show_error(window.tr(
                "Could not reopen the last model, so the bundled model is used. {0}")
                .format(exc))
    try:
        library.load(library.entries()[0])
    except CheckpointError as exc:
        model = create_model(DEFAULT_MODEL)
        window.set_model(Checkpoint(model, make_metadata(model)))
        window.banner.show_error(window.tr(
            "The bundled model could not be loaded ({0}). Using an untrained {1} model: "
            "train it in the Train tab or open a model file.").format(exc, DEFAULT_MODEL))
        return
    library.use_bundled()
