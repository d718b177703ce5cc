"""One picture, one answer: a data set's picture reads the same in every panel, and the advice
under an unsure answer says what is true (real clicks, double-clicks and keys)."""

from __future__ import annotations

import numpy as np
import pytest
from digit_strokes import DIGITS
from fake_models import weakly_preferring
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_clicks import EVALUATION_TIMEOUT, evaluate, open_tab

from app.main_window import MainWindow
from cnn_core.analysis.evaluation import dataset_test_set
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.data_picture import DataPicture, as_given
from cnn_core.recognition.predict import Predictor

TIMEOUT = EVALUATION_TIMEOUT
TEMPERATURE = 1.6  # not 1: the probabilities shown must be the temperature-scaled ones


@pytest.fixture
def calibrated_window(qtbot, show, bundled: Checkpoint):  # noqa: ANN001, ANN201
    """A window whose canvas model is the bundled one with a temperature of its own."""
    model = bundled.copy()
    model.meta["calibration"] = {"temperature": TEMPERATURE}
    win = show(MainWindow(model))
    assert win.wait_until_ready(30_000)
    yield win
    win.close()


def _compare_left(qtbot, window: MainWindow) -> np.ndarray:  # noqa: ANN001
    """Open the Compare tab and return the bars of its left side (the canvas model)."""
    open_tab(qtbot, window, window.compare_view)
    left, _ = window.compare_view.sides()
    assert left.key == window.library.canvas_entry().key
    qtbot.waitUntil(lambda: left.inference.last_prediction() is not None
                    and not left.inference.last_prediction().preprocessed.blank)
    return left.prediction.shown_probabilities()


def test_a_gallery_picture_shows_the_evaluations_probabilities_everywhere(
        qtbot, calibrated_window: MainWindow) -> None:  # noqa: ANN001
    window = calibrated_window
    view = window.evaluate_view
    result = evaluate(qtbot, window, 1000)
    assert result.temperature == TEMPERATURE
    off = result.confusion.copy()
    np.fill_diagonal(off, 0)
    true, predicted = (int(v) for v in np.unravel_index(off.argmax(), off.shape))
    matrix = view.confusionView
    QTest.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, matrix.cell_center(true, predicted))
    gallery = view.gallery
    qtbot.waitUntil(lambda: gallery.count() > 0)
    index = gallery.indices()[0]
    with qtbot.waitSignal(window.inference.predicted, timeout=10_000):
        QTest.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier,
                         gallery.visualItemRect(gallery.item(0)).center())
    expected = result.probabilities[index]
    top = result.top3(index)
    caption = gallery.item(0).text()
    assert f"{top[0][1]:.0%}" in caption

    # the canvas's panel: the picture as the evaluation read it, the same probabilities
    panel = window.prediction_panel
    assert window.canvas.data_picture() is not None
    np.testing.assert_allclose(window.inference.last_prediction().preprocessed.image28,
                               result.images[index] / 255.0, atol=1e-6)
    np.testing.assert_allclose(panel.shown_probabilities(), expected, atol=2e-4)
    assert f"{expected.max():.0%}" in panel.predictionLabel.text() + panel.detailLabel.text()
    assert panel.step_titles() == ["From the data set, as given"]
    # the Compare tab's side with the same model: the same bars again
    np.testing.assert_allclose(_compare_left(qtbot, window), expected, atol=2e-4)


def test_a_browsed_picture_shows_the_browsers_answer_everywhere(
        qtbot, calibrated_window: MainWindow) -> None:  # noqa: ANN001
    window = calibrated_window
    browser = window.dataset_browser
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        open_tab(qtbot, window, browser)
    predictions = browser.shown()["predictions"]
    page = browser.shown()["page"]
    # the least sure answer of the page: where re-cropping and calibration would show most
    cell = int(np.argmin(predictions.confidences))
    with qtbot.waitSignal(window.inference.predicted, timeout=10_000):
        QTest.mouseDClick(browser.grid, Qt.MouseButton.LeftButton,
                          pos=browser.grid.cell_rect(cell).center())
    shown = window.prediction_panel.shown_probabilities()
    assert int(shown.argmax()) == int(predictions.labels[cell])
    assert shown.max() == pytest.approx(float(predictions.confidences[cell]), abs=2e-4)
    assert f"({predictions.confidences[cell]:.0%})" in browser.grid.cells()[cell].answer
    # the same numbers from a predictor of its own, reading the picture as given
    own = Predictor(window.checkpoint().copy())
    reading = own.predict_preprocessed(as_given(DataPicture.from_uint8(page.images[cell])))
    np.testing.assert_allclose(window.inference.last_prediction().probabilities,
                               reading.probabilities, atol=1e-5)
    np.testing.assert_allclose(_compare_left(qtbot, window), shown, atol=2e-4)
    # the Perturb tab, with every slider at "no change": the same numbers once more
    perturb = window.perturbation_view
    open_tab(qtbot, window, perturb)
    qtbot.waitUntil(lambda: perturb.probabilities_shown() is not None, timeout=10_000)
    np.testing.assert_allclose(perturb.probabilities_shown(), shown, atol=2e-4)


def _hesitant(untrained: Checkpoint, epochs: int, accuracy: float | None) -> Checkpoint:
    """A model that ignores the picture and slightly prefers a 3, claiming to have trained
    ``epochs`` epochs to ``accuracy`` on the test set."""
    model = weakly_preferring(untrained, 3)
    model.meta["epochs"] = epochs
    model.meta["metrics"] = {} if accuracy is None else {"test_accuracy": accuracy}
    return model


@pytest.mark.parametrize(("epochs", "accuracy", "says"), [
    (0, None, "epoch 0"),  # untrained, stopped before an epoch ended, a replay's first point
    (1, 0.42, "barely trained (42% right on the test set"),  # stopped after one epoch
])
def test_an_unsure_untrained_model_does_not_blame_the_drawing(
        window: MainWindow, draw, qtbot, untrained, epochs, accuracy, says) -> None:  # noqa: ANN001
    window.set_model(_hesitant(untrained, epochs, accuracy))
    draw(window.canvas, DIGITS[0])
    qtbot.waitUntil(lambda: window.inference.last_prediction().verdict == "unsure")
    detail = window.prediction_panel.detailLabel.text()
    assert "Best guess 3" in detail and says in detail
    assert "clearly" not in detail and "clearer" not in detail


def test_an_unsure_data_set_picture_is_not_called_a_bad_drawing(
        qtbot, window: MainWindow, untrained) -> None:  # noqa: ANN001
    window.set_model(_hesitant(untrained, 12, 0.99))  # "well trained", and still unsure
    picture = DataPicture.from_uint8(dataset_test_set("mnist", max_samples=1).images[0])
    with qtbot.waitSignal(window.inference.predicted, timeout=10_000):
        window.canvas.set_picture(picture)
    detail = window.prediction_panel.detailLabel.text()
    assert window.inference.last_prediction().verdict == "unsure"
    assert "unsure of this picture from the data set" in detail
    assert "clear" not in detail
    # the same model on a drawing: only then is the drawing worth another try
    QTest.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert "clearer" not in window.prediction_panel.detailLabel.text()
