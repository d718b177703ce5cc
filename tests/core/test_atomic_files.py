"""The one atomic writer and the three stores that use it: a failure keeps the old file."""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from cnn_core.checkpoints import Checkpoint, load_checkpoint, make_metadata, save_checkpoint
from cnn_core.checkpoints.run_store import write_json_atomic
from cnn_core.data.own_digits import OwnDigitStore
from cnn_core.data.own_digits_zip import export_zip
from cnn_core.models import create_model
from cnn_core.runtime.atomic_files import temp_files_of, write_atomic, write_bytes_atomic


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_streamed_write_lands_whole_and_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.bin"

    def stream(handle) -> None:
        for i in range(5):
            handle.write(bytes([i]) * 1000)

    assert write_atomic(str(target), stream) == target
    assert target.read_bytes() == b"".join(bytes([i]) * 1000 for i in range(5))
    assert _only(target.parent) == ["out.bin"]


def test_a_writer_that_fails_midway_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = write_bytes_atomic(tmp_path / "out.bin", b"old")

    def half_then_fail(handle) -> None:
        handle.write(b"new, but only half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"old"
    assert _only(tmp_path) == ["out.bin"]


def test_temp_files_of_finds_only_this_targets_leftovers(tmp_path: Path) -> None:
    (tmp_path / ".a[1].bin.xyz.tmp").write_bytes(b"")  # glob characters in the name
    (tmp_path / ".other.bin.xyz.tmp").write_bytes(b"")
    (tmp_path / "a[1].bin").write_bytes(b"")
    assert [p.name for p in temp_files_of(tmp_path / "a[1].bin")] == [".a[1].bin.xyz.tmp"]


def test_json_record_survives_a_failed_rename(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "run.json"
    write_json_atomic(path, {"epochs": 1})
    assert json.loads(path.read_text(encoding="utf-8")) == {"epochs": 1}

    def crash(*args, **kwargs):
        raise OSError("no space left")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="no space left"):
        write_json_atomic(path, {"epochs": 2})
    monkeypatch.undo()
    with pytest.raises(TypeError):
        write_json_atomic(path, {"epochs": object()})  # not JSON: nothing is written
    assert json.loads(path.read_text(encoding="utf-8")) == {"epochs": 1}
    assert _only(tmp_path) == ["run.json"]


def test_zip_export_that_fails_keeps_the_previous_zip(tmp_path: Path) -> None:
    store = OwnDigitStore(tmp_path / "own")
    rng = np.random.default_rng(0)
    for digit in (1, 2, 3):
        store.add(digit, rng.random((28, 28), dtype=np.float32))
    out = tmp_path / "out"
    out.mkdir()
    assert export_zip(store, out / "mine.zip") == 3
    before = (out / "mine.zip").read_bytes()
    samples = store.samples()
    samples[-1].path.unlink()  # vanishes while the export runs
    with pytest.raises(FileNotFoundError):
        export_zip(store, out / "mine.zip", samples)
    assert (out / "mine.zip").read_bytes() == before
    assert _only(out) == ["mine.zip"]
    with zipfile.ZipFile(out / "mine.zip") as archive:
        assert len([n for n in archive.namelist() if n.startswith("samples/")]) == 3


def test_checkpoint_save_removes_only_stale_leftovers(tmp_path: Path) -> None:
    model = create_model("lenet", seed=0).eval()
    path = tmp_path / "m.safetensors"
    stale = tmp_path / ".m.safetensors.killed.tmp"
    fresh = tmp_path / ".m.safetensors.running.tmp"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    save_checkpoint(path, Checkpoint(model, make_metadata(model, epochs=1)))
    assert _only(tmp_path) == [fresh.name, path.name]
    x = torch.zeros(1, 1, 28, 28)
    assert torch.equal(load_checkpoint(path).model(x), model(x))
