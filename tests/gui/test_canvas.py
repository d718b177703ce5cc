"""The drawing canvas, driven with real mouse events."""

from __future__ import annotations

import numpy as np
import pytest
from digit_strokes import DIGITS, line
from PySide6.QtCore import QMimeData, QPointF, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QPainter,
    Qt,
)
from PySide6.QtWidgets import QApplication

from app.widgets.canvas import CANVAS_SIZE, DrawingCanvas

VERTICAL = line((0.5, 0.15), (0.5, 0.85))  # a straight stroke down the middle


@pytest.fixture
def canvas(qtbot) -> DrawingCanvas:  # noqa: ANN001
    widget = DrawingCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_starts_blank_with_nothing_to_undo(canvas: DrawingCanvas) -> None:
    assert canvas.objectName() == "canvas"
    assert canvas.is_blank()
    assert canvas.image_array().shape == (CANVAS_SIZE, CANVAS_SIZE)
    assert not canvas.can_undo() and not canvas.can_redo()


def test_left_button_draws_where_the_mouse_went(canvas: DrawingCanvas, draw, qtbot) -> None:
    with qtbot.waitSignal(canvas.stroke_finished):
        draw(canvas, [VERTICAL])
    pixels = canvas.image_array()
    middle = CANVAS_SIZE // 2
    assert pixels[middle, middle] == 255  # on the stroke
    assert pixels[middle, 10] == 0 and pixels[10, middle] == 0  # far from it
    columns = np.flatnonzero(pixels.max(axis=0))
    assert abs(columns.mean() - middle) < 3  # a vertical stroke down the middle


