"""The exported code says which of its lines each layer of the spec produced."""

from __future__ import annotations

import pytest

from cnn_core.checkpoints.code_export import export_spec, spec_to_python
from cnn_core.models import MODELS, get_spec
from cnn_core.models.architecture import module_names
from cnn_core.models.layer_types import LAYER_TYPES


@pytest.mark.parametrize("name", list(MODELS))
def test_every_layer_has_its_own_lines(name):
    spec = get_spec(name)
    code = export_spec(spec)
    assert code.text == spec_to_python(spec)
    lines = code.text.splitlines()
    assert [layer.name for layer in code.layers] == module_names(spec)
    seen: set[int] = set()
    for index, layer in enumerate(code.layers):
        part, _, own = layer.name.partition(".")
        constructor, *inits = layer.ranges
        assert len(constructor) >= 1
        # its entry in its part's nn.Sequential, named as in the model
        assert lines[constructor[0]].lstrip().startswith(f'("{own}", ')
        assert lines[constructor[-1]].rstrip().split("# → ")[0].rstrip().endswith("),")
        for span in inits:  # an init_weights call on this very module
            assert [lines[i].strip() for i in span] == [
                f'init_weights(self.{part}.{own}, "{spec.get("init")}")']
            assert LAYER_TYPES[spec[part][int(index) - (part == "classifier")
                                          * len(spec["features"])]["type"]].initialised
        own_lines = set(layer.lines())
        assert not own_lines & seen, "two layers claim the same line"
        seen |= own_lines
        assert all(code.layer_at(i) == index for i in own_lines)
    # the lines between the entries are nobody's: the class line, the Sequential's brackets
    net_line = lines.index("class Net(nn.Module):")
    assert code.layer_at(net_line) == -1
    assert code.layer_at(lines.index("    def forward(self, x):")) == -1
    assert min(seen) > net_line


def test_initialised_layers_point_at_their_init_call():
    code = export_spec(get_spec("lenet5"))  # Xavier: every conv and linear layer is drawn
    lines = code.text.splitlines()
    conv1 = code.layers[[layer.name for layer in code.layers].index("features.conv1")]
    assert len(conv1.ranges) == 2
    assert lines[conv1.ranges[1][0]].strip() == 'init_weights(self.features.conv1, "xavier")'
    pool = code.layers[[layer.name for layer in code.layers].index("features.pool1")]
    assert len(pool.ranges) == 1  # nothing to initialise


def test_header_lines_move_the_layers_down():
    spec = get_spec("lenet5")
    bare = export_spec(spec)
    full = export_spec(spec, source="run.safetensors", mean=0.13, std=0.31,
                       classes=[str(i) for i in range(10)])
    shift = len(full.text.splitlines()) - len(bare.text.splitlines())
    assert shift > 0
    for a, b in zip(bare.layers, full.layers, strict=True):
        assert [span.start + shift for span in a.ranges] == [span.start for span in b.ranges]
        assert full.text.splitlines()[b.ranges[0][0]] == bare.text.splitlines()[a.ranges[0][0]]


def test_own_layers_and_a_tied_layer_have_their_lines():
    spec = {"name": "blocks", "num_classes": 10,
            "features": [{"type": "conv", "out_channels": 4, "kernel_size": 3},
                         {"type": "expression", "expr": "x - x.mean()"},
                         {"type": "scale", "bias": True}, {"type": "relu"},
                         {"type": "maxpool", "kernel_size": 2}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 16},
                           {"type": "linear", "out_features": 16, "name": "hidden"},
                           {"type": "relu"}, {"type": "shared", "of": "hidden"},
                           {"type": "linear", "out_features": 10}]}
    code = export_spec(spec)
    lines = code.text.splitlines()
    names = [layer.name for layer in code.layers]
    assert names == module_names(spec)
    for layer in code.layers:
        own = layer.name.partition(".")[2]
        assert lines[layer.ranges[0][0]].lstrip().startswith(f'("{own}", ')
    shared = code.layers[names.index("classifier.shared1")]
    assert len(shared.ranges) == 2  # its entry, and the line that ties it to hidden
    tie = lines[shared.ranges[1][0]]
    assert ".shared1.tie(self.classifier.hidden)" in tie
    assert code.layer_at(shared.ranges[1][0]) == names.index("classifier.shared1")
