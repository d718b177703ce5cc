"""A user's chaos: seeded random user actions through real events, and nothing may break.

Every action is what a person does with mouse and keyboard: strokes with either button, every
shortcut the window has, clicks on tabs and buttons, start / pause / stop training, model
switches on the shelf, files dropped on the canvas (valid and corrupt images, model files,
text), files "chosen" in the open dialogs, pastes of whatever the clipboard holds, resizing.
Modal dialogs that an action opens are dismissed with Escape, as a user would.

After the run: no exception reached Qt's event loop (pytest-qt fails the test on those), no
Qt warning was printed, closing the window leaves no thread behind, and memory stayed flat
after the warm-up (the first 40 % of the actions): the floor of the resident memory, measured
after a garbage collection and a ``malloc_trim``, and the number of models alive.

The quick default is 1,500 actions with a fixed seed. Opt in to longer or other runs with
``DIGITLAB_UI_FUZZ_ACTIONS=10000`` and ``DIGITLAB_UI_FUZZ_SEED=<n>|random``; the seed is
printed so that any failure reproduces.
"""

from __future__ import annotations

import gc
import os
import random
import struct
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from panel_controls import set_controls
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QMessageBox,
    QWidget,
)

from app import background
from app.background import Task
from app.main_window import MainWindow
from cnn_core.checkpoints import Checkpoint, save_checkpoint
from cnn_core.runtime.allocator import give_back_free_memory

