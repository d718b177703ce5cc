"""Every field of a checkpoint or spec file is checked before anything is built.

The cases named in issue 8 (std null, zero or a string, mean 1e308, a linear layer of
10⁸–10¹² features, dropout p = 5, a layer that is not an object) and their neighbours: each is
refused with a :class:`CheckpointError` (or :class:`SpecError`) that names the field.
"""

import copy
import json
import resource
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from checkpoint_mutations import read_parts, write_parts

from cnn_core import cli
from cnn_core.checkpoints import (
    Checkpoint,
    CheckpointError,
    bundled_checkpoint_path,
    load_checkpoint,
)
from cnn_core.cli import models as cli_models
from cnn_core.models import get_spec
from cnn_core.models.specs import SpecError, build_model, load_spec_file, validate_spec
from cnn_core.recognition.predict import PredictionError, Predictor
from drawn_digits import render


def _bundled_parts() -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    tensors, meta, _ = read_parts(bundled_checkpoint_path().read_bytes())
    return tensors, meta


def _write(tmp_path: Path, tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> Path:
    path = tmp_path / "edited.safetensors"
    path.write_bytes(write_parts(tensors, meta))
    return path


def _set(meta: dict[str, Any], where: str, value: Any) -> None:
    """``_set(meta, "spec.classifier.1.p", 5)``: set one field by its dotted path."""
    *parents, last = where.split(".")
    node: Any = meta
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[int(last) if isinstance(node, list) else last] = value


# the bundled digitnet_x5: its features end with dropout(0.3) (features[15]), the head's hidden
# layer as a grouped conv and relu; its classifier is flatten, linear(10) (fc1)
METADATA_CASES = [
    ("normalization.std", None, "normalization.std: must be a number"),
    ("normalization.std", 0, "normalization.std: must be a number in [0.001, 1000]"),
    ("normalization.std", "0.3", "normalization.std"),
    ("normalization.std", float("nan"), "normalization.std"),
    ("normalization.mean", 1e308, "normalization.mean: must be a number in [-10, 10]"),
    ("normalization.mean", float("-inf"), "normalization.mean"),
    ("normalization", [0.1, 0.3], "normalization: must be an object"),
    ("spec.classifier.1.out_features", 10**8, "spec.classifier[1].out_features"),
    ("spec.classifier.1.out_features", 10**9, "spec.classifier[1].out_features"),
    ("spec.classifier.1.out_features", 10**12, "spec.classifier[1].out_features"),
    ("spec.classifier.1.out_features", 1e9, "spec.classifier[1].out_features"),
    ("spec.features.15.p", 5, "spec.features[15].p: dropout must be in [0, 1), got 5"),
    ("spec.features.15.p", -0.1, "spec.features[15].p: dropout"),
    ("spec.features.15.p", True, "spec.features[15].p: dropout"),
    ("spec.classifier.1", "relu", "spec.classifier[1]: a layer must be an object"),
    ("spec.classifier.1", None, "spec.classifier[1]: a layer must be an object"),
    ("spec.features.0.kernel_size", 0, "spec.features[0].kernel_size"),
    ("spec.features.0.kernel_size", [3], "spec.features[0].kernel_size"),
    ("spec.features.0.stride", 0, "spec.features[0].stride"),
    ("spec.features.0.padding", -1, "spec.features[0].padding"),
    ("spec.features.0.dilation", 0, "spec.features[0].dilation"),
    ("spec.features.0.groups", 3, "spec.features[0].groups: groups=3 must divide"),
    ("spec.features.0.padding_mode", "mirror", "spec.features[0].padding_mode"),
    ("spec.features.0.bias", "no", "spec.features[0].bias: must be true or false"),
    ("spec.features.0.out_channels", 16.0, "spec.features[0].out_channels: must be an integer"),
    ("spec.features.0.colour", "red", "spec.features[0].colour: not a setting of a conv layer"),
    ("spec.features.3.padding", 2, "spec.features[3].padding: at most half"),
    ("spec.features.2.type", "leaky_relu", None),  # a valid change: loads
    ("spec.features.2.negative_slope", float("inf"), "spec.features[2].negative_slope"),
    ("spec.features.2.type", "swish", "spec.features[2].type: unknown layer type 'swish'"),
    ("spec.features.1.name", "training", "spec.features[1].name"),
    ("spec.features.1.name", "a.b", "spec.features[1].name"),
    ("spec.input_shape", [3, 32, 32], "spec.input_shape: DigitLab models take 1×28×28"),
    ("spec.num_classes", 11, "spec.classifier: must end in 11 outputs"),
    ("spec.init", "he", "spec.init: must be one of default, xavier, kaiming"),
    ("spec.features", {"0": {"type": "relu"}}, "spec.features: the spec needs a list"),
    ("spec", "digitnet", "spec: a model spec must be a JSON object"),
    ("classes", ["0", "1"], "classes: 2 names, but the model has 10 outputs"),
    ("classes", list(range(10)), "classes[0]: a class name is a non-empty string"),
    ("classes", ["", *map(str, range(1, 10))], "classes[0]"),
    ("classes", "0123456789", "classes: must be a list"),
    ("epochs", -1, "epochs: must be a whole number"),
    ("epochs", "20", "epochs"),
    ("metrics.test_accuracy", "high", "metrics.test_accuracy"),
    ("metrics.test_accuracy", 99.7, "metrics.test_accuracy: must be a number in [0, 1]"),
    ("metrics", [0.99], "metrics: must be an object"),
    ("history", {"epoch": 1}, "history: must be a list"),
    ("format_version", 2, "made by a newer DigitLab (format version 2)"),
    ("versions", "0.1", "versions: must be an object"),
]


@pytest.mark.parametrize(("where", "value", "needle"), METADATA_CASES,
                         ids=[f"{w}={v!r}"[:60] for w, v, _ in METADATA_CASES])
def test_each_bad_field_is_refused_naming_it(tmp_path, where, value, needle):
    tensors, meta = _bundled_parts()
    _set(meta, where, value)
    path = _write(tmp_path, tensors, meta)
    if needle is None:
        prediction = Predictor(load_checkpoint(path)).predict(render(7))
        assert np.isfinite(prediction.probabilities).all()
        return
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert needle in message


def test_a_model_over_the_size_bound_is_refused_before_any_allocation(tmp_path):
    tensors, meta = _bundled_parts()
    # 4,096 → 4,096 channels of 3×3: 151 M parameters (every field in range on its own)
    meta["spec"]["features"][4:4] = [
        {"type": "conv", "out_channels": 4096, "kernel_size": 3, "padding": 1},
        {"type": "conv", "out_channels": 4096, "kernel_size": 3, "padding": 1}]
    path = _write(tmp_path, tensors, meta)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(CheckpointError, match=r"spec\.features\[5\].*at most 50,000,000"):
        load_checkpoint(path)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kb < 50_000  # 151 M float32 parameters would be 600 MB


def test_model_size_bounds_are_computed_from_the_spec():
    plan = validate_spec(get_spec("digitnet"))
    model = build_model(get_spec("digitnet"))
    assert plan.params == sum(p.numel() for p in model.parameters())
    resnet = validate_spec(get_spec("resnet_small"))
    assert resnet.params == sum(p.numel() for p in build_model(get_spec("resnet_small"))
                                .parameters())
    head = [{"type": "flatten"}, {"type": "linear", "out_features": 10}]
    padded = [{"type": "conv", "out_channels": 64, "kernel_size": 1, "padding": 300}]
    with pytest.raises(SpecError, match=r"features\[0\].*25,241,360 values.*at most 25,000,000"):
        # 64 × 628 × 628 outputs, plus the 784 input values
        validate_spec({"features": padded, "classifier": head})
    wide = [{"type": "conv", "out_channels": 512, "kernel_size": 3, "padding": 1}] * 2
    with pytest.raises(SpecError, match=r"features\[1\].*multiply-adds.*at most 1,000,000,000"):
        validate_spec({"features": wide, "classifier": head})  # 512·512·9·784 = 1.85 G


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_other_float_precisions_load_as_float32(tmp_path, dtype):
    tensors, meta = _bundled_parts()
    tensors = {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}
    ck = load_checkpoint(_write(tmp_path, tensors, meta))
    assert {p.dtype for p in ck.model.parameters()} == {torch.float32}
    assert Predictor(ck).predict(render(2)).label == 2


@pytest.mark.parametrize(("change", "needle"), [
    (lambda t: t.int(), "holds torch.int32 values; weights must be floating point"),
    (lambda t: torch.full_like(t, float("nan")), "holds NaN or infinite values"),
    (lambda t: torch.full_like(t, float("inf")), "holds NaN or infinite values"),
    (lambda t: t[:-1], "has shape"),
])
def test_bad_weights_are_refused_naming_the_tensor(tmp_path, change, needle):
    tensors, meta = _bundled_parts()
    tensors["classifier.fc1.weight"] = change(tensors["classifier.fc1.weight"]).contiguous()
    with pytest.raises(CheckpointError, match=r"classifier\.fc1\.weight") as info:
        load_checkpoint(_write(tmp_path, tensors, meta))
    assert needle in str(info.value)


def test_finite_weights_that_overflow_are_refused(tmp_path):
    tensors, meta = _bundled_parts()
    tensors["classifier.fc1.weight"] = tensors["classifier.fc1.weight"] * 1e38
    with pytest.raises(CheckpointError, match="NaN or infinite outputs"):
        load_checkpoint(_write(tmp_path, tensors, meta))


def test_negative_batchnorm_variance_is_refused(tmp_path):
    tensors, meta = _bundled_parts()
    tensors["features.bn2.running_var"] = -tensors["features.bn2.running_var"]
    with pytest.raises(CheckpointError, match=r"features\.bn2\.running_var.*negative"):
        load_checkpoint(_write(tmp_path, tensors, meta))


def test_predictor_refuses_nan_scores_with_a_message():
    ck = load_checkpoint(bundled_checkpoint_path())
    broken = Checkpoint(copy.deepcopy(ck.model), ck.meta)
    with torch.no_grad():
        broken.model.classifier.fc1.bias.fill_(float("nan"))
    with pytest.raises(PredictionError, match="NaN or infinite scores"):
        Predictor(broken).predict(render(5))


# ----------------------------------------------------------------------------- spec files


@pytest.mark.parametrize(("edit", "needle"), [
    (lambda s: s["classifier"][1].update(p=5), "classifier[1].p: dropout must be in [0, 1)"),
    (lambda s: s["classifier"].__setitem__(2, "linear"), "classifier[2]: a layer must be"),
    (lambda s: s["features"][0].update(stride=0), "features[0].stride"),
    (lambda s: s.update(num_classes=1), "num_classes: must be an integer from 2"),
    (lambda s: s.update(colour="blue"), "colour: not a spec setting"),
])
def test_spec_file_errors_name_the_file_and_field(tmp_path, capsys, edit, needle):
    spec = get_spec("digitnet")
    edit(spec)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(SpecError) as info:
        load_spec_file(path)
    assert str(info.value).startswith(f"{path}: ") and needle in str(info.value)
    code = cli.main(["train", "--model-spec", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_deeply_nested_spec_file_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"features": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec_file(path)


# ----------------------------------------------------------------------------- the CLI


def test_cli_shows_a_bug_with_its_traceback_not_as_a_user_error(capsys, monkeypatch):
    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli_models, "run", broken)
    code = cli.main(["models"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" in err and "ZeroDivisionError: a bug" in err
    assert "internal error: this is a bug in DigitLab" in err.splitlines()[-1]


def test_cli_settings_error_stays_one_line(capsys):
    code = cli.main(["train", "--epochs", "0"])
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 2 and lines[0].startswith("usage: digitlab train")
    assert lines[-1] == "digitlab train: error: epochs must be at least 1"
    assert all(line.startswith(("usage:", " ")) for line in lines[:-1])  # usage, then one line
