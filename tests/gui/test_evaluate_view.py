"""The Evaluate tab, driven with real mouse clicks: matrix → gallery → canvas, cancel, close."""

from __future__ import annotations

import time

import numpy as np
import shiboken6
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from app import background
from app.main_window import MainWindow
from cnn_core.analysis.evaluation import dataset_test_set, evaluate
from cnn_core.checkpoints import Checkpoint, make_metadata
from cnn_core.data.datasets import DATASETS, locate_test_split
from cnn_core.models import create_model

TIMEOUT = 120_000  # ms; the machine running the tests may be slow and shared


def open_tab(qtbot, window: MainWindow):  # noqa: ANN001, ANN201
    bar = window.tabs.tabBar()
    index = window.tabs.indexOf(window.evaluate_view)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentWidget() is window.evaluate_view
    return window.evaluate_view


def run_evaluation(qtbot, view, max_samples: int | None) -> None:  # noqa: ANN001
    view.max_samples = max_samples
    with qtbot.waitSignal(view.runner.finished, timeout=TIMEOUT):
        qtbot.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=TIMEOUT)


def click_cell(view, true: int, predicted: int) -> None:  # noqa: ANN001
    matrix = view.confusionView
    QTest.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, matrix.cell_center(true, predicted))


def downscale(canvas_array: np.ndarray) -> np.ndarray:
    """The 280×280 canvas averaged down to 28×28."""
    return canvas_array.reshape(28, 10, 28, 10).mean(axis=(1, 3))


def test_confusion_cell_opens_exactly_its_images_and_one_goes_on_the_canvas(
        qtbot, bundled_window: MainWindow, bundled: Checkpoint) -> None:  # noqa: ANN001
    window = bundled_window
    view = open_tab(qtbot, window)
    run_evaluation(qtbot, view, 2000)
    core = evaluate(bundled.copy(), dataset_test_set("mnist", max_samples=2000))
    result = view.result()
    assert result.n == 2000 and (result.confusion == core.confusion).all()
    assert view.confusionView.cell_texts() == [[str(v) for v in row] for row in core.confusion]
    assert f"{core.accuracy:.2%}" in view.summaryLabel.text()
    np.testing.assert_allclose(view.perClassPlot.bar_values(), core.per_class_accuracy)

    off = core.confusion.copy()
    np.fill_diagonal(off, 0)
    true, predicted = (int(v) for v in np.unravel_index(off.argmax(), off.shape))
    assert off[true, predicted] >= 2
    click_cell(view, true, predicted)
    assert view.gallery_open()
    gallery = view.gallery
    expected = [m.index for m in core.misclassified if (m.true, m.predicted) == (true, predicted)]
    assert gallery.indices() == expected == core.cell(true, predicted).tolist()
    assert f"{true} read as {predicted}: {len(expected)} images" in view.galleryTitle.text()

    # the most confident mistake of the cell: the canvas's own preprocessing keeps its answer
    row = max(range(gallery.count()), key=lambda i: core.top3(expected[i])[0][1])
    index = expected[row]
    top = core.top3(index)
    assert f"#{index}: {true} → {predicted}" in gallery.item(row).text()
    assert f"{top[1][0]}\u00a0{top[1][1]:.0%}" in gallery.item(row).text()
    rect = gallery.visualItemRect(gallery.item(row))
    with qtbot.waitSignal(window.inference.predicted, timeout=10_000):
        QTest.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())
    # the model reads the test image itself; the canvas shows it fitted to its square
    assert window.canvas.has_picture()
    np.testing.assert_array_equal(window.canvas.model_input(),
                                  core.images[index].astype(np.float32) / 255)
    on_canvas = downscale(window.canvas.image_array().astype(np.float64))
    test_image = core.images[index].astype(np.float64)
    assert np.corrcoef(on_canvas.ravel(), test_image.ravel())[0, 1] > 0.95
    prediction = window.inference.last_prediction()
    assert prediction.label == predicted  # the canvas model reads it as the gallery said
    assert window.prediction_panel.predictionLabel.text().startswith(str(predicted))


