"""The Inception layer type, per-layer initialisation and the tutorials' architecture presets."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from torch import nn

from cnn_core.models import MODELS, create_model, get_spec, model_stats
from cnn_core.models.network import InceptionBlock
from cnn_core.models.spec_fields import SpecError
from cnn_core.models.spec_validation import MAX_PARAMETERS, check_spec
from cnn_core.models.specs import build_model, validate_spec

NEW_PRESETS = ("lenet5_relu", "mlp", "alexnet", "vgg", "nin", "googlenet")

# the tutorials' first GoogLeNet block, Inception(192, 64, (96, 128), (16, 32), 32)
INCEPTION = {"type": "inception", "c1": 64, "c2": [96, 128], "c3": [16, 32], "c4": 32}


def _spec(features: list[dict], classifier: list[dict] | None = None, **top: object) -> dict:
    return {"name": "t", "features": features,
            "classifier": classifier or [{"type": "adaptive_avgpool", "output_size": 1},
                                         {"type": "flatten"},
                                         {"type": "linear", "out_features": 10}], **top}


# ----------------------------------------------------------------------------- inception


def test_inception_shape_parameters_and_multiply_adds_match_a_hand_count():
    spec = _spec([{"type": "conv", "out_channels": 192, "kernel_size": 1}, INCEPTION],
                 [{"type": "flatten"}, {"type": "linear", "out_features": 10}])
    plan = check_spec(spec)
    layer = plan.layers[1]
    assert (layer.kind, layer.name) == ("inception", "inception1")
    assert layer.out_shape == (64 + 128 + 32 + 32, 28, 28)  # 256 channels, size kept
    # by hand: p1 192·64+64, p2 192·96+96 and 96·128·9+128, p3 192·16+16 and 16·32·25+32,
    # p4 192·32+32
    by_hand = 12_352 + 18_528 + 110_720 + 3_088 + 12_832 + 6_176
    assert by_hand == 163_696
    model = build_model(spec)
    block = model.features.inception1
    assert isinstance(block, InceptionBlock)
    assert sum(p.numel() for p in block.parameters()) == by_hand
    conv1 = 192 * 2
    linear = 256 * 28 * 28 * 10 + 10
    assert plan.params == conv1 + by_hand + linear
    macs_by_hand = 28 * 28 * (192 * (64 + 96 + 16 + 32) + 9 * 96 * 128 + 25 * 16 * 32)
    assert macs_by_hand == 128_049_152
    assert plan.macs == 28 * 28 * 192 + macs_by_hand + 256 * 28 * 28 * 10
    assert model_stats(model)[1] == pytest.approx(2 * plan.macs / 1e6)  # same count, ×2
    with torch.no_grad():
        out = model.features(torch.randn(2, 1, 28, 28))
    assert out.shape == (2, 256, 28, 28)
    assert (out >= 0).all()  # every path ends in a ReLU


def test_inception_paths_are_concatenated_in_order():
    block = InceptionBlock(3, 2, (4, 5), (1, 6), 7)
    x = torch.randn(1, 3, 9, 9)
    with torch.no_grad():
        out = block(x)
        p1 = torch.relu(block.p1_1(x))
        p4 = torch.relu(block.p4_2(torch.nn.functional.max_pool2d(x, 3, 1, 1)))
    assert out.shape == (1, 20, 9, 9)
    assert torch.equal(out[:, :2], p1) and torch.equal(out[:, -7:], p4)


@pytest.mark.parametrize("change, message", [
    ({"c2": 96}, r"features\[1\]\.c2: must be a pair \[1×1 channels, output channels\]"),
    ({"c3": [16, 0]}, r"features\[1\]\.c3: must be a pair"),
    ({"c1": True}, r"features\[1\]\.c1: must be an integer"),
    ({"c4": None}, r"features\[1\]\.c4: must be an integer"),
    ({"kernel_size": 3}, r"features\[1\]\.kernel_size: not a setting of an inception layer"),
    ({"init": "he"}, r"features\[1\]\.init: must be one of default, xavier, kaiming, normal"),
])
def test_inception_fields_are_checked_by_name(change, message):
    layer = {**INCEPTION, **change}
    with pytest.raises(SpecError, match=message):
        validate_spec(_spec([{"type": "conv", "out_channels": 8, "kernel_size": 3}, layer]))


def test_inception_needs_all_four_paths_and_an_image_input():
    layer = {k: v for k, v in INCEPTION.items() if k != "c4"}
    with pytest.raises(SpecError, match=r"features\[0\]\.c4: an inception layer needs it"):
        validate_spec(_spec([layer]))
    flat = _spec([], [{"type": "flatten"}, INCEPTION, {"type": "linear", "out_features": 10}])
    with pytest.raises(SpecError, match=r"classifier\[1\] \(classifier\.inception1\) "
                                        r"\(inception\) needs a C×H×W input"):
        validate_spec(flat)


def test_inception_counts_towards_the_size_bound():
    huge = {"type": "inception", "c1": 8, "c2": [4096, 4096], "c3": [8, 8], "c4": 8}
    with pytest.raises(SpecError, match=r"features\[0\] \(features\.inception1\): the model "
                                        r"would have [\d,]+ parameters by here"):
        validate_spec(_spec([huge]))
    assert 9 * 4096 * 4096 > MAX_PARAMETERS  # the 3×3 path alone is over the bound


# ----------------------------------------------------------------------------- initialisation


def _wide(init_conv: str | None, init_fc: str | None, top: str = "default") -> dict:
    conv = {"type": "conv", "out_channels": 64, "kernel_size": 5, "padding": 2}
    fc = {"type": "linear", "out_features": 1000}
    if init_conv:
        conv["init"] = init_conv
    if init_fc:
        fc["init"] = init_fc
    return _spec([conv, {"type": "adaptive_avgpool", "output_size": 4}],
                 [{"type": "flatten"}, fc, {"type": "relu"},
                  {"type": "linear", "out_features": 10}], init=top)


def test_layer_init_overrides_the_spec_init():
    model = build_model(_wide("xavier", "normal", top="kaiming"), seed=0)
    conv, fc1, fc2 = model.features.conv1, model.classifier.fc1, model.classifier.fc2
    # xavier-uniform: |w| ≤ √(6 / (fan_in + fan_out)), spread over the whole range
    bound = math.sqrt(6 / (1 * 25 + 64 * 25))
    assert conv.weight.abs().max() <= bound
    assert conv.weight.abs().max() > 0.9 * bound
    assert conv.weight.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.1)
    # the bias is PyTorch's default, uniform in ±1/√fan_in (as the tutorials' LeNet leaves it)
    assert conv.bias.abs().max() <= 1 / math.sqrt(25) and conv.bias.abs().sum() > 0
    # normal: N(0, 0.01²) weights, zero biases
    assert fc1.weight.std().item() == pytest.approx(0.01, rel=0.05)
    assert abs(fc1.weight.mean().item()) < 1e-3
    assert torch.count_nonzero(fc1.bias) == 0
    # the spec-level kaiming for the rest: He-normal, std √(2 / fan_in), zero biases
    assert fc2.weight.std().item() == pytest.approx(math.sqrt(2 / 1000), rel=0.15)
    assert torch.count_nonzero(fc2.bias) == 0


def test_default_layer_init_keeps_pytorch_s_own_under_a_spec_init():
    model = build_model(_wide("default", None, top="normal"), seed=0)
    conv = model.features.conv1
    assert conv.weight.abs().max() <= 1 / math.sqrt(25)  # kaiming_uniform(a=√5): ±1/√fan_in
    assert conv.weight.std().item() > 0.05  # not N(0, 0.01²)
    assert model.classifier.fc1.weight.std().item() == pytest.approx(0.01, rel=0.05)


def test_init_of_a_residual_or_inception_layer_reaches_every_conv_inside():
    spec = _spec([{"type": "conv", "out_channels": 8, "kernel_size": 3, "padding": 1},
                  {"type": "residual", "out_channels": 16, "use_1x1conv": True, "init": "normal"},
                  {**INCEPTION, "init": "normal"}])
    model = build_model(spec, seed=1)
    for block in (model.features.res1, model.features.inception1):
        convs = [m for m in block.modules() if isinstance(m, nn.Conv2d)]
        assert len(convs) in (3, 6)
        for conv in convs:
            assert conv.weight.abs().max() < 0.06  # 6 σ of N(0, 0.01²)
            assert torch.count_nonzero(conv.bias) == 0
        bns = [m for m in block.modules() if isinstance(m, nn.BatchNorm2d)]
        assert all(torch.all(bn.weight == 1) for bn in bns)  # BatchNorm untouched


def test_seeded_build_leaves_the_global_rng_alone_and_repeats():
    spec = _wide("xavier", "normal", top="kaiming")
    torch.manual_seed(1234)
    before = torch.random.get_rng_state()
    a = build_model(spec, seed=7)
    assert torch.equal(torch.random.get_rng_state(), before)
    b = build_model(spec, seed=7)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(),
                                                  b.state_dict().values(), strict=True))


def test_lenet5_xavier_initialises_weights_only_as_the_tutorials():
    model = create_model("lenet5", seed=0)
    for layer in (model.features.conv1, model.features.conv2, model.classifier.fc1,
                  model.classifier.fc3):
        fan_in = layer.weight[0].numel()
        assert torch.count_nonzero(layer.bias) == layer.bias.numel()  # not zeroed
        assert layer.bias.abs().max() <= 1 / math.sqrt(fan_in)  # PyTorch's default range
        fan_out = layer.weight.shape[0] * layer.weight[0, 0].numel()
        assert layer.weight.abs().max() <= math.sqrt(6 / (fan_in + fan_out))


# ----------------------------------------------------------------------------- presets


@pytest.mark.parametrize("name", list(MODELS))
def test_every_preset_validates_builds_and_gives_ten_logits(name):
    spec = get_spec(name)
    plan = validate_spec(spec)
    model = create_model(name, seed=0).eval()
    with torch.no_grad():
        out = model(torch.randn(3, 1, 28, 28))
    assert out.shape == (3, 10) and torch.isfinite(out).all()
    params, mflops = model_stats(model)
    assert params == plan.params
    assert mflops == pytest.approx(2 * plan.macs / 1e6)
    if name in NEW_PRESETS:
        assert mflops < 12  # an epoch in a minute or two on two CPU cores
    assert MODELS[name].recipe.epochs >= 1 and spec["summary"]


def test_the_tutorial_architectures_are_registered_with_recipes():
    assert set(NEW_PRESETS) <= set(MODELS)
    kinds = {name: [layer["type"] for layer in get_spec(name)["features"]
                    + get_spec(name)["classifier"]] for name in NEW_PRESETS}
    assert kinds["googlenet"].count("inception") == 3
    nin = get_spec("nin")
    assert "linear" not in kinds["nin"] and kinds["nin"][-1] == "flatten"
    assert nin["features"][-1]["type"] == "adaptive_avgpool"
    one_by_one = [layer for layer in nin["features"]
                  if layer["type"] == "conv" and layer["kernel_size"] == 1]
    assert len(one_by_one) == 8  # two per NiN block
    vgg_convs = [layer for layer in get_spec("vgg")["features"] if layer["type"] == "conv"]
    assert all(layer["kernel_size"] == 3 and layer["padding"] == 1 for layer in vgg_convs)
    alex = get_spec("alexnet")
    assert alex["features"][0]["kernel_size"] == 7 and "dropout" in kinds["alexnet"]
    assert max(layer.get("out_features", 0) for layer in alex["classifier"]) >= 512


def test_mlp_and_lenet5_relu_pair_with_lenet5():
    lenet5 = create_model("lenet5")
    mlp = create_model("mlp")
    assert model_stats(lenet5)[0] == 61_706 and model_stats(mlp)[0] == 62_020
    assert not any(isinstance(m, nn.Conv2d) for m in mlp.modules())
    relu, sigmoid = get_spec("lenet5_relu"), get_spec("lenet5")
    swap = {"sigmoid": "relu", "avgpool": "maxpool"}
    for part in ("features", "classifier"):
        for a, b in zip(sigmoid[part], relu[part], strict=True):
            assert {**a, "type": swap.get(a["type"], a["type"])} == b
    assert relu["init"] == sigmoid["init"] == "xavier"
    # one comparison of two runs: mlp has lenet5's recipe; lenet5_relu too, at lr 0.1
    assert MODELS["mlp"].recipe == MODELS["lenet5"].recipe
    assert MODELS["lenet5_relu"].recipe == dataclasses.replace(MODELS["lenet5"].recipe, lr=0.1)


def test_a_few_training_steps_fit_a_batch_with_the_new_blocks():
    torch.manual_seed(0)
    x = torch.randn(8, 1, 28, 28)
    y = torch.randint(0, 10, (8,))
    for name in ("googlenet",):
        model = create_model(name, seed=0).train()
        opt = torch.optim.Adam(model.parameters(), lr=2e-3)
        losses = []
        for _ in range(5):
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0], (name, losses)
