"""Start-up timestamps of the real ``digitlab-gui``, recorded from outside the app.

    python benchmarks/startup_probe.py PROBE.json [--close] [-- DIGITLAB-GUI ARGUMENTS]

runs ``app.main.main`` (the ``digitlab-gui`` entry point) in this process with a probe attached
from here: nothing in ``app/`` knows about it. The probe finds the window through an event
filter on the ``QApplication`` (its first show event), wraps :mod:`app.model_loader`'s two
background steps to time them, and follows the window's public signals. It records wall-clock
times (``time.time()``, comparable with the parent process's clock):

- ``shown``: the window's first expose has been painted (a zero timer after the expose
  event, so the paint that the expose triggers is over);
- ``torch_at_show``: whether torch was imported at that moment;
- ``stroke``: a digit drawn with synthetic mouse events right after that;
- ``predicted``: the first prediction of that drawing is on screen (label text included;
  ``answered_by``: ``"onnx"`` when the bundled model's ONNX copy gave it before torch was
  there, else ``"torch"``; ``torch_at_answer``: whether torch was imported, or being
  imported, when that answer was computed);
- ``handed_over``: live inference's first answer of that drawing, once torch is there, and
  ``label_after``: the label it shows (the same as before, when the ONNX copy answered);
- ``all_built``: every tab has been built (the window's ``ready``; ``torch_threads``: the
  GUI thread's torch thread count then), and ``blocks``: how long
  each step of that build held the GUI thread (seconds, by name: ``core`` is the library,
  inference and the first prediction; the others are tabs built one per event-loop turn);
- ``loader``: when each stage of the background load ended;

then writes PROBE.json and quits. With ``--close`` it closes the window right after the first
paint instead (closing while torch loads must exit cleanly). ``benchmarks/startup.py`` and
tests/gui/test_startup_window.py run it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow

__all__ = ["install_probe", "main"]

# A "7" in canvas units (0..1 of the drawing square).
_STROKE = [(0.25, 0.2), (0.5, 0.2), (0.75, 0.2), (0.65, 0.45), (0.55, 0.65), (0.45, 0.85)]


class _Probe(QObject):
    def __init__(self, window: QMainWindow, path: Path, close: bool) -> None:
        super().__init__(window)
        self.window, self.path, self.close = window, path, close
        self.record: dict[str, object] = {"pid": os.getpid()}
        self._watched = None

    def watch(self) -> None:
        handle = self.window.windowHandle()
        if handle is not None and handle is not self._watched:
            handle.installEventFilter(self)
            self._watched = handle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Expose and "shown" not in self.record \
                and watched.isExposed():
            QTimer.singleShot(0, self._shown)
        return False

    def _shown(self) -> None:
        if "shown" in self.record:
            return
        self.record["shown"] = time.time()
        self.record["torch_at_show"] = "torch" in sys.modules
        if self.close:
            self._close_while_loading()
            return
        ready = getattr(self.window, "inference_ready", None)  # else built at once
        if ready is not None:
            ready.connect(self._connect_inference)
        early = getattr(self.window, "early_prediction", None)  # answers before torch
        if early is not None:
            early.connect(lambda prediction: self._predicted(prediction, "onnx"))
        if self._is_ready():
            self._connect_inference()
        self._draw()
        self.record["stroke"] = time.time()
        self.record["ready_at_stroke"] = self._is_ready()

    def _is_ready(self) -> bool:
        return getattr(self.window, "answers_canvas", lambda: True)()

    def _close_while_loading(self) -> None:
        from app import model_loader

        if not model_loader.started():  # the window starts the load after its first paint
            QTimer.singleShot(5, self._close_while_loading)
            return
        self.record["closed_while_loading"] = not self._is_ready()
        self._write()
        self.window.close()

    def _draw(self) -> None:
        canvas = self.window.canvas
        rect = canvas.visible_rect()
        points = [QPoint(round(rect.x() + x * rect.width()), round(rect.y() + y * rect.height()))
                  for x, y in _STROKE]
        button, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(canvas, button, none, points[0])
        for point in points[1:]:
            QTest.mouseMove(canvas, point)
        QTest.mouseRelease(canvas, button, none, points[-1])

    def _connect_inference(self) -> None:
        self.window.inference.predicted.connect(lambda prediction: self._predicted(prediction))

    def _predicted(self, prediction: object, by: str = "torch") -> None:
        if "stroke" not in self.record or prediction.preprocessed.blank:
            return
        if by == "torch" and "predicted" in self.record and "handed_over" not in self.record:
            QTimer.singleShot(0, self._handed_over)
        if "predicted" not in self.record:
            self.record.setdefault("torch_at_answer", "torch" in sys.modules)
            QTimer.singleShot(0, lambda: self._on_screen(by))  # after the label's repaint

    def _handed_over(self) -> None:
        if "handed_over" not in self.record:
            self.record["handed_over"] = time.time()
            self.record["label_after"] = self.window.prediction_panel.predictionLabel.text()

    def _on_screen(self, by: str) -> None:
        if "predicted" in self.record:
            return
        self.window.repaint()  # what the user sees now includes the answer
        self.record["predicted"] = time.time()
        self.record["answered_by"] = by
        self.record["label"] = self.window.prediction_panel.predictionLabel.text()
        self.record["built_at_prediction"] = not self.window.pending_parts()
        if by == "torch":
            self._handed_over()
        if self.window.is_ready():
            self._all_built()
        else:
            self.window.ready.connect(self._all_built)

    def _all_built(self) -> None:
        if "all_built" in self.record:
            return
        self.record["all_built"] = time.time()
        # the GUI thread's torch threads, as app.main.configure_gui_process set them
        self.record["torch_threads"] = sys.modules["torch"].get_num_threads()
        self.record["blocks"] = dict(self.window.build_seconds)
        self.record["loader"] = dict(_loader_times)
        self._write()
        QApplication.exit(0)

    def _write(self) -> None:
        self.path.write_text(json.dumps(self.record), encoding="utf-8")


def install_probe(window: QMainWindow, path: Path, close: bool = False) -> None:
    """Record the start-up of ``window`` (about to be shown) into ``path``, then quit."""
    probe = _Probe(window, path, close)
    window.winId()  # creates its QWindow (show would): the window to watch
    probe.watch()


# When each stage of the window's background load ended (``time.time()``).
_loader_times: dict[str, float] = {}


def _time_the_loader() -> None:
    """Wrap :mod:`app.model_loader`'s two background steps so that they record when their
    stages end (the imports happen in the same thread and order as without the probe)."""
    import importlib

    from app import model_loader

    load, import_tabs = model_loader.load_model_side, model_loader.import_tab_modules

    def timed_load() -> object:
        _loader_times["load_started"] = time.time()
        importlib.import_module("torch")
        _loader_times["torch_imported"] = time.time()
        for name in model_loader.CORE_MODULES:
            importlib.import_module(name)
        _loader_times["core_imported"] = time.time()
        try:
            return load()  # its imports are done: it loads the model
        finally:
            _loader_times["model_loaded"] = time.time()

    def timed_tab_imports() -> None:
        import_tabs()
        _loader_times["tab_modules_imported"] = time.time()

    model_loader.load_model_side = timed_load
    model_loader.import_tab_modules = timed_tab_imports


class _WindowSpotter(QObject):
    """Attaches the probe to the first main window that is shown (an application filter)."""

    def __init__(self, path: Path, close: bool) -> None:
        super().__init__()
        self.path, self.close, self.done = path, close, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (not self.done and event.type() == QEvent.Type.Show
                and isinstance(watched, QMainWindow)):
            self.done = True
            install_probe(watched, self.path, self.close)
        return False


def main(argv: list[str] | None = None) -> int:
    """Run ``digitlab-gui`` with the probe (its arguments after ``--``); its exit status."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probe", type=Path, help="where to write the JSON record")
    parser.add_argument("--close", action="store_true",
                        help="close the window right after its first paint")
    argv = sys.argv[1:] if argv is None else list(argv)
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    gui_args = argv[split + 1:]
    from app import main as gui

    gui.configure_qt_environment()  # before the QApplication, as digitlab-gui does
    app = QApplication.instance() or QApplication(sys.argv[:1])
    spotter = _WindowSpotter(args.probe, args.close)
    app.installEventFilter(spotter)
    _time_the_loader()
    return gui.main(gui_args)


if __name__ == "__main__":
    sys.exit(main())
