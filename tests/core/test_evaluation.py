"""cnn_core.analysis.evaluation: confusion matrix, per-class accuracy, calibration, misclassified
list."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_core.analysis.evaluation import (
    EvaluationError,
    EvaluationProgress,
    EvaluationResult,
    dataset_test_set,
    drawings_set,
    evaluate,
    evaluate_steps,
)
from cnn_core.checkpoints import Checkpoint, load_bundled, make_metadata
from cnn_core.data.datasets import DATASETS
from cnn_core.models import create_model
from drawn_digits import render


@pytest.fixture(scope="module")
def mnist_head():
    return dataset_test_set("mnist", max_samples=1200)


@pytest.fixture(scope="module")
def weak() -> Checkpoint:
    """An untrained model: it gets most images wrong, so every cell of the matrix is used."""
    model = create_model("lenet", seed=3)
    return Checkpoint(model, make_metadata(model))


@pytest.fixture(scope="module")
def weak_result(weak: Checkpoint, mnist_head) -> EvaluationResult:
    return evaluate(weak.copy(), mnist_head, batch_size=256)


def test_confusion_matrix_sums_to_n_and_matches_per_class_accuracy(weak_result) -> None:
    r = weak_result
    assert r.n == 1200 and r.confusion.shape == (10, 10)
    assert r.confusion.sum() == r.n
    assert r.confusion.sum(axis=1).tolist() == np.bincount(r.labels, minlength=10).tolist()
    np.testing.assert_allclose(r.confusion.diagonal() / r.confusion.sum(axis=1),
                               r.per_class_accuracy)
    assert r.accuracy == pytest.approx(np.trace(r.confusion) / r.n)
    assert r.predictions.tolist() == r.probabilities.argmax(axis=1).tolist()


def test_misclassified_list_equals_the_off_diagonal_counts(weak_result) -> None:
    r = weak_result
    off_diagonal = r.confusion.sum() - np.trace(r.confusion)
    assert len(r.misclassified) == off_diagonal > 100
    counts = np.zeros_like(r.confusion)
    for m in r.misclassified:
        counts[m.true, m.predicted] += 1
        assert m.true == r.labels[m.index] != m.predicted == r.predictions[m.index]
        assert m.top3[0] == (m.predicted, pytest.approx(float(r.probabilities[m.index].max())))
        assert [p for _, p in m.top3] == sorted((p for _, p in m.top3), reverse=True)
    np.fill_diagonal(counts, np.diagonal(r.confusion))
    assert (counts == r.confusion).all()
    true, pred = next((t, p) for t, p in itertools.product(range(10), repeat=2)
                      if t != p and r.confusion[t, p] > 1)
    assert r.cell(true, pred).tolist() == [m.index for m in r.misclassified
                                           if (m.true, m.predicted) == (true, pred)]


def test_temperature_changes_confidence_not_accuracy(weak: Checkpoint, mnist_head,
                                                     weak_result) -> None:
    hot = weak.copy()
    hot.meta["calibration"] = {"temperature": 2.5}
    scaled = evaluate(hot, mnist_head)
    assert scaled.temperature == 2.5 and weak_result.temperature == 1.0
    assert scaled.accuracy == weak_result.accuracy
    assert (scaled.confusion == weak_result.confusion).all()
    assert scaled.probabilities.max(axis=1).mean() < weak_result.probabilities.max(axis=1).mean()
    assert scaled.ece != pytest.approx(weak_result.ece)
    assert scaled.ece_uncalibrated == pytest.approx(weak_result.ece)
    np.testing.assert_allclose(scaled.probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_progress_events_then_one_result_and_cancel_by_closing(weak: Checkpoint,
                                                               mnist_head) -> None:
    events = list(evaluate_steps(weak.copy(), mnist_head, batch_size=500))
    progress = [e for e in events if isinstance(e, EvaluationProgress)]
    assert [e.done for e in progress] == [500, 1000, 1200]
    assert all(e.total == 1200 for e in progress) and progress[-1].eta == 0
    assert isinstance(events[-1], EvaluationResult) and len(events) == 4
    model = weak.copy()
    model.model.train()
    steps = evaluate_steps(model, mnist_head, batch_size=500)
    next(steps)
    steps.close()  # cancelled after one batch: no result, the model's mode is put back
    assert model.model.training


def test_bundled_model_on_the_whole_mnist_test_set() -> None:
    result = evaluate(load_bundled(), dataset_test_set("mnist"))
    assert result.n == 10_000 and result.accuracy > 0.99
    assert len(result.misclassified) == result.n - np.trace(result.confusion)
    assert 0 < result.ece < 0.1 and result.reliability.counts.sum() == result.n


def test_class_names_come_from_the_checkpoint() -> None:
    model = create_model("lenet", seed=0)
    fashion = DATASETS["fashion_mnist"]
    ck = Checkpoint(model, make_metadata(model, dataset="fashion_mnist",
                                         classes=list(fashion.classes)))
    assert ck.classes[1] == "Trouser"
    del ck.meta["classes"]
    assert ck.classes[1] == "Trouser"  # from the dataset
    ck.meta["dataset"] = "unknown"
    assert ck.classes == tuple("0123456789")


def test_drawings_folder_by_subfolder_and_by_file_name(tmp_path: Path) -> None:
    for digit in (3, 7):
        (tmp_path / str(digit)).mkdir()
        Image.fromarray(render(digit)).save(tmp_path / str(digit) / "a.png")
    Image.fromarray(render(1)).save(tmp_path / "1_mine.png")
    Image.fromarray(render(4)).save(tmp_path / "four.png")  # no label: skipped
    Image.fromarray(np.zeros((50, 50), np.uint8)).save(tmp_path / "2_blank.png")
    drawn = drawings_set(tmp_path)
    assert sorted(zip(drawn.files, drawn.labels.tolist(), strict=True)) == [
        ("1_mine.png", 1), ("3/a.png", 3), ("7/a.png", 7)]
    assert drawn.images.shape == (3, 28, 28) and drawn.images.max() > 200
    assert sorted(s.split(":")[0] for s in drawn.skipped) == ["2_blank.png", "four.png"]
    result = evaluate(load_bundled(), drawn)
    assert result.accuracy == 1.0 and result.files == drawn.files


def test_drawings_folder_errors_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="not a folder"):
        drawings_set(tmp_path / "nope")
    with pytest.raises(EvaluationError, match="no labelled drawing"):
        drawings_set(tmp_path)
