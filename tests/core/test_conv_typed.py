"""A true convolution (the kernel flipped) against scipy, PyTorch and its definition; typed
grids read as people write them; the tutorials' toy examples."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_core.analysis.conv_explain import (
    conv2d_by_hand,
    conv_step,
    corr2d,
    flip_kernel,
    pad_input,
    true_convolution,
)
from cnn_core.analysis.conv_presets import INPUT_PRESETS
from cnn_core.analysis.conv_settings import ConvSettings
from cnn_core.analysis.conv_typed import MatrixTextError, format_matrix, parse_matrix


def _cases(seed: int = 0, count: int = 40):  # noqa: ANN202
    """Random inputs, kernels, strides and paddings (one channel, zero padding)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 5, 2))
        ph, pw = (int(v) for v in rng.integers(0, 3, 2))
        sh, sw = (int(v) for v in rng.integers(1, 4, 2))
        h, w = int(rng.integers(kh, 12)), int(rng.integers(kw, 12))
        x = rng.normal(size=(h, w))
        k = rng.normal(size=(kh, kw))
        yield x, k, ConvSettings(kernel_size=(kh, kw), stride=(sh, sw), padding=(ph, pw),
                                 bias=False)


def _by_definition(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The convolution's textbook sum, y[i, j] = Σ k[m, n]·x[i + kh−1 − m, j + kw−1 − n]
    ("valid" part), written independently of the explorer's code."""
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    out[i, j] += k[m, n] * x[i + kh - 1 - m, j + kw - 1 - n]
    return out


def test_true_convolution_matches_its_definition_for_random_settings() -> None:
    for x, k, s in _cases():
        padded = pad_input(x[None], s.padding)[0]
        expected = _by_definition(padded, k)[::s.stride[0], ::s.stride[1]]
        got = true_convolution(x[None], k[None, None], None, s)[0]
        np.testing.assert_allclose(got, expected, atol=1e-10)


def test_true_convolution_matches_scipy_convolve2d() -> None:
    signal = pytest.importorskip("scipy.signal")
    for x, k, s in _cases(seed=1):
        padded = np.pad(x, ((s.padding[0],) * 2, (s.padding[1],) * 2))
        expected = signal.convolve2d(padded, k, mode="valid")[::s.stride[0], ::s.stride[1]]
        got = true_convolution(x[None], k[None, None], None, s)[0]
        np.testing.assert_allclose(got, expected, atol=1e-10)


def test_true_convolution_is_conv2d_with_the_kernel_flipped() -> None:
    for x, k, s in _cases(seed=2):
        flipped = torch.flip(torch.from_numpy(k), dims=(0, 1))[None, None]
        expected = F.conv2d(torch.from_numpy(x)[None, None], flipped, stride=s.stride,
                            padding=s.padding)[0, 0].numpy()
        np.testing.assert_allclose(true_convolution(x[None], k[None, None], None, s)[0],
                                   expected, atol=1e-10)


def test_flipping_turns_the_kernel_half_a_turn_and_changes_an_asymmetric_answer() -> None:
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(flip_kernel(k), [[3.0, 2.0], [1.0, 0.0]])
    np.testing.assert_array_equal(flip_kernel(flip_kernel(k)), k)
    x = np.arange(9.0).reshape(3, 3)
    s = ConvSettings(kernel_size=(2, 2), bias=False)
    np.testing.assert_array_equal(conv2d_by_hand(x[None], k[None, None], None, s)[0],
                                  [[19, 25], [37, 43]])  # the tutorials' corr2d answer
    np.testing.assert_array_equal(true_convolution(x[None], k[None, None], None, s)[0],
                                  [[5, 11], [23, 29]])
    step = conv_step(x[None], flip_kernel(k[None, None]), None, s, 0, 0, 0)
    assert step.total == 0 * 3 + 1 * 2 + 3 * 1 + 4 * 0


@pytest.mark.parametrize("text", ["0 1 2; 3 4 5; 6 7 8", "0,1,2\n3,4,5\n6,7,8",
                                  "[[0, 1, 2], [3, 4, 5], [6, 7, 8]]", " 0 1 2 ;3 4 5;6 7 8; ",
                                  "0, 1, 2;\r\n3 4 5\n\n6 7 8"])
def test_grids_read_as_people_write_them(text: str) -> None:
    np.testing.assert_array_equal(parse_matrix(text), np.arange(9.0).reshape(3, 3))


def test_numbers_in_every_form() -> None:
    np.testing.assert_array_equal(parse_matrix("1 −1; -0.5 2e1; .25 +3"),
                                  [[1, -1], [-0.5, 20], [0.25, 3]])


@pytest.mark.parametrize(("text", "says"), [
    ("", "type the input's numbers"),
    ("1 2; 3 x", "row 2, value 2 of the input: 'x' is not a number"),
    ("1 2 3; 4 5", "these rows have 3, 2"),
    ("1 nan", "'nan' is not a number"),
    ("; ".join(["1"] * 33), "the input is 33×1; at most 32×32"),
])
def test_bad_grids_are_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(MatrixTextError, match=None) as caught:
        parse_matrix(text, what="input")
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_kernel_has_its_own_size_limit() -> None:
    with pytest.raises(MatrixTextError, match="at most 9×9"):
        parse_matrix(" ".join(["1"] * 10), max_size=9, what="kernel")


def test_format_writes_what_parse_reads() -> None:
    grid = np.array([[0.0, 1.5], [-2.0, 1e-3]])
    assert format_matrix(grid) == "0 1.5; -2 0.001"
    np.testing.assert_array_equal(parse_matrix(format_matrix(grid)), grid)


def test_the_tutorials_examples_give_their_answers() -> None:
    x, k = INPUT_PRESETS["corr2d"]
    np.testing.assert_array_equal(corr2d(x, k), [[19, 25], [37, 43]])
    x, k = INPUT_PRESETS["edge_6x8"]
    assert x.shape == (6, 8) and (x[:, 2:6] == 0).all() and x.sum() == 6 * 4
    y = corr2d(x, k)
    expected_row = [0, 1, 0, 0, 0, -1, 0]  # 1 where light turns dark, −1 back
    np.testing.assert_array_equal(y, np.tile(expected_row, (6, 1)))
