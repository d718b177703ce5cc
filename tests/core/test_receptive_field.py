"""Receptive fields: the frame of every cell of every preset equals the pixels an impulse
reaches, and a cell's gradient is zero outside its frame."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from cnn_core.analysis.conv_settings import ConvSettings
from cnn_core.analysis.inspection import named_layers
from cnn_core.analysis.receptive_field import (
    ConvCell,
    cell_gradient,
    conv_cell_frame,
    conv_cell_gradient,
    describe_cell,
)
from cnn_core.checkpoints import Checkpoint
from cnn_core.models import MODELS, create_model, get_spec
from cnn_core.models.architecture import layer_table
from cnn_core.models.receptive_field import Frame, ReceptiveFields
from cnn_core.models.specs import build_model

_ELEMENTWISE = (nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Sigmoid, nn.Tanh, nn.Dropout)


def _one_channel(spec):
    """The same spatial layers with one channel each (the last convolution keeps its width,
    which may be the classes): the fields do not depend on widths."""
    spec = copy.deepcopy(spec)
    convs = [layer for layer in spec["features"] if layer["type"] == "conv"]
    for layer in spec["features"]:
        if convs and layer is convs[-1]:
            continue
        for key in ("out_channels", "c1", "c4"):
            if key in layer:
                layer[key] = 1
        for key in ("c2", "c3"):
            if key in layer:
                layer[key] = [1, 1]
        layer.pop("groups", None)
    return spec


def _support_model(spec):
    """A model whose every value is positive exactly where some input pixel reaches it:
    all weights one, no biases, BatchNorm an identity scale, activations left out."""
    model = build_model(spec, seed=0).eval()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                module.weight.fill_(1.0)
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d):
                module.reset_parameters()  # mean 0, variance 1, γ 1, β 0
    for part in (model.features, model.classifier):
        for name, child in part.named_children():
            if isinstance(child, _ELEMENTWISE):
                setattr(part, name, nn.Identity())
    return model


def _impulses():
    x = torch.zeros(784, 1, 28, 28)
    x.view(784, 784)[torch.arange(784), torch.arange(784)] = 1.0
    return x


def _bounds(reached):
    """First and last index along axis 0 where ``reached`` is true, per remaining index."""
    any_ = reached.any(axis=0)
    first = reached.argmax(axis=0)
    last = reached.shape[0] - 1 - reached[::-1].argmax(axis=0)
    return np.where(any_, first, 1), np.where(any_, last, 0)  # empty: top > bottom


@pytest.mark.parametrize("name", list(MODELS))
def test_frames_are_the_pixels_an_impulse_reaches(name):
    spec = get_spec(name)
    thin = _one_channel(spec)
    fields, thin_fields = ReceptiveFields(spec), ReceptiveFields(thin)
    model = _support_model(thin)
    h = _impulses()
    with torch.no_grad():
        for layer, module in named_layers(model):
            h = module(h)
            out = h.numpy()
            if out.ndim == 4:  # [pixel, channel, row, col]: which pixels reach each cell
                reached = (out > 0).any(axis=1).reshape(28, 28, *out.shape[2:])
                top, bottom = _bounds(reached.any(axis=1))
                left, right = _bounds(reached.any(axis=0))
                source, cells = fields, np.ndindex(*out.shape[2:])
            else:  # [pixel, unit]
                reached = (out > 0).reshape(28, 28, 1, out.shape[1])
                top, bottom = _bounds(reached.any(axis=1))
                left, right = _bounds(reached.any(axis=0))
                source, cells = thin_fields, ((0, u) for u in range(out.shape[1]))
            for row, col in cells:
                expected = Frame(int(top[row, col]), int(left[row, col]),
                                 int(bottom[row, col]), int(right[row, col]))
                assert source.cell(layer, row, col) == expected, (layer, row, col)


@pytest.mark.parametrize("name", list(MODELS))
def test_unclipped_frames_are_the_table_receptive_field(name):
    spec = get_spec(name)
    fields, rows = ReceptiveFields(spec), layer_table(spec).rows
    checked, maps = 0, 0
    for layer, row in zip(fields.names(), rows, strict=True):
        if len(row.out_shape) != 3:
            continue
        maps += 1
        for r, c in np.ndindex(*row.out_shape[1:]):
            frame = fields.cell(layer, r, c)
            if frame.top > 0 and frame.left > 0 and frame.bottom < 27 and frame.right < 27:
                assert (frame.height, frame.width) == row.receptive_field, (layer, r, c)
                checked += 1
    assert checked or not maps  # a preset with maps has cells whose field lies inside


@pytest.mark.parametrize("name", list(MODELS))
def test_gradient_of_a_cell_is_zero_outside_its_frame(name):
    torch.manual_seed(0)
    model = create_model(name, seed=0).eval()
    fields = ReceptiveFields(model.spec)
    x = torch.randn(1, 1, 28, 28)
    seen = 0
    for layer in fields.names():
        shape = fields.out_shape(layer)
        channels, height, width = shape if len(shape) == 3 else (1, 1, shape[0])
        for row, col in {(0, 0), (height // 2, width // 3), (height - 1, width - 1)}:
            channel = (row + col) % channels
            grad = cell_gradient(model, x, layer, channel, row, col)
            frame = fields.cell(layer, row, col)
            outside = np.ones((28, 28), bool)
            outside[frame.top:frame.bottom + 1, frame.left:frame.right + 1] = False
            assert not grad[outside].any(), (layer, row, col)
            seen += bool(grad.any())
    assert seen  # the gradients are not all zero


def test_frames_follow_stride_padding_dilation_and_adaptive_pooling():
    spec = {"name": "t", "features": [
        {"type": "conv", "out_channels": 2, "kernel_size": 3, "padding": 1},  # 28
        {"type": "conv", "out_channels": 2, "kernel_size": 3, "stride": 2},  # 13
        {"type": "conv", "out_channels": 2, "kernel_size": 3, "dilation": 2},  # 9
        {"type": "adaptive_avgpool", "output_size": 4}],
        "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]}
    fields = ReceptiveFields(spec)
    assert fields.cell("features.conv1", 0, 0) == Frame(0, 0, 1, 1)  # padding holds no pixel
    assert fields.cell("features.conv1", 5, 9) == Frame(4, 8, 6, 10)
    assert fields.cell("features.conv2", 3, 4) == Frame(5, 7, 9, 11)  # 2·i − 1 .. 2·i + 3
    # dilation 2 reaches conv2 rows i .. i + 4, i.e. 2·i − 1 .. 2·(i + 4) + 3
    assert fields.cell("features.conv3", 1, 1) == Frame(1, 1, 13, 13)
    # adaptive 9 → 4: output 1 pools rows 2..4 of conv3 (floor(9/4) .. ceil(18/4) − 1)
    assert fields.cell("features.gap1", 1, 1) == fields.region("features.conv3", (2, 4), (2, 4))
    assert fields.cell("classifier.fc1", 0, 3) == Frame(0, 0, 27, 27)
    assert fields.region(None, (-2, 3), (20, 40)) == Frame(0, 20, 3, 27)


def test_the_sentence_names_size_layer_and_cell():
    frame = Frame(2, 3, 15, 16)
    assert describe_cell(frame, "features.conv2", 3, 5) == (
        "Receptive field 14×14 px (layer conv2, cell (3, 5))")
    assert describe_cell(frame, "classifier.fc1", 0, 7, unit=True) == (
        "Receptive field 14×14 px (layer fc1, unit 7))"[:-1])


@pytest.mark.parametrize("padding_mode", ["zeros", "replicate"])
def test_a_convolution_tab_cell_sees_its_window_through_the_model(padding_mode):
    checkpoint = Checkpoint(create_model("lenet", seed=0).eval(), {})
    image = np.random.default_rng(1).random((28, 28))
    fields = ReceptiveFields(checkpoint.model.spec)
    for source, row, col in (("features.pool1", 3, 4), ("features.pool1", 0, 0), (None, 5, 13)):
        channels = 1 if source is None else 2
        settings = ConvSettings(in_channels=channels, out_channels=3, kernel_size=(3, 3),
                                stride=(2, 2), padding=(1, 1), padding_mode=padding_mode)
        weight = np.random.default_rng(0).normal(size=settings.weight_shape)
        cell = ConvCell(source, True, channels - 1, weight, settings, 2, row, col)
        frame = conv_cell_frame(fields, cell)
        if source is None:  # the picture itself: the 3×3 window, stride 2, padding 1
            assert frame == Frame(2 * row - 1, 2 * col - 1, 2 * row + 1, 2 * col + 1)
        else:
            assert frame == fields.region(source, (2 * row - 1, 2 * row + 1),
                                          (2 * col - 1, 2 * col + 1))
        grad = conv_cell_gradient(checkpoint, image, cell)
        inside = np.zeros((28, 28), bool)
        inside[frame.top:frame.bottom + 1, frame.left:frame.right + 1] = True
        assert grad[inside].any() and not grad[~inside].any(), (source, row, col)


@pytest.mark.parametrize(("expr", "whole"), [("x - x.mean()", True), ("x * 2 + 1", False)])
def test_an_expression_layer_sees_what_its_expression_reads(expr, whole):
    spec = {"name": "t", "features": [
        {"type": "conv", "out_channels": 2, "kernel_size": 3, "padding": 1},
        {"type": "expression", "expr": expr}, {"type": "maxpool", "kernel_size": 2}],
        "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]}
    fields = ReceptiveFields(spec)
    frame = fields.cell("features.pool1", 3, 4)
    assert frame == (Frame(0, 0, 27, 27) if whole else Frame(5, 7, 8, 10))
    grad = cell_gradient(build_model(spec, seed=0).eval(), torch.randn(1, 1, 28, 28),
                         "features.pool1", 1, 3, 4)
    inside = np.zeros((28, 28), bool)
    inside[frame.top:frame.bottom + 1, frame.left:frame.right + 1] = True
    assert not grad[~inside].any() and (grad[:3, :3].any() if whole else grad[inside].any())
