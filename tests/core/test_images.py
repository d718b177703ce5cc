"""The one image loader: every encoding becomes the same gray picture, bad files one line."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_core.data.images import MAX_PIXELS, ImageError, decode_image, load_image, to_gray
from cnn_core.data.preprocess import preprocess
from drawn_digits import render

ROOT = Path(__file__).resolve().parents[2]
DIGIT = render(4, canvas=200, pen=0.05)  # uint8, black ink on white paper
INK = 255 - DIGIT
REFERENCE = DIGIT.astype(np.float32) / 255


def _save(path: Path, img: Image.Image, **kwargs: object) -> Path:
    img.save(path, **kwargs)
    return path


def _model_view(gray: np.ndarray) -> np.ndarray:
    return preprocess(gray).image28


def test_plain_gray_png_is_read_exactly(tmp_path: Path) -> None:
    gray = load_image(_save(tmp_path / "d.png", Image.fromarray(DIGIT)))
    assert gray.dtype == np.float32 and gray.shape == DIGIT.shape
    np.testing.assert_array_equal(gray, REFERENCE)


@pytest.mark.parametrize("kind", ["rgb", "rgba-opaque", "gray16", "palette", "la-opaque",
                                  "bilevel-free", "int32", "float"])
def test_lossless_encodings_give_the_same_gray(tmp_path: Path, kind: str) -> None:
    rgb = np.stack([DIGIT] * 3, axis=-1)
    pictures = {
        "rgb": (Image.fromarray(rgb), "png"),
        "rgba-opaque": (Image.fromarray(np.dstack([rgb, np.full_like(DIGIT, 255)])), "png"),
        "gray16": (Image.fromarray(DIGIT.astype(np.uint16) * 257), "png"),
        "palette": (Image.fromarray(DIGIT).convert("P"), "png"),
        "la-opaque": (Image.fromarray(np.dstack([DIGIT, np.full_like(DIGIT, 255)]), "LA"),
                      "png"),
        "bilevel-free": (Image.fromarray(DIGIT), "bmp"),
        "int32": (Image.fromarray(DIGIT.astype(np.int32) * 257), "tiff"),
        "float": (Image.fromarray(REFERENCE), "tiff"),
    }
    img, fmt = pictures[kind]
    gray = load_image(_save(tmp_path / f"d.{fmt}", img))
    np.testing.assert_allclose(gray, REFERENCE, atol=1e-6)


def test_sixteen_bit_samples_keep_their_precision(tmp_path: Path) -> None:
    ramp = (np.arange(256 * 64, dtype=np.uint32).reshape(64, 256) * 4).astype(np.uint16)
    gray = load_image(_save(tmp_path / "ramp.png", Image.fromarray(ramp)))
    np.testing.assert_allclose(gray, ramp / np.float32(65535), atol=1e-7)
    assert len(np.unique(gray)) == ramp.size  # not squeezed to 256 levels


def test_transparent_sheet_with_dark_ink_is_white_paper(tmp_path: Path) -> None:
    rgba = np.zeros((*DIGIT.shape, 4), np.uint8)
    rgba[..., 3] = INK  # black ink, alpha = how much ink
    gray = load_image(_save(tmp_path / "a.png", Image.fromarray(rgba)))
    np.testing.assert_allclose(gray, REFERENCE, atol=1e-6)


def test_transparent_sheet_with_light_ink_is_black_paper(tmp_path: Path) -> None:
    rgba = np.full((*DIGIT.shape, 4), 255, np.uint8)
    rgba[..., 3] = INK  # white ink on a transparent sheet: invisible over white paper
    gray = load_image(_save(tmp_path / "a.png", Image.fromarray(rgba)))
    np.testing.assert_allclose(gray, INK / np.float32(255), atol=1e-6)
    np.testing.assert_allclose(_model_view(gray), _model_view(REFERENCE), atol=1e-5)


def test_gray_alpha_and_palette_transparency(tmp_path: Path) -> None:
    la = Image.fromarray(np.dstack([np.zeros_like(DIGIT), INK]), "LA")
    np.testing.assert_allclose(load_image(_save(tmp_path / "la.png", la)), REFERENCE, atol=1e-6)
    bilevel = np.where(DIGIT < 128, 0, 255).astype(np.uint8)
    palette = Image.fromarray(np.where(bilevel == 0, 1, 0).astype(np.uint8), "P")
    palette.putpalette([255, 0, 0, 0, 0, 0])  # index 0 red, but transparent; 1 black
    palette.info["transparency"] = 0
    gray = load_image(_save(tmp_path / "p.png", palette, transparency=0))
    np.testing.assert_array_equal(gray, bilevel / np.float32(255))  # not red: white paper


def test_transparent_margins_around_an_opaque_card_are_its_paper(tmp_path: Path) -> None:
    rgba = np.zeros((300, 300, 4), np.uint8)  # transparent margins, 50 px
    rgba[50:250, 50:250, :3] = DIGIT[..., None]
    rgba[50:250, 50:250, 3] = 255  # an opaque white card with the dark digit
    gray = load_image(_save(tmp_path / "card.png", Image.fromarray(rgba)))
    assert gray[0, 0] == 1.0 and gray[150, 10] == 1.0  # margins: the card's white paper
    np.testing.assert_allclose(gray[50:250, 50:250], REFERENCE, atol=1e-6)


def test_jpeg_cmyk_and_exif_rotated_photos(tmp_path: Path) -> None:
    rgb = Image.fromarray(np.stack([DIGIT] * 3, axis=-1))
    jpeg = load_image(_save(tmp_path / "d.jpg", rgb, quality=95))
    assert np.abs(jpeg - REFERENCE).mean() < 0.01
    cmyk = load_image(_save(tmp_path / "c.jpg", rgb.convert("CMYK"), quality=95))
    assert cmyk.shape == DIGIT.shape and np.abs(cmyk - REFERENCE).mean() < 0.02

    tall = render(7, canvas=200)[:, 40:160]  # 200 high, 120 wide: rotation shows in the shape
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view": the pixels are stored turned left
    stored = Image.fromarray(np.rot90(tall).copy())  # 120 high, 200 wide
    rotated = load_image(_save(tmp_path / "r.jpg", stored, exif=exif.tobytes(), quality=95))
    assert rotated.shape == tall.shape
    assert np.abs(rotated - tall / np.float32(255)).mean() < 0.01


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    first, second = (Image.fromarray(render(d, canvas=200)).convert("P") for d in (3, 8))
    first.save(tmp_path / "anim.gif", save_all=True, append_images=[second], duration=100)
    gray = load_image(tmp_path / "anim.gif")
    expected = render(3, canvas=200) / np.float32(255)
    assert np.abs(gray - expected).mean() < np.abs(gray - render(8, canvas=200) / 255).mean()
    np.testing.assert_allclose(gray, expected, atol=1 / 255)


def test_bytes_and_files_give_the_same_array(tmp_path: Path) -> None:
    path = _save(tmp_path / "d.png", Image.fromarray(np.stack([DIGIT] * 3, axis=-1)))
    np.testing.assert_array_equal(decode_image(path.read_bytes()), load_image(path))


def _bomb_png(width: int, height: int, color_type: int = 0) -> bytes:
    """A valid PNG header declaring a huge picture, with almost no pixel data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b""))


