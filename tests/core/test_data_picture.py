"""A data set's picture is read as given; the probabilities shown are softmax(logits / T)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.data.data_picture import DATA_STEP_KEY, DataPicture, as_given, prepare
from cnn_core.data.datasets import load_split
from cnn_core.training.calibration import calibrated


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 1.7, 4.0])
def test_calibrated_equals_the_softmax_of_scaled_logits(temperature: float) -> None:
    logits = np.random.default_rng(0).normal(0, 4, (32, 10))
    np.testing.assert_allclose(calibrated(_softmax(logits), temperature),
                               _softmax(logits / temperature), atol=1e-6)
    one = calibrated(_softmax(logits[0]), temperature)  # a single picture's ten values
    assert one.shape == (10,) and one.sum() == pytest.approx(1.0, abs=1e-6)


def test_a_data_set_picture_is_read_unchanged() -> None:
    pixels = load_split("mnist", train=False).images[0].numpy()
    picture = DataPicture.from_uint8(pixels, "MNIST test #0")
    pre = prepare(picture)
    np.testing.assert_array_equal(pre.image28, pixels.astype(np.float32) / 255)
    assert not pre.blank and [s.key for s in pre.steps] == [DATA_STEP_KEY]
    assert pre.placement is not None and pre.placement.square() == (0.0, 0.0, 28.0, 28.0)
    # the same array as a plain picture goes through the drawing pipeline: cut and refitted
    redone = prepare(picture.image)
    assert [s.key for s in redone.steps][-1] == "centred"
    assert not np.array_equal(redone.image28, pre.image28)


def test_a_data_set_picture_is_28_by_28_and_an_empty_one_is_blank() -> None:
    with pytest.raises(ValueError, match="28×28"):
        DataPicture(np.zeros((20, 20), np.float32))
    assert as_given(DataPicture(np.zeros((28, 28), np.float32))).blank
