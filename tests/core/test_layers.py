"""The fast CPU paths of cnn_core.layers give PyTorch's results, gradients included."""

from __future__ import annotations

import copy
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnn_core import layers
from cnn_core.models import build_model, get_spec

CL = torch.channels_last


def _grads(module: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    x = x.detach().clone().requires_grad_(True)
    y = module(x)
    # a fixed, non-uniform upstream gradient so that every position matters
    upstream = torch.linspace(-1, 1, y.numel()).view_as(y)
    y.backward(upstream)
    return y.detach(), [x.grad] + [p.grad for p in module.parameters()]


@pytest.mark.parametrize("channels,size", [(6, 28), (16, 10), (3, 8)])
@pytest.mark.parametrize("upstream_layout", ["channels_last", "contiguous"])
def test_avgpool_fast_path_matches_pytorch(channels: int, size: int, upstream_layout: str):
    torch.manual_seed(0)
    x = torch.randn(4, channels, size, size).contiguous(memory_format=CL)
    fast, ref = layers.AvgPool2d(2), nn.AvgPool2d(2)
    assert fast._fast(x)
    y_fast = fast(x)
    assert y_fast.is_contiguous(memory_format=CL)
    torch.testing.assert_close(y_fast, ref(x))
    # the backward pass, with the upstream gradient in either layout (Flatten gives NCHW)
    xf = x.clone().requires_grad_(True)
    xr = x.clone().requires_grad_(True)
    g = torch.randn(4, channels, size // 2, size // 2)
    g = g.contiguous(memory_format=CL) if upstream_layout == "channels_last" else g
    fast(xf).backward(g)
    ref(xr).backward(g)
    torch.testing.assert_close(xf.grad, xr.grad)


@pytest.mark.parametrize("make", [
    lambda: layers.AvgPool2d(3),                    # other kernel
    lambda: layers.AvgPool2d(2, stride=1),          # other stride
    lambda: layers.AvgPool2d(2, padding=1),         # padding
    lambda: layers.AvgPool2d(2, ceil_mode=True),
])
def test_avgpool_other_configurations_take_pytorchs_path(make):
    pool = make()
    x = torch.randn(2, 6, 12, 12).contiguous(memory_format=CL)
    assert not pool._fast(x)
    torch.testing.assert_close(pool(x), F.avg_pool2d(x, pool.kernel_size, pool.stride,
                                                     pool.padding, pool.ceil_mode))


def test_avgpool_odd_sizes_and_nchw_take_pytorchs_path():
    pool = layers.AvgPool2d(2)
    assert not pool._fast(torch.randn(2, 6, 13, 13).contiguous(memory_format=CL))
    assert not pool._fast(torch.randn(2, 6, 12, 12))             # plain NCHW
    assert not pool._fast(torch.randn(2, 6, 12, 12, dtype=torch.float64)
                          .contiguous(memory_format=CL))


@pytest.mark.parametrize("cin,cout,k,stride,padding,size", [
    (6, 16, 5, 1, 0, 14),      # LeNet-5's conv2
    (1, 6, 5, 1, 2, 28),       # LeNet-5's conv1 (no input gradient needed in a model)
    (3, 8, 3, 2, 1, 9),        # strided, odd size: needs output padding
    (4, 4, 3, 2, 0, 10),
])
@pytest.mark.parametrize("bias", [True, False])
def test_conv_fast_path_matches_pytorch(cin, cout, k, stride, padding, size, bias):
    torch.manual_seed(1)
    fast = layers.Conv2d(cin, cout, k, stride=stride, padding=padding, bias=bias)
    ref = nn.Conv2d(cin, cout, k, stride=stride, padding=padding, bias=bias)
    ref.load_state_dict(fast.state_dict())
    fast, ref = fast.to(memory_format=CL), ref.to(memory_format=CL)
    x = torch.randn(5, cin, size, size).contiguous(memory_format=CL)
    if cin > 1:
        assert fast._fast(x.requires_grad_(True))
    y_fast, g_fast = _grads(fast, x)
    y_ref, g_ref = _grads(ref, x)
    torch.testing.assert_close(y_fast, y_ref)
    for a, b in zip(g_fast, g_ref, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_conv_keeps_pytorchs_path_where_it_is_faster_or_not_needed():
    wide = layers.Conv2d(16, 32, 3, padding=1)
    x = torch.randn(2, 16, 8, 8).contiguous(memory_format=CL).requires_grad_(True)
    assert not wide._fast(x)                                     # 16 input channels
    narrow = layers.Conv2d(6, 16, 5)
    x6 = torch.randn(2, 6, 14, 14).contiguous(memory_format=CL)
    assert not narrow._fast(x6)                                  # no gradient wanted
    assert not narrow._fast(x6.contiguous().requires_grad_(True))  # NCHW
    with torch.no_grad():
        assert not narrow._fast(x6.requires_grad_(True))
    assert not layers.Conv2d(6, 6, 3, groups=2)._fast(x6)
    assert not layers.Conv2d(6, 6, 3, dilation=2)._fast(x6)
    assert not layers.Conv2d(6, 6, 3, padding="same")._fast(x6)


def test_layers_print_and_save_as_pytorchs_own():
    conv, pool = layers.Conv2d(1, 6, 5, padding=2), layers.AvgPool2d(2)
    assert repr(conv) == repr(nn.Conv2d(1, 6, 5, padding=2))
    assert repr(pool) == repr(nn.AvgPool2d(2))
    assert set(conv.state_dict()) == {"weight", "bias"}
    assert isinstance(conv, nn.Conv2d) and isinstance(pool, nn.AvgPool2d)


def test_lenet5_training_steps_match_stock_pytorch_layers():
    """A few SGD steps of lenet5 with the fast layers follow stock nn layers to rounding."""
    fast = build_model(get_spec("lenet5"), seed=3).to(memory_format=CL)
    stock = copy.deepcopy(fast)
    for part in (stock.features, stock.classifier):
        for name, m in part.named_children():
            if isinstance(m, layers.Conv2d):
                plain = nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size,
                                  padding=m.padding)
                plain.load_state_dict(m.state_dict())
                setattr(part, name, plain.to(memory_format=CL))
            elif isinstance(m, layers.AvgPool2d):
                setattr(part, name, nn.AvgPool2d(2))
    assert not any(type(m) in (layers.Conv2d, layers.AvgPool2d) for m in stock.modules())
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(8, 100, 1, 28, 28, generator=gen)
    y = torch.randint(0, 10, (8, 100), generator=gen)
    losses = []
    for model in (fast, stock):
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        run = []
        for xb, yb in zip(x, y, strict=True):
            loss = F.cross_entropy(model(xb.contiguous(memory_format=CL)), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    assert losses[0] == pytest.approx(losses[1], rel=1e-4)
    for a, b in zip(fast.parameters(), stock.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_tracing_records_the_stock_operators():
    """TensorBoard's add_graph and ONNX export trace the model: no custom Functions there."""
    model = build_model(get_spec("lenet5"), seed=0).to(memory_format=CL)
    x = torch.rand(2, 1, 28, 28).contiguous(memory_format=CL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # jit.trace is deprecated, still used
        traced = torch.jit.trace(model, x)
    graph = str(traced.inlined_graph)
    assert "avg_pool2d" in graph and "_convolution" in graph
    assert "PythonOp" not in graph
    torch.testing.assert_close(traced(x), model(x))
