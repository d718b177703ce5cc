"""Pages of a dataset, the model's answers on them, and a batch as the model sees it."""

from __future__ import annotations

import numpy as np
import torch

from cnn_core.analysis.data_browser import model_view, page_of, predict_page
from cnn_core.checkpoints import Checkpoint, make_metadata
from cnn_core.data.datasets import Split, load_split
from cnn_core.models import create_model
from cnn_core.training.loop import prepare_batch


def _small() -> Split:
    test = load_split("mnist", train=False)
    return Split(test.images[:230], test.labels[:230])


def test_pages_filter_and_clamp() -> None:
    split = _small()
    first = page_of(split, 0, 50)
    assert first.pages == 5 and first.total == 230 and len(first.images) == 50
    assert np.array_equal(first.images, split.images[:50].numpy())
    last = page_of(split, 99, 50)  # past the end: the last page
    assert last.number == 4 and len(last.images) == 30
    threes = page_of(split, 0, 50, label=3)
    assert threes.total == int((split.labels == 3).sum())
    assert (threes.labels == 3).all()
    assert np.array_equal(threes.images[0], split.images[threes.indices[0]].numpy())


def test_model_view_is_what_training_feeds() -> None:
    images = _small().images[:8]
    plain = model_view(images.numpy(), "mnist", augment=False)
    expected = prepare_batch(images, 0.1307, 0.3081)[:, 0].numpy()
    np.testing.assert_allclose(plain.images, expected, rtol=1e-6)
    assert abs(plain.images.min() - plain.low) < 1e-6  # the background is the scale's black
    assert abs(plain.low + 0.1307 / 0.3081) < 1e-9 and abs(plain.high - 0.8693 / 0.3081) < 1e-9
    a, b, c = (model_view(images.numpy(), "mnist", True, seed) for seed in (1, 1, 2))
    assert np.array_equal(a.images, b.images) and not np.array_equal(a.images, c.images)
    assert not np.allclose(a.images, plain.images)
    assert a.images.min() >= a.low - 1e-5 and a.images.max() <= a.high + 1e-5


def test_page_predictions_match_the_model() -> None:
    model = create_model("lenet", seed=0)
    checkpoint = Checkpoint(model, make_metadata(model))
    images = _small().images[:20].numpy()
    result = predict_page(checkpoint, images, "mnist")
    with torch.no_grad():
        model.eval()
        x = prepare_batch(torch.from_numpy(images), checkpoint.mean, checkpoint.std)
        expected = model(x).argmax(1).numpy()
    assert np.array_equal(result.labels, expected)
    assert result.confidences.shape == (20,) and (result.confidences > 0.1).all()
