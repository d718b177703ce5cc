"""Import torch and load the bundled model behind the window, in plain Python threads.

Importing torch takes seconds; the window shows first and a thread does the import
meanwhile. Before it, where onnxruntime is installed, a thread loads the bundled model's ONNX
copy (:func:`load_early_predictor`, no torch: a few tenths of a second), which answers the
canvas until torch is there; the torch import starts once that load has ended, so the two do
not share the interpreter. The torch thread imports only what the first prediction needs
(:data:`CORE_MODULES`) and the model;
then, once the canvas answers, a second thread imports the tabs' modules
(:data:`TAB_MODULES`). Neither touches a Qt object: the window passes a callback that emits a
(queued) signal, and builds the parts that need torch in the GUI thread. The threads are not
daemons, so closing the window while one runs ends the process cleanly once its import is
over (a daemon thread killed in the middle of a C extension's initialisation is not).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from concurrent.futures import Future
from typing import Any

from .tabs import TABS

__all__ = ["CORE_MODULES", "MODULES", "TAB_MODULES", "BackgroundLoad", "import_tab_modules",
           "load_early_predictor", "load_model_side", "start", "start_early", "start_tab_imports",
           "started"]

log = logging.getLogger(__name__)

# What the first prediction needs: torch, loading a checkpoint, the predictor, live inference
# and the model library (it picks the canvas model); imported here, they cost the GUI thread
# nothing. The window builds that much as soon as this load ends and answers the canvas.
CORE_MODULES = (
    "torch",
    "numpy.ma",  # numpy imports it lazily, in the first np.median (preprocessing): 40 ms
    "cnn_core.checkpoints",
    "cnn_core.recognition.predict",
    "cnn_core.recognition.detector",
    "cnn_core.analysis.inspection",
    "cnn_core.models",
    "cnn_core.data.datasets",
    "app.inference",
    "app.models",
    "app.analysis_worker",
    "app.window_inference",  # what the window builds from them
)

# The tabs' modules (and what only they use): imported by :func:`import_tab_modules` in a second
# background thread once the canvas answers; the window then builds the tabs. A module missing
# from the list is only imported later, in the GUI thread, when its tab is built.
TAB_MODULES = (
    "app.widgets.saliency_overlay",
    "app.widgets.receptive_field_overlay",
    "app.widgets.batchnorm_view",
    "app.code_dock",
    "cnn_core.checkpoints.runs",
    "cnn_core.training",
    "cnn_core.analysis.evaluation",
    "cnn_core.analysis.saliency",
    "cnn_core.analysis.perturb",
    "cnn_core.models.specs",
    "cnn_core.runtime.devices",
    *(spec.module for spec in TABS),  # every tab's own module (app/tabs.py)
)

MODULES = CORE_MODULES + TAB_MODULES  # everything the window's model side imports


def load_model_side() -> Any:
    """Import :data:`CORE_MODULES` and load the bundled model (and the digit detector).

    Returns the bundled :class:`~cnn_core.checkpoints.Checkpoint`, or the
    :class:`~cnn_core.checkpoints.CheckpointError` that loading it raised (the window then
    loads it again in the GUI thread and reports the error as it always does).
    """
    for name in CORE_MODULES:
        importlib.import_module(name)
    import torch

    # This thread's start sets its own OpenMP thread count (the count is per thread): loading
    # runs each model on two test images, milliseconds of work, and with two threads on the
    # busy 2-core machine every op waited for a pre-empted sibling (0.5-0.8 s instead of 0.05).
    torch.set_num_threads(1)
    from cnn_core.checkpoints import CheckpointError, bundled_checkpoint_path, load_bundled
    from cnn_core.recognition.detector import load_bundled_detector

    load_bundled_detector()  # shared and cached: the first Predictor finds it ready
    if not bundled_checkpoint_path().is_file():
        return None
    try:
        return load_bundled()
    except CheckpointError as exc:
        return exc


def load_early_predictor() -> Any:
    """The bundled model and detector through onnxruntime
    (:func:`cnn_core.recognition.bundled_onnx.load_bundled_onnx`; imports no torch), or None
    where it cannot answer: onnxruntime not installed, the ONNX copies missing, unreadable or
    made from another checkpoint. The window then waits for torch, as it always did."""
    if importlib.util.find_spec("onnxruntime") is None:
        return None
    try:
        from cnn_core.recognition.bundled_onnx import load_bundled_onnx

        return load_bundled_onnx()
    except Exception as exc:  # noqa: BLE001 - any failure: the torch path answers instead
        log.warning("the bundled model's ONNX copy cannot answer (%s); waiting for PyTorch", exc)
        return None


def import_tab_modules() -> None:
    """Import :data:`TAB_MODULES` (classes only: no widget is made here)."""
    for name in TAB_MODULES:
        importlib.import_module(name)


class BackgroundLoad:
    """:func:`load_model_side` running in its own (non-daemon) thread.

    ``done()`` and ``result()`` may be called from any thread; ``result()`` re-raises an
    unexpected exception of the load in the caller's thread.
    """

    def __init__(self, work: Any = None) -> None:
        self._future: Future = Future()
        self._work = work if work is not None else load_model_side
        self._thread = threading.Thread(target=self._run, name="digitlab-model-loader")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._future.set_result(self._work())
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as it is
            self._future.set_exception(exc)

    def done(self) -> bool:
        """Whether the load has finished (successfully or not)."""
        return self._future.done()

    def wait(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds for the load; whether it has finished."""
        self._thread.join(timeout)
        return self.done()

    def add_done_callback(self, callback: Any) -> None:
        """Call ``callback()`` when the load ends: in the loader thread, or at once in the
        caller's thread if it has ended already."""
        self._future.add_done_callback(lambda _future: callback())

    def result(self, timeout: float | None = None) -> Any:
        """What the load returned (waits up to ``timeout`` seconds for it)."""
        return self._future.result(timeout)


_started: BackgroundLoad | None = None
_early: BackgroundLoad | None = None
_tab_imports: BackgroundLoad | None = None
_lock = threading.Lock()


def started() -> bool:
    """Whether :func:`start` has been called in this process."""
    return _started is not None


def start() -> BackgroundLoad:
    """The process's one background load, started on the first call.

    The window calls it once its first frame is painted; a second window shares the load.
    """
    global _started
    with _lock:
        if _started is None:
            _started = BackgroundLoad()
        return _started


def start_early() -> BackgroundLoad:
    """The process's one load of :func:`load_early_predictor`, started on the first call (the
    window calls it after its first paint, then :func:`start` once it has ended)."""
    global _early
    with _lock:
        if _early is None:
            _early = BackgroundLoad(load_early_predictor)
        return _early


def start_tab_imports() -> BackgroundLoad:
    """The process's one import of :data:`TAB_MODULES` in the background, started on the first
    call (the window calls it once the canvas answers)."""
    global _tab_imports
    with _lock:
        if _tab_imports is None:
            _tab_imports = BackgroundLoad(import_tab_modules)
        return _tab_imports

