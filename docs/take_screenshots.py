"""Take the README's real-window screenshots under an X server (Xvfb), driving the app as a
user would: draw with the mouse, train a small run, evaluate, click a confusion cell, turn on
"Why this answer?", compare two models, step through a convolution.

    Xvfb :99 -screen 0 1920x1080x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb PYTHONPATH=$PWD:$PWD/tests \\
        .venv/bin/python docs/take_screenshots.py docs/screenshots

Each view is taken at 1280×800 and 1920×1080 (``shelf-1280.png`` …) with ImageMagick's
``import -window root``, so what is saved is what the X server shows, open drop-downs
included. Settings and the model shelf live in a temporary folder; the user's are never read.
``--only=builder`` takes only the architecture builder's views (no training runs first);
``--only=coach`` only the Coach tab's (collecting, then the results of a fine-tuning).
``--only=conv-explorer`` only the convolution explorer's.
``--only=kernel-learner`` / ``--only=dataset-browser`` only that tab's views (no training run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = ((1280, 800), (1920, 1080))
TIMEOUT = 300.0  # seconds; the machine may be slow and shared


def builder_scene(window, click, open_tab, shoot, size: tuple[int, int]) -> None:  # noqa: ANN001
    """The architecture builder with the LeNet-5 preset, conv2 selected in the table."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    builder = window.architecture_builder
    open_tab(builder)
    combo = builder.presetCombo
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != "lenet5":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    table = builder.table
    rect = table.visualItemRect(table.item(table.row_of_layer(3), 0))  # conv2
    click(table.viewport(), rect.center())
    shoot("architecture-builder", size)


