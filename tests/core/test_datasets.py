import socket
from pathlib import Path

import numpy as np
import pytest
import torch
from dataset_mirror import serving
from network_guard import NetworkGuard, NetworkRefused

from cnn_core.data import datasets
from cnn_core.data.datasets import DATASETS, DatasetUnavailable, load_split
from cnn_core.data.download import DownloadProgress, download_dataset, download_steps
from cnn_core.runtime.user_data import DATA_DIR_ENV, datasets_folder


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


@pytest.mark.parametrize("existing", ["nothing", "data_dir", "class_dir", "raw_dir"])
@pytest.mark.parametrize("failure", ["404", "truncate", "checksum", "interrupt", "cancel"])
def test_a_failed_download_removes_only_what_it_created(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: str, failure: str) -> None:
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
    with serving(monkeypatch, "kmnist") as mirror:
        last = "t10k-labels-idx1-ubyte.gz"  # three files arrive whole before it fails
        if failure in ("404", "truncate"):
            mirror.fail[last] = failure
        elif failure == "checksum":
            mirror.files[last] = mirror.files[last][:-1] + b"x"
        if failure in ("interrupt", "cancel"):
            steps = download_steps("kmnist", data_dir)
            for step in steps:
                if step.file == last:
                    if failure == "cancel":
                        steps.close()  # what the window's Cancel does
                        break
                    with pytest.raises(KeyboardInterrupt):
                        steps.throw(KeyboardInterrupt())
                    break
        else:
            why = {"404": "HTTP 404", "truncate": "ended after", "checksum": "checksum"}[failure]
            with pytest.raises(DatasetUnavailable, match=f"download failed: .*{why}"):
                download_dataset("kmnist", data_dir)
        assert sorted(mirror.requests)[:1] == ["missing/t10k-images-idx3-ubyte.gz"]
    assert sorted(tmp_path.rglob("*")) == before
    assert all(path.read_text() == "the user's" for path in keep)


def test_a_download_that_works_is_used_and_not_repeated(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[DownloadProgress] = []
    with serving(monkeypatch, "kmnist") as mirror:
        download_dataset("kmnist", tmp_path, seen.append)
        asked = list(mirror.requests)
        download_dataset("kmnist", tmp_path)
        assert mirror.requests == asked  # already there: nothing asked again
    assert len([a for a in asked if not a.startswith("missing/")]) == 4  # both splits
    assert seen[-1].finished and seen[-1].fraction == 1.0
    assert {s.file for s in seen[:-1]} == {f"{n}.gz" for n in datasets.missing_files("kmnist",
                                                                                   tmp_path / "x")}
    assert all(0.0 <= (s.fraction or 0.0) <= 1.0 for s in seen)
    split = load_split("kmnist", False, tmp_path)
    assert len(split) == 20 and split.labels.tolist()[:3] == [0, 1, 2]
    assert datasets.missing_files("kmnist", tmp_path) == []
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left


def test_emnist_comes_as_one_archive_of_which_only_the_digits_are_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(monkeypatch, "emnist_digits"):
        download_dataset("emnist_digits", tmp_path)
    raw = tmp_path / "EMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        f"{n}.gz" for n in datasets.missing_files("emnist_digits", tmp_path / "x"))
    assert len(load_split("emnist_digits", True, tmp_path)) == 20


def test_the_users_data_folder_is_where_downloads_go_by_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert datasets_folder() == tmp_path / "datasets"
    assert datasets.dataset_folder("kmnist") == tmp_path / "datasets"
    with serving(monkeypatch, "kmnist"):
        download_dataset("kmnist")
    assert (tmp_path / "datasets" / "KMNIST" / "raw").is_dir()
    assert len(load_split("kmnist", True)) == 20  # found there without being told
    chosen = tmp_path / "elsewhere"  # a folder of the user's choice replaces the default
    found, why = datasets.locate_test_split("kmnist", chosen)
    assert found is None and str(chosen / "KMNIST" / "raw") in why and "download" in why
    assert datasets.dataset_folder("kmnist", chosen) == chosen


def test_bundled_mnist_needs_no_download(no_network: NetworkGuard) -> None:
    download_dataset("mnist")
    assert no_network.attempts == []
    with pytest.raises(KeyError, match="kmnist"):
        download_dataset("cifar")
