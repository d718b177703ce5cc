"""The numbers the tutorials print, recomputed by DigitLab's own code."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from cnn_core.analysis.conv_explain import conv2d_by_hand, corr2d
from cnn_core.analysis.conv_settings import ConvSettings, check_settings
from cnn_core.models import create_model, get_spec, model_stats
from cnn_core.models.network import ResidualBlock
from cnn_core.models.specs import validate_spec

LENET_WALK = [(1, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,),
              (84,), (10,)]


def test_corr2d_of_the_tutorial_example() -> None:
    x = np.arange(9).reshape(3, 3)
    k = np.array([[0, 1], [2, 3]])
    np.testing.assert_array_equal(corr2d(x, k), [[19, 25], [37, 43]])
    # the general convolution gives the same figure, with a bias added on top
    s = ConvSettings(1, 1, (2, 2), bias=True)
    out = conv2d_by_hand(x[None], k[None, None], np.array([1.0]), s)
    np.testing.assert_array_equal(out[0], [[20, 26], [38, 44]])


@pytest.mark.parametrize(("kernel", "padding", "stride", "expected"), [
    ((3, 3), (1, 1), (1, 1), (8, 8)),  # padding 1 keeps a 3×3 convolution's input size
    ((5, 3), (2, 1), (1, 1), (8, 8)),  # padding (kh−1)/2, (kw−1)/2 does so for 5×3 too
    ((3, 3), (1, 1), (2, 2), (4, 4)),  # stride 2 halves it
])
def test_padding_and_stride_shapes(kernel: tuple[int, int], padding: tuple[int, int],
                                   stride: tuple[int, int], expected: tuple[int, int]) -> None:
    s = ConvSettings(kernel_size=kernel, padding=padding, stride=stride)
    assert check_settings(s, (8, 8)) == expected
    x = np.random.default_rng(0).normal(size=(1, 8, 8))
    out = conv2d_by_hand(x, np.ones(s.weight_shape), np.zeros(1), s)
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)
    assert out.shape[1:] == conv(torch.zeros(1, 1, 8, 8)).shape[2:] == expected


@pytest.mark.parametrize(("kernel", "params", "mmacs"), [(1, 8_224, 6.42), (5, 204_832, 160.56)])
def test_one_by_one_convolution_saves_parameters_and_work(kernel: int, params: int,
                                                         mmacs: float) -> None:
    """256 → 32 channels on 28×28: the 1×1 example and the 5×5 one it is compared with."""
    s = ConvSettings(256, 32, (kernel, kernel), padding=(kernel // 2, kernel // 2))
    out_hw = check_settings(s, (28, 28))
    conv = nn.Conv2d(256, 32, kernel, padding=kernel // 2)
    counted, mflops = model_stats(nn.Sequential(conv), (256, 28, 28))
    assert s.parameter_count() == counted == params
    assert round(s.multiply_adds(out_hw) / 1e6, 2) == round(mflops / 2, 2) == mmacs
    # the tutorials quote the 5×5 layer's weights without its 32 biases
    assert conv.weight.numel() == 32 * 256 * kernel * kernel
    if kernel == 5:
        assert conv.weight.numel() == 204_800


def test_lenet_shape_walk_in_the_spec_plan() -> None:
    plan = validate_spec(get_spec("lenet5"))
    shapes = [plan.layers[0].in_shape] + [layer.out_shape for layer in plan.layers
                                          if layer.kind not in ("sigmoid",)]
    assert [tuple(s) for s in shapes] == LENET_WALK


def test_lenet_shape_walk_in_the_built_model() -> None:
    model = create_model("lenet5", seed=0).eval()
    h = torch.zeros(1, 1, 28, 28)
    shapes = [tuple(h.shape[1:])]
    with torch.no_grad():
        for module in [*model.features, *model.classifier]:
            h = module(h)
            if not isinstance(module, nn.Sigmoid):
                shapes.append(tuple(h.shape[1:]))
    assert shapes == LENET_WALK


def test_residual_block_with_a_one_by_one_shortcut_halves_the_map() -> None:
    block = ResidualBlock(3, 6, stride=2, use_1x1conv=True)
    assert block(torch.rand(4, 3, 6, 6)).shape == (4, 6, 3, 3)
    assert ResidualBlock(3, 3)(torch.rand(4, 3, 6, 6)).shape == (4, 3, 6, 6)
