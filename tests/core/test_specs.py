import json

import pytest
import torch

from cnn_core.models import MODELS, create_model, get_spec
from cnn_core.models.specs import SpecError, build_model, load_spec_file, validate_spec


def _spec(features, classifier):
    return {"name": "t", "features": features, "classifier": classifier}


@pytest.mark.parametrize("name", list(MODELS))
def test_every_registered_model_builds_and_classifies(name):
    model = create_model(name)
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert json.loads(json.dumps(model.spec)) == model.spec  # JSON-serialisable


@pytest.mark.parametrize("name", list(MODELS))
def test_layers_are_addressable_by_readable_names(name):
    model = create_model(name)
    names = [n for n, _ in model.features.named_children()]
    assert not names or names[0] == "conv1"  # the mlp has no features
    classifier = [n for n, _ in model.classifier.named_children()]
    assert all(n[-1].isdigit() for n in names + classifier)
    # the last layer is a linear one, or (NiN) the flattened global average of 10 channels
    assert classifier[-1].startswith("fc") or (name == "nin" and classifier == ["flatten1"])


def test_lenet5_is_built_from_stock_torch_layers_with_its_checkpoint_keys():
    """No custom layer classes: the exported code and old checkpoints rely on these keys."""
    model = build_model(get_spec("lenet5"), seed=0)
    kinds = [type(m) for m in model.features] + [type(m) for m in model.classifier]
    assert all(k.__module__.startswith("torch.nn.") for k in kinds)
    assert kinds.count(torch.nn.Conv2d) == 2 and kinds.count(torch.nn.AvgPool2d) == 2
    assert list(model.state_dict()) == [
        f"{part}.{layer}.{p}" for part, layer in
        [("features", "conv1"), ("features", "conv2"), ("classifier", "fc1"),
         ("classifier", "fc2"), ("classifier", "fc3")] for p in ("weight", "bias")]


def test_seed_makes_weights_repeatable():
    a = build_model(get_spec("lenet"), seed=3)
    b = build_model(get_spec("lenet"), seed=3)
    c = build_model(get_spec("lenet"), seed=4)
    assert torch.equal(a.features.conv1.weight, b.features.conv1.weight)
    assert not torch.equal(a.features.conv1.weight, c.features.conv1.weight)


def test_linear_in_features_mismatch_names_layer_and_shapes():
    spec = _spec([{"type": "conv", "out_channels": 4, "kernel_size": 5}],
                 [{"type": "flatten"}, {"type": "linear", "in_features": 100, "out_features": 10}])
    with pytest.raises(SpecError) as info:
        validate_spec(spec)
    message = str(info.value)
    assert "classifier.fc1" in message and "100" in message and "2304" in message


def test_kernel_larger_than_input_is_refused():
    spec = _spec([{"type": "maxpool", "kernel_size": 4}, {"type": "maxpool", "kernel_size": 4},
                  {"type": "conv", "out_channels": 8, "kernel_size": 5}],
                 [{"type": "flatten"}, {"type": "linear", "out_features": 10}])
    with pytest.raises(SpecError, match=r"features\.conv1.*5×5.*1×1×1"):
        validate_spec(spec)


def test_linear_on_feature_maps_asks_for_flatten():
    spec = _spec([{"type": "conv", "out_channels": 4, "kernel_size": 3}],
                 [{"type": "linear", "out_features": 10}])
    with pytest.raises(SpecError, match=r"classifier\.fc1.*4×26×26.*flatten"):
        validate_spec(spec)


def test_conv_in_channels_mismatch():
    spec = _spec([{"type": "conv", "in_channels": 3, "out_channels": 4, "kernel_size": 3}],
                 [{"type": "flatten"}, {"type": "linear", "out_features": 10}])
    with pytest.raises(SpecError, match=r"features\.conv1.*3 input channels.*1×28×28"):
        validate_spec(spec)


def test_classifier_must_end_in_ten_outputs():
    spec = _spec([], [{"type": "flatten"}, {"type": "linear", "out_features": 7}])
    with pytest.raises(SpecError, match="10 outputs"):
        validate_spec(spec)


def test_unknown_layer_type():
    with pytest.raises(SpecError, match="unknown layer type 'conv3d'"):
        validate_spec(_spec([{"type": "conv3d"}], [{"type": "flatten"}]))


def test_every_conv2d_parameter_is_honoured():
    layer = {"type": "conv", "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 2,
             "dilation": 2, "groups": 1, "bias": False, "padding_mode": "reflect"}
    model = build_model(_spec([layer], [{"type": "flatten"},
                                        {"type": "linear", "out_features": 10}]))
    conv = model.features.conv1
    assert (conv.stride, conv.padding, conv.dilation) == ((2, 2), (2, 2), (2, 2))
    assert conv.bias is None and conv.padding_mode == "reflect"
    # (28 + 2·2 − 2·(3−1) − 1)/2 + 1 = 14
    assert model.features(torch.zeros(1, 1, 28, 28)).shape == (1, 4, 14, 14)


def test_grouped_and_1x1_convolutions():
    spec = _spec([{"type": "conv", "out_channels": 4, "kernel_size": 3, "padding": 1},
                  {"type": "conv", "out_channels": 8, "kernel_size": 3, "padding": 1, "groups": 2},
                  {"type": "conv", "out_channels": 2, "kernel_size": 1}],
                 [{"type": "flatten"}, {"type": "linear", "out_features": 10}])
    model = build_model(spec)
    assert model.features.conv2.weight.shape == (8, 2, 3, 3)
    assert model.features.conv3.weight.shape == (2, 8, 1, 1)
    bad = json.loads(json.dumps(spec))
    bad["features"][1]["groups"] = 3
    with pytest.raises(SpecError, match="groups=3"):
        validate_spec(bad)


def test_spec_file_round_trip_and_errors(tmp_path):
    good = tmp_path / "mine.json"
    spec = get_spec("tinyvgg")
    spec.pop("name")
    good.write_text(json.dumps(spec))
    loaded = load_spec_file(good)
    assert loaded["name"] == "mine"
    assert build_model(loaded)(torch.zeros(1, 1, 28, 28)).shape == (1, 10)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec_file(tmp_path / "broken.json")
    with pytest.raises(SpecError, match="not found"):
        load_spec_file(tmp_path / "absent.json")
