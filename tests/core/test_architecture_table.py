"""The architecture table: shapes, parameters, multiply-adds and receptive fields of a spec."""

import pytest

from cnn_core.models import MODELS, create_model, get_spec, model_stats
from cnn_core.models.architecture import (
    error_location,
    layer_table,
    module_names,
    normalise_spec,
    partial_layer_table,
)
from cnn_core.models.specs import SpecError, build_model


def _spec(features, classifier=None):
    classifier = classifier or [{"type": "flatten"}, {"type": "linear", "out_features": 10}]
    return {"name": "t", "features": features, "classifier": classifier}


def _row(table, name):
    return next(r for r in table.rows if r.name == name)


@pytest.mark.parametrize("name", list(MODELS))
def test_parameters_equal_the_built_models(name):
    model = create_model(name, seed=0)
    table = layer_table(get_spec(name))
    assert table.params == sum(p.numel() for p in model.parameters())
    for row in table.rows:  # layer by layer, not only in total
        module = getattr(model, row.part)[row.index]
        assert row.params == sum(p.numel() for p in module.parameters()), row.name
    conv_linear = sum(r.macs for r in table.rows if r.kind in ("conv", "linear"))
    if all(r.kind not in ("residual", "inception") for r in table.rows):
        assert 2 * conv_linear / 1e6 == pytest.approx(model_stats(model)[1])


def test_lenet5_figures_by_hand():
    table = layer_table(get_spec("lenet5"))
    shapes = [r.out_shape for r in table.rows if r.kind in ("conv", "avgpool", "flatten",
                                                             "linear")]
    assert shapes == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,),
                      (10,)]
    conv1, conv2 = _row(table, "conv1"), _row(table, "conv2")
    assert conv1.macs == 6 * 28 * 28 * 5 * 5 * 1 == 117_600
    assert conv1.params == 6 * 25 + 6 == 156
    assert conv2.macs == 16 * 10 * 10 * 6 * 25 == 240_000
    assert _row(table, "fc1").macs == 400 * 120 and _row(table, "fc1").params == 400 * 120 + 120
    assert _row(table, "pool1").macs == 0  # pooling does no multiply-adds
    # receptive field: 5 → pool 2×2 → 6 (jump 2) → conv 5×5: 6 + 4·2 = 14
    assert conv1.receptive_field == (5, 5) and conv1.jump == (1, 1)
    assert _row(table, "pool1").receptive_field == (6, 6) and _row(table, "pool1").jump == (2, 2)
    assert conv2.receptive_field == (14, 14) and conv2.jump == (2, 2)
    assert _row(table, "pool2").receptive_field == (16, 16)
    assert _row(table, "fc1").receptive_field == (28, 28)  # a linear layer sees everything
    assert table.params == 61_706 and table.output_shape == (10,)


def test_receptive_field_recurrence():
    conv3 = {"type": "conv", "out_channels": 2, "kernel_size": 3}
    table = layer_table(_spec([conv3, dict(conv3)]))
    assert [r.receptive_field for r in table.rows[:2]] == [(3, 3), (5, 5)]
    dilated = layer_table(_spec([{**conv3, "dilation": 2}, {**conv3, "stride": 2}, conv3]))
    # dilation 2: 1 + 2·2 = 5; then +2 → 7 with jump 2; then +2·2 = 11
    assert [r.receptive_field for r in dilated.rows[:3]] == [(5, 5), (7, 7), (11, 11)]
    assert [r.jump for r in dilated.rows[:3]] == [(1, 1), (2, 2), (2, 2)]
    rect = layer_table(_spec([{"type": "conv", "out_channels": 1, "kernel_size": [5, 3]}]))
    assert rect.rows[0].receptive_field == (5, 3)
    res = layer_table(_spec([{"type": "residual", "out_channels": 4, "stride": 2,
                              "use_1x1conv": True}]))
    # 3×3 stride 2: 3, jump 2; then 3×3: 3 + 2·2 = 7
    assert res.rows[0].receptive_field == (7, 7) and res.rows[0].jump == (2, 2)
    gap = layer_table(_spec([{"type": "adaptive_avgpool", "output_size": 1}]))
    assert gap.rows[0].receptive_field == (28, 28)