def test_diagonal_cell_shows_the_least_sure_correct_answers(
        qtbot, window: MainWindow) -> None:  # noqa: ANN001
    view = open_tab(qtbot, window)
    run_evaluation(qtbot, view, 400)
    result = view.result()
    cls = int(np.argmax(np.diagonal(result.confusion)))
    click_cell(view, cls, cls)
    qtbot.waitUntil(lambda: not view.gallery.filling(), timeout=5_000)
    shown = view.gallery.indices()
    confidence = result.probabilities[shown, cls]
    correct = result.cell(cls, cls).tolist()
    assert len(shown) == min(200, len(correct)) > 0 and set(shown) <= set(correct)
    assert list(confidence) == sorted(confidence)
    assert "read correctly" in view.galleryTitle.text()
    empty = next((t, p) for t in range(10) for p in range(10) if result.confusion[t, p] == 0)
    click_cell(view, *empty)
    assert view.gallery.count() == 0 and "No " in view.galleryTitle.text()
    QTest.keyClick(view.gallery, Qt.Key.Key_Escape)
    assert not view.gallery_open()


def test_class_names_of_a_fashion_model_on_the_axes_and_in_the_gallery(
        qtbot, window: MainWindow) -> None:  # noqa: ANN001
    model = create_model("lenet", seed=0)
    with torch.no_grad():
        model.classifier[-1].bias[1] = 1e3  # always answers class 1
    window.set_model(Checkpoint(model, make_metadata(
        model, dataset="fashion_mnist", classes=list(DATASETS["fashion_mnist"].classes))))
    view = open_tab(qtbot, window)
    view.sourceCombo.setCurrentIndex(view.sourceCombo.findData("mnist"))
    run_evaluation(qtbot, view, 200)
    left = dict(view.confusionView.plot.getAxis("left")._tickLevels[0])
    assert left[1.5] == "Trouser" and left[9.5] == "Ankle boot"
    click_cell(view, 0, 1)
    assert "T-shirt/top read as Trouser" in view.galleryTitle.text()
    assert "→ Trouser" in view.gallery.item(0).text()


def test_unavailable_datasets_are_disabled_with_the_reason(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    view = open_tab(qtbot, window)
    model = view.sourceCombo.model()
    for row, name in enumerate(DATASETS):
        _, why = locate_test_split(name)
        item = model.item(row)
        assert item.isEnabled() == (why is None), name
        if why is not None:
            assert item.toolTip() == why and DATASETS[name].title in why
    assert view.sourceCombo.findData("drawings") == len(DATASETS)


def test_cancel_stops_a_full_evaluation(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    view = open_tab(qtbot, window)
    with qtbot.waitSignal(view.runner.progress, timeout=TIMEOUT):
        qtbot.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)
    assert view.cancelButton.isEnabled() and not view.evaluateButton.isEnabled()
    with qtbot.waitSignal(view.runner.cancelled, timeout=5_000):
        qtbot.mouseClick(view.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=5_000)
    assert view.result() is None and view.evaluateButton.isEnabled()
    assert view.summaryLabel.text() == "Evaluation cancelled."


def test_the_window_stays_responsive_and_closes_mid_evaluation(
        qtbot, bundled: Checkpoint, qtlog) -> None:  # noqa: ANN001
    # The bundled digitnet takes seconds for the 10,000 images (an untrained lenet can finish
    # within the 600 ms this test watches on a quiet machine).
    win = MainWindow(bundled.copy())
    win.show()
    qtbot.waitExposed(win)
    view = open_tab(qtbot, win)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(probe)
    timer.start(10)
    with qtbot.waitSignal(view.runner.progress, timeout=TIMEOUT):
        qtbot.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)
    qtbot.wait(600)
    timer.stop()
    assert view.runner.is_running()
    assert max(gaps) < 1.0, f"the window froze for {max(gaps):.2f} s"
    start = time.perf_counter()
    win.close()
    assert time.perf_counter() - start < 2.0
    assert not view.runner.is_running()
    assert background.owner().tasks() == []
    shiboken6.delete(win)
    qtbot.wait(50)
    problems = [r.message for r in qtlog.records if "thread" in r.message.lower()]
    assert problems == []