def main(out: Path, only: str = "") -> int:
    scratch = Path(tempfile.mkdtemp(prefix="digitlab-shots-"))
    from app.models import DATA_DIR_ENV
    from app.settings import SETTINGS_ENV
    os.environ[SETTINGS_ENV] = str(scratch / "s.ini")
    os.environ[DATA_DIR_ENV] = str(scratch / "data")

    from digit_strokes import DIGITS
    from panel_controls import set_controls
    from PySide6.QtCore import QEvent, QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolButton

    from app.main import configure_gui_process, configure_pyqtgraph
    from app.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("DigitLab")
    app.setApplicationName("DigitLab")
    app.setStyle("Fusion")
    configure_pyqtgraph()
    configure_gui_process()  # as digitlab-gui's main does

    def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(what)
            app.processEvents()
            time.sleep(0.02)

    def settle(seconds: float = 0.8) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    window = MainWindow()
    window.move(0, 0)
    window.resize(*SIZES[0])
    window.show()
    wait_until(lambda: window.checkpoint() is not None, "the bundled model")

    def click(widget, pos: QPoint | None = None) -> None:  # noqa: ANN001
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         pos if pos is not None else widget.rect().center())

    def open_tab(widget) -> None:  # noqa: ANN001
        bar = window.tabs.tabBar()
        click(bar, bar.tabRect(window.tabs.indexOf(widget)).center())

    def draw(digit: int) -> None:
        canvas = window.canvas
        panel = window.canvas_panel
        click(panel.toolbar.widgetForAction(panel.clearAction))  # the Clear button
        wait_until(lambda: not canvas.has_picture(), "a clear canvas")
        rect = canvas.visible_rect()
        for stroke in DIGITS[digit]:
            points = [QPoint(round(rect.x() + x * rect.width()),
                             round(rect.y() + y * rect.height())) for x, y in stroke]
            QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             points[0])
            for point in points[1:]:
                QTest.mouseMove(canvas, point)
            QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton,
                               Qt.KeyboardModifier.NoModifier, points[-1])
        # The pointer moves on to the controls: the brush ring leaves the canvas.
        QApplication.sendEvent(canvas, QEvent(QEvent.Type.Leave))
        wait_until(lambda: window.inference.last_prediction() is not None
                   and not window.inference.last_prediction().preprocessed.blank, "a prediction")

    def shoot(name: str, size: tuple[int, int]) -> None:
        banner = window.banner
        if banner.isVisible():  # close the last message with its × as a user would
            click(banner.findChild(QToolButton))
        settle()
        path = out / f"{name}-{size[0]}.png"
        geometry = f"{size[0]}x{size[1]}+0+0"
        subprocess.run(["import", "-window", "root", "-crop", geometry, "+repage", str(path)],
                       check=True)
        print("saved", path, flush=True)

    def pick_shelf(prefix: str) -> None:
        shelf = window.modelShelf
        index = next(i for i in range(shelf.count()) if shelf.itemText(i).startswith(prefix))
        if shelf.currentIndex() != index:
            shelf.setCurrentIndex(index)
            shelf.activated.emit(index)
        wait_until(lambda: window.library.canvas_entry().title().startswith(prefix), prefix)

    def kernel_learner_scene(size: tuple[int, int]) -> None:
        """Learn Sobel x from a drawn 7, caught on its way to the target."""
        window.resize(*size)
        settle()
        view = window.kernel_learner
        draw(7)
        open_tab(view)
        for combo, data in ((view.targetCombo, "sobel_x"), (view.inputCombo, "drawing"),
                            (view.speedCombo, 300)):
            combo.setCurrentIndex(combo.findData(data))
        click(view.runButton)
        wait_until(lambda: view.last_step() is not None and view.last_step().error < 0.05,
                   "the kernel on its way to Sobel x")
        click(view.runButton)  # pause mid-way: the curve still falling
        shoot("kernel-learner", size)

    def dataset_browser_scene(size: tuple[int, int]) -> None:
        """The first test images with the bundled model's answers."""
        window.resize(*size)
        settle()
        if window.library.canvas_entry().key != "bundled":
            click(window.useBundledButton)
            wait_until(lambda: window.library.canvas_entry().key == "bundled", "bundled")
        browser = window.dataset_browser
        open_tab(browser)
        browser.splitCombo.setCurrentIndex(browser.splitCombo.findData(False))
        wait_until(lambda: browser.shown() is not None and not browser.splitCombo.currentData()
                   and "predictions" in browser.shown(), "a page of test images")
        shoot("dataset-browser", size)

    if only in ("kernel-learner", "dataset-browser"):
        for size in SIZES:
            (kernel_learner_scene if only == "kernel-learner" else dataset_browser_scene)(size)
        window.close()
        window.deleteLater()
        settle(0.5)
        return 0

    def conv_explorer_scene(size: tuple[int, int]) -> None:
        """Step through a convolution: Sobel x, padding 1, on a drawn 3, mid-way."""
        window.resize(*size)
        if window.library.canvas_entry().key != "bundled":
            click(window.useBundledButton)
            wait_until(lambda: window.library.canvas_entry().key == "bundled", "bundled model")
        explorer = window.conv_explorer
        open_tab(explorer)
        draw(3)
        controls = explorer.controls
        controls.paddingSpin.setValue(1)
        settle()
        click(controls.resetButton)
        for _ in range(11 * 28 + 12):  # into the 3's upper curve
            click(controls.stepButton)
        shoot("conv-explorer", size)

    if only == "conv-explorer":
        for size in SIZES:
            conv_explorer_scene(size)
    if only == "coach":
        coach_scenes(window, SIZES, click, open_tab, wait_until, settle, shoot)
    if only in ("coach", "conv-explorer"):
        window.close()
        window.deleteLater()
        settle(0.5)
        return 0

    if only == "builder":
        for size in SIZES:
            window.resize(*size)
            builder_scene(window, click, open_tab, shoot, size)
        window.close()
        window.deleteLater()
        settle(0.5)
        return 0

    # Two small runs put models on the shelf: a TinyVGG stopped after its first epoch, then
    # a LeNet trained for two epochs on 4,096 images (it becomes the canvas model).
    panel = window.training_panel
    set_controls(panel, {"modelCombo": "tinyvgg", "deviceCombo": "cpu", "maxSamplesSpin": 4096,
                         "epochsSpin": 5, "seedSpin": 0})
    panel.max_test_samples = 1000
    epochs: list[object] = []
    window.library.epoch_done.connect(epochs.append)
    trained: list[object] = []
    panel.model_trained.connect(trained.append)
    click(panel.trainButton)
    wait_until(lambda: bool(epochs), "the first epoch")
    click(panel.stopButton)
    wait_until(lambda: len(trained) == 1, "the stopped run")
    settle(1.0)
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": 4096,
                         "epochsSpin": 2, "seedSpin": 0})
    panel.max_test_samples = 1000
    click(panel.trainButton)
    wait_until(lambda: len(trained) == 2, "the training run")
    settle(1.5)

    def take(size: tuple[int, int]) -> None:
        """The four views at one window size."""
        window.resize(*size)
        settle()
        pick_shelf("#2")
        # The shelf, open, over the Train tab with the run's curves.
        open_tab(panel)
        draw(7)
        window.modelShelf.showPopup()
        shoot("shelf", size)
        window.modelShelf.hidePopup()

        # Compare: the run (canvas model) against the bundled model on the same 7.
        view = window.compare_view
        open_tab(view)
        left, right = view.sides()
        wait_until(lambda: left.inference.last_prediction() is not None
                   and right.inference.last_prediction() is not None
                   and len(left.maps.cards()) > 0 and len(right.maps.cards()) > 0, "compare")
        shoot("compare", size)

        # Evaluate the run on 2,000 MNIST test images; open its largest mistake cell.
        ev = window.evaluate_view
        open_tab(ev)
        ev.max_samples = 2000
        click(ev.evaluateButton)
        wait_until(lambda: ev.result() is not None and not ev.runner.is_running(), "evaluation")
        confusion = ev.result().confusion.copy()
        for i in range(len(confusion)):
            confusion[i, i] = 0
        true, predicted = divmod(int(confusion.argmax()), confusion.shape[1])
        matrix = ev.confusionView
        click(matrix.viewport(), matrix.cell_center(true, predicted))
        wait_until(lambda: ev.gallery.count() > 0, "the gallery")
        gallery = ev.gallery
        click(gallery.viewport(), gallery.visualItemRect(gallery.item(0)).center())
        wait_until(window.canvas.has_picture, "the gallery image on the canvas")
        shoot("evaluate", size)

        # Why this answer? on the bundled model, for a drawn 7.
        click(window.useBundledButton)
        wait_until(lambda: window.library.canvas_entry().key == "bundled", "bundled model")
        open_tab(window.feature_map_view)
        draw(7)
        controls = window.saliency_controls
        click(controls.saliencyToggle)
        wait_until(lambda: controls.overlay.result() is not None, "saliency")
        # "Why not a 1?": explain class 1 instead of the answer.
        controls.saliencyClass.setCurrentIndex(controls.saliencyClass.findData(1))
        wait_until(lambda: controls.overlay.result() is not None
                   and controls.overlay.result().target == 1, "saliency for class 1")
        shoot("saliency", size)
        controls.saliencyClass.setCurrentIndex(0)
        click(controls.saliencyToggle)
        builder_scene(window, click, open_tab, shoot, size)

    for size in SIZES:
        take(size)
        conv_explorer_scene(size)
        kernel_learner_scene(size)
        dataset_browser_scene(size)
    coach_scenes(window, SIZES, click, open_tab, wait_until, settle, shoot)

    window.close()
    window.deleteLater()
    settle(0.5)
    return 0


