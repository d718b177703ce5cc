"""Pictures taken from a data set: the model reads them as the data set gives them.

A data set's pictures are already what a model is trained on: 28×28, white ink on black,
centred by the data set's makers. Evaluation and the data browser feed them to the model as
they are; a picture put on the canvas from there must be read the same way, not cut to its ink
and fitted again by :func:`cnn_core.data.preprocess.preprocess` (which is for drawings and photos,
and gives a slightly different image and so different probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # preprocess imports torch; the canvas imports this module before it
    from .preprocess import Preprocessed

__all__ = ["DATA_STEP_KEY", "DataPicture", "as_given", "prepare"]

DATA_STEP_KEY = "dataset"  # the one step a data-set picture's Preprocessed holds


@dataclass(frozen=True, eq=False)
class DataPicture:
    """One picture of a data set, as the data set stores it.

    ``image`` is float32 ``[28, 28]`` in [0, 1], ink = 1 (uint8 pixels divided by 255);
    ``source`` says where it comes from ("MNIST test #65"), for people.
    """

    image: np.ndarray
    source: str = ""

    def __post_init__(self) -> None:
        image = np.asarray(self.image, dtype=np.float32)
        if image.shape != (28, 28):
            raise ValueError(f"a data-set picture is 28×28, not {image.shape}")
        object.__setattr__(self, "image", np.clip(image, 0.0, 1.0))

    @classmethod
    def from_uint8(cls, pixels: np.ndarray, source: str = "") -> DataPicture:
        """A picture from a data set's uint8 pixels (0..255, ink = 255)."""
        return cls(np.asarray(pixels, dtype=np.float32) / 255.0, source)

    @property
    def size(self) -> int:
        """Number of pixels (as for an array)."""
        return int(self.image.size)


def as_given(picture: DataPicture) -> Preprocessed:
    """The picture as the model reads it: unchanged, one step, the whole square placed."""
    from .preprocess import Placement, Preprocessed, Step

    square = (0.0, 0.0, 28.0, 28.0)
    blank = not bool(picture.image.any())
    step = Step(DATA_STEP_KEY, "From the data set, as given", picture.image)
    return Preprocessed(blank, np.zeros((28, 28), np.float32) if blank else picture.image,
                        (step,), False, None if blank else Placement(square, square))


def prepare(picture: DataPicture | np.ndarray) -> Preprocessed:
    """What the model reads for ``picture``: a data-set picture as given, anything else
    (a drawing, an opened or pasted image) through :func:`cnn_core.data.preprocess.preprocess`."""
    if isinstance(picture, DataPicture):
        return as_given(picture)
    from .preprocess import preprocess

    return preprocess(picture)