def test_stroke_is_antialiased_and_as_wide_as_the_brush(canvas: DrawingCanvas, draw) -> None:
    canvas.set_brush_width(30)
    draw(canvas, DIGITS[1])
    row = canvas.image_array()[CANVAS_SIZE // 2]
    ink = np.flatnonzero(row > 127)
    assert 27 <= len(ink) <= 33
    canvas.clear()
    draw(canvas, DIGITS[0])  # curved edges cannot fall on pixel boundaries
    pixels = canvas.image_array()
    assert np.count_nonzero((pixels > 0) & (pixels < 255)) > 100  # soft edges


def test_right_button_erases(canvas: DrawingCanvas, draw) -> None:
    draw(canvas, [line((0.1, 0.5), (0.9, 0.5))])
    assert canvas.image_array()[CANVAS_SIZE // 2, CANVAS_SIZE // 2] == 255
    draw(canvas, [line((0.5, 0.2), (0.5, 0.8))], button=Qt.MouseButton.RightButton)
    pixels = canvas.image_array()
    assert pixels[CANVAS_SIZE // 2, CANVAS_SIZE // 2] == 0  # erased where the eraser went
    assert pixels[CANVAS_SIZE // 2, CANVAS_SIZE // 5] == 255  # the rest is still there


def test_undo_redo_and_clear(canvas: DrawingCanvas, draw) -> None:
    draw(canvas, DIGITS[1])
    one = canvas.image_array()
    draw(canvas, [line((0.2, 0.3), (0.8, 0.3))])
    both = canvas.image_array()
    assert not np.array_equal(one, both)

    canvas.undo()
    assert np.array_equal(canvas.image_array(), one)
    assert canvas.can_redo()
    canvas.redo()
    assert np.array_equal(canvas.image_array(), both)

    canvas.clear()
    assert canvas.is_blank()
    canvas.undo()  # clearing is undoable too
    assert np.array_equal(canvas.image_array(), both)

    draw(canvas, [line((0.2, 0.9), (0.8, 0.9))])
    assert not canvas.can_redo()  # a new stroke drops the redo history


def test_drawing_emits_changed_on_every_move(canvas: DrawingCanvas, draw, qtbot) -> None:
    seen: list[int] = []
    canvas.changed.connect(lambda: seen.append(1))
    draw(canvas, [line((0.2, 0.2), (0.8, 0.8), steps=20)])
    assert len(seen) >= 20


def test_brush_follows_the_widget_size(canvas: DrawingCanvas, draw) -> None:
    canvas.resize(800, 600)  # not square: the drawing is centred and still square
    rect = canvas.visible_rect()
    assert rect.width() == rect.height() <= 600
    draw(canvas, DIGITS[1])
    assert canvas.image_array()[CANVAS_SIZE // 2, CANVAS_SIZE // 2] == 255


def _dark_on_light_digit(size: tuple[int, int] = (120, 200)) -> QImage:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.fillRect(50, 20, 20, 160, QColor("black"))  # a '1'
    painter.end()
    return image


def test_images_are_fitted_and_made_white_on_black(canvas: DrawingCanvas, tmp_path) -> None:
    path = tmp_path / "one.png"
    _dark_on_light_digit().save(str(path))  # 120×200, black on white
    assert canvas.load_file(path)
    pixels = canvas.image_array()
    assert pixels.shape == (CANVAS_SIZE, CANVAS_SIZE)
    assert pixels[CANVAS_SIZE // 2, CANVAS_SIZE // 2] > 200  # the ink
    assert pixels[5, 5] == 0 and pixels[CANVAS_SIZE // 2, 5] == 0  # paper and margins
    columns = np.flatnonzero(pixels.max(axis=0))  # fitted: 200 px high → 280, 20 wide → 28
    assert 26 <= len(columns) <= 30 and abs(columns.mean() - (CANVAS_SIZE - 1) / 2) < 3
    assert canvas.model_input().shape == (200, 120)  # the model reads the file itself


def test_open_save_and_reopen_a_file(canvas: DrawingCanvas, draw, tmp_path) -> None:
    draw(canvas, DIGITS[7])
    path = tmp_path / "seven.png"
    assert canvas.save_file(path)
    drawn = canvas.image_array()
    canvas.clear()
    assert canvas.load_file(path)
    assert np.abs(canvas.image_array().astype(int) - drawn).max() <= 1
    canvas.undo()
    assert canvas.is_blank()


def test_unreadable_file_reports_and_keeps_the_drawing(canvas: DrawingCanvas, draw, qtbot,
                                                        tmp_path) -> None:
    draw(canvas, DIGITS[1])
    before = canvas.image_array()
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png at all")
    with qtbot.waitSignal(canvas.load_failed) as blocker:
        assert not canvas.load_file(bad)
    assert "broken.png" in blocker.args[0]
    assert np.array_equal(canvas.image_array(), before)


def _ctrl_v(window, qtbot) -> None:  # noqa: ANN001
    # the Paste action (and its shortcut) lives in the window, as the user meets it
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_v_pastes_an_image_from_the_clipboard(window, qtbot) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().setImage(_dark_on_light_digit())
    with qtbot.waitSignal(window.canvas.stroke_finished):
        _ctrl_v(window, qtbot)
    assert not window.canvas.is_blank() and window.canvas.has_picture()
    assert window.canvas.model_input().shape == (200, 120)


def test_ctrl_v_without_an_image_says_so(window, qtbot) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().setText("seven")
    with qtbot.waitSignal(window.canvas.load_failed) as blocker:
        _ctrl_v(window, qtbot)
    assert blocker.args == ["The clipboard holds no image."]
    assert window.canvas.is_blank() and window.banner.text() == blocker.args[0]


def test_dropped_file_is_loaded(canvas: DrawingCanvas, tmp_path) -> None:
    path = tmp_path / "digit.png"
    _dark_on_light_digit().save(str(path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = canvas.visible_rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, drop)
    assert drop.isAccepted()
    assert not canvas.is_blank() and canvas.model_input().shape == (200, 120)


def test_history_keeps_full_size_pictures_within_a_budget(canvas: DrawingCanvas, monkeypatch,
                                                          tmp_path) -> None:
    from app.widgets import canvas_history

    monkeypatch.setattr(canvas_history, "HISTORY_PICTURE_PIXELS", 120 * 200)  # one picture
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"{i}.png")
        _dark_on_light_digit().save(str(paths[-1]))
        assert canvas.load_file(paths[-1])
    canvas.undo()  # the second picture: still in the budget
    assert canvas.has_picture() and canvas.model_input().shape == (200, 120)
    canvas.undo()  # the first picture: over the budget, read from the canvas as shown
    assert not canvas.has_picture() and not canvas.is_blank()
    assert canvas.model_input().shape == (CANVAS_SIZE, CANVAS_SIZE)
    canvas.redo()
    assert canvas.has_picture()


def test_repainting_only_what_a_move_changes_shows_the_whole_drawing(canvas: DrawingCanvas,
                                                                     qtbot) -> None:  # noqa: ANN001
    """Moves repaint only the new segment and the brush outline; what is on screen then is
    what a full repaint draws, for a stroke, the eraser and the outline leaving the canvas
    (up to 1-2 grey levels where smooth scaling meets the edge of a repainted patch)."""
    from PySide6.QtCore import QEvent, QPoint, QRect
    from PySide6.QtTest import QTest

    def on_screen() -> QImage:
        return _on_screen(canvas, qtbot)

    def repainted() -> QImage:
        return _repainted(canvas, qtbot)

    updates: list[QRect] = []
    original_update = canvas.update

    def record(*args):  # noqa: ANN002, ANN202
        updates.append(args[0] if args else canvas.rect())
        original_update(*args)

    canvas.update = record
    rect = canvas.visible_rect()
    # long moves across and down: a thick stroke reaches far outside the segment's own box
    for button, path in ((Qt.MouseButton.LeftButton, [(0.1, 0.5), (0.9, 0.5), (0.9, 0.2)]),
                         (Qt.MouseButton.RightButton, [(0.5, 0.1), (0.5, 0.9)])):
        points = [QPoint(round(rect.x() + x * rect.width()), round(rect.y() + y * rect.height()))
                  for a, b in zip(path, path[1:], strict=False) for x, y in line(a, b, steps=2)]
        QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(canvas, point)
            shown = on_screen()  # mid-stroke: the release repaints everything
            assert _largest_difference(shown, repainted()) <= 2
        QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier,
                           points[-1] + QPoint(0, 40))  # released a little further on
        assert _largest_difference(on_screen(), repainted()) <= 2
    QTest.mouseMove(canvas, QPoint(canvas.width() - 2, canvas.height() - 2))  # outline leaves
    assert _largest_difference(on_screen(), repainted()) <= 2
    canvas.leaveEvent(QEvent(QEvent.Type.Leave))  # the pointer leaves the widget
    assert _largest_difference(on_screen(), repainted()) <= 2
    partial = [r for r in updates if r.width() * r.height() < canvas.width() * canvas.height() / 4]
    assert len(partial) >= 4  # the moves asked for small rectangles



def _on_screen(canvas: DrawingCanvas, qtbot) -> QImage:  # noqa: ANN001
    """What the window shows of the canvas, once pending (partial) repaints are done."""
    qtbot.wait(20)
    return canvas.screen().grabWindow(canvas.winId()).toImage()


def _repainted(canvas: DrawingCanvas, qtbot) -> QImage:  # noqa: ANN001
    """The same after repainting everything, as after a resize."""
    canvas.repaint()
    return _on_screen(canvas, qtbot)


def _largest_difference(first: QImage, second: QImage) -> int:
    """The largest difference of any colour channel of any pixel of two same-size images."""
    def channels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
        return rows[:, :image.width()].astype(int)

    return int(np.abs(channels(first) - channels(second)).max())


def test_erasing_the_last_ink_brings_the_placeholder_back_on_screen(canvas: DrawingCanvas,
                                                                    qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    centre = canvas.visible_rect().center()
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert not canvas.is_blank()
    QTest.mousePress(canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, centre)
    qtbot.wait(20)  # painted while erasing: no placeholder yet
    QTest.mouseMove(canvas, centre + QPoint(3, 0))
    qtbot.wait(20)
    QTest.mouseRelease(canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                       centre + QPoint(3, 0))
    assert canvas.is_blank()
    shown = _on_screen(canvas, qtbot)
    assert _largest_difference(shown, _repainted(canvas, qtbot)) <= 2
