"""`digitlab export --format onnx|pt2` checks what it wrote; `predict` reads an ONNX file."""

from __future__ import annotations

import importlib.util
import json
import re

import numpy as np
import pytest
from PIL import Image

from cnn_core import cli

pytest.importorskip("onnxruntime", reason="the export extra is not installed")


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx") / "bundled.onnx"
    assert cli.main(["export", "--format", "onnx", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("fmt", ["onnx", "pt2"])
def test_export_prints_the_largest_difference_it_measured(fmt, tmp_path, capsys):
    out = tmp_path / f"m.{fmt}"
    assert cli.main(["export", "--format", fmt, "--out", str(out)]) == 0
    line = capsys.readouterr().err.strip().splitlines()[-1]  # "wrote …", with the notes
    found = re.search(r"agrees with DigitLab on 200 MNIST test images: largest probability "
                      r"difference (\S+)$", line)
    assert found, line
    assert float(found.group(1)) <= 1e-4
    assert out.is_file()


def _drawn_seven(path):
    img = np.zeros((280, 280), np.uint8)
    img[60:80, 70:210] = 255  # the bar
    for row in range(80, 240):  # the stem, slanting left as it goes down
        col = 200 - (row - 80) // 2
        img[row, col - 10:col + 10] = 255
    Image.fromarray(img).save(path)
    return path


def test_predict_through_onnx_gives_the_same_json(onnx_file, tmp_path, capsys):
    picture = _drawn_seven(tmp_path / "seven.png")
    assert cli.main(["predict", "--json", str(picture)]) == 0
    torch_answer = json.loads(capsys.readouterr().out)
    assert cli.main(["predict", "--json", "--checkpoint", str(onnx_file), str(picture)]) == 0
    onnx_answer = json.loads(capsys.readouterr().out)
    assert torch_answer[0].keys() == onnx_answer[0].keys()
    for key in ("label", "class", "verdict", "runner_up"):
        assert onnx_answer[0][key] == torch_answer[0][key], key
    assert np.abs(np.array(onnx_answer[0]["probabilities"])
                  - np.array(torch_answer[0]["probabilities"])).max() <= 1e-4


def test_an_onnx_file_digitlab_did_not_write_is_refused(tmp_path, capsys):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["image"], ["logits"])], "g",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1])])
    path = tmp_path / "other.onnx"
    onnx.save(helper.make_model(graph), str(path))
    picture = _drawn_seven(tmp_path / "seven.png")
    assert cli.main(["predict", "--checkpoint", str(path), str(picture)]) == 1
    assert "did not export" in capsys.readouterr().err


def test_onnx_export_without_the_extra_says_which_to_install(tmp_path, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxscript" else real(name, *a))
    assert cli.main(["export", "--format", "onnx", "--out", str(tmp_path / "m.onnx")]) == 2
    assert "pip install 'digitlab[export]'" in capsys.readouterr().err
    assert not (tmp_path / "m.onnx").exists()
