"""Exported PyTorch code: same state_dict keys, same outputs, standalone, from the CLI too."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from cnn_core import cli
from cnn_core.checkpoints import (
    Checkpoint,
    bundled_checkpoint_path,
    load_bundled,
    load_checkpoint,
    make_metadata,
    save_checkpoint,
)
from cnn_core.checkpoints.code_export import export_checkpoint_python, spec_to_python
from cnn_core.models import MODELS, create_model, get_spec
from cnn_core.models.spec_fields import SpecError


def _module(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "exported_net"}
    exec(compile(source, "net.py", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return list(a) == list(b) and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("name", list(MODELS))
def test_exported_net_equals_the_preset(name):
    model = create_model(name, seed=0)
    with torch.no_grad():  # BatchNorm statistics that are not the identity
        for key, value in model.state_dict().items():
            if key.endswith("running_mean"):
                value.normal_(0, 0.1)
            elif key.endswith("running_var"):
                value.uniform_(0.5, 1.5)
    model.eval()
    net = _module(spec_to_python(model.spec))["Net"]()
    assert list(net.state_dict()) == list(model.state_dict())
    net.load_state_dict(model.state_dict())
    net.eval()
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(net(x), model(x))
        # channels_last input: DigitLab's AvgPool2d takes its own path there; still identical
        x_cl = x.contiguous(memory_format=torch.channels_last)
        assert torch.equal(net(x_cl), model(x_cl))
    # with gradients (DigitLab's Conv2d computes the input gradient its own way): same forward
    x_grad = x_cl.clone().requires_grad_(True)
    assert torch.equal(net(x_grad), model(x_grad))


@pytest.mark.parametrize("name", list(MODELS))
def test_exported_net_initialises_as_digitlab(name):
    """Net() drawn from a seed equals build_model(spec, seed): same layers, same init order."""
    net_class = _module(spec_to_python(get_spec(name)))["Net"]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        net = net_class()
    assert _same(net.state_dict(), create_model(name, seed=5).state_dict())


def test_exported_code_is_readable():
    source = spec_to_python(get_spec("googlenet"))
    tree = ast.parse(source)
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert classes == ["Inception", "Net"]
    assert source.startswith("# googlenet: a DigitLab model as plain PyTorch")
    assert "multiply-adds (MACs)" in source and "MFLOPs counting a multiply-add as two" in source
    assert '("inception1", Inception(32, 16, (24, 32), (4, 8), 8)),' in source
    assert '("conv1", nn.Conv2d(1, 16, 5, padding=2)),' in source
    imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    imports |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imports <= {"json", "struct", "sys", "collections", "torch", "torch.nn.functional"}
    lenet = spec_to_python(get_spec("lenet5"))
    assert "class ResidualBlock" not in lenet and "class Inception" not in lenet
    assert '("pool1", nn.AvgPool2d(2, stride=2)),' in lenet
    assert "class ResidualBlock" in spec_to_python(get_spec("resnet_small"))
    assert "init_weights(" not in spec_to_python(get_spec("tinyvgg"))  # default init


def test_an_invalid_spec_is_refused_naming_the_field():
    spec = get_spec("lenet5")
    spec["features"][0]["kernel_size"] = 0
    with pytest.raises(SpecError, match=r"features\[0\]\.kernel_size"):
        spec_to_python(spec)


def test_bundled_model_export_gives_identical_outputs(tmp_path):
    out = export_checkpoint_python(None, tmp_path / "net.py")
    namespace = _module(out.read_text(encoding="utf-8"))
    bundled = load_bundled()
    net = namespace["Net"]().eval()
    weights = namespace["load_weights"](str(bundled_checkpoint_path()))
    net.load_state_dict(weights)
    assert (namespace["MEAN"], namespace["STD"]) == (bundled.mean, bundled.std)
    assert namespace["CLASSES"] == tuple(bundled.classes)
    x = (torch.rand(32, 1, 28, 28, generator=torch.Generator().manual_seed(2)) - bundled.mean)
    x = x / bundled.std
    with torch.no_grad():
        assert torch.equal(net(x), bundled.model(x))


_RUN_EXPORTED = r"""
import importlib.abc, importlib.util, json, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("cnn_core", "app", "safetensors"):
            raise ImportError(f"the exported file must not need {name}")
        return None

sys.meta_path.insert(0, Refuse())
net_path, checkpoint, inputs, outputs = sys.argv[1:]
spec = importlib.util.spec_from_file_location("net", net_path)
net_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(net_module)
import torch
net = net_module.Net().eval()
net.load_state_dict(net_module.load_weights(checkpoint))
x = torch.load(inputs, weights_only=True)
with torch.no_grad():
    torch.save(net((x - net_module.MEAN) / net_module.STD), outputs)
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("cnn_core", "safetensors")))))
"""


def test_cli_export_round_trip_in_a_torch_only_process(tmp_path, capsys):
    name = "googlenet"  # Inception blocks written out in the file
    model = create_model(name, seed=3).eval()
    checkpoint = tmp_path / f"{name}.safetensors"
    save_checkpoint(checkpoint, Checkpoint(model, make_metadata(model)))
    out = tmp_path / "export" / "net.py"
    code = cli.main(["export", "--checkpoint", str(checkpoint), "--format", "python",
                     "--out", str(out)])
    printed = capsys.readouterr().err  # "wrote …" goes with the other notes
    assert code == 0 and out.is_file() and str(out) in printed
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(4))
    torch.save(x, tmp_path / "x.pt")
    script = tmp_path / "run_exported.py"
    script.write_text(_RUN_EXPORTED, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(out), str(checkpoint), str(tmp_path / "x.pt"),
         str(tmp_path / "y.pt")], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []  # nothing of DigitLab's, no safetensors
    loaded = load_checkpoint(checkpoint)
    with torch.no_grad():
        expected = loaded.model((x - loaded.mean) / loaded.std)
    assert torch.equal(torch.load(tmp_path / "y.pt", weights_only=True), expected)


def test_cli_export_of_the_bundled_model_and_its_errors(tmp_path, capsys):
    out = tmp_path / "bundled.py"
    assert cli.main(["export", "--out", str(out)]) == 0
    assert "the bundled model" in capsys.readouterr().err  # notes on stderr, like progress
    header = " ".join(line.lstrip("# ") for line in out.read_text("utf-8").splitlines()[:4])
    assert "weights from the bundled model (digitnet.safetensors)." in header

    with pytest.raises(SystemExit) as exited:
        cli.main(["export", "--format", "tflite", "--out", str(tmp_path / "x.py")])
    assert exited.value.code == 2
    assert "invalid choice: 'tflite'" in capsys.readouterr().err

    missing = tmp_path / "nope.safetensors"
    assert cli.main(["export", "--checkpoint", str(missing), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"digitlab export: error: {missing}: file not found"]

    assert cli.main(["export", "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*.tmp"))  # nothing half-written left behind

    with pytest.raises(SystemExit) as exited:
        cli.main(["export", "--help"])
    assert exited.value.code == 0
    assert "needs only torch" in capsys.readouterr().out


def test_exported_file_runs_as_a_script(tmp_path):
    out = export_checkpoint_python(None, tmp_path / "net.py")
    done = subprocess.run([sys.executable, "-I", str(out), str(bundled_checkpoint_path())],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    params = sum(p.numel() for p in load_bundled().model.parameters())
    assert "loaded the weights of" in done.stdout and f"{params:,} parameters" in done.stdout
    assert Path(out).read_text("utf-8").count("class Net(nn.Module)") == 1
