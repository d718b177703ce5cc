"""Why this answer: the saliency overlay on the canvas and the perturbation playground,
driven by real mouse and key events."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from digit_strokes import DIGITS
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from app.analysis_worker import AnalysisWorker
from app.main_window import MainWindow

TIMEOUT = 15_000  # ms; the machine running the tests may be busy


@pytest.fixture
def win(qtbot, bundled):
    window = MainWindow(bundled.copy())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def _draw_and_wait(win, draw, qtbot, digit: int) -> None:
    draw(win.canvas, DIGITS[digit])
    qtbot.waitUntil(lambda: win.inference.last_prediction() is not None
                    and win.inference.last_prediction().label is not None, timeout=TIMEOUT)


def _grab_rgb(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=height * stride)
    return data.reshape(height, stride)[:, :width * 3].reshape(height, width, 3).copy()


def _tint_on_ink(win, result, to_input) -> tuple[float, float]:  # noqa: ANN001
    """How much of the canvas's ink the overlay tints, and how well the tint's strength
    follows the map's at the same place.

    ``to_input`` maps canvas-image coordinates to the model input's (the placement's source).
    """
    rgb = _grab_rgb(win.canvas).astype(int)
    view = win.canvas.visible_rect()
    ink = win.canvas.image_array() > 128
    ys, xs = np.nonzero(ink)
    scale = view.width() / ink.shape[0]
    stroke = rgb[(view.y() + (ys + 0.5) * scale).astype(int),
                 (view.x() + (xs + 0.5) * scale).astype(int)]
    saturation = stroke.max(axis=1) - stroke.min(axis=1)  # white or grey: 0
    px, py = to_input(xs + 0.5, ys + 0.5)
    x0, y0, x1, y1 = result.placement.square()
    col = np.clip(((px - x0) / (x1 - x0) * 28).astype(int), 0, 27)
    row = np.clip(((py - y0) / (y1 - y0) * 28).astype(int), 0, 27)
    expected = np.abs(result.values[row, col])
    return float((saturation > 40).mean()), float(np.corrcoef(expected, saturation)[0, 1])


def test_overlay_appears_on_the_ink_and_follows_the_chosen_class(win, draw, qtbot) -> None:
    controls = win.saliency_controls
    overlay = controls.overlay
    _draw_and_wait(win, draw, qtbot, 7)
    assert not overlay.isVisible()
    qtbot.mouseClick(controls.saliencyToggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: overlay.result() is not None, timeout=TIMEOUT)
    assert overlay.isVisible()
    result = overlay.result()
    assert result.target == win.inference.last_prediction().label == 7
    assert np.abs(result.values).max() > 0 and np.count_nonzero(result.values) > 50

    # On screen, the overlay tints the strokes where the map is strong (see _tint_on_ink).
    tinted, correlation = _tint_on_ink(win, result, lambda x, y: (x, y))
    assert tinted > 0.5, tinted
    assert correlation > 0.82  # 0.90 here; 0.74 if the overlay were drawn 30 px off
    rgb = _grab_rgb(win.canvas).astype(int)
    view = win.canvas.visible_rect()
    corner = rgb[view.y() + 3:view.y() + 12, view.x() + 3:view.x() + 12]
    assert corner.max() < 30  # top-left paper: no ink, no overlay

    # Why not a 1? Pick "1" with the keyboard: the map changes.
    before = result.values
    controls.saliencyClass.setFocus()
    while controls.saliencyClass.currentData() != 1:
        qtbot.keyClick(controls.saliencyClass, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: overlay.result().target == 1, timeout=TIMEOUT)
    after = overlay.result().values
    assert np.corrcoef(before.ravel(), after.ravel())[0, 1] < 0.9

    # Another method gives another map of the same class.
    controls.saliencyMethod.setFocus()
    qtbot.keyClick(controls.saliencyMethod, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: overlay.result().method == "integrated_gradients", timeout=TIMEOUT)
    assert not np.allclose(overlay.result().values, after)

    # Off again: the overlay goes.
    qtbot.mouseClick(controls.saliencyToggle, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible() and overlay.result() is None


def test_overlay_lines_up_with_an_opened_picture(win, qtbot, tmp_path) -> None:
    """An opened picture is read at full size but shown fitted: the overlay follows it."""
    from PIL import Image

    from drawn_digits import render

    digit = render(4, canvas=300, size=0.6)  # dark ink on light paper, 300×300
    height, width = 300, 700
    picture = np.full((height, width), 255, np.uint8)
    picture[:, 80:380] = digit  # a wide picture, the digit left of centre
    path = tmp_path / "wide.png"
    Image.fromarray(picture).save(path)
    qtbot.mouseClick(win.saliency_controls.saliencyToggle, Qt.MouseButton.LeftButton)
    assert win.open_image_file(path)
    qtbot.waitUntil(lambda: win.saliency_controls.overlay.result() is not None, timeout=TIMEOUT)
    result = win.saliency_controls.overlay.result()
    assert result.source_shape == (height, width)
    scale = 280 / width  # shown fitted to the 280×280 canvas, centred vertically
    top = (280 - round(height * scale)) // 2

    def to_input(x, y):  # noqa: ANN001, ANN202
        return x / scale, (y - top) / scale

    tinted, correlation = _tint_on_ink(win, result, to_input)
    assert tinted > 0.5 and correlation > 0.8, (tinted, correlation)


def test_overlay_follows_the_drawing(win, draw, qtbot) -> None:
    controls = win.saliency_controls
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # shortcuts only reach the active window
    win.canvas.setFocus()
    QTest.keyClick(win.windowHandle(), Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert controls.saliencyToggle.isChecked()
    _draw_and_wait(win, draw, qtbot, 1)
    qtbot.waitUntil(lambda: controls.overlay.result() is not None, timeout=TIMEOUT)
    first = controls.overlay.result()
    win.canvas_panel.clearAction.trigger()
    qtbot.waitUntil(lambda: controls.overlay.result() is None, timeout=TIMEOUT)
    _draw_and_wait(win, draw, qtbot, 0)
    qtbot.waitUntil(lambda: controls.overlay.result() is not None
                    and controls.overlay.result().target == 0, timeout=TIMEOUT)
    assert controls.overlay.result().placement != first.placement


def test_perturbation_sliders_and_the_smallest_flip(win, draw, qtbot) -> None:
    view = win.perturbation_view
    _draw_and_wait(win, draw, qtbot, 4)
    bar = win.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(win.tabs.indexOf(view)).center())
    assert win.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.probabilities_shown() is not None, timeout=TIMEOUT)
    plain = view.probabilities_shown()
    assert int(plain.argmax()) == 4
    assert np.allclose(plain, win.inference.last_prediction().probabilities, atol=1e-5)

    slider = view.sliders["rotate"]
    slider.setFocus()
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert slider.value() == 30
    # a confident model stays near 100 % for the rotated 4: the small classes show the change
    qtbot.waitUntil(lambda: not np.allclose(view.probabilities_shown(), plain, atol=1e-6),
                    timeout=TIMEOUT)
    assert "+30°" in [label.text() for label in view.controls.findChildren(QLabel)]

    qtbot.mouseClick(view.adversarialButton, Qt.MouseButton.LeftButton)
    assert not view.adversarialButton.isEnabled()  # searching
    qtbot.waitUntil(lambda: view.flip is not None, timeout=TIMEOUT)
    flip = view.flip
    assert flip.label != flip.original
    assert f"reads {flip.label} " in view.adversarialLabel.text()
    assert f"ε = {flip.epsilon:.3f}" in view.adversarialLabel.text()
    assert view.adversarialButton.isEnabled()
    shown = view.adversarialThumb.image()
    assert not shown.isNull() and shown.width() == 28


def test_worker_keeps_only_the_latest_request(qtbot, untrained) -> None:
    worker = AnalysisWorker()
    worker.set_checkpoint(untrained)
    release = threading.Event()
    ran: list[int] = []

    def job(value: int):
        def run(checkpoint):
            if value == 0:
                release.wait(5)
            ran.append(value)
            return value
        return run

    results: list[object] = []
    worker.finished.connect(lambda key, result, seconds: results.append(result))
    for value in range(5):  # the first one blocks; 1..3 are replaced by 4 while it runs
        worker.submit("k", job(value))
    release.set()
    qtbot.waitUntil(lambda: worker.is_idle() and len(results) == 2, timeout=TIMEOUT)
    assert ran == [0, 4] and results == [0, 4]
    worker.shutdown()


def test_window_grab_for_the_readme(win, draw, qtbot, tmp_path) -> None:
    """The overlay and the playground render at 1280×800 without errors."""
    qtbot.mouseClick(win.saliency_controls.saliencyToggle, Qt.MouseButton.LeftButton)
    _draw_and_wait(win, draw, qtbot, 3)
    qtbot.waitUntil(lambda: win.saliency_controls.overlay.result() is not None, timeout=TIMEOUT)
    assert win.size().width() == 1280  # the controls do not widen the window
    assert win.grab().save(str(tmp_path / "saliency.png"))
    assert QPoint(0, 0) == win.saliency_controls.overlay.pos()
