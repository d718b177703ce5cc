"""The bundled model's ONNX copies: current, the torch model's numbers, and free of torch.

The window answers the canvas with these copies while torch is imported, and hands over to
the torch model without the answer changing; these tests hold them to that. When one fails
after a bundled checkpoint changed, make the copies again: ``make bundled-onnx``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from cnn_core.checkpoints import load_bundled  # noqa: E402
from cnn_core.checkpoints.graph_export import reference_probabilities  # noqa: E402
from cnn_core.data.datasets import load_split  # noqa: E402
from cnn_core.data.drawn_eval import evaluation_samples  # noqa: E402
from cnn_core.data.preprocess import preprocess  # noqa: E402
from cnn_core.recognition import bundled_onnx  # noqa: E402
from cnn_core.recognition.bundled_onnx import (  # noqa: E402
    COPIES,
    SOURCE_KEY,
    StaleCopy,
    load_bundled_onnx,
    onnx_copy_path,
)
from cnn_core.recognition.detector import load_bundled_detector  # noqa: E402
from cnn_core.recognition.onnx_predict import OnnxClassifier, OnnxDetector  # noqa: E402
from cnn_core.recognition.predict import Predictor  # noqa: E402
from cnn_core.runtime.resources import (  # noqa: E402
    BUNDLED_DETECTOR,
    BUNDLED_MODEL,
    file_sha256,
    resource_path,
)

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def mnist_test() -> np.ndarray:
    """The first 2,000 MNIST test images, float32 in [0, 1]."""
    return load_split("mnist", train=False).images[:2000].numpy().astype(np.float32) / 255.0


@pytest.mark.parametrize("checkpoint_name", sorted(COPIES))
def test_each_copy_was_made_from_the_bundled_checkpoint_as_it_is(checkpoint_name: str) -> None:
    graph = OnnxClassifier(onnx_copy_path(checkpoint_name))
    recorded = json.loads(graph.props[SOURCE_KEY])
    assert recorded == file_sha256(resource_path(checkpoint_name)), (
        f"{COPIES[checkpoint_name]} is out of date with {checkpoint_name}: make bundled-onnx")


def test_the_model_copy_gives_the_torch_models_probabilities(mnist_test: np.ndarray) -> None:
    checkpoint = load_bundled()
    graph = OnnxClassifier(onnx_copy_path(BUNDLED_MODEL))
    want = reference_probabilities(checkpoint, mnist_test)
    assert np.abs(graph.probabilities(mnist_test) - want).max() <= TOLERANCE
    assert graph.classes == list(checkpoint.classes)
    assert graph.temperature == pytest.approx(checkpoint.temperature)


def test_the_detector_copy_gives_the_torch_detectors_scores(mnist_test: np.ndarray) -> None:
    torch_detector = load_bundled_detector()
    copy = OnnxDetector(onnx_copy_path(BUNDLED_DETECTOR))
    assert copy.not_digit_below == torch_detector.not_digit_below
    assert copy.unsure_below == torch_detector.unsure_below
    got, want = copy.digit_probability(mnist_test), torch_detector.digit_probability(mnist_test)
    assert np.abs(got - want).max() <= TOLERANCE


def test_drawn_digits_and_non_digits_get_the_same_answer_on_both_paths() -> None:
    early, late = load_bundled_onnx(), Predictor(load_bundled())
    samples = list(evaluation_samples("calibration", 200, seed=3))  # drawn digits, fonts, symbols
    verdicts = set()
    for sample in samples:
        pre = preprocess(sample.image)
        a, b = early.predict_preprocessed(pre), late.predict_preprocessed(pre)
        assert (a.label, a.verdict) == (b.label, b.verdict)
        assert np.abs(a.probabilities - b.probabilities).max() <= TOLERANCE
        if b.digit_score is not None:
            assert abs(a.digit_score - b.digit_score) <= TOLERANCE
        verdicts.add(b.verdict)
    assert {"digit", "not_a_digit"} <= verdicts  # both kinds of answer were compared


def test_a_copy_of_another_checkpoint_version_is_refused(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(bundled_onnx, "file_sha256", lambda _path: "0" * 64)
    with pytest.raises(StaleCopy, match="make bundled-onnx"):
        load_bundled_onnx()


def test_the_early_predictor_answers_without_importing_torch() -> None:
    code = (
        "import sys, numpy as np\n"
        "from cnn_core.recognition.bundled_onnx import load_bundled_onnx\n"
        "image = np.zeros((280, 280), np.uint8)\n"
        "image[50:70, 80:200] = 255\n"
        "for i in range(150): image[70 + i, 190 - i // 2: 205 - i // 2] = 255\n"
        "p = load_bundled_onnx().predict(image)\n"
        "print(p.label, p.verdict, 'torch' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    label, verdict, torch_imported = result.stdout.split()
    assert label == "7" and verdict in ("digit", "unsure")
    assert torch_imported == "False"
