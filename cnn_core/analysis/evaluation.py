"""How good is a model, and where does it go wrong: evaluation on a labelled image set.

An :class:`EvalSet` is a labelled set of 28×28 images: a dataset's test split
(:func:`dataset_test_set`) or a folder of the user's own drawings (:func:`drawings_set`).
:func:`evaluate_steps` runs a checkpoint over it as a generator: it yields an
:class:`EvaluationProgress` after every batch (so a GUI can show progress and cancel by no
longer iterating) and finally one :class:`EvaluationResult` with accuracy, the confusion
matrix, per-class accuracy, temperature-scaled probabilities, the reliability curve and ECE,
and every misclassified image with its top-3 answers.

A drawings folder holds PNG (or JPEG, BMP) files whose label is either

* the name of the subfolder they are in: ``DIR/7/anything.png``; the folder is a class index
  (``0`` … ``9``) or a class name of the model (``DIR/Trouser/a.png``), or
* the start of the file name, up to the first ``_``, ``-``, space or dot:
  ``DIR/7_mine.png``, ``DIR/7-2.png``, ``DIR/7.png``.

Every drawing goes through :func:`cnn_core.data.preprocess.preprocess`, as a drawing on the canvas
does, so the model sees what it would see in the app. Files with no label, unreadable files
and blank pictures are skipped and listed in :attr:`EvalSet.skipped`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..checkpoints import Checkpoint
from ..data.datasets import DATASETS, load_split
from ..training.calibration import ECE_BINS, Reliability, reliability

__all__ = [
    "IMAGE_SUFFIXES",
    "EvalSet",
    "EvaluationError",
    "EvaluationProgress",
    "EvaluationResult",
    "Misclassified",
    "dataset_test_set",
    "drawings_set",
    "evaluate",
    "evaluate_steps",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


class EvaluationError(ValueError):
    """The images cannot be evaluated: no usable drawing, or labels the model lacks."""
_LEADING_LABEL = re.compile(r"^([^_\-. ]+)[_\-. ]")


@dataclass(frozen=True)
class EvalSet:
    """A labelled set of images to evaluate on (read-only arrays)."""

    name: str  # dataset key ("mnist"), or the drawings folder's path
    title: str  # shown to people: "MNIST digits test set", "drawings in …/mine"
    images: np.ndarray  # uint8 [N, 28, 28], ink = 255
    labels: np.ndarray  # int64 [N]
    dataset: str | None = None  # the dataset key, None for a drawings folder
    files: tuple[str, ...] = ()  # for a drawings folder: the file of each image
    skipped: tuple[str, ...] = ()  # drawings left out, each "file: why"

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class EvaluationProgress:
    """A batch is done."""

    done: int  # images evaluated so far
    total: int  # images in the set
    elapsed: float  # seconds since the evaluation started
    eta: float  # estimated seconds left


@dataclass(frozen=True)
class Misclassified:
    """One image the model got wrong."""

    index: int  # position in the evaluated set (= index in the dataset's test split)
    true: int  # its label
    predicted: int  # the model's answer
    top3: tuple[tuple[int, float], ...]  # the three most probable classes, (class, probability)


@dataclass(frozen=True)
class EvaluationResult:
    """Everything an evaluation found (immutable; safe to hand to another thread)."""

    source: str  # EvalSet.name
    title: str  # EvalSet.title
    model: str  # the model's name
    classes: tuple[str, ...]  # class names, index = label
    accuracy: float
    confusion: np.ndarray  # int64 [C, C], rows = true class, columns = predicted class
    per_class_accuracy: np.ndarray  # float64 [C], nan for a class with no image
    labels: np.ndarray  # int64 [N]
    predictions: np.ndarray  # int64 [N]
    probabilities: np.ndarray  # float32 [N, C], softmax(logits / temperature)
    images: np.ndarray  # uint8 [N, 28, 28], the evaluated images
    temperature: float  # the temperature applied (the checkpoint's; 1.0 = none)
    reliability: Reliability  # reliability curve of ``probabilities``, ECE_BINS bins
    ece_uncalibrated: float  # ECE of softmax(logits) (equal to ``ece`` when T = 1)
    misclassified: tuple[Misclassified, ...]  # in index order
    seconds: float  # wall time of the forward passes
    files: tuple[str, ...] = ()  # EvalSet.files

    @property
    def n(self) -> int:
        """Number of images evaluated."""
        return int(self.labels.shape[0])

    @property
    def ece(self) -> float:
        """Expected calibration error (15 bins) of the temperature-scaled probabilities."""
        return self.reliability.ece

    def cell(self, true: int, predicted: int) -> np.ndarray:
        """Indices (ascending) of the images of class ``true`` that were read as ``predicted``."""
        return np.flatnonzero((self.labels == true) & (self.predictions == predicted))

    def top3(self, index: int) -> tuple[tuple[int, float], ...]:
        """The three most probable classes of image ``index`` with their probabilities."""
        probs = self.probabilities[index]
        best = np.argsort(-probs, kind="stable")[:3]
        return tuple((int(c), float(probs[c])) for c in best)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


# ----------------------------------------------------------------------------- sets


def dataset_test_set(name: str, data_dir: str | Path | None = None,
                     max_samples: int | None = None) -> EvalSet:
    """The test split of a dataset of :data:`~cnn_core.data.datasets.DATASETS`.

    ``max_samples`` keeps only the first that many images (indices stay those of the split).
    Raises what :func:`~cnn_core.data.datasets.load_split` raises.
    """
    split = load_split(name, False, data_dir)
    stop = len(split) if max_samples is None else max(0, min(int(max_samples), len(split)))
    images = split.images[:stop].numpy().copy()
    labels = split.labels[:stop].numpy().astype(np.int64, copy=True)
    title = f"{DATASETS[name].title} test set"
    return EvalSet(name, title, _frozen(images), _frozen(labels), dataset=name)


def _label_of(path: Path, root: Path, classes: Sequence[str]) -> int | None:
    lookup = {name: i for i, name in enumerate(classes)}
    lookup.update({str(i): i for i in range(len(classes))})
    if path.parent != root:
        return lookup.get(path.parent.name)
    match = _LEADING_LABEL.match(path.name)
    return lookup.get(match.group(1)) if match else None


def drawings_set(folder: str | Path, classes: Sequence[str] = tuple(str(d) for d in range(10)),
                 max_samples: int | None = None) -> EvalSet:
    """A folder of the user's own labelled drawings (layout in this module's docstring).

    Raises
    ------
    EvaluationError
        If ``folder`` is not a folder or holds no usable labelled drawing.
    """
    from ..data.preprocess import ImageError, load_image, preprocess

    root = Path(folder)
    if not root.is_dir():
        raise EvaluationError(f"{root}: not a folder")
    paths = sorted(p for p in [*root.glob("*"), *root.glob("*/*")]
                   if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    images, labels, files, skipped = [], [], [], []
    for path in paths:
        if max_samples is not None and len(labels) >= max_samples:
            break
        label = _label_of(path, root, classes)
        rel = str(path.relative_to(root))
        if label is None:
            skipped.append(f"{rel}: no label in its folder or file name")
            continue
        try:
            pre = preprocess(load_image(path))
        except (ImageError, ValueError) as exc:
            skipped.append(f"{rel}: {exc}")
            continue
        if pre.blank:
            skipped.append(f"{rel}: blank")
            continue
        images.append(np.clip(np.rint(pre.image28 * 255.0), 0, 255).astype(np.uint8))
        labels.append(label)
        files.append(rel)
    if not labels:
        raise EvaluationError(f"{root}: no labelled drawing found (put PNG files in "
                              f"subfolders 0 … 9, or name them like 7_mine.png)")
    return EvalSet(str(root), f"drawings in {root}", _frozen(np.stack(images)),
                   _frozen(np.asarray(labels, np.int64)), files=tuple(files),
                   skipped=tuple(skipped))


# ----------------------------------------------------------------------------- evaluation


def _normalisation(checkpoint: Checkpoint, eval_set: EvalSet) -> tuple[float, float]:
    if eval_set.dataset is not None:  # a foreign dataset: normalised as it is normalised
        return checkpoint.normalization_for(eval_set.dataset)
    return checkpoint.mean, checkpoint.std


@torch.no_grad()
def _logits(model: torch.nn.Module, images: np.ndarray, mean: float, std: float,
            device: torch.device) -> torch.Tensor:
    x = torch.from_numpy(images.copy()).to(device).unsqueeze(1).float().div_(255.0)
    x = x.sub_(mean).div_(std).contiguous(memory_format=torch.channels_last)
    return model(x).float().cpu()


def evaluate_steps(checkpoint: Checkpoint, eval_set: EvalSet, *, batch_size: int = 500,
                   device: str | torch.device = "cpu", temperature: float | None = None,
                   n_bins: int = ECE_BINS,
                   ) -> Iterator[EvaluationProgress | EvaluationResult]:
    """Evaluate ``checkpoint`` on ``eval_set``, one batch per step.

    Yields an :class:`EvaluationProgress` after each batch and, last, the
    :class:`EvaluationResult`. To cancel, stop iterating (``close()`` the generator). The
    checkpoint's model is used on ``device`` in eval mode and put back in the mode it was in;
    pass a copy if another thread may use it meanwhile. ``temperature`` defaults to
    ``checkpoint.temperature``.
    """
    device = torch.device(device)
    model = checkpoint.model
    was_training = model.training
    # channels_last like the Trainer: faster convolutions on the CPU.
    model = model.to(device=device, memory_format=torch.channels_last).eval()
    t = checkpoint.temperature if temperature is None else float(temperature)
    mean, std = _normalisation(checkpoint, eval_set)
    total = len(eval_set)
    chunks: list[torch.Tensor] = []
    start = time.perf_counter()
    try:
        for first in range(0, total, max(1, batch_size)):
            batch = eval_set.images[first:first + batch_size]
            chunks.append(_logits(model, batch, mean, std, device))
            done = first + len(batch)
            elapsed = time.perf_counter() - start
            yield EvaluationProgress(done, total, elapsed, elapsed / done * (total - done))
    finally:
        model.train(was_training)
    seconds = time.perf_counter() - start
    num_classes = int(checkpoint.model.spec.get("num_classes", 10))
    logits = torch.cat(chunks) if chunks else torch.empty(0, num_classes)
    yield _result(checkpoint, eval_set, logits, t, seconds, n_bins)


def evaluate(checkpoint: Checkpoint, eval_set: EvalSet, **kwargs: object) -> EvaluationResult:
    """Run :func:`evaluate_steps` to the end and return its result."""
    result = None
    for event in evaluate_steps(checkpoint, eval_set, **kwargs):  # type: ignore[arg-type]
        result = event
    assert isinstance(result, EvaluationResult)
    return result


def _result(checkpoint: Checkpoint, eval_set: EvalSet, logits: torch.Tensor, t: float,
            seconds: float, n_bins: int) -> EvaluationResult:
    labels = np.asarray(eval_set.labels, np.int64)
    count = logits.shape[1]
    if labels.size and labels.max() >= count:
        raise EvaluationError(f"{eval_set.title} has labels up to {labels.max()}, but the model "
                         f"{checkpoint.name} has only {count} classes")
    probs = torch.softmax(logits / t, dim=1).numpy()
    predictions = probs.argmax(axis=1).astype(np.int64) if len(labels) else labels.copy()
    confusion = np.zeros((count, count), np.int64)
    np.add.at(confusion, (labels, predictions), 1)
    support = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(support > 0, confusion.diagonal() / support, np.nan)
    curve = reliability(probs, labels, n_bins)
    raw = curve.ece if t == 1.0 else reliability(torch.softmax(logits, 1).numpy(), labels,
                                                  n_bins).ece
    wrong = np.flatnonzero(predictions != labels)
    order = np.argsort(-probs[wrong], axis=1, kind="stable")[:, :3]
    misclassified = tuple(
        Misclassified(int(i), int(labels[i]), int(predictions[i]),
                      tuple((int(c), float(probs[i, c])) for c in top))
        for i, top in zip(wrong, order, strict=True))
    accuracy = float((predictions == labels).mean()) if len(labels) else 0.0
    return EvaluationResult(
        source=eval_set.name, title=eval_set.title, model=checkpoint.name,
        classes=checkpoint.classes, accuracy=accuracy,
        confusion=_frozen(confusion), per_class_accuracy=_frozen(per_class.astype(np.float64)),
        labels=_frozen(labels.copy()), predictions=_frozen(predictions),
        probabilities=_frozen(probs.astype(np.float32, copy=False)),
        images=eval_set.images, temperature=t, reliability=curve, ece_uncalibrated=raw,
        misclassified=misclassified, seconds=seconds, files=eval_set.files)