ACTIONS = int(os.environ.get("DIGITLAB_UI_FUZZ_ACTIONS", "1500"))
_SEED_TEXT = os.environ.get("DIGITLAB_UI_FUZZ_SEED", "20261127")
SEED = random.SystemRandom().randrange(2**31) if _SEED_TEXT == "random" else int(_SEED_TEXT)
TRACE = bool(os.environ.get("DIGITLAB_UI_FUZZ_TRACE"))  # print every action as it happens
# Lazily built views, the training data set and malloc's retained arenas fill up over the first
# few hundred actions (measured: a plateau from ~500 actions on in a 3,000-action run).
WARM_UP = ACTIONS * 2 // 5
# Memory is sampled every few actions in two windows, right after the warm-up and at the end;
# each window's lowest sample is the floor (a sample taken while an evaluation or a dataset
# page is in flight is a peak that falls again: measured, such peaks reach +100 MB).
WINDOW = max(50, ACTIONS // 10)
SAMPLE_EVERY = 5
# Some views and data are first built a few hundred actions in: with 1,000 actions and the
# full suite's malloc settings, growth after a 400-action warm-up was -11 to 189 MB over seeds
# 1-6 and the default, with the models flat; seed 1 over 3,000 actions is flat from ~600 on.
# With 1,500 actions (a 600-action warm-up): 4-93 MB over seeds 1, 2, 7 and the default.
# Models, which hold the big buffers, are also counted exactly.
RSS_GROWTH_LIMIT_MB = 150.0
# Models alive (window, shelf, caches, background work): a handful, whatever the actions were.
MODEL_GROWTH_LIMIT = 10

# Shortcuts that end the session or hand control to the desktop are not chaos but a goodbye.
_SKIPPED_SHORTCUTS = {"Ctrl+Q"}


def _return_freed_memory() -> None:
    """Collect garbage and hand malloc's free pages back to the system (glibc only).

    Without this, RSS counts what the allocator keeps for reuse as well as what is alive: a
    heap fragmented by the 8 MB arrays of evaluations, or tuned by the in-process CLI tests
    (:func:`cnn_core.runtime.allocator.keep_freed_memory` is process-wide), grows with no
    leak at all. Measured after this, RSS grows only with what the program still holds.
    """
    gc.collect()
    give_back_free_memory()  # not glibc: RSS as it is


def _rss_mb() -> float:
    _return_freed_memory()
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _live_models() -> int:
    """Checkpoints (a model and its metadata) alive now: one kept by mistake shows here."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Checkpoint)


def _make_files(folder: Path, checkpoint: Checkpoint) -> list[Path]:
    """Files a user may drop or open: good and bad images and models, and plain junk."""
    rng = np.random.default_rng(0)
    digit = np.zeros((200, 160), np.uint8)
    digit[30:170, 70:95] = 255  # a thick "1"
    files = []
    for name, mode, data in (("one.png", "L", 255 - digit), ("light_on_dark.png", "L", digit),
                             ("noise.png", "L", rng.integers(0, 256, (64, 64), np.uint8))):
        Image.fromarray(data, mode).save(folder / name)
        files.append(folder / name)
    Image.fromarray(255 - digit).convert("RGB").save(folder / "one.jpg", quality=80)
    rgba = np.zeros((120, 120, 4), np.uint8)
    rgba[20:100, 50:70, 3] = 255  # a stroke drawn on a transparent background
    Image.fromarray(rgba, "RGBA").save(folder / "alpha.png")
    files += [folder / "one.jpg", folder / "alpha.png"]
    png = (folder / "one.png").read_bytes()
    (folder / "truncated.png").write_bytes(png[: len(png) // 2])
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.txt").write_text("not a picture\n")
    # A PNG header that claims 100,000 × 100,000 pixels (a decompression bomb's first bytes).
    (folder / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
                                      + struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
                                      + b"\0\0\0\0")
    model = save_checkpoint(folder / "model.safetensors", checkpoint)
    data = model.read_bytes()
    (folder / "truncated.safetensors").write_bytes(data[: len(data) // 3])
    (folder / "garbage.safetensors").write_bytes(rng.integers(0, 256, 4096, np.uint8).tobytes())
    files += [folder / n for n in ("truncated.png", "empty.png", "notes.txt", "bomb.png",
                                   "model.safetensors", "truncated.safetensors",
                                   "garbage.safetensors")]
    return files


class Chaos:
    """Random real-event user actions against one window."""

    def __init__(self, window: MainWindow, rng: random.Random, files: list[Path],
                 out: Path) -> None:
        self.window = window
        self.rng = rng
        self.files = files
        self.out = out
        self.counts: dict[str, int] = {}
        # Every background task seen, none of which may outlive the window. Held weakly: a
        # finished task holds its work (a model copy), which the program itself lets go.
        self.tasks: weakref.WeakSet[Task] = weakref.WeakSet()
        self.actions: list[tuple[str, Callable[[], None], float]] = [
            ("stroke", self.stroke, 30),
            ("click canvas", self.click_canvas, 4),
            ("shortcut", self.shortcut, 18),
            ("tab", self.click_tab, 8),
            ("button", self.click_button, 10),
            ("training", self.training, 6),
            ("shelf", self.switch_model, 5),
            ("drop", self.drop_file, 5),
            ("open", self.open_file, 4),
            ("paste", self.paste, 3),
            ("resize", self.resize, 2),
            ("wait", self.wait, 5),
        ]

    # ----------------------------------------------------------------- helpers
    def _visible(self, widget: QWidget) -> bool:
        return widget.isVisible() and widget.isEnabled() and widget.window() is self.window

    def _point_in(self, widget: QWidget) -> QPoint:
        rect = widget.rect()
        return QPoint(self.rng.randrange(max(1, rect.width())),
                      self.rng.randrange(max(1, rect.height())))

    def step(self) -> str:
        names, funcs, weights = zip(*self.actions, strict=True)
        index = self.rng.choices(range(len(names)), weights=weights)[0]
        funcs[index]()
        self.tasks.update(background.owner().tasks())
        self.counts[names[index]] = self.counts.get(names[index], 0) + 1
        QApplication.processEvents()
        return names[index]

    def visit_every_tab(self) -> None:
        """Click each tab once, as a user looking around first would."""
        bar = self.window.tabs.tabBar()
        for index in range(bar.count()):
            bar.setCurrentIndex(index)  # a scrolled-away tab cannot be clicked
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             bar.tabRect(index).center())
            QTest.qWait(20)
        bar.setCurrentIndex(0)

    # ----------------------------------------------------------------- actions
    def stroke(self) -> None:
        canvas = self.window.canvas
        if not canvas.isVisible():
            return
        rect = canvas.rect()
        button = self.rng.choice([Qt.MouseButton.LeftButton] * 5 + [Qt.MouseButton.RightButton])
        # Mostly inside, sometimes wandering off the edge and back.
        points = [QPoint(self.rng.randint(-20, rect.width() + 20),
                         self.rng.randint(-20, rect.height() + 20))
                  for _ in range(self.rng.randint(2, 14))]
        QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(canvas, point)
        QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier, points[-1])

    def click_canvas(self) -> None:
        canvas = self.window.canvas
        if canvas.isVisible():
            QTest.mouseClick(canvas, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, self._point_in(canvas))

    def shortcut(self) -> None:
        sequences = []
        for action in self.window.findChildren(QAction):
            if not action.isEnabled():
                continue
            for sequence in action.shortcuts():
                text = sequence.toString()
                if text and text not in _SKIPPED_SHORTCUTS:
                    sequences.append(sequence)
        if not sequences:
            return
        sequence = self.rng.choice(sequences)
        combo = sequence[0]
        QTest.keyClick(self.window, combo.key(), combo.keyboardModifiers())

    def click_tab(self) -> None:
        bar = self.window.tabs.tabBar()
        if bar.count() and bar.isVisible():
            rect = bar.tabRect(self.rng.randrange(bar.count()))
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             rect.center())

    def click_button(self) -> None:
        # Any visible push/tool button except those that leave the app; dialogs they open are
        # dismissed by the watchdog.
        buttons = [b for b in self.window.findChildren(QAbstractButton)
                   if self._visible(b) and b.objectName() not in ("",)]
        if buttons:
            button = self.rng.choice(buttons)
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def training(self) -> None:
        panel = self.window.training_panel
        name = self.rng.choice(["trainButton", "trainButton", "pauseButton", "stopButton"])
        button = panel.findChild(QAbstractButton, name)
        if button is None:
            return
        if not button.isVisible():
            self.window.tabs.setCurrentWidget(panel)
            QApplication.processEvents()
        if button.isVisible() and button.isEnabled():
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def switch_model(self) -> None:
        shelf = self.window.findChild(QComboBox, "modelShelf")
        if shelf is None or not self._visible(shelf) or shelf.count() < 2:
            return
        shelf.setFocus()
        QTest.keyClick(shelf, self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]))

    def drop_file(self) -> None:
        canvas = self.window.canvas
        if not canvas.isVisible():
            return
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(self.rng.choice(self.files)))])
        pos = QPointF(self._point_in(canvas))
        actions = Qt.DropAction.CopyAction
        enter = QDragEnterEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, enter)
        if enter.isAccepted():
            drop = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(canvas, drop)

    def open_file(self) -> None:
        # The file dialog "returns" a random file; the user pressed the real shortcut.
        choice = str(self.rng.choice(self.files))
        target = self.rng.choice(["Ctrl+O", "Ctrl+Shift+O"])
        original = QFileDialog.getOpenFileName
        QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (choice, ""))  # type: ignore
        try:
            key = Qt.Key.Key_O
            mods = Qt.KeyboardModifier.ControlModifier
            if target == "Ctrl+Shift+O":
                mods |= Qt.KeyboardModifier.ShiftModifier
            QTest.keyClick(self.window, key, mods)
        finally:
            QFileDialog.getOpenFileName = original  # type: ignore[method-assign]

    def paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        kind = self.rng.choice(["image", "text", "file", "empty"])
        if kind == "image":
            image = QImage(64, 64, QImage.Format.Format_Grayscale8)
            image.fill(255)
            for x in range(20, 44):
                image.setPixel(x, 32, 0)
            clipboard.setImage(image)
        elif kind == "text":
            clipboard.setText("seven")
        elif kind == "file":
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(self.rng.choice(self.files)))])
            clipboard.setMimeData(mime)
        else:
            clipboard.clear()
        QTest.keyClick(self.window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    def resize(self) -> None:
        self.window.resize(self.rng.randint(900, 1920), self.rng.randint(600, 1080))

    def wait(self) -> None:
        QTest.qWait(self.rng.randint(1, 40))


def _threads() -> list[threading.Thread]:
    """The threads that run now. Python lists a thread it did not start (a ``QThread``) once
    that thread has called ``threading.current_thread()``, through logging or a library, and
    keeps listing it after it ended: on Linux such a thread counts while the kernel still
    lists it."""
    task_dir = Path("/proc/self/task")
    if not task_dir.is_dir():
        return threading.enumerate()
    return [t for t in threading.enumerate()
            if not isinstance(t, threading._DummyThread)  # noqa: SLF001 (no public name)
            or (task_dir / str(t.native_id)).exists()]


def _running(task: Task) -> bool:
    try:
        return task.is_running()
    except RuntimeError:  # its C++ object is gone: it was deleted after finishing
        return False


def _dismiss_modal_dialogs() -> None:
    """Press Escape on any popup menu or modal dialog (as a user would)."""
    for widget in (QApplication.activePopupWidget(), QApplication.activeModalWidget()):
        if widget is not None:
            QTest.keyClick(widget, Qt.Key.Key_Escape)
            return


@pytest.mark.filterwarnings("error")
def test_a_thousand_random_user_actions_break_nothing(qtbot, qtlog, tmp_path, untrained,  # noqa: ANN001
                                                      monkeypatch) -> None:  # noqa: ANN001
    print(f"\nUI fuzz: {ACTIONS} actions, seed {SEED} "
          f"(rerun with DIGITLAB_UI_FUZZ_SEED={SEED} DIGITLAB_UI_FUZZ_ACTIONS={ACTIONS})")
    rng = random.Random(SEED)
    files = _make_files(tmp_path, untrained)
    out = tmp_path / "saved"
    out.mkdir()
    # Save dialogs write into the test's folder; "are you sure" boxes answer No.
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out / f"f{rng.randrange(5)}.png"), "")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    threads_before = len(_threads())

    window = MainWindow(untrained.copy())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    # Short runs, so that start / pause / stop all happen many times.
    set_controls(window.training_panel, {"modelCombo": "lenet", "deviceCombo": "cpu",
                                         "maxSamplesSpin": 2000, "epochsSpin": 2})
    window.training_panel.max_test_samples = 300
    watchdog = QTimer(interval=50, timeout=_dismiss_modal_dialogs)
    watchdog.start()

    chaos = Chaos(window, rng, files, out)
    chaos.visit_every_tab()  # views built on first show are part of the baseline, not growth
    baseline: list[float] = []
    final: list[float] = []
    trend: list[float] = []
    models: list[int] = []
    started = time.monotonic()
    last = ""
    try:
        for i in range(ACTIONS):
            last = chaos.step()
            if TRACE:
                print(f"{i} {last}", flush=True)
            in_window = WARM_UP <= i < WARM_UP + WINDOW or i >= ACTIONS - WINDOW
            if in_window and i % SAMPLE_EVERY == 0:
                (baseline if i < WARM_UP + WINDOW else final).append(_rss_mb())
                if i == WARM_UP:
                    models.append(_live_models())
            if i % 100 == 99:
                trend.append(_rss_mb())
    except Exception:
        print(f"failed at action {i} ({last}); seed {SEED}")
        raise
    elapsed = time.monotonic() - started
    watchdog.stop()

    window.close()
    qtbot.waitUntil(lambda: not window.training_panel.is_running(), timeout=5000)
    QApplication.processEvents()
    try:
        qtbot.waitUntil(lambda: len(_threads()) <= threads_before, timeout=5000)
    except Exception as exc:
        raise AssertionError(f"threads left after closing the window: {_threads()}") from exc
    assert [t for t in chaos.tasks if _running(t)] == [], "a task outlived the window"
    assert background.owner().tasks() == []

    models.append(_live_models())
    growth = min(final) - min(baseline)
    print("RSS every 100 actions (MB):", [round(r) for r in trend])
    print(f"UI fuzz: {ACTIONS} actions in {elapsed:.1f} s; {dict(sorted(chaos.counts.items()))}; "
          f"RSS floor after warm-up {min(baseline):.0f} MB, at the end {min(final):.0f} MB "
          f"(growth {growth:.0f} MB), peak {max(baseline + final + trend):.0f} MB; "
          f"models alive {models[0]} -> {models[1]}")
    assert growth < RSS_GROWTH_LIMIT_MB, f"memory grew {growth:.0f} MB (seed {SEED})"
    assert models[1] - models[0] <= MODEL_GROWTH_LIMIT, f"models pile up: {models} (seed {SEED})"
    # The offscreen platform's own notes ("This plugin does not support raise()", "… grabbing
    # the keyboard", "… propagateSizeHints()") come from popups and are not the app's.
    bad = [r.message for r in qtlog.records
           if not r.message.startswith("This plugin does not support")]
    assert bad == [], f"Qt warnings (seed {SEED}): {bad[:5]}"
