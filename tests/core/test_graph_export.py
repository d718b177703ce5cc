"""ONNX and torch.export files agree with DigitLab, for every registry model and the bundled one."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from cnn_core.checkpoints import Checkpoint, load_bundled, make_metadata
from cnn_core.checkpoints.graph_export import (
    METADATA_KEYS,
    TOLERANCE,
    ExportCheck,
    ExportExtraMissing,
    ExportStage,
    ExportStep,
    check_export,
    export_graph,
    export_steps,
    require_export_extra,
)
from cnn_core.data.datasets import load_split
from cnn_core.models import MODELS, create_model
from cnn_core.runtime.messages import Message

onnx = pytest.importorskip("onnx", reason="the export extra is not installed")
pytest.importorskip("onnxruntime", reason="the export extra is not installed")


@pytest.fixture(scope="module")
def test_images() -> np.ndarray:
    """200 MNIST test pictures as the canvas gives them to a model: float in [0, 1]."""
    return load_split("mnist", train=False).images[:200].numpy().astype(np.float32) / 255.0


def _checkpoint(name: str) -> Checkpoint:
    """A registry model with weights and BatchNorm statistics that are not the defaults.

    Fresh BatchNorm statistics (mean 0, variance 1) would hide a graph that drops them.
    """
    torch.manual_seed(0)
    model = create_model(name)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d | torch.nn.BatchNorm1d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
    return Checkpoint(model.eval(), make_metadata(model))


@pytest.mark.parametrize("fmt", ["onnx", "pt2"])
def test_every_registry_model_exports_and_matches(fmt, test_images, tmp_path):
    for name in MODELS:
        ck = _checkpoint(name)
        path = export_graph(ck, tmp_path / f"{name}.{fmt}", fmt)
        check = check_export(ck, path, fmt, test_images)
        assert check.images == 200
        assert check.max_difference <= TOLERANCE, (name, check.max_difference)


@pytest.mark.parametrize("fmt", ["onnx", "pt2"])
def test_the_bundled_model_exports_and_matches(fmt, test_images, tmp_path):
    ck = load_bundled()
    path = export_graph(ck, tmp_path / f"bundled.{fmt}", fmt)
    check = check_export(ck, path, fmt, test_images)
    assert check.ok, check.max_difference
    # and the export reads the digits: the same answers as DigitLab on every picture
    from cnn_core.checkpoints.graph_export import run_exported

    labels = load_split("mnist", train=False).labels[:200].numpy()
    assert (run_exported(path, fmt, test_images).argmax(1) == labels).mean() > 0.97


def test_onnx_has_a_dynamic_batch_and_the_checkpoint_metadata(tmp_path):
    ck = load_bundled()
    path = export_graph(ck, tmp_path / "m.onnx", "onnx")
    model = onnx.load(str(path))
    props = {p.key: p.value for p in model.metadata_props}
    assert set(METADATA_KEYS) <= set(props)
    assert json.loads(props["digitlab.classes"]) == list(ck.classes)
    assert json.loads(props["digitlab.normalization"]) == {"mean": ck.mean, "std": ck.std}
    assert json.loads(props["digitlab.temperature"]) == pytest.approx(ck.temperature)
    batch = model.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch.dim_param and not batch.dim_value  # symbolic, not a fixed size
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for n in (1, 7, 300):
        logits, probs = session.run(None, {"image": np.zeros((n, 1, 28, 28), np.float32)})
        assert logits.shape == probs.shape == (n, 10)


def test_a_failed_export_leaves_an_older_file_intact(tmp_path, monkeypatch):
    out = tmp_path / "m.pt2"
    out.write_bytes(b"older")

    def broken(*args, **kwargs):
        raise RuntimeError("exporter failed")

    monkeypatch.setattr(torch.export, "export", broken)
    with pytest.raises(RuntimeError, match="exporter failed"):
        export_graph(load_bundled(), out, "pt2")
    assert out.read_bytes() == b"older"
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt2"]  # no temporary file left


def test_the_exported_file_respects_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = export_graph(load_bundled(), tmp_path / "m.pt2", "pt2")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_onnx_without_the_extra_names_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with pytest.raises(ExportExtraMissing, match=r"digitlab\[export\]"):
        require_export_extra("onnx")
    require_export_extra("pt2")  # torch alone is enough


def test_export_steps_name_each_stage_then_give_the_check(tmp_path):
    steps = list(export_steps(_checkpoint("lenet"), tmp_path / "lenet.pt2", "pt2"))
    stages, check = steps[:-1], steps[-1]
    assert all(isinstance(step, ExportStep) for step in stages)
    assert [step.stage for step in stages] == [ExportStage.WRITING, ExportStage.CHECKING]
    assert all(isinstance(step.text, Message) for step in stages)  # translatable lines
    assert "pt2" in stages[0].text and "200 MNIST test pictures" in stages[1].text
    assert isinstance(check, ExportCheck) and check.ok and check.images == 200
