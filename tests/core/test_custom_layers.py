"""The tutorials' own layers in the spec: an expression of x (no parameters), a layer with
its own nn.Parameter, and a shared layer (tied weights) — checked, built, costed, exported,
saved and loaded."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import torch

from cnn_core.checkpoints import Checkpoint, load_checkpoint, make_metadata, save_checkpoint
from cnn_core.checkpoints.code_export import spec_to_python
from cnn_core.models.architecture import layer_table
from cnn_core.models.custom_layers import Expression, ExpressionError
from cnn_core.models.specs import SpecError, build_model, validate_spec


def _spec(**changes: Any) -> dict[str, Any]:
    spec = {"name": "blocks", "num_classes": 10,
            "features": [{"type": "conv", "out_channels": 6, "kernel_size": 5, "padding": 2},
                         {"type": "expression", "expr": "x - x.mean()"},
                         {"type": "scale", "bias": True}, {"type": "relu"},
                         {"type": "maxpool", "kernel_size": 2}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 32},
                           {"type": "relu"},
                           {"type": "linear", "out_features": 32, "name": "hidden"},
                           {"type": "relu"}, {"type": "shared", "of": "hidden"},
                           {"type": "relu"}, {"type": "linear", "out_features": 10}]}
    spec = json.loads(json.dumps(spec))
    for path, value in changes.items():
        part, index, key = path.split("__")
        spec[part][int(index)][key] = value
    return spec


@pytest.mark.parametrize("text", ["x - x.mean()", "x * 2 + 1", "-x", "x ** 2",
                                  "x.clamp(min=0, max=1)", "(x - x.mean(dim=1, keepdim=True))"
                                  " / (x.std() + 1e-5)", "x.abs().sqrt()", "x.softmax(dim=1)"])
def test_an_expression_from_the_safe_list_is_a_layer(text: str) -> None:
    x = torch.randn(2, 3, 4, 4)
    namespace = {"x": x}
    want = eval(text, {"__builtins__": {}}, namespace)  # noqa: S307 - the test's own reference
    assert torch.allclose(Expression(text)(x), want)


@pytest.mark.parametrize("text, why", [
    ("__import__('os').system('true')", "calls are tensor methods"),
    ("x.__class__", "attribute is not allowed"),
    ("y + 1", "unknown name 'y'"),
    ("x.mean(x)", "must be numbers"),
    ("x.mean(out=1)", "takes no out="),
    ("[x]", "list is not allowed"),
    ("lambda: x", "lambda is not allowed"),
    ("x if x else x", "ifexp is not allowed"),
    ("'x'", "only numbers"),
    ("2 + 3", "must use its input x"),
    ("x +", "not an expression"),
    ("", "an expression of x is needed"),
])
def test_anything_outside_the_safe_list_is_refused_without_running(text: str, why: str) -> None:
    with pytest.raises(ExpressionError, match=why):
        Expression(text)


def test_an_expression_must_keep_one_result_per_picture() -> None:
    for text in ("x.mean()", "x.sum(dim=0)"):
        with pytest.raises(SpecError, match=r"features\[1\].*one result per picture"):
            validate_spec(_spec(features__1__expr=text))
    plan = validate_spec(_spec(features__1__expr="x.mean(dim=1, keepdim=True)"))
    assert plan.layers[1].out_shape == (1, 28, 28)  # one map per picture: its mean


def test_the_shared_layer_counts_and_saves_its_weights_once(tmp_path: Path) -> None:
    spec = _spec()
    model = build_model(spec, seed=0)
    plan = validate_spec(spec)
    assert plan.params == sum(p.numel() for p in model.parameters())  # counted once
    rows = {row.name: row for row in layer_table(spec).rows if row.part == "classifier"}
    assert rows["shared1"].params == 0 and rows["shared1"].macs == rows["hidden"].macs
    scale = next(r for r in layer_table(spec).rows if r.kind == "scale")
    assert scale.params == 12  # 6 factors and 6 shifts: its own nn.Parameters
    keys = list(model.state_dict())
    assert not any("shared1" in k for k in keys) and "features.scale1.weight" in keys
    # The same weights: a change to the hidden layer is a change to the shared one.
    with torch.no_grad():
        model.classifier.hidden.weight.mul_(2)
    tied = model.classifier.shared1
    x = torch.randn(4, 32)
    assert torch.equal(tied(x), model.classifier.hidden(x))
    # Trained once, by both uses: the gradient adds up.
    model.train()
    model(torch.randn(8, 1, 28, 28)).sum().backward()
    assert model.classifier.hidden.weight.grad is not None
    # Saved and loaded: the tie holds and the outputs are the same.
    model.eval()
    images = torch.randn(5, 1, 28, 28)
    path = save_checkpoint(tmp_path / "blocks.safetensors",
                           Checkpoint(model, make_metadata(model)))
    loaded = load_checkpoint(path).model
    assert loaded.classifier.shared1.target is loaded.classifier.hidden
    assert torch.equal(loaded(images), model(images))
    twin = copy.deepcopy(loaded)  # the weight average and the GUI's copies deep-copy models
    assert twin.classifier.shared1.target is twin.classifier.hidden


def test_a_shared_layer_must_name_an_earlier_layer_whose_input_fits() -> None:
    with pytest.raises(SpecError, match=r"classifier\[5\]\.of: no earlier layer with weights "
                                        r"is called 'fc9'.*classifier\.hidden"):
        validate_spec(_spec(classifier__5__of="fc9"))
    with pytest.raises(SpecError, match="no earlier layer with weights is called 'relu1'"):
        validate_spec(_spec(classifier__5__of="relu1"))
    with pytest.raises(SpecError, match="shares classifier.fc1, which takes 1176 inputs"):
        validate_spec(_spec(classifier__5__of="fc1"))
    # A convolution may be reused on maps of another size, as long as the channels match.
    spec = _spec(features__1__expr="x * 2")
    spec["features"][3:3] = [{"type": "conv", "out_channels": 6, "kernel_size": 3,
                              "padding": 1, "name": "same"}, {"type": "relu"},
                             {"type": "shared", "of": "features.same"}]
    out = {row.name: row for row in layer_table(spec).rows if row.part == "features"}
    assert out["shared1"].out_shape == (6, 28, 28)
    assert out["shared1"].receptive_field == (9, 9)  # 5, then 3, then 3 again


def test_receptive_fields_of_the_new_layers() -> None:
    rows = {row.name: row for row in layer_table(_spec()).rows}
    assert rows["expr1"].receptive_field == (28, 28)  # x.mean() mixes every position
    spec = _spec(features__1__expr="x * 2")
    assert {r.name: r for r in layer_table(spec).rows}["expr1"].receptive_field == (5, 5)


def test_the_exported_code_builds_the_same_network(tmp_path: Path) -> None:
    spec = _spec()
    model = build_model(spec, seed=1).eval()
    source = spec_to_python(spec)
    assert "Lambda(lambda x: x - x.mean())" in source and "Scale(6, bias=True)" in source
    assert "self.classifier.shared1.tie(self.classifier.hidden)" in source
    namespace: dict[str, Any] = {}
    exec(compile(source, "blocks.py", "exec"), namespace)  # noqa: S102 - our own export
    net = namespace["Net"]().eval()
    assert list(net.state_dict()) == list(model.state_dict())
    net.load_state_dict(model.state_dict())
    images = torch.randn(3, 1, 28, 28)
    assert torch.equal(net(images), model(images))


@pytest.mark.parametrize("fmt", ["onnx", "pt2"])
def test_the_new_layers_export_to_onnx_and_torch_export(tmp_path: Path, fmt: str) -> None:
    if fmt == "onnx":
        pytest.importorskip("onnxruntime")
    import numpy as np

    from cnn_core.checkpoints.graph_export import check_export, export_graph

    model = build_model(_spec(), seed=0).eval()
    checkpoint = Checkpoint(model, make_metadata(model))
    path = tmp_path / f"blocks.{fmt}"
    export_graph(checkpoint, path, fmt)
    images = np.random.default_rng(0).random((20, 28, 28), dtype=np.float32)
    assert check_export(checkpoint, path, fmt, images).max_difference <= 1e-4
