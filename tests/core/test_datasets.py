import numpy as np
import pytest
import torch

from cnn_core import datasets
from cnn_core.datasets import DATASETS, DatasetUnavailable, load_split


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


def test_offline_dataset_says_which_files_to_put_where(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: no route to host")

    monkeypatch.setattr(datasets, "_download", no_network)
    with pytest.raises(DatasetUnavailable) as info:
        load_split("kmnist", True, tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert str(tmp_path / "KMNIST" / "raw") in message
    assert "no route to host" in message
