"""Shared fixtures for the GUI tests: offscreen Qt, private settings, small models."""

from __future__ import annotations

import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Training processes train with one thread here: tests run beside other tests, and OpenMP
# threads that wait at every barrier for a pre-empted sibling turn a 2 s stop into 12 s.
os.environ.setdefault("DIGITLAB_TRAIN_THREADS", "1")
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")  # as app.main.configure_qt_environment

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from app.main import configure_gui_process, configure_pyqtgraph  # noqa: E402
from app.models import DATA_DIR_ENV  # noqa: E402
from app.settings import SETTINGS_ENV  # noqa: E402
from cnn_core.checkpoints import (  # noqa: E402
    Checkpoint,
    CheckpointError,
    bundled_checkpoint_path,
    load_bundled,
    make_metadata,
)
from cnn_core.models import create_model  # noqa: E402

configure_pyqtgraph()
configure_gui_process()  # as digitlab-gui's main does: the GUI thread predicts on one thread


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings file and data folder (the model shelf); the user's
    real settings and runs are never touched."""
    folder = tmp_path_factory.mktemp("settings")
    path = folder / "DigitLab.ini"
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    monkeypatch.setenv(DATA_DIR_ENV, str(folder / "data"))
    # Belt and braces: anything that builds QSettings() itself lands in the temp folder too.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return path


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Nothing a test clicks opens the user's browser or file viewer (Open TensorBoard, the
    user guide): the addresses asked for are recorded instead."""
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toString()) or True)
    return opened


@pytest.fixture(scope="session")
def untrained() -> Checkpoint:
    """A small untrained model (fast; its answers mean nothing)."""
    model = create_model("lenet", seed=0)
    return Checkpoint(model, make_metadata(model))


@pytest.fixture
def fresh_untrained(untrained: Checkpoint) -> Checkpoint:
    """A copy of the untrained model that a test may change."""
    return untrained.copy()


@pytest.fixture(scope="session")
def bundled() -> Checkpoint:
    """The bundled trained model; tests that need real answers skip without it."""
    if not bundled_checkpoint_path().is_file():
        pytest.skip(f"the bundled model {bundled_checkpoint_path()} is not there yet")
    try:
        return load_bundled()
    except CheckpointError as exc:  # a broken bundled file is a failure, not a skip
        pytest.fail(f"the bundled model does not load: {exc}")


def _show(qtbot, widget, size: tuple[int, int] = (1280, 800)):  # noqa: ANN001, ANN202
    """``widget`` shown at ``size`` (1280×800: the size the tests and the screenshots use
    for the window), once exposed; closed after the test."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def show(qtbot) -> Callable[..., Any]:  # noqa: ANN001
    """``show(widget, (width, height))`` shows a widget at that size and returns it once it
    is exposed (1280×800 without a size)."""
    return lambda widget, size=(1280, 800): _show(qtbot, widget, size)


def _shown_window(qtbot, checkpoint: Checkpoint) -> Iterator:  # noqa: ANN001
    from app.main_window import MainWindow

    win = _show(qtbot, MainWindow(checkpoint.copy()))
    assert win.wait_until_ready(30_000)  # built at once here: torch is imported already
    yield win
    win.close()


@pytest.fixture
def window(qtbot, untrained: Checkpoint) -> Iterator:  # noqa: ANN001
    """A shown main window predicting with the untrained model."""
    yield from _shown_window(qtbot, untrained)


@pytest.fixture
def bundled_window(qtbot, bundled: Checkpoint) -> Iterator:  # noqa: ANN001
    """A shown main window predicting with the bundled model (real answers)."""
    yield from _shown_window(qtbot, bundled)


@pytest.fixture
def window_for(qtbot) -> Iterator[Callable[[Checkpoint], Any]]:  # noqa: ANN001
    """``window_for(checkpoint)`` shows a main window predicting with ``checkpoint`` (a copy)
    and returns it once every part is built; each is closed after the test."""
    shown: list[Iterator] = []

    def open_window(checkpoint: Checkpoint) -> Any:
        shown.append(_shown_window(qtbot, checkpoint))
        return next(shown[-1])

    yield open_window
    for window in reversed(shown):
        next(window, None)  # closes it


@pytest.fixture
def start_window(qtbot) -> Callable[..., Any]:  # noqa: ANN001
    """``start_window(ready)`` shows a window started as digitlab-gui starts it: painted first,
    its model and then its tabs loaded in the background (:func:`gated_load` and
    :func:`gated_tabs` hold those). It returns the window once ``ready(window)`` holds (30 s at
    most), or once it is exposed without ``ready``. Call it after the test's own patches."""
    from app.main_window import MainWindow

    def start(ready: Callable[[Any], bool] | None = None) -> Any:
        win = _show(qtbot, MainWindow(background=True))
        if ready is not None:
            qtbot.waitUntil(lambda: ready(win), timeout=30_000)
        return win

    return start