def coach_scenes(window, sizes, click, open_tab, wait_until, settle, shoot) -> None:  # noqa: ANN001
    """The Coach tab: collection half done (both sizes), then the results of a fine-tuning.

    Samples are drawn with the mouse on the coach's canvas in a made-up steep backhand
    (``tests/own_hand.py``) that the bundled model partly misreads, each sample jittered
    differently; Enter accepts each. The fine-tuning is the real default one.
    """
    from PySide6.QtCore import QEvent, QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from own_hand import strokes

    coach = window.handwriting_coach
    click(window.useBundledButton)
    wait_until(lambda: window.library.canvas_entry().key == "bundled", "bundled model")
    open_tab(coach)

    def draw(digit: int, sample: int, finish: bool = True) -> None:
        canvas = coach.canvas
        rect = canvas.visible_rect()
        lines = strokes(digit, sample, "steep")
        for stroke in lines if finish else lines[:1]:
            points = [QPoint(round(rect.x() + x * rect.width()),
                             round(rect.y() + y * rect.height())) for x, y in stroke]
            QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             points[0])
            for point in points[1:]:
                QTest.mouseMove(canvas, point)
            QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton,
                               Qt.KeyboardModifier.NoModifier, points[-1])
        QApplication.sendEvent(canvas, QEvent(QEvent.Type.Leave))

    def collect(count: int) -> None:
        for _ in range(count):
            digit = coach.prompt_digit
            draw(digit, coach.counts()[digit])
            QTest.keyClick(coach.canvas, Qt.Key.Key_Return)
            settle(0.05)

    collect(23)
    draw(coach.prompt_digit, coach.counts()[coach.prompt_digit])
    settle(0.5)
    for size in sizes:
        window.resize(*size)
        shoot("handwriting-coach-collecting", size)
    click(coach.clearButton)
    collect(50 - sum(coach.counts()))
    click(coach.fineTuneButton)
    wait_until(lambda: not coach.is_fine_tuning(), "the fine-tuning")
    for size in sizes:
        window.resize(*size)
        shoot("handwriting-coach-results", size)


if __name__ == "__main__":
    # ``--only builder`` takes just the builder's views (no training runs first)
    args = [a for a in sys.argv[1:] if not a.startswith("--only")]
    only = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")), "")
    sys.exit(main(Path(args[0] if args else "docs/screenshots"), only))
