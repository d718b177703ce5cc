"""The user's own digits: the store, its zips (hostile ones too), the dataset and the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_core import cli
from cnn_core.data import own_digits_zip
from cnn_core.data.datasets import DatasetUnavailable, load_split
from cnn_core.data.own_digits import OwnDigitStore, load_own_data, to_sample28
from cnn_core.data.own_digits_zip import export_zip, import_zip
from own_hand import render


def _sample(digit: int, sample: int = 0, style: str = "backhand") -> tuple[np.ndarray, np.ndarray]:
    drawing = render(digit, sample, style)
    return to_sample28(drawing.astype(np.float32) / 255.0), drawing


def _fill(store: OwnDigitStore, per_digit: int, style: str = "backhand",
          digits: range = range(10)) -> None:
    for digit in digits:
        for i in range(per_digit):
            store.add(digit, *_sample(digit, i, style))


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------------- store


def test_store_round_trip_keeps_pixels_labels_order_and_drawings(tmp_path: Path) -> None:
    store = OwnDigitStore(tmp_path / "own")
    sample, drawing = _sample(3)
    first = store.add(3, sample, drawing)
    second = store.add(7, *_sample(7))
    assert [s.label for s in store.samples()] == [3, 7]  # drawing order
    assert store.counts() == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]
    assert first.name.startswith("3_") and first.path.parent.name == "samples"
    assert np.array_equal(store.load(first), sample)
    assert np.array_equal(np.asarray(Image.open(first.drawing)), drawing)
    assert not list((tmp_path / "own").rglob("*.tmp"))  # atomic writes leave nothing behind
    deleted = store.delete(second)
    assert [s.name for s in store.samples()] == [first.name] and not second.path.exists()
    restored = store.restore(deleted)
    assert restored.name == second.name and store.counts()[7] == 1
    with pytest.raises(ValueError, match="0 … 9"):
        store.add(10, sample)
    with pytest.raises(ValueError, match="28×28"):
        store.add(1, drawing)


def test_export_then_import_into_another_store_and_again_adds_nothing(tmp_path: Path) -> None:
    source = OwnDigitStore(tmp_path / "a")
    _fill(source, 2, digits=range(3))
    assert export_zip(source, tmp_path / "mine.zip") == 6
    target = OwnDigitStore(tmp_path / "b")
    report = import_zip(target, tmp_path / "mine.zip")
    assert len(report.added) == 6 and report.skipped == ()
    assert target.counts()[:3] == [2, 2, 2]
    assert all(s.drawing is not None for s in target.samples())
    loaded = sorted(target.load(s).tobytes() for s in target.samples())
    assert loaded == sorted(source.load(s).tobytes() for s in source.samples())
    again = import_zip(target, tmp_path / "mine.zip")
    assert again.added == () and all("already in your samples" in s for s in again.skipped)


def test_a_hostile_zip_adds_only_its_good_entries_and_writes_nothing_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = _png(_sample(4)[1])
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../3_escape.png", good)
        archive.writestr("/abs/5_root.png", good)
        archive.writestr("C:\\6_win.png", good)
        archive.writestr("2_notes.png", b"this is not a picture")
        archive.writestr("hello.png", good)
        archive.writestr("8_bomb.png", b"\0" * (own_digits_zip.MAX_ENTRY_BYTES + 1))
        archive.writestr("9_ratio.png", b"\0" * 2_000_000)
        archive.writestr("1_blank.png", _png(np.zeros((50, 50), np.uint8)))
        archive.writestr("4_good.png", good)
        archive.writestr("7/photo.png", _png(_sample(7)[1]))
    store = OwnDigitStore(tmp_path / "store" / "own")
    report = import_zip(store, path)
    assert [s.label for s in report.added] == [4, 7]
    reasons = dict(line.split(": ", 1) for line in report.skipped)
    assert reasons["../../3_escape.png"] == "unsafe path in the zip"
    assert reasons["/abs/5_root.png"] == "unsafe path in the zip"
    assert reasons["C:\\6_win.png"] == "unsafe path in the zip"
    assert "not an image" in reasons["2_notes.png"]
    assert "no digit in its name" in reasons["hello.png"]
    assert "too large" in reasons["8_bomb.png"]
    assert "zip bomb" in reasons["9_ratio.png"]
    assert "blank" in reasons["1_blank.png"]
    outside = [p for p in tmp_path.rglob("*.png") if "store" not in p.parts]
    assert outside == []
    # a zip whose entries together would exceed the total budget stops reading
    monkeypatch.setattr(own_digits_zip, "MAX_TOTAL_BYTES", len(good) + 10)
    report = import_zip(OwnDigitStore(tmp_path / "other"), path)
    assert len(report.added) == 1
    assert any("more data than a set of digits" in s for s in report.skipped)


def test_import_refuses_what_is_not_a_usable_zip(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = OwnDigitStore(tmp_path / "own")
    (tmp_path / "not.zip").write_text("hello")
    with pytest.raises(ValueError, match="not a zip file"):
        import_zip(store, tmp_path / "not.zip")
    with pytest.raises(ValueError, match="No such file"):
        import_zip(store, tmp_path / "missing.zip")
    monkeypatch.setattr(own_digits_zip, "MAX_ZIP_BYTES", 3)
    with pytest.raises(ValueError, match="too large"):
        import_zip(store, tmp_path / "not.zip")


def test_too_many_entries_are_cut_off_with_a_reason(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(own_digits_zip, "MAX_ZIP_ENTRIES", 2)
    good = _png(_sample(4)[1])
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as archive:
        for i in range(4):
            archive.writestr(f"{i}_x.png", good if i < 2 else b"")
    report = import_zip(OwnDigitStore(tmp_path / "own"), tmp_path / "many.zip")
    assert len(report.added) == 1  # the second of the first two is the same picture
    assert any("too many entries" in s for s in report.skipped)


# ---------------------------------------------------------------------- dataset


def test_dataset_holds_out_every_fifth_and_skips_bad_files(tmp_path: Path) -> None:
    store = OwnDigitStore(tmp_path / "own")
    _fill(store, 5, digits=range(3))
    (store.samples_dir / "2_zzz-broken.png").write_bytes(b"\x89PNG broken")
    (store.samples_dir / "notes.png").write_bytes(_png(np.zeros((5, 5), np.uint8)))
    data = load_own_data(store.root)
    assert (len(data.train), len(data.test)) == (12, 3)
    assert data.test.labels.tolist() == [0, 1, 2]
    assert data.counts()[:3] == [5, 5, 5]
    assert any(s.startswith("2_zzz-broken.png: ") for s in data.skipped)
    assert any(s.startswith("notes.png: no digit") for s in data.skipped)
    # the dataset registry reads the same folder (its test split: the held-out samples)
    assert len(load_split("own", True, store.root)) == 12
    assert len(load_split("own", False, store.samples_dir)) == 3


def test_dataset_says_what_is_missing_when_there_are_too_few(tmp_path: Path) -> None:
    store = OwnDigitStore(tmp_path / "own")
    _fill(store, 4, digits=range(1))
    with pytest.raises(DatasetUnavailable, match=r"4 usable samples of 1 digit \(0×4\)"):
        load_own_data(store.root)
    with pytest.raises(DatasetUnavailable, match="not a folder"):
        load_own_data(tmp_path / "nothing")


# ---------------------------------------------------------------------- CLI


def test_cli_trains_on_own_digits_and_says_when_there_are_too_few(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = OwnDigitStore(tmp_path / "own")
    _fill(store, 5, digits=range(4))
    out = tmp_path / "own.safetensors"
    code = cli.main(["train", "--dataset", "own", "--data-dir", str(store.root), "--model",
                     "lenet", "--epochs", "1", "--batch-size", "8", "--seed", "0",
                     "--out", str(out), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and out.is_file()
    assert summary["dataset"] == "own" and 0 <= summary["test_accuracy"] <= 1
    monkeypatch.setenv("DIGITLAB_DATA_DIR", str(tmp_path / "empty"))
    code = cli.main(["train", "--dataset", "own", "--model", "lenet", "--epochs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "own-digits is not a folder" in err and "Coach tab" in err