def test_tutorials_one_by_one_convolution():
    def two_convs(kernel):
        return _spec([{"type": "conv", "out_channels": 256, "kernel_size": 1},
                      {"type": "conv", "out_channels": 32, "kernel_size": kernel,
                       "padding": kernel // 2}])

    one = layer_table(two_convs(1)).rows[1]
    assert one.params == 8_224 and one.out_shape == (32, 28, 28)
    assert one.macs == 6_422_528  # the tutorials' 6.42 M
    five = layer_table(two_convs(5)).rows[1]
    assert five.params - 32 == 204_800 and five.macs == 160_563_200  # 160.56 M


def test_grouped_convolution_and_batchnorm():
    table = layer_table(_spec([{"type": "conv", "out_channels": 4, "kernel_size": 3},
                               {"type": "conv", "out_channels": 8, "kernel_size": 3,
                                "groups": 2, "bias": False},
                               {"type": "bn"}]))
    grouped, bn = table.rows[1], table.rows[2]
    assert grouped.params == 8 * 2 * 9 and grouped.macs == 8 * 24 * 24 * 2 * 9
    assert bn.params == 16 and bn.macs == 0  # BatchNorm does no multiply-adds
    assert table.params == sum(p.numel() for p in build_model(_spec(
        [{"type": "conv", "out_channels": 4, "kernel_size": 3},
         {"type": "conv", "out_channels": 8, "kernel_size": 3, "groups": 2, "bias": False},
         {"type": "bn"}])).parameters())


def test_invalid_spec_names_the_layer():
    bad = _spec([{"type": "conv", "out_channels": 6, "kernel_size": 5},
                 {"type": "maxpool", "kernel_size": 2},
                 {"type": "maxpool", "kernel_size": 5},
                 {"type": "conv", "out_channels": 6, "kernel_size": 5}])
    with pytest.raises(SpecError, match=r"^features\[3\]"):
        layer_table(bad)
    table, error = partial_layer_table(bad)
    assert error is not None and error_location(str(error)) == ("features", 3)
    assert [r.out_shape for r in table.rows] == [(6, 24, 24), (6, 12, 12), (6, 2, 2)]
    field = _spec([{"type": "conv", "out_channels": 6, "kernel_size": 0}])
    table, error = partial_layer_table(field)
    assert table.rows == [] and str(error).startswith("features[0].kernel_size:")
    assert partial_layer_table(get_spec("lenet5"))[1] is None
    assert error_location("classifier: must end in 10 outputs") is None
    assert error_location("spec.classifier[2].p: dropout") == ("classifier", 2)


def test_module_names_are_the_built_models_and_unique():
    for name in MODELS:
        model = create_model(name, seed=0)
        names = module_names(get_spec(name))
        children = {n for n, m in model.named_modules() if n.count(".") == 1}
        assert len(set(names)) == len(names) and set(names) == children, name
        table = layer_table(get_spec(name))
        assert names == [f"{r.part}.{r.name}" for r in table.rows], name
    # past the layer that breaks the stack, and with a name of its own
    broken = _spec([{"type": "conv", "out_channels": 6, "kernel_size": 50},
                    {"type": "relu", "name": "act"}, {"type": "relu"}],
                   [{"type": "flatten"}, {"type": "relu"}, {"type": "linear", "out_features": 10}])
    assert partial_layer_table(broken)[0].rows == []
    assert module_names(broken) == ["features.conv1", "features.act", "features.relu2",
                                    "classifier.flatten1", "classifier.relu1", "classifier.fc1"]


def test_normalise_spec_fills_defaults():
    explicit = _spec([{"type": "conv", "out_channels": 6, "kernel_size": [5, 5], "stride": 1,
                       "padding": 0, "bias": True, "name": "conv1"},
                      {"type": "maxpool", "kernel_size": 2, "stride": 2}])
    terse = _spec([{"type": "conv", "out_channels": 6, "kernel_size": 5},
                   {"type": "maxpool", "kernel_size": [2, 2]}])
    assert normalise_spec(explicit) == normalise_spec(terse)
    other = _spec([{"type": "conv", "out_channels": 6, "kernel_size": 5, "padding": 1},
                   {"type": "maxpool", "kernel_size": 2}])
    assert normalise_spec(other) != normalise_spec(terse)


def test_inception_block():
    block = {"type": "inception", "c1": 4, "c2": [2, 6], "c3": [2, 3], "c4": 5}
    spec = _spec([{"type": "conv", "out_channels": 8, "kernel_size": 3, "padding": 1}, block])
    table = layer_table(spec)
    row = table.rows[1]
    assert row.out_shape == (4 + 6 + 3 + 5, 28, 28)
    assert row.params == sum(p.numel() for p in build_model(spec).features[1].parameters())
    positions = 28 * 28
    convs = 8 * 4 + 8 * 2 + 2 * 6 * 9 + 8 * 2 + 2 * 3 * 25 + 8 * 5
    assert row.macs == positions * convs  # its 3×3 max pool does no multiply-adds
    assert row.receptive_field == (3 + 4, 3 + 4)  # after a 3×3: its largest path, 5×5
