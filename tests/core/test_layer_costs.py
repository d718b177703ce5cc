"""One cost formula serves the spec limits and the layer table; both agree with torch."""

from __future__ import annotations

import pytest

from cnn_core.models import get_spec, list_models
from cnn_core.models.architecture import layer_table
from cnn_core.models.layer_costs import layer_cost
from cnn_core.models.spec_validation import check_spec
from cnn_core.models.specs import build_model


@pytest.mark.parametrize("name", [m.name for m in list_models()])
def test_limits_and_table_count_the_same_parameters_as_torch(name: str) -> None:
    spec = get_spec(name)
    plan, table = check_spec(spec), layer_table(spec)
    torch_params = sum(p.numel() for p in build_model(spec).parameters())
    assert plan.params == table.params == torch_params
    assert table.macs == plan.macs  # one MAC count, the same convention everywhere


@pytest.mark.parametrize("shortcut", [False, True])
def test_residual_and_inception_blocks_match_their_torch_modules(shortcut: bool) -> None:
    spec = {"features": [{"type": "conv", "out_channels": 4, "kernel_size": 3, "padding": 1},
                         {"type": "residual", "out_channels": 6, "stride": 2,
                          "use_1x1conv": shortcut},
                         {"type": "inception", "c1": 2, "c2": [3, 5], "c3": [1, 2], "c4": 3}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]}
    if not shortcut:  # without the 1×1 shortcut the block keeps its width and size
        spec["features"][1].update(out_channels=4, stride=1)
    plan = check_spec(spec)
    block = plan.layers[1]
    cost = layer_cost(block.kind, block.settings, block.in_shape, block.out_shape)
    module = dict(build_model(spec).named_modules())
    names = [n for n in module if n.endswith(block.name)]
    assert len(names) == 1
    assert cost.params == sum(p.numel() for p in module[names[0]].parameters())
    assert plan.params == sum(p.numel() for p in build_model(spec).parameters())
    c_out, h, w = block.out_shape
    assert cost.activations == 5 * c_out * h * w and cost.other_ops == 2 * c_out * h * w
