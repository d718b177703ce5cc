import json
import os
import pickle

import pytest
import torch
from safetensors.torch import save_file

from cnn_core.checkpoints import (
    Checkpoint,
    CheckpointError,
    load_bundled,
    load_checkpoint,
    make_metadata,
    save_checkpoint,
)
from cnn_core.models import create_model


def _checkpoint(name="lenet_bn"):
    model = create_model(name, seed=1).eval()
    return Checkpoint(model, make_metadata(model, epochs=3, metrics={"test_accuracy": 0.5}))


def test_round_trip_rebuilds_the_same_model_from_metadata_alone(tmp_path):
    ck = _checkpoint()
    path = save_checkpoint(tmp_path / "m.safetensors", ck)
    loaded = load_checkpoint(path)
    x = torch.randn(4, 1, 28, 28)
    assert torch.equal(ck.model(x), loaded.model(x))
    assert loaded.meta["spec"] == ck.model.spec
    assert loaded.meta["epochs"] == 3 and loaded.test_accuracy == 0.5
    assert {"digitlab", "torch", "python"} <= set(loaded.meta["versions"])
    assert loaded.meta["created"] and loaded.meta["normalization"]["mean"] == 0.1307


def test_save_is_atomic_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    save_checkpoint(path, _checkpoint())
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)  # the rename of the atomic write
    with pytest.raises(OSError):
        save_checkpoint(path, _checkpoint("lenet"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]  # no temp file left


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned-by-pickle",))


def test_malicious_pickle_is_refused_without_running_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"state_dict": _Exploit()}))
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(path)
    assert not (tmp_path / "pwned-by-pickle").exists()


def test_plain_weights_pickle_is_read_safely(tmp_path):
    ck = _checkpoint("lenet")
    path = tmp_path / "ok.pth"
    torch.save({"meta": ck.meta, "state_dict": ck.model.state_dict()}, path)
    assert load_checkpoint(path).name == "lenet"
    torch.save(ck.model.state_dict(), tmp_path / "bare.pt")
    with pytest.raises(CheckpointError, match="no DigitLab model spec"):
        load_checkpoint(tmp_path / "bare.pt")


@pytest.mark.parametrize("cut", [4, 100, -10])
def test_truncated_file_is_one_clear_error(tmp_path, cut):
    path = save_checkpoint(tmp_path / "m.safetensors", _checkpoint())
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_weights_that_do_not_match_the_spec(tmp_path):
    ck = _checkpoint("lenet")
    meta = dict(ck.meta)
    meta["spec"] = create_model("lenet_bn").spec  # lenet weights under another model's spec
    tensors = {k: v.contiguous() for k, v in ck.model.state_dict().items()}
    save_file(tensors, str(tmp_path / "x.safetensors"), metadata={"digitlab": json.dumps(meta)})
    with pytest.raises(CheckpointError, match="do not match the model spec"):
        load_checkpoint(tmp_path / "x.safetensors")
    meta["spec"] = create_model("lenet").spec
    tensors["features.conv1.weight"] = torch.zeros(7, 1, 5, 5)
    save_file(tensors, str(tmp_path / "y.safetensors"), metadata={"digitlab": json.dumps(meta)})
    with pytest.raises(CheckpointError, match=r"features\.conv1\.weight has shape \(7, 1, 5, 5\)"):
        load_checkpoint(tmp_path / "y.safetensors")


def test_foreign_and_missing_files(tmp_path):
    (tmp_path / "notes.safetensors").write_text("hello, this is not a model")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "notes.safetensors")
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "absent.safetensors")


def test_bundled_model_loads_with_its_history():
    ck = load_bundled()
    assert ck.name.startswith("digitnet") and ck.test_accuracy >= 0.995
    assert ck.meta["history"] and not ck.model.training
