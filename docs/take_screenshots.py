"""Take the README's real-window screenshots under an X server (Xvfb), driving the app as a
user would: draw with the mouse, train a small run, evaluate, click a confusion cell, turn on
"Why this answer?", compare two models, step through a convolution.

    Xvfb :99 -screen 0 1920x1080x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python docs/take_screenshots.py docs/screenshots

Each view is taken at 1280×800 and 1920×1080 (``shelf-1280.png`` …) with ImageMagick's
``import -window root``, so what is saved is what the X server shows, open drop-downs
included. Settings and the model shelf live in a temporary folder; the user's are never read.
The script puts the repository and the test helpers (``tests/``, ``tests/gui/``) on its path.
``--only=builder`` takes only the architecture builder's views (no training runs first);
``--only=coach`` only the Coach tab's (collecting, then the results of a fine-tuning).
``--only=conv-explorer`` only the convolution explorer's; ``--only=code-view`` the code dock
beside the Build tab; ``--only=conv-flip`` the explorer with the tutorials' corr2d example
typed in and the kernel flipped.
``--only=kernel-learner`` / ``--only=dataset-browser`` / ``--only=receptive-field`` /
``--only=batchnorm`` only that view (no training run); ``--only=tensorboard`` the Train tab's
TensorBoard controls with TensorBoard serving.
``--only=zh`` only the Chinese window's views (install a CJK font first: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = (ROOT, ROOT / "tests", ROOT / "tests" / "gui")  # the app, own_hand, digit_strokes …
SIZES = ((1280, 800), (1920, 1080))
TIMEOUT = 300.0  # seconds; the machine may be slow and shared

Size = tuple[int, int]
Stroke = Sequence[tuple[float, float]]


class Driver:
    """The window and what a user does to it: wait, click, open a tab, draw, take a shot."""

    def __init__(self, app, window, out: Path) -> None:  # noqa: ANN001
        self.app, self.window, self.out = app, window, out

    def wait_until(self, condition: Callable[[], bool], what: str,
                   timeout: float = TIMEOUT) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(what)
            self.app.processEvents()
            time.sleep(0.02)

    def settle(self, seconds: float = 0.8) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.02)

    def resize(self, size: Size) -> None:
        self.window.resize(*size)
        self.settle()

    def click(self, widget, pos=None) -> None:  # noqa: ANN001
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         pos if pos is not None else widget.rect().center())

    def open_tab(self, widget) -> None:  # noqa: ANN001
        bar = self.window.tabs.tabBar()
        self.click(bar, bar.tabRect(self.window.tabs.indexOf(widget)).center())

    def drag_strokes(self, canvas, strokes: Sequence[Stroke]) -> None:  # noqa: ANN001
        """Draw ``strokes`` (points in 0 … 1 of the canvas's drawing area) with the mouse."""
        from PySide6.QtCore import QEvent, QPoint, Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        rect = canvas.visible_rect()
        left = Qt.MouseButton.LeftButton
        plain = Qt.KeyboardModifier.NoModifier
        for stroke in strokes:
            points = [QPoint(round(rect.x() + x * rect.width()),
                             round(rect.y() + y * rect.height())) for x, y in stroke]
            QTest.mousePress(canvas, left, plain, points[0])
            for point in points[1:]:
                QTest.mouseMove(canvas, point)
            QTest.mouseRelease(canvas, left, plain, points[-1])
        # The pointer moves on to the controls: the brush ring leaves the canvas.
        QApplication.sendEvent(canvas, QEvent(QEvent.Type.Leave))

    def draw(self, digit: int) -> None:
        """Clear the main canvas, draw ``digit`` and wait for its prediction."""
        from digit_strokes import DIGITS

        window = self.window
        panel = window.canvas_panel
        self.click(panel.toolbar.widgetForAction(panel.clearAction))  # the Clear button
        self.wait_until(lambda: not window.canvas.has_picture(), "a clear canvas")
        self.drag_strokes(window.canvas, DIGITS[digit])
        self.wait_until(lambda: window.inference.last_prediction() is not None
                        and not window.inference.last_prediction().preprocessed.blank,
                        "a prediction")

    def use_bundled(self) -> None:
        """Put the bundled model on the canvas (its button) unless it is there already."""
        library = self.window.library
        if library.canvas_entry().key != "bundled":
            self.click(self.window.model_bar.useBundledButton)
            self.wait_until(lambda: library.canvas_entry().key == "bundled", "bundled model")

    def pick_shelf(self, prefix: str) -> None:
        shelf = self.window.model_bar.modelShelf
        index = next(i for i in range(shelf.count()) if shelf.itemText(i).startswith(prefix))
        if shelf.currentIndex() != index:
            shelf.setCurrentIndex(index)
            shelf.activated.emit(index)
        self.wait_until(lambda: self.window.library.canvas_entry().title().startswith(prefix),
                        prefix)

    def shoot(self, name: str, size: Size) -> None:
        from PySide6.QtWidgets import QToolButton

        banner = self.window.banner
        if banner.isVisible():  # close the last message with its × as a user would
            self.click(banner.findChild(QToolButton))
        self.settle()
        path = self.out / f"{name}-{size[0]}.png"
        geometry = f"{size[0]}x{size[1]}+0+0"
        subprocess.run(["import", "-window", "root", "-crop", geometry, "+repage", str(path)],
                       check=True)
        print("saved", path, flush=True)


# ------------------------------------------------------------------------------ the scenes


def builder_scene(d: Driver, size: Size) -> None:
    """The architecture builder with the LeNet-5 preset, conv2 selected in the table."""
    _show_lenet5_in_builder(d, size)
    d.shoot("architecture-builder", size)


def _show_lenet5_in_builder(d: Driver, size: Size) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    d.resize(size)
    builder = d.window.architecture_builder
    d.open_tab(builder)
    combo = builder.presetCombo
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != "lenet5":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    table = builder.table
    rect = table.visualItemRect(table.item(table.row_of_layer(3), 0))  # conv2
    d.click(table.viewport(), rect.center())


def code_view_scene(d: Driver, size: Size) -> None:
    """The code dock beside the Build tab: LeNet-5, the mouse over conv2's row lights its lines."""
    from PySide6.QtTest import QTest

    d.resize(size)
    window = d.window
    builder = window.architecture_builder
    d.open_tab(builder)
    if builder.spec()["name"] != "lenet5":
        builder.load_preset("lenet5")
    dock = window.code_dock
    dock.setFloating(False)  # placed as on a first start at this size (docked where there
    dock.setProperty("placed", False)  # is room beside the tabs, else floating)
    window.menus.showCodeAction.trigger()  # View ▸ Code
    d.wait_until(lambda: dock.isVisible() and dock.widget().code() is not None, "the code")
    table = builder.table
    conv2 = table.visualItemRect(table.item(table.row_of_layer(3), 0)).center()
    d.click(table.viewport(), conv2)
    QTest.mouseMove(table.viewport(), conv2)
    d.wait_until(lambda: bool(dock.widget().text.lit_lines()), "conv2's lines lit")
    d.shoot("code-view", size)
    window.menus.showCodeAction.trigger()  # closed again for the next scenes
    d.settle()


def kernel_learner_scene(d: Driver, size: Size) -> None:
    """Learn Sobel x from a drawn 7, caught on its way to the target."""
    d.resize(size)
    view = d.window.kernel_learner
    d.draw(7)
    d.open_tab(view)
    for combo, data in ((view.targetCombo, "sobel_x"), (view.inputCombo, "drawing"),
                        (view.speedCombo, 300)):
        combo.setCurrentIndex(combo.findData(data))
    d.click(view.runButton)
    d.wait_until(lambda: view.last_step() is not None and view.last_step().error < 0.05,
                 "the kernel on its way to Sobel x")
    d.click(view.runButton)  # pause mid-way: the curve still falling
    d.shoot("kernel-learner", size)


def dataset_browser_scene(d: Driver, size: Size) -> None:
    """The first test images with the bundled model's answers."""
    d.resize(size)
    d.use_bundled()
    browser = d.window.dataset_browser
    d.open_tab(browser)
    browser.splitCombo.setCurrentIndex(browser.splitCombo.findData(False))
    d.wait_until(lambda: browser.shown() is not None and not browser.splitCombo.currentData()
                 and "predictions" in browser.shown(), "a page of test images")
    d.shoot("dataset-browser", size)


def tensorboard_scene(d: Driver, size: Size) -> None:
    """The Train tab logging to TensorBoard, with TensorBoard serving (no browser opened)."""
    from PySide6.QtWidgets import QScrollArea

    d.resize(size)
    panel = d.window.training_panel
    d.open_tab(panel)
    controls = panel.tensorboard
    if not controls.logCheck.isChecked():
        d.click(controls.logCheck)
    viewer = d.window.tensorboard
    viewer.open_browser = False  # the picture is of DigitLab, not of a browser
    if viewer.url is None:
        d.click(controls.openButton)
    d.wait_until(lambda: viewer.url is not None, "TensorBoard serving")
    panel.findChild(QScrollArea, "trainingSettings").ensureWidgetVisible(controls.statusLabel)
    d.shoot("tensorboard", size)


def conv_explorer_scene(d: Driver, size: Size) -> None:
    """Step through a convolution: Sobel x, padding 1, on a drawn 3, mid-way."""
    _step_conv_explorer(d, size)
    d.shoot("conv-explorer", size)


def _step_conv_explorer(d: Driver, size: Size) -> None:
    d.window.resize(*size)
    d.use_bundled()
    explorer = d.window.conv_explorer
    d.open_tab(explorer)
    d.draw(3)
    controls = explorer.controls
    controls.paddingSpin.setValue(1)
    d.settle()
    d.click(controls.resetButton)
    for _ in range(11 * 28 + 12):  # into the 3's upper curve
        d.click(controls.stepButton)


def conv_flip_scene(d: Driver, size: Size) -> None:
    """The tutorials' corr2d example typed into the convolution explorer (X = 0 … 8, K =
    [[0, 1], [2, 3]], no bias), the kernel flipped (a true convolution), every step done."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    d.window.resize(*size)
    explorer = d.window.conv_explorer
    d.open_tab(explorer)
    controls = explorer.controls
    for edit, text in ((controls.typedBox.inputEdit, "0 1 2; 3 4 5; 6 7 8"),
                       (controls.typedBox.kernelEdit, "0 1; 2 3")):
        d.click(edit)
        edit.selectAll()
        QTest.keyClicks(edit, text)
        QTest.keyClick(edit, Qt.Key.Key_Return)
    if controls.biasCheck.isChecked():
        d.click(controls.biasCheck)
    if not controls.flipped():
        d.click(controls.flipChoice.check)
    d.click(controls.finishButton)
    d.settle()
    d.shoot("conv-flip", size)


def train_three_runs(d: Driver) -> None:
    """Three small runs put models on the shelf: a TinyVGG stopped after its first epoch, a
    LeNet-5 for one epoch, then a LeNet trained for two epochs on 4,096 images (the canvas
    model, #3)."""
    from panel_controls import set_controls
    from run_events import RunEvents

    window = d.window
    panel = window.training_panel
    epochs: list[object] = []
    RunEvents(panel.training).epoch_done.connect(epochs.append)
    trained: list[object] = []
    panel.model_trained.connect(trained.append)

    def run(model: str, epoch_count: int, stop_after_first: bool) -> None:
        set_controls(panel, {"modelCombo": model, "deviceCombo": "cpu",
                             "maxSamplesSpin": 4096, "epochsSpin": epoch_count, "seedSpin": 0})
        panel.max_test_samples = 1000
        expected = len(trained) + 1
        d.click(panel.trainButton)
        if stop_after_first:
            d.wait_until(lambda: bool(epochs), "the first epoch")
            d.click(panel.stopButton)
        d.wait_until(lambda: len(trained) == expected, f"the {model} run")
        d.settle(1.5)

    run("tinyvgg", 5, stop_after_first=True)
    run("lenet5", 1, stop_after_first=False)
    run("lenet", 2, stop_after_first=False)


def trained_scenes(d: Driver, size: Size) -> None:
    """The Train tab, the shelf, Compare, Evaluate and "Why this answer?" views (after
    train_three_runs)."""
    window = d.window
    d.resize(size)
    d.pick_shelf("#3")
    # The Train tab after three runs, then the shelf, open, over it.
    d.open_tab(window.training_panel)
    d.draw(7)
    d.shoot("train", size)
    window.model_bar.modelShelf.showPopup()
    d.shoot("shelf", size)
    window.model_bar.modelShelf.hidePopup()

    # Compare: the run (canvas model) against the bundled model on the same 7.
    view = window.compare_view
    d.open_tab(view)
    left, right = view.sides()
    d.wait_until(lambda: left.inference.last_prediction() is not None
                 and right.inference.last_prediction() is not None
                 and len(left.maps.cards()) > 0 and len(right.maps.cards()) > 0, "compare")
    d.shoot("compare", size)

    # Evaluate the run on 2,000 MNIST test images; open its largest mistake cell.
    ev = window.evaluate_view
    d.open_tab(ev)
    ev.max_samples = 2000
    d.click(ev.evaluateButton)
    d.wait_until(lambda: ev.result() is not None and not ev.runner.is_running(), "evaluation")
    confusion = ev.result().confusion.copy()
    for i in range(len(confusion)):
        confusion[i, i] = 0
    true, predicted = divmod(int(confusion.argmax()), confusion.shape[1])
    matrix = ev.confusionView
    d.click(matrix.viewport(), matrix.cell_center(true, predicted))
    d.wait_until(lambda: ev.gallery.count() > 0, "the gallery")
    gallery = ev.gallery
    d.click(gallery.viewport(), gallery.visualItemRect(gallery.item(0)).center())
    d.wait_until(window.canvas.has_picture, "the gallery image on the canvas")
    d.shoot("evaluate", size)

    # Why this answer? on the bundled model, for a drawn 7.
    d.click(window.model_bar.useBundledButton)
    d.wait_until(lambda: window.library.canvas_entry().key == "bundled", "bundled model")
    d.open_tab(window.feature_map_view)
    d.draw(7)
    controls = window.saliency_controls
    d.click(controls.saliencyToggle)
    d.wait_until(lambda: controls.overlay.result() is not None, "saliency")
    # "Why not a 1?": explain class 1 instead of the answer.
    controls.saliencyClass.setCurrentIndex(controls.saliencyClass.findData(1))
    d.wait_until(lambda: controls.overlay.result() is not None
                 and controls.overlay.result().target == 1, "saliency for class 1")
    d.shoot("saliency", size)
    controls.saliencyClass.setCurrentIndex(0)
    d.click(controls.saliencyToggle)


def hover_cell(d: Driver, grid, channel: int, row: int, col: int) -> None:  # noqa: ANN001
    """Point the mouse at one cell of a feature-map grid, as a user would."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    tile = grid.tile_rect(channel)
    height, width = grid.values().shape[1:]
    pos = QPoint(tile.x() + round((col + 0.5) * tile.width() / width),
                 tile.y() + round((row + 0.5) * tile.height() / height))
    QTest.mouseMove(grid, pos)


def card_in_view(d: Driver, size: Size, digit: int, pick: Callable, widget: str = "grid"):  # noqa: ANN201
    """The bundled model's feature maps for a drawn ``digit``; the card ``pick(cards)``
    chooses, scrolled into view so that its ``widget`` (its grid, its button) is seen."""
    d.resize(size)
    d.use_bundled()
    view = d.window.feature_map_view
    d.open_tab(view)
    d.draw(digit)
    d.wait_until(lambda: len(view.cards()) > 6, "the feature maps")
    card = pick(view.cards())
    target = getattr(card, widget)
    d.settle()  # laid out first, so that scrolling finds the card where it is
    view.scrollArea.ensureWidgetVisible(target, 0, 200)
    d.wait_until(lambda: not target.visibleRegion().isEmpty(), "the card in view")
    return card


def receptive_field_scene(d: Driver, size: Size) -> None:
    """The bundled model's feature maps for a drawn 4, the pointer on a cell of a deeper
    convolution: its receptive field framed on the drawing and the 28×28 input, the
    effective field as a faint heat map inside."""
    card = card_in_view(d, size, 4, lambda cards: next(
        c for c in cards if c.name.startswith("features.conv") and c.grid.values().shape[1] <= 14))
    channels, height, width = card.grid.values().shape
    seen = card.grid.visibleRegion().boundingRect()  # a tall card shows only part of its grid
    channel = next((c for c in range(1, channels) if seen.contains(card.grid.tile_rect(c))), 1)
    hover_cell(d, card.grid, channel, height // 2 - 1, width // 2)
    overlay = d.window.receptive_field_overlay
    d.wait_until(lambda: not overlay.heat().isNull(), "the effective field")
    d.shoot("receptive-field", size)
    overlay.clear()


def batchnorm_scene(d: Driver, size: Size) -> None:
    """Inside the bundled model's second BatchNorm for a drawn 5, in train mode: the
    drawing's own statistics in bold, the maps before and after the layer."""
    from app.widgets.batchnorm_view import BatchNormDialog

    card = card_in_view(d, size, 5, lambda cards: [
        c for c in cards if c.name.startswith("features.bn")][1], "insideButton")
    d.click(card.insideButton)
    window = d.window
    dialog = window.feature_map_view.findChild(BatchNormDialog)
    d.wait_until(lambda: dialog.view.inside() is not None
                 and dialog.view.inside().layer == card.name, "inside BatchNorm")
    dialog.move(window.x() + size[0] - dialog.width() - 40, window.y() + 90)
    d.click(dialog.view.trainButton)
    d.shoot("batchnorm", size)
    d.click(dialog.view.evalButton)
    dialog.close()


def inside_scenes(d: Driver, size: Size) -> None:
    """The bundled model reading a drawn digit: the window as it opens with the Feature maps
    tab (the README's first picture), the Kernels tab and the Perturb tab's sweep."""
    window = d.window
    d.resize(size)
    d.use_bundled()
    d.open_tab(window.feature_map_view)
    d.draw(4)
    d.wait_until(lambda: window.feature_map_view.isVisible(), "the feature maps")
    d.shoot("drawing", size)
    d.open_tab(window.kernel_view)
    d.shoot("kernels", size)
    view = window.perturbation_view
    d.open_tab(view)
    view.sliders["rotate"].setValue(35)
    d.settle(2.0)  # the sweep is computed off the GUI thread
    d.shoot("perturb", size)
    view.sliders["rotate"].setValue(0)


def coach_scenes(d: Driver, sizes: Sequence[Size]) -> None:
    """The Coach tab: collection half done (every size), then the results of a fine-tuning.

    Samples are drawn with the mouse on the coach's canvas in a made-up steep backhand
    (``tests/own_hand.py``) that the bundled model partly misreads, each sample jittered
    differently; Enter accepts each. The fine-tuning is the real default one.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from own_hand import strokes

    coach = d.window.handwriting_coach
    d.click(d.window.model_bar.useBundledButton)
    d.wait_until(lambda: d.window.library.canvas_entry().key == "bundled", "bundled model")
    d.open_tab(coach)

    def collect(count: int) -> None:
        for _ in range(count):
            digit = coach.prompt_digit
            d.drag_strokes(coach.canvas, strokes(digit, coach.counts()[digit], "steep"))
            QTest.keyClick(coach.canvas, Qt.Key.Key_Return)
            d.settle(0.05)

    collect(23)
    d.drag_strokes(coach.canvas, strokes(coach.prompt_digit, coach.counts()[coach.prompt_digit],
                                         "steep"))
    d.settle(0.5)
    for size in sizes:
        d.window.resize(*size)
        d.shoot("handwriting-coach-collecting", size)
    d.click(coach.clearButton)
    collect(50 - sum(coach.counts()))
    d.click(coach.fineTuneButton)
    d.wait_until(lambda: not coach.is_fine_tuning(), "the fine-tuning")
    for size in sizes:
        d.window.resize(*size)
        d.shoot("handwriting-coach-results", size)


def chinese_scenes(d: Driver, sizes: Sequence[Size]) -> None:
    """The window in Simplified Chinese (a window of its own, started as ``digitlab-gui
    --lang zh_CN`` starts it): the Train tab beside a drawn digit, the builder, the
    convolution explorer. A CJK font must be installed (``fonts-noto-cjk``)."""
    from app.language import install_translators
    from app.main_window import MainWindow

    translators = install_translators(d.app, "zh_CN")
    d.window.hide()
    window = MainWindow()
    window.move(0, 0)
    window.show()
    zh = Driver(d.app, window, d.out)
    zh.wait_until(lambda: window.checkpoint() is not None, "the bundled model")
    zh.wait_until(window.is_ready, "every tab")
    for size in sizes:
        zh.resize(size)
        zh.open_tab(window.training_panel)
        zh.draw(4)
        zh.shoot("zh-drawing", size)
        _show_lenet5_in_builder(zh, size)
        zh.shoot("zh-builder", size)
        _step_conv_explorer(zh, size)
        zh.shoot("zh-convolution", size)
    window.close()
    window.deleteLater()
    for translator in translators:
        d.app.removeTranslator(translator)
    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale(QLocale.Language.English))
    d.window.show()


def all_scenes(d: Driver) -> None:
    """Every view: three small training runs first, then each scene at each size."""
    for size in SIZES:
        inside_scenes(d, size)
    train_three_runs(d)
    for size in SIZES:
        trained_scenes(d, size)
        builder_scene(d, size)
        code_view_scene(d, size)
        conv_explorer_scene(d, size)
        conv_flip_scene(d, size)
        kernel_learner_scene(d, size)
        dataset_browser_scene(d, size)
        receptive_field_scene(d, size)
        batchnorm_scene(d, size)
        tensorboard_scene(d, size)
    coach_scenes(d, SIZES)
    chinese_scenes(d, SIZES)


SHOTS = ("drawing", "kernels", "perturb", "train", "shelf", "compare", "evaluate", "saliency",
         "architecture-builder", "code-view", "conv-explorer", "conv-flip", "kernel-learner",
         "dataset-browser", "handwriting-coach-collecting", "handwriting-coach-results",
         "receptive-field", "batchnorm", "tensorboard", "zh-drawing", "zh-builder",
         "zh-convolution")
"""Every view the full run shoots, each at every size in :data:`SIZES`."""


def produced_files() -> set[str]:
    """The file names a full run writes (``drawing-1280.png`` …)."""
    return {f"{name}-{width}.png" for name in SHOTS for width, _ in SIZES}


ONLY: dict[str, Callable[[Driver, Size], None]] = {
    "inside": inside_scenes,
    "builder": builder_scene,
    "code-view": code_view_scene,
    "conv-explorer": conv_explorer_scene,
    "conv-flip": conv_flip_scene,
    "kernel-learner": kernel_learner_scene,
    "dataset-browser": dataset_browser_scene,
    "receptive-field": receptive_field_scene,
    "batchnorm": batchnorm_scene,
    "tensorboard": tensorboard_scene,
}
"""``--only=NAME`` scenes that need no training run, taken at every size."""


def main(out: Path, only: str = "") -> int:
    sys.path[:0] = [str(p) for p in HELPERS if str(p) not in sys.path]
    scratch = Path(tempfile.mkdtemp(prefix="digitlab-shots-"))
    from app.settings import SETTINGS_ENV
    from cnn_core.runtime.user_data import DATA_DIR_ENV
    os.environ[SETTINGS_ENV] = str(scratch / "s.ini")
    os.environ[DATA_DIR_ENV] = str(scratch / "data")

    from PySide6.QtWidgets import QApplication

    from app.main import configure_gui_process, configure_pyqtgraph, configure_qt_environment
    from app.main_window import MainWindow

    if only and only not in ONLY and only not in ("coach", "zh"):
        print(f"--only={only}: expected one of {', '.join([*ONLY, 'coach', 'zh'])}",
              file=sys.stderr)
        return 2
    configure_qt_environment()  # as digitlab-gui's main does, before Qt starts
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("DigitLab")
    app.setApplicationName("DigitLab")
    app.setStyle("Fusion")
    configure_pyqtgraph()
    configure_gui_process()  # as digitlab-gui's main does

    window = MainWindow()
    window.move(0, 0)
    window.resize(*SIZES[0])
    window.show()
    d = Driver(app, window, out)
    d.wait_until(lambda: window.checkpoint() is not None, "the bundled model")

    if only == "coach":
        coach_scenes(d, SIZES)
    elif only == "zh":
        chinese_scenes(d, SIZES)
    elif only:
        for size in SIZES:
            ONLY[only](d, size)
    else:
        all_scenes(d)
    window.close()
    window.deleteLater()
    d.settle(0.5)
    return 0


if __name__ == "__main__":
    # ``--only=builder`` takes just the builder's views (no training runs first)
    args = [a for a in sys.argv[1:] if not a.startswith("--only")]
    only = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")), "")
    sys.exit(main(Path(args[0] if args else "docs/screenshots"), only))
