"""One path from image to model input: the GUI reads a file as ``digitlab predict`` does.

Every picture is opened (Ctrl+O), dropped (a real drag-enter and drop event carrying the file's
URL) and pasted (Ctrl+V with the file, its encoded bytes, or a decoded QImage on the
clipboard), and the probabilities the window shows are compared with those of
``digitlab predict --json`` run as a subprocess on the same file.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from model_runs import ModelRuns
from PIL import Image, ImageOps
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from app.main_window import MainWindow
from drawn_digits import render

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-5  # the CLI prints probabilities rounded to 6 decimals


def _png_alpha(digit: int) -> Image.Image:
    ink = 255 - render(digit)
    rgba = np.zeros((*ink.shape, 4), np.uint8)  # dark ink on a transparent sheet
    rgba[..., 3] = ink
    return Image.fromarray(rgba)


def _gray16(digit: int) -> Image.Image:
    return Image.fromarray(render(digit, canvas=400).astype(np.uint16) * 257)


def _palette(digit: int) -> Image.Image:
    rgb = np.stack([render(digit)] * 3, axis=-1)
    rgb[..., 2] = np.maximum(rgb[..., 2], 90)  # dark blue ink: a real palette, not gray
    return Image.fromarray(rgb).quantize(32)


def _jpeg(digit: int) -> Image.Image:
    rgb = np.stack([render(digit, size=0.6, center=(0.45, 0.55))] * 3, axis=-1)
    rgb[..., 0] = np.maximum(rgb[..., 0], 40)
    return Image.fromarray(rgb)


def _light_on_dark(digit: int) -> Image.Image:
    return Image.fromarray(render(digit, dark_on_light=False, pen=0.05))


def _dark_on_light(digit: int) -> Image.Image:
    return Image.fromarray(render(digit, canvas=300, size=0.7, pen=0.06))


def _cmyk_jpeg(digit: int) -> Image.Image:
    return Image.fromarray(render(digit, pen=0.05)).convert("CMYK")


def _exif_rotated(digit: int) -> Image.Image:
    upright = render(digit, canvas=300)[:, 40:260]  # taller than wide: rotation shows
    return Image.fromarray(np.rot90(upright).copy())  # stored turned; EXIF turns it back


def _gray_alpha(digit: int) -> Image.Image:
    return Image.fromarray(np.dstack([np.zeros((560, 560), np.uint8), 255 - render(digit)]),
                           "LA")


def _animated(digit: int) -> Image.Image:
    return Image.fromarray(render(digit)).convert("P")


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    return exif.tobytes()


ENCODINGS = {  # name: (digit, picture, file name, save options)
    "png-alpha": (2, _png_alpha, "alpha.png", {}),
    "gray16": (3, _gray16, "gray16.png", {}),
    "palette": (4, _palette, "palette.png", {}),
    "jpeg": (5, _jpeg, "photo.jpg", {"quality": 88}),
    "light-on-dark": (7, _light_on_dark, "light.png", {}),
    "dark-on-light": (9, _dark_on_light, "dark.png", {}),
    # beyond the six: more encodings the loader handles
    "cmyk-jpeg": (6, _cmyk_jpeg, "cmyk.jpg", {"quality": 90}),
    "exif-rotated-jpeg": (2, _exif_rotated, "turned.jpg", {"quality": 90, "exif": _exif()}),
    "gray-alpha": (0, _gray_alpha, "gray_alpha.png", {}),
    "animated-gif": (8, _animated, "anim.gif", {
        "save_all": True, "duration": 100, "append_images": [_animated(1)]}),
}
# A QImage on the clipboard was decoded by Qt before DigitLab sees it; QImage(path) does not
# turn a photo by its EXIF orientation, so that one paste cannot agree (the others do).
QT_DECODES_ALIKE = set(ENCODINGS) - {"exif-rotated-jpeg"}


def _mode(path: Path) -> str:
    with Image.open(path) as img:
        return img.mode


def _shape(path: Path) -> tuple[int, int]:
    """(height, width) as the picture is seen (photos turned by their EXIF orientation)."""
    with Image.open(path) as img:
        upright = ImageOps.exif_transpose(img)
        return upright.height, upright.width


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pictures")
    paths = {}
    for name, (digit, make, file_name, options) in ENCODINGS.items():
        paths[name] = folder / file_name
        make(digit).save(paths[name], **options)
    modes = {name: _mode(path) for name, path in paths.items()}
    assert modes == {"png-alpha": "RGBA", "gray16": "I;16", "palette": "P", "jpeg": "RGB",
                     "light-on-dark": "L", "dark-on-light": "L", "cmyk-jpeg": "CMYK",
                     "exif-rotated-jpeg": "L", "gray-alpha": "LA", "animated-gif": "L"}
    with Image.open(paths["animated-gif"]) as gif:
        assert gif.n_frames == 2
    return paths


def _digitlab(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``digitlab`` command of this checkout in a subprocess."""
    script = shutil.which("digitlab", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "cnn_core.cli"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def cli_probabilities(pictures: dict[str, Path]) -> dict[str, np.ndarray]:
    done = _digitlab("predict", *(str(p) for p in pictures.values()), "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    by_file = {r["file"]: np.array(r["probabilities"]) for r in results}
    return {name: by_file[str(path)] for name, path in pictures.items()}


@pytest.fixture
def win(qtbot, bundled) -> Iterator[MainWindow]:  # noqa: ANN001
    window = MainWindow(bundled.copy())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    yield window
    window.close()


def _shown(win: MainWindow) -> np.ndarray:
    """The probabilities the window's bars show."""
    return np.asarray(win.prediction_panel._bars.opts["height"], dtype=float)


def _after(qtbot, win: MainWindow, action) -> np.ndarray:  # noqa: ANN001
    """Clear the canvas, do ``action`` and wait for the window to show the new answer."""
    win.canvas.clear()
    with ModelRuns(win.inference) as runs:
        action()
        qtbot.waitUntil(lambda: runs.count > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not win.inference._timer.isActive())
    return _shown(win)


def _ctrl(qtbot, win: MainWindow, key: Qt.Key) -> None:  # noqa: ANN001
    win.canvas.setFocus()
    qtbot.keyClick(win.canvas, key, Qt.KeyboardModifier.ControlModifier)


def _drop(qtbot, win: MainWindow, mime: QMimeData) -> None:  # noqa: ANN001
    canvas = win.canvas
    pos = canvas.visible_rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, drop)
    assert drop.isAccepted()


def _file_mime(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_gui_shows_the_probabilities_of_digitlab_predict(
        qtbot, win: MainWindow, pictures, cli_probabilities, monkeypatch,  # noqa: ANN001
        encoding: str) -> None:
    path, expected = pictures[encoding], cli_probabilities[encoding]
    digit = ENCODINGS[encoding][0]
    assert int(expected.argmax()) == digit  # the picture is a readable digit
    height, width = _shape(path)

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    opened = _after(qtbot, win, lambda: _ctrl(qtbot, win, Qt.Key.Key_O))
    np.testing.assert_allclose(opened, expected, atol=TOLERANCE, rtol=0)
    gray = win.inference.last_prediction().preprocessed.steps[0].image
    assert gray.shape == (height, width)  # the model read the file, not the canvas
    assert not win.canvas.is_blank() and win.canvas.has_picture()

    dropped = _after(qtbot, win, lambda: _drop(qtbot, win, _file_mime(path)))
    np.testing.assert_allclose(dropped, expected, atol=TOLERANCE, rtol=0)

    clipboard = QGuiApplication.clipboard()
    clipboard.setMimeData(_file_mime(path))  # a file copied in a file manager
    pasted_file = _after(qtbot, win, lambda: _ctrl(qtbot, win, Qt.Key.Key_V))
    np.testing.assert_allclose(pasted_file, expected, atol=TOLERANCE, rtol=0)

    encoded = QMimeData()  # an image copied in a browser: its encoded bytes
    mime_type = "image/jpeg" if path.suffix == ".jpg" else "image/png"
    encoded.setData(mime_type, path.read_bytes())
    clipboard.setMimeData(encoded)
    pasted_bytes = _after(qtbot, win, lambda: _ctrl(qtbot, win, Qt.Key.Key_V))
    np.testing.assert_allclose(pasted_bytes, expected, atol=TOLERANCE, rtol=0)

    clipboard.setImage(QImage(str(path)))  # decoded pixels only (Qt decoded the file)
    pasted_image = _after(qtbot, win, lambda: _ctrl(qtbot, win, Qt.Key.Key_V))
    print(f"\nagreement {encoding}: " + ", ".join(
        f"{how} {np.abs(got - expected).max():.1e}" for how, got in (
            ("open", opened), ("drop", dropped), ("paste file", pasted_file),
            ("paste bytes", pasted_bytes), ("paste QImage", pasted_image))))
    if encoding in QT_DECODES_ALIKE:
        np.testing.assert_allclose(pasted_image, expected, atol=TOLERANCE, rtol=0)
    assert win.banner.text() == ""


def test_drawing_on_a_loaded_picture_reads_the_drawing(qtbot, win: MainWindow, pictures,
                                                        draw) -> None:  # noqa: ANN001
    path = pictures["light-on-dark"]
    assert win.open_image_file(path)
    assert win.canvas.has_picture()
    draw(win.canvas, [[(0.1, 0.1), (0.2, 0.1)]])  # a small mark in a corner
    assert not win.canvas.has_picture()
    qtbot.waitUntil(lambda: win.inference.last_prediction().preprocessed.steps[0].image.shape
                    == win.canvas.image_array().shape)
    win.canvas_panel.undoAction.trigger()  # back to the picture as it was loaded
    assert win.canvas.has_picture()
    qtbot.waitUntil(lambda: win.inference.last_prediction().preprocessed.steps[0].image.shape
                    == _shape(path))


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring ``width``×``height`` gray pixels, with almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b""))


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name: (file, what its one-line message says)."""
    good = io.BytesIO()
    Image.fromarray(render(6)).save(good, "PNG")
    files = {
        "bomb": (_bomb_png(100_000, 100_000), "image too large"),
        "bomb-49mp": (_bomb_png(7_000, 7_000), "image too large (7000×7000 pixels"),
        "truncated": (good.getvalue()[: len(good.getvalue()) // 3], "corrupt or truncated"),
        "empty": (b"", "the file is empty"),
        "text": (b"seven, not a picture\n" * 20, "not an image file"),
    }
    out = {}
    for name, (data, message) in files.items():
        path = folder / f"{name}.png"
        path.write_bytes(data)
        out[name] = (path, message)
    return out


def test_bad_files_are_refused_with_one_line_in_gui_and_cli(qtbot, win: MainWindow,
                                                            tmp_path: Path,
                                                            draw) -> None:  # noqa: ANN001
    draw(win.canvas, [[(0.5, 0.2), (0.5, 0.8)]])
    drawing = win.canvas.image_array()
    for name, (path, message) in _bad_files(tmp_path).items():
        win.banner.hide()
        assert not win.open_image_file(path)
        assert win.banner.kind == "error"
        assert win.banner.text().startswith(f"Cannot open {path.name}: {message}"), name
        assert "\n" not in win.banner.text(), name
        assert np.array_equal(win.canvas.image_array(), drawing), name

        win.banner.hide()
        _drop(qtbot, win, _file_mime(path))
        assert message in win.banner.text(), name

        done = _digitlab("predict", str(path))
        assert done.returncode == 1, (name, done.stderr)
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"digitlab predict: error: {path}: ")
        assert message in lines[0], (name, lines[0])


def test_pasted_bomb_bytes_and_junk_are_refused(qtbot, win: MainWindow) -> None:  # noqa: ANN001
    clipboard = QGuiApplication.clipboard()
    for data, message in ((_bomb_png(100_000, 100_000), "image too large"),
                          (b"\x89PNG\r\n\x1a\n broken", "not an image file")):
        mime = QMimeData()
        mime.setData("image/png", data)
        clipboard.setMimeData(mime)
        win.banner.hide()
        _ctrl(qtbot, win, Qt.Key.Key_V)
        assert win.banner.text().startswith(f"Cannot open the pasted image: {message}")
        assert win.canvas.is_blank()

    clipboard.setText("seven")
    _ctrl(qtbot, win, Qt.Key.Key_V)
    assert win.banner.text() == "The clipboard holds no image."


def test_drag_without_a_picture_is_not_accepted(win: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("seven")
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    QApplication.sendEvent(win.canvas, enter)
    assert not enter.isAccepted()


def test_pasted_qimage_over_the_limit_is_refused_before_encoding(
        qtbot, win: MainWindow, monkeypatch) -> None:  # noqa: ANN001
    import cnn_core.data.images

    monkeypatch.setattr(cnn_core.data.images, "MAX_PIXELS", 30_000)  # a 200×200 picture is too big
    encoded: list[int] = []
    monkeypatch.setattr("app.widgets.picture_data.png_bytes",
                        lambda image: encoded.append(1) or b"")
    image = QImage(200, 200, QImage.Format.Format_Grayscale8)
    image.fill(255)
    QGuiApplication.clipboard().setImage(image)
    _ctrl(qtbot, win, Qt.Key.Key_V)
    assert win.banner.text().startswith(
        "Cannot open the pasted image: image too large (200×200 pixels")
    assert encoded == [] and win.canvas.is_blank()
