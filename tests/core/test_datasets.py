import gzip
import socket
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import NetworkGuard, NetworkRefused

from cnn_core.data import datasets
from cnn_core.data.datasets import DATASETS, DatasetUnavailable, download_dataset, load_split


def test_mnist_splits_from_the_bundled_copy():
    train = load_split("mnist", True)
    test = load_split("mnist", False)
    assert train.images.shape == (60000, 28, 28) and train.images.dtype == torch.uint8
    assert test.labels.dtype == torch.int64 and len(test) == 10000
    counts = np.bincount(train.labels.numpy(), minlength=10).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_mnist_statistics_match_the_normalisation_constants():
    images = load_split("mnist", True).images.float() / 255
    assert images.mean().item() == pytest.approx(DATASETS["mnist"].mean, abs=1e-3)
    assert images.std().item() == pytest.approx(DATASETS["mnist"].std, abs=1e-3)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(KeyError, match="fashion_mnist"):
        load_split("cifar", True)


def test_a_missing_dataset_says_which_files_to_put_where_and_downloads_nothing(
        tmp_path: Path, no_network: NetworkGuard) -> None:
    with pytest.raises(DatasetUnavailable) as info:
        load_split("kmnist", True, tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert str(tmp_path / "KMNIST" / "raw") in message
    assert f"digitlab train --dataset kmnist --data-dir {tmp_path} --download" in message
    assert no_network.attempts == []  # loading never tries to download
    assert list(tmp_path.iterdir()) == []


def test_the_test_suite_cannot_download(tmp_path: Path, no_network: NetworkGuard) -> None:
    """The autouse guard of tests/conftest.py refuses downloads and outside connections."""
    with pytest.raises(DatasetUnavailable, match="tests must not download datasets"):
        download_dataset("kmnist", tmp_path)
    with pytest.raises(NetworkRefused):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed
    assert len(no_network.attempts) == 2
    no_network.attempts.clear()  # this test wanted them; any other test would fail
    with socket.socket() as server, socket.socket() as client:  # loopback stays allowed
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client.connect(server.getsockname())


def _fake_idx(path: Path, array: np.ndarray) -> None:
    header = b"\x00\x00\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def _torchvision_like(fail: BaseException | None):  # noqa: ANN202
    """A download that works like torchvision's: make CLASS/raw, write files, maybe fail."""
    calls: list[bool] = []

    def download(info: datasets.DatasetInfo, train: bool, data_dir: Path) -> None:
        calls.append(train)
        raw = data_dir / info.torchvision_class / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        images, labels = datasets._file_names(info, train)
        if fail is not None:
            (raw / f"{images}.gz").write_bytes(b"\x1f\x8b partial")
            raise fail
        _fake_idx(raw / f"{images}.gz", np.zeros((20, 28, 28), np.uint8))
        _fake_idx(raw / f"{labels}.gz", np.arange(20) % 10)

    download.calls = calls  # type: ignore[attr-defined]
    return download


@pytest.mark.parametrize("existing", ["nothing", "data_dir", "class_dir", "raw_dir"])
@pytest.mark.parametrize("error", [RuntimeError("Error downloading: no route to host"),
                                   KeyboardInterrupt()])
def test_a_failed_download_removes_only_what_it_created(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: str,
        error: BaseException) -> None:
    data_dir = tmp_path / "data"
    keep: list[Path] = []
    if existing != "nothing":
        data_dir.mkdir()
        keep.append(data_dir / "notes.txt")
    if existing in ("class_dir", "raw_dir"):
        (data_dir / "KMNIST").mkdir()
        keep.append(data_dir / "KMNIST" / "README")
    if existing == "raw_dir":
        (data_dir / "KMNIST" / "raw").mkdir()
        keep.append(data_dir / "KMNIST" / "raw" / "k49-train-imgs.npz")
    for path in keep:
        path.write_text("the user's")
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.setattr(datasets, "_download", _torchvision_like(error))
    if isinstance(error, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            download_dataset("kmnist", data_dir)
    else:
        with pytest.raises(DatasetUnavailable, match="download failed: .*no route to host"):
            download_dataset("kmnist", data_dir)
    assert sorted(tmp_path.rglob("*")) == before
    assert all(path.read_text() == "the user's" for path in keep)


def test_a_download_that_works_is_used_and_not_repeated(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _torchvision_like(None)
    monkeypatch.setattr(datasets, "_download", fake)
    download_dataset("kmnist", tmp_path)
    assert fake.calls == [True, False]  # both splits
    download_dataset("kmnist", tmp_path)
    assert fake.calls == [True, False]  # already there
    split = load_split("kmnist", False, tmp_path)
    assert len(split) == 20 and split.labels.tolist()[:3] == [0, 1, 2]


def test_download_found_nothing_is_a_message_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datasets, "_download", lambda info, train, data_dir: (
        (data_dir / "KMNIST" / "raw").mkdir(parents=True)))
    with pytest.raises(DatasetUnavailable, match="files not found after download"):
        download_dataset("kmnist", tmp_path / "d")
    assert not (tmp_path / "d").exists()


def test_bundled_mnist_needs_no_download(no_network: NetworkGuard) -> None:
    download_dataset("mnist")
    assert no_network.attempts == []
    with pytest.raises(KeyError, match="kmnist"):
        download_dataset("cifar")
