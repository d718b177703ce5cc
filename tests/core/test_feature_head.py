"""The detector's feature head: the bundled classifier's features beside the detector's score."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import numpy as np
import pytest
import torch
from drawn_nondigits import canvas_samples, render

from cnn_core import cli
from cnn_core.checkpoints import Checkpoint, bundled_checkpoint_path, load_bundled, load_checkpoint
from cnn_core.data.drawn_eval import mnist_samples
from cnn_core.data.preprocess import preprocess
from cnn_core.recognition import detector as detector_module
from cnn_core.recognition import feature_head
from cnn_core.recognition.detector import (
    DetectorConfig,
    DigitDetector,
    bundled_head,
    load_bundled_detector,
)
from cnn_core.recognition.feature_head import FeatureHead, HeadError, combine, head_path, load_head
from cnn_core.recognition.head_fit import calibrate_head, fit_head
from cnn_core.recognition.predict import Predictor
from cnn_core.runtime.resources import file_sha256
from drawn_digits import render as render_digit


def _random_head(seed: int = 0, dim: int = 12, hidden: int = 5) -> FeatureHead:
    rng = np.random.default_rng(seed)
    return FeatureHead(rng.normal(size=(hidden, dim)).astype(np.float32),
                       rng.normal(size=hidden).astype(np.float32),
                       rng.normal(size=hidden).astype(np.float32), 0.25, "ab" * 32, 0.01, 0.3,
                       {"hidden": hidden})


def test_a_head_file_reads_back_as_written(tmp_path) -> None:  # noqa: ANN001
    head = _random_head()
    path = head.save(tmp_path / "d_head.safetensors")
    back = load_head(path)
    for name in ("w1", "b1", "w2"):
        assert np.array_equal(getattr(back, name), getattr(head, name))
    assert (back.b2, back.classifier_sha256, back.not_digit_below, back.unsure_below,
            back.meta) == (0.25, "ab" * 32, 0.01, 0.3, {"hidden": 5})
    x = np.random.default_rng(1).normal(size=(4, 12)).astype(np.float32)
    want = 1 / (1 + np.exp(-(np.maximum(x @ head.w1.T + head.b1, 0) @ head.w2 + head.b2)))
    assert np.allclose(back.digit_probability(x), want, atol=1e-6)
    assert back.fits("ab" * 32) and not back.fits("cd" * 32) and not back.fits(None)


def test_the_score_is_the_geometric_mean() -> None:
    assert combine(0.25, 1.0) == pytest.approx(0.5)
    assert combine(0.9, 0.0) == 0.0  # either side sure it is not a digit: low


@pytest.mark.parametrize("damage", ["garbage", "shapes", "nan"])
def test_a_damaged_head_file_is_refused(tmp_path, damage: str) -> None:  # noqa: ANN001
    path = tmp_path / "d_head.safetensors"
    if damage == "garbage":
        path.write_bytes(b"\x00\x01not a safetensors file" * 10)
    else:
        head = _random_head()
        w2 = np.zeros(3, np.float32) if damage == "shapes" else head.w2
        b1 = head.b1.copy()
        if damage == "nan":
            b1[0] = np.nan
        dataclasses.replace(head, w2=w2, b1=b1).save(path)
    with pytest.raises(HeadError):
        load_head(path)


def test_without_its_head_the_detector_decides_alone(monkeypatch, caplog) -> None:  # noqa: ANN001
    load_bundled_detector()  # the shared one, with its head: put back when the test ends
    monkeypatch.setattr(detector_module, "_BUNDLED", None)
    monkeypatch.setattr(feature_head, "head_path", lambda _p: head_path("/no/such/d"))
    assert bundled_head() is None
    assert "decides alone" in caplog.text
    detector = load_bundled_detector()
    assert detector is not None and detector.head is None
    predictor = Predictor(load_bundled(), detector=detector)
    assert predictor.head is None
    assert predictor.thresholds == (detector.not_digit_below, detector.unsure_below)
    pred = predictor.predict(render_digit(3))
    assert pred.digit_score == pytest.approx(
        float(detector.digit_probability(pred.preprocessed.image28)[0]))


def test_the_head_serves_the_classifier_it_was_made_for_only() -> None:
    bundled = load_bundled()
    assert bundled.source_sha256 == file_sha256(bundled_checkpoint_path())
    predictor = Predictor(bundled)
    assert predictor.head is not None and predictor.head.fits(bundled.source_sha256)
    assert predictor.thresholds == (predictor.head.not_digit_below,
                                    predictor.head.unsure_below)
    assert Predictor(bundled.copy()).head is not None  # the same weights
    # A model made in memory (trained, fine-tuned) has no file: the detector alone.
    other = Predictor(Checkpoint(bundled.model, dict(bundled.meta)))
    assert other.head is None
    detector = other.detector
    assert other.thresholds == (detector.not_digit_below, detector.unsure_below)
    pre = preprocess(render_digit(5))
    with_head, alone = predictor.predict_preprocessed(pre), other.predict_preprocessed(pre)
    assert with_head.label == alone.label == 5
    assert alone.digit_score == pytest.approx(float(detector.digit_probability(pre.image28)[0]))
    assert with_head.digit_score != pytest.approx(alone.digit_score)


def test_the_head_flags_more_drawn_non_digits_at_no_cost_in_digits() -> None:
    bundled = load_bundled()
    with_head, alone = Predictor(bundled), Predictor(Checkpoint(bundled.model, bundled.meta))
    others = list(canvas_samples(per_template=3, seed=21))
    digits = list(mnist_samples("report", 300, seed=21))

    def flagged(predictor: Predictor, samples: list) -> float:
        verdicts = Counter(predictor.predict(s.image).verdict for s in samples)
        return (verdicts["not_a_digit"] + verdicts["unsure"]) / sum(verdicts.values())

    # measured: 88.3 % against 83.1 %
    assert flagged(with_head, others) > flagged(alone, others) + 0.03
    assert flagged(with_head, digits) <= 0.03


def test_a_picture_the_detector_alone_rejects_stays_not_a_digit() -> None:
    predictor = Predictor(load_bundled())
    pred = predictor.predict(render("scribble-0"))
    assert pred.digit_score is not None
    alone = float(predictor.detector.digit_probability(pred.preprocessed.image28)[0])
    assert alone < predictor.detector.not_digit_below
    assert pred.verdict == "not_a_digit"


def test_fit_head_learns_seeded_and_leaves_the_global_rng(tmp_path) -> None:  # noqa: ANN001
    from cnn_core.data.nondigits import synthetic_set

    digits = [preprocess(s.image).image28 for s in mnist_samples("calibration", 150, seed=4)]
    others = [img for img, _ in synthetic_set(150, 0, seed=4)]
    images = np.stack(digits + others).astype(np.float32)
    labels = np.array([1] * len(digits) + [0] * len(others))
    cfg = DetectorConfig(seed=2)
    torch.manual_seed(5)
    state = torch.get_rng_state()
    head = fit_head(bundled_checkpoint_path(), images, labels, cfg, say=lambda _: None)
    assert torch.equal(torch.get_rng_state(), state)
    again = fit_head(bundled_checkpoint_path(), images, labels, cfg, say=lambda _: None)
    assert np.array_equal(head.w1, again.w1)
    assert head.classifier_sha256 == file_sha256(bundled_checkpoint_path())
    ck = load_bundled()
    with torch.no_grad():
        x = (torch.from_numpy(images)[:, None] - ck.mean) / ck.std
        feats = ck.model.logits_and_features(x)[1].numpy()
    p = head.digit_probability(feats)
    assert p[labels == 1].mean() > 0.8 > 0.2 > p[labels == 0].mean()
    calibrated = calibrate_head(head, load_bundled_detector(), bundled_checkpoint_path(), cfg,
                                say=lambda _: None, pictures=(images, np.where(labels, 3, -1)))
    assert 0.0 <= calibrated.not_digit_below <= calibrated.unsure_below <= 0.7
    assert calibrated.meta["calibration_digits"] == len(digits)
    assert calibrated.meta["calibration_unsure"] <= cfg.unsure_rate


@dataclasses.dataclass(frozen=True)
class _SmallConfig(DetectorConfig):
    canvas_digits: int = 120
    mnist: int = 60
    font_digits: int = 30
    nondigits: int = 200
    calibration_digits: int = 80
    workers: int = 1


def test_train_detector_writes_the_detector_and_its_head(tmp_path, monkeypatch,  # noqa: ANN001
                                                         capsys) -> None:  # noqa: ANN001
    monkeypatch.setattr(detector_module, "DetectorConfig", _SmallConfig)
    out = tmp_path / "models" / "det.safetensors"
    code = cli.main(["train-detector", "--recalibrate",
                     str(detector_module.bundled_detector_path()), "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    head_file = tmp_path / "models" / "det_head.safetensors"
    assert summary["head"]["out"] == str(head_file)
    head = load_head(head_file)
    assert head.fits(file_sha256(bundled_checkpoint_path()))
    assert head.meta["pictures"] == 2 * (120 + 60 + 30 + 200)  # two drawings of the recipe
    detector = DigitDetector(load_checkpoint(out), head)
    predictor = Predictor(load_bundled(), detector=detector)
    assert predictor.head is head
    assert predictor.predict(render_digit(7)).label == 7