def _hold(monkeypatch: pytest.MonkeyPatch, step: str) -> Iterator[threading.Event]:
    """Make ``step`` of :mod:`app.model_loader`'s background load wait for the yielded event,
    so that "not loaded yet" is a state the test controls, not a race. The test gets loads of
    its own (none started yet); the gate opens when it ends."""
    from app import model_loader

    gate = threading.Event()
    real = getattr(model_loader, step)

    def held() -> Any:
        gate.wait(60)
        return real()

    monkeypatch.setattr(model_loader, step, held)
    monkeypatch.setattr(model_loader, "_started", None)
    monkeypatch.setattr(model_loader, "_early", None)
    monkeypatch.setattr(model_loader, "_tab_imports", None)
    yield gate
    gate.set()


@pytest.fixture
def gated_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The model's background load waits until the returned event is set."""
    yield from _hold(monkeypatch, "load_model_side")


@pytest.fixture
def gated_tabs(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The import of the tabs' modules waits until the returned event is set (the model
    loads at once)."""
    yield from _hold(monkeypatch, "import_tab_modules")


@pytest.fixture
def no_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    """onnxruntime as if it were not installed (its import fails): the window answers only
    once torch is there."""
    monkeypatch.setitem(sys.modules, "onnxruntime", None)


Stroke = list[tuple[float, float]]


@pytest.fixture
def draw(qtbot) -> Callable[..., None]:  # noqa: ANN001
    """Draw strokes on a canvas with real mouse events.

    Points are in canvas units (0..1 of the drawing square); each stroke is press, moves,
    release with the given button.
    """

    def _draw(canvas, strokes: list[Stroke],  # noqa: ANN001
              button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
        rect = canvas.visible_rect()

        def to_widget(point: tuple[float, float]) -> QPoint:
            return QPoint(round(rect.x() + point[0] * rect.width()),
                          round(rect.y() + point[1] * rect.height()))

        for stroke in strokes:
            QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, to_widget(stroke[0]))
            for point in stroke[1:]:
                QTest.mouseMove(canvas, to_widget(point))
            QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier,
                               to_widget(stroke[-1]))

    return _draw


@pytest.fixture(scope="session", autouse=True)
def collect_garbage_in_the_gui_thread(qapp) -> Iterator[None]:  # noqa: ANN001
    """As the app's ``main`` does: cycles are collected only in the GUI thread (app/gui_gc.py)."""
    from app.gui_gc import install

    collector = install(qapp)
    yield
    # As when a script returns: the windows' threads stop and the windows are deleted while
    # the QApplication lives; cycles that hold Qt objects are collected now (app/lifetime.py).
    from app import lifetime

    lifetime.finish()
    collector.stop()


@pytest.fixture(scope="session", autouse=True)
def close_leftover_windows() -> Iterator[None]:
    """At the end, close any window a failed test left open, so its threads stop.

    A window left open keeps its worker threads running; Qt aborts the interpreter at exit
    ("QThread: Destroyed while thread is still running"), which would hide the real failure.
    """
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in app.topLevelWidgets():
        try:
            widget.close()
        except RuntimeError:  # already deleted
            pass