def _truncated() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(DIGIT).save(buffer, "PNG")
    return buffer.getvalue()[: len(buffer.getvalue()) // 3]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"hello, not a picture\n" * 10, "not an image file that can be read"),
    (_truncated(), "corrupt or truncated image"),
    (_bomb_png(100_000, 100_000), "image too large (10,000,000,000 pixels; the limit is 40 "
                                  "megapixels)"),
    (_bomb_png(7_000, 7_000), "image too large (7000×7000 pixels; the limit is 40 megapixels)"),
], ids=["empty", "text", "truncated", "bomb", "bomb-49mp"])
def test_bad_files_are_one_line_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(data)
    with pytest.raises(ImageError) as caught:
        load_image(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert caught.value.reason.startswith(message) and "\n" not in str(caught.value)
    if data:
        with pytest.raises(ImageError, match="^the clipboard: "):
            decode_image(data, "the clipboard")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="file not found$"):
        load_image(tmp_path / "absent.png")
    with pytest.raises(ImageError, match="is a folder$"):
        load_image(tmp_path)
    with pytest.raises(ImageError, match="^no image data"):
        decode_image(b"")
    if Path("/dev/null").exists():
        with pytest.raises(ImageError, match="^/dev/null: not a regular file$"):
            load_image("/dev/null")


def test_size_limit_is_checked_before_the_pixels_are_allocated(tmp_path: Path) -> None:
    """A 6500×6500 RGBA header (169 MB of pixels) under a 100 MB address-space allowance."""
    assert 6500 * 6500 > MAX_PIXELS
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_bomb_png(6500, 6500, color_type=6))
    script = textwrap.dedent(f"""
        import resource
        from cnn_core.data.images import ImageError, load_image
        used = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (used + 100 * 2**20, resource.RLIM_INFINITY))
        try:
            load_image({str(bomb)!r})
        except ImageError as exc:
            print(exc.reason)
    """)
    if not Path("/proc/self/statm").is_file():
        pytest.skip("needs /proc to measure the address space")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("image too large (6500×6500 pixels")


@pytest.mark.parametrize("shape", [(0, 5), (4, 4, 5), (3,)])
def test_to_gray_refuses_arrays_that_are_no_picture(shape: tuple[int, ...]) -> None:
    with pytest.raises(ImageError):
        to_gray(np.zeros(shape, np.uint8))


def test_to_gray_cleans_nan_and_infinite_samples() -> None:
    gray = to_gray(np.array([[np.nan, np.inf], [-np.inf, 0.5]], np.float32))
    np.testing.assert_array_equal(gray, [[0.0, 1.0], [0.0, 0.5]])
