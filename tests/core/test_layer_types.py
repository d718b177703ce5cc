"""The layer-type registry is the one place a layer type lives: a type registered there and
nowhere else is checked, shaped, costed, built, exported and tabled like the built-in ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch
from torch import nn

from cnn_core.checkpoints.code_export import spec_to_python
from cnn_core.models.architecture import layer_table, normalise_spec
from cnn_core.models.layer_costs import LayerCost, layer_cost
from cnn_core.models.layer_types import LAYER_TYPES, LayerType, register
from cnn_core.models.layer_types.base import number
from cnn_core.models.spec_fields import SpecError
from cnn_core.models.specs import build_model, validate_spec


class _Square(nn.Module):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x * x


_SQUARE_SOURCE = '''

class Square(nn.Module):
    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        return self.scale * x * x
'''

SQUARE = LayerType(
    "square", "sq",
    build=lambda s, in_shape: _Square(s.get("scale", 1.0)),
    source=lambda s, in_shape: f"Square({s.get('scale', 1.0)!r})",
    settings={"scale": number(0, 4, "scale")}, defaults={"scale": 1.0},
    helper_source=_SQUARE_SOURCE)


@pytest.fixture
def square() -> Iterator[LayerType]:
    """``square`` in the registry for one test only."""
    assert "square" not in LAYER_TYPES
    register(SQUARE)
    try:
        yield SQUARE
    finally:
        del LAYER_TYPES["square"]


def _spec(square_layer: dict[str, Any]) -> dict[str, Any]:
    return {"name": "squares", "init": "xavier",
            "features": [{"type": "conv", "out_channels": 4, "kernel_size": 5},
                         square_layer, {"type": "maxpool", "kernel_size": 2}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10},
                           {"type": "square"}]}


def test_an_unregistered_type_is_refused():
    with pytest.raises(SpecError, match=r"features\[1\]\.type: unknown layer type 'square'"):
        validate_spec(_spec({"type": "square"}))


def test_a_registered_type_passes_the_spec_checks(square):
    plan = validate_spec(_spec({"type": "square", "scale": 0.5}))
    layer = plan.layers[1]
    assert (layer.part, layer.name, layer.kind) == ("features", "sq1", "square")
    assert layer.settings == {"scale": 0.5}
    assert layer.in_shape == layer.out_shape == (4, 24, 24)
    assert [x.name for x in plan.layers if x.kind == "square"] == ["sq1", "sq1"]
    with pytest.raises(SpecError, match=r"features\[1\]\.scale: scale must be in \[0, 4\]"):
        validate_spec(_spec({"type": "square", "scale": 9}))
    with pytest.raises(SpecError, match=r"features\[1\]\.p: not a setting of a square layer "
                                        r"\(it takes name, scale\)"):
        validate_spec(_spec({"type": "square", "p": 0.5}))


def test_a_registered_type_is_costed_built_exported_and_tabled(square):
    spec = _spec({"type": "square", "scale": 0.5})
    assert layer_cost("square", {}, (4, 24, 24), (4, 24, 24)) == LayerCost(0, 0, 0, 4 * 24 * 24)

    model = build_model(spec, seed=0)
    assert isinstance(model.features.sq1, _Square) and model.features.sq1.scale == 0.5
    x = torch.rand(3, 1, 28, 28)
    conv = model.features.conv1(x)
    assert torch.equal(model.features.sq1(conv), 0.5 * conv * conv)

    source = spec_to_python(spec)
    assert source.count("class Square(nn.Module)") == 1  # once, though used twice
    assert '("sq1", Square(0.5)),' in source
    namespace: dict[str, Any] = {"__name__": "exported_net"}
    exec(compile(source, "net.py", "exec"), namespace)  # noqa: S102 - our own generated code
    net = namespace["Net"]().eval()
    net.load_state_dict(model.state_dict())
    assert torch.equal(net(x), model.eval()(x))

    table = layer_table(spec)
    row = table.rows[1]
    assert (row.name, row.kind, row.out_shape, row.params, row.macs) == (
        "sq1", "square", (4, 24, 24), 0, 0)
    assert row.receptive_field == table.rows[0].receptive_field == (5, 5)  # adds no window
    assert table.params == sum(p.numel() for p in model.parameters())
    normal = normalise_spec(_spec({"type": "square"}))
    assert normal["features"][1] == {"name": "sq1", "type": "square", "scale": 1.0}


def test_every_type_builds_what_its_source_says():
    """Each registered type's exported source constructs the module it builds."""
    shapes = {"linear": (12,), "flatten": (3, 8, 8), "dropout": (12,)}
    required = {"conv": {"out_channels": 4, "kernel_size": (3, 3)},
                "maxpool": {"kernel_size": (2, 2)}, "avgpool": {"kernel_size": (2, 2)},
                "linear": {"out_features": 5},
                "inception": {"c1": 2, "c2": (2, 3), "c3": (1, 2), "c4": 2},
                "expression": {"expr": "x - x.mean()"},
                "shared": {"of": "features.conv1", "target_kind": "conv",
                           "target_settings": {"out_channels": 3, "kernel_size": (3, 3)},
                           "target_in": (3, 8, 8)}}
    for kind, layer_type in LAYER_TYPES.items():
        settings = required.get(kind, {})
        in_shape = shapes.get(kind, (3, 8, 8))
        namespace: dict[str, Any] = {"nn": nn, "torch": torch, "F": torch.nn.functional}
        if layer_type.helper_source:
            exec(layer_type.helper_source, namespace)  # noqa: S102 - our own source
        exported = eval(layer_type.source(settings, in_shape), namespace)  # noqa: S307
        built = layer_type.build(settings, in_shape)
        names = type(exported).__name__, type(built).__name__
        same = {"Inception": "InceptionBlock", "Lambda": "Expression"}  # DigitLab's names
        assert same.get(names[0], names[0]) == names[1], kind
        assert {k: v.shape for k, v in exported.state_dict().items()} == {
            k: v.shape for k, v in built.state_dict().items()}, kind
