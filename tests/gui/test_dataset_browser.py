"""The dataset browser, with real keys, clicks and double-clicks."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.widgets.dataset_browser import PER_PAGE, DatasetBrowser
from app.widgets.training_form import TrainingForm
from cnn_core.data.datasets import load_split

TIMEOUT = 60_000  # ms: the first load of MNIST on a loaded machine


@pytest.fixture
def browser(qtbot, untrained):  # noqa: ANN001, ANN201
    form = TrainingForm()
    qtbot.addWidget(form)
    form.modelCombo.setCurrentIndex(form.modelCombo.findData("lenet5"))  # trains unaugmented
    view = DatasetBrowser(lambda: untrained, form)
    qtbot.addWidget(view)
    view.resize(900, 620)
    with qtbot.waitSignal(view.page_shown, timeout=TIMEOUT):
        view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


def _choose(qtbot, combo, data: object) -> None:  # noqa: ANN001
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != data:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{data!r} not in the list"


def test_first_page_shows_training_images_with_answers(browser) -> None:  # noqa: ANN001
    train = load_split("mnist", train=True)
    cells = browser.grid.cells()
    assert len(cells) == PER_PAGE
    assert [c.caption for c in cells[:5]] == [str(int(v)) for v in train.labels[:5]]
    assert np.array_equal(cells[0].image, train.images[0].numpy())
    predictions = browser.shown()["predictions"]
    wrong = predictions.labels != train.labels[:PER_PAGE].numpy()
    assert wrong.any()  # an untrained model: some answers are wrong …
    assert [c.wrong for c in cells] == list(wrong)  # … and exactly those are marked
    assert all(c.answer.startswith("→ ") for c in cells)
    assert "right on this page" in browser.infoLabel.text()
    assert browser.last_job_seconds < 5  # off the GUI thread anyway; measured, not assumed


def test_page_keys_and_class_filter(qtbot, browser) -> None:  # noqa: ANN001
    train = load_split("mnist", train=True)
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        QTest.keyClick(browser, Qt.Key.Key_PageDown)
    assert browser.page_number() == 1
    assert browser.grid.cells()[0].caption == str(int(train.labels[PER_PAGE]))
    assert "Page 2 of 1,200" in browser.pageLabel.text()
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        QTest.keyClick(browser, Qt.Key.Key_PageUp)
    assert browser.page_number() == 0 and not browser.prevButton.isEnabled()
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        _choose(qtbot, browser.classCombo, 7)
    assert {c.caption for c in browser.grid.cells()} == {"7"}
    sevens = int((train.labels == 7).sum())
    assert f"{sevens:,} images" in browser.pageLabel.text()


def test_double_click_sends_the_image_to_the_canvas(qtbot, browser) -> None:  # noqa: ANN001
    grid = browser.grid
    rect = grid.cell_rect(12)
    with qtbot.waitSignal(browser.image_chosen) as chosen:
        QTest.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=rect.center())
    picture = chosen.args[0]  # a data set's picture: the canvas model reads it as given
    expected = load_split("mnist", train=True).images[12].numpy() / 255.0
    assert picture.image.dtype == np.float32 and np.allclose(picture.image, expected)
    assert picture.source.endswith("#12")


def test_batch_as_the_model_sees_it(qtbot, browser) -> None:  # noqa: ANN001
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        _choose(qtbot, browser.modeCombo, "model")
    view = browser.shown()["view"]
    assert not view.augmented  # lenet5's recipe: no augmentation
    text = browser.infoLabel.text()
    assert "lenet5" in text and "not augmented" in text and "-0.42" in text and "2.82" in text
    assert abs(browser.grid.cells()[0].image.min() - view.low) < 1e-6
    browser._form.augmentCheck.setChecked(True)  # the Train tab's recipe now augments
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        qtbot.mouseClick(browser.augmentButton, Qt.MouseButton.LeftButton)
    assert browser.shown()["view"].augmented
    assert "randomly distorted" in browser.infoLabel.text()


def test_window_has_both_new_tabs_and_double_click_reaches_the_canvas(
        qtbot, window) -> None:  # noqa: ANN001
    from app.widgets.kernel_learner import KernelLearnerView

    tabs = window.tabs
    names = [tabs.widget(i).objectName() for i in range(tabs.count())]
    assert "kernelLearner" in names and "datasetBrowser" in names
    assert isinstance(window.kernel_learner, KernelLearnerView)
    browser = window.dataset_browser
    with qtbot.waitSignal(browser.page_shown, timeout=TIMEOUT):
        tabs.setCurrentWidget(browser)
    assert window.canvas.is_blank()
    QTest.mouseDClick(browser.grid, Qt.MouseButton.LeftButton,
                      pos=browser.grid.cell_rect(0).center())
    assert window.canvas.has_picture()
