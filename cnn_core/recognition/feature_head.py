"""The bundled classifier's own opinion on "is it a digit at all", beside the detector's.

The digit detector (:mod:`.detector`) is a small CNN that looks at the picture alone. The
bundled classifier has seen far more digits and its last hidden layer (the *features* its last
linear layer reads) describes a picture much better. A small head on those features, trained
on the detector's own training pictures (digits against letters, symbols, shapes and
scribbles), tells digits from the rest better than either alone; the verdict uses the
geometric mean of the two probabilities, with thresholds of its own set on held-out digits.

The head belongs to one classifier: it records the SHA-256 of the checkpoint file whose
features it read, and a predictor uses it only for that classifier (the bundled model, through
torch or its ONNX copy). Every other model keeps the detector's score and thresholds.

It is stored beside the detector as ``<detector>_head.safetensors`` (plain tensors and JSON
metadata) and runs in numpy: no torch is needed to use it, so the window's first answers
(before torch is imported) come with it too. ``digitlab train-detector`` makes both files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["HEAD_SUFFIX", "FeatureHead", "HeadError", "combine", "head_beside", "head_path",
           "load_head"]

HEAD_SUFFIX = "_head.safetensors"


def head_path(detector_path: str | Path) -> Path:
    """Where the head of the detector file ``detector_path`` lives (beside it)."""
    p = Path(detector_path)
    return p.with_name(p.name.removesuffix(".safetensors") + HEAD_SUFFIX)


def combine(detector_probability: np.ndarray | float,
            head_probability: np.ndarray | float) -> np.ndarray:
    """The score the verdict reads when the head applies: the geometric mean of the two
    probabilities that the picture is a digit (low when either is sure it is not)."""
    return np.sqrt(np.asarray(detector_probability, np.float64)
                   * np.asarray(head_probability, np.float64))


@dataclass(frozen=True)
class FeatureHead:
    """A two-layer network on a classifier's features: P(digit), with its thresholds.

    ``w1`` ``[hidden, dim]`` and ``b1`` already include the features' standardisation;
    ``w2`` ``[hidden]``, ``b2`` a number. ``classifier_sha256`` names the checkpoint file whose
    features it reads; ``not_digit_below`` and ``unsure_below`` apply to :func:`combine`'s
    score. ``meta`` is what the file says of how it was made.
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float
    classifier_sha256: str
    not_digit_below: float = 0.5
    unsure_below: float = 0.5
    meta: dict[str, Any] | None = None

    @property
    def dim(self) -> int:
        """How many features it reads."""
        return int(self.w1.shape[1])

    def fits(self, classifier_sha256: str | None) -> bool:
        """Whether it was made for the classifier whose checkpoint file has this SHA-256."""
        return classifier_sha256 is not None and classifier_sha256 == self.classifier_sha256

    def digit_probability(self, features: np.ndarray) -> np.ndarray:
        """P(digit) for features ``[dim]`` or ``[N, dim]``: ``[N]``."""
        x = np.asarray(features, np.float32).reshape(-1, self.dim)
        hidden = np.maximum(x @ self.w1.T + self.b1, 0.0)
        z = (hidden @ self.w2 + self.b2).astype(np.float64)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: str | Path) -> Path:
        """Write the head (tensors and metadata) to ``path``, atomically."""
        import os
        import tempfile

        from safetensors.numpy import save_file

        path = Path(path)
        info = {"classifier_sha256": self.classifier_sha256,
                "not_digit_below": self.not_digit_below, "unsure_below": self.unsure_below,
                "meta": self.meta or {}}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".safetensors",
                                   dir=path.parent)
        os.close(fd)
        try:
            save_file({"w1": np.ascontiguousarray(self.w1, np.float32),
                       "b1": np.ascontiguousarray(self.b1, np.float32),
                       "w2": np.ascontiguousarray(self.w2, np.float32),
                       "b2": np.array([self.b2], np.float32)},
                      tmp, metadata={"digitlab.feature_head": json.dumps(info)})
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return path


class HeadError(ValueError):
    """A head file that cannot be used."""


def load_head(path: str | Path) -> FeatureHead:
    """Read a head file (no torch). Raises :class:`HeadError` (or ``OSError``) when it is
    missing, unreadable or not a head."""
    from safetensors import safe_open

    path = Path(path)
    try:
        with safe_open(str(path), framework="numpy") as f:
            info = json.loads((f.metadata() or {})["digitlab.feature_head"])
            tensors = {k: f.get_tensor(k) for k in ("w1", "b1", "w2", "b2")}
    except FileNotFoundError:
        raise
    except Exception as exc:  # safetensors raises its own types for damaged files
        raise HeadError(f"{path}: not a readable detector head ({exc})") from None
    w1, b1, w2, b2 = (tensors[k] for k in ("w1", "b1", "w2", "b2"))
    if w1.ndim != 2 or b1.shape != (w1.shape[0],) or w2.shape != (w1.shape[0],) or b2.size != 1:
        raise HeadError(f"{path}: a detector head's tensors have the wrong shapes")
    if not all(np.isfinite(t).all() for t in (w1, b1, w2, b2)):
        raise HeadError(f"{path}: a detector head with NaN or infinite weights")
    return FeatureHead(w1, b1, w2, float(b2.reshape(-1)[0]), str(info["classifier_sha256"]),
                       float(info["not_digit_below"]), float(info["unsure_below"]),
                       dict(info.get("meta", {})))


def head_beside(detector_path: str | Path,
                unavailable: Callable[[Exception], None] = lambda _why: None
                ) -> FeatureHead | None:
    """The head beside a detector file, or None when it is missing or unreadable (then
    ``unavailable`` gets the reason, and the detector's score decides alone)."""
    try:
        return load_head(head_path(detector_path))
    except (HeadError, OSError) as exc:
        unavailable(exc)
        return None
