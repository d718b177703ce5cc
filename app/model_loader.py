"""Import torch and load the bundled model behind the window, in a plain Python thread.

Importing torch takes seconds; the window shows first and this thread does the import
meanwhile. It touches no Qt object itself: the window passes a callback that emits a
(queued) signal, and then builds the parts that need torch in the GUI thread. The thread is not a
daemon, so closing the window while it runs ends the process cleanly once the import is
over (a daemon thread killed in the middle of a C extension's initialisation is not).
"""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import Future
from typing import Any

__all__ = ["MODULES", "BackgroundLoad", "load_model_side", "start", "started"]

# The modules the window's model side uses: imported here, they cost the GUI thread nothing
# later (one missing from the list is only imported later, in the GUI thread).
MODULES = (
    "torch",
    "cnn_core.checkpoints",
    "cnn_core.predict",
    "cnn_core.detector",
    "cnn_core.inspection",
    "cnn_core.models",
    "cnn_core.runs",
    "cnn_core.training",
    "cnn_core.evaluation",
    "cnn_core.saliency",
    "cnn_core.perturb",
    "cnn_core.specs",
    "cnn_core.devices",
    # The window's own modules that import torch (no widget is made here, only classes).
    "app.models",
    "app.inference",
    "app.analysis_worker",
    "app.widgets.training_panel",
    "app.widgets.feature_map_view",
    "app.widgets.kernel_view",
    "app.widgets.compare_view",
    "app.widgets.perturbation_view",
    "app.widgets.saliency_overlay",
    "app.widgets.evaluate_view",
    "app.builder.builder_view",
    "app.widgets.conv_explorer",
    "app.widgets.handwriting_coach",
    "app.widgets.kernel_learner",
    "app.widgets.dataset_browser",
)


def load_model_side() -> Any:
    """Import :data:`MODULES` and load the bundled model.

    Returns the bundled :class:`~cnn_core.checkpoints.Checkpoint`, or the
    :class:`~cnn_core.checkpoints.CheckpointError` that loading it raised (the window then
    loads it again in the GUI thread and reports the error as it always does).
    """
    for name in MODULES:
        importlib.import_module(name)
    from cnn_core.checkpoints import CheckpointError, bundled_checkpoint_path, load_bundled
    from cnn_core.detector import load_bundled_detector

    load_bundled_detector()  # shared and cached: the first Predictor finds it ready
    if not bundled_checkpoint_path().is_file():
        return None
    try:
        return load_bundled()
    except CheckpointError as exc:
        return exc


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
