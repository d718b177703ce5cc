"""The canvas answered before torch, then handed over: the bundled model's ONNX copy first.

The background load is held at a gate (``gated_load``), so that "torch is not there yet" is a
state the test controls; the drawing is made with real mouse events.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from digit_strokes import DIGITS

from app import model_loader
from app.main_window import MainWindow
from app.settings import BUNDLED_KEY, Keys
from app.window_startup import starts_with_bundled
from cnn_core.runtime.user_data import SHELF_STATE_FILE

pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[2]


def _early(win: MainWindow) -> bool:
    return win.early_answer is not None


def test_the_onnx_copy_answers_first_and_torch_takes_over_with_the_same_answer(
        qtbot, draw, bundled, gated_load, start_window) -> None:  # noqa: ANN001
    win = start_window(_early)  # torch's load is held: only the ONNX copy can answer
    assert not win.answers_canvas() and win.checkpoint() is None
    early: list = []
    win.early_prediction.connect(early.append)
    draw(win.canvas, DIGITS[7])
    panel = win.prediction_panel
    qtbot.waitUntil(lambda: panel.predictionLabel.text().startswith("7"), timeout=10_000)
    assert early and early[-1].label == 7
    label, detail = panel.predictionLabel.text(), panel.detailLabel.text()
    bars = panel.shown_probabilities().copy()

    late: list = []
    with qtbot.waitSignal(win.inference_ready, timeout=60_000):
        gated_load.set()
    win.inference.predicted.connect(late.append)
    qtbot.waitUntil(lambda: win.checkpoint() is not None, timeout=30_000)
    assert win.early_answer is None  # handed over
    handed = win.inference.last_prediction()  # torch's answer to the same drawing
    assert handed is not None and handed.label == early[-1].label
    assert handed.verdict == early[-1].verdict
    assert np.abs(handed.probabilities - early[-1].probabilities).max() <= 1e-4
    assert abs(handed.digit_score - early[-1].digit_score) <= 1e-4
    # What is on screen did not change.
    assert (panel.predictionLabel.text(), panel.detailLabel.text()) == (label, detail)
    assert np.abs(panel.shown_probabilities() - bars).max() <= 1e-4

    count = len(early)
    draw(win.canvas, DIGITS[1])  # from now on live inference (torch) answers
    qtbot.waitUntil(lambda: len(late) > 0, timeout=10_000)
    qtbot.wait(100)
    assert len(early) == count
    win.close()


def test_without_onnxruntime_the_window_waits_for_torch(
        qtbot, draw, bundled, no_onnxruntime, gated_load, start_window) -> None:  # noqa: ANN001
    win = start_window(lambda w: model_loader.started())  # the torch load has begun
    assert win.early_answer is None
    draw(win.canvas, DIGITS[7])
    qtbot.wait(100)
    assert win.prediction_panel.predictionLabel.text() == "Loading model…"
    with qtbot.waitSignal(win.inference_ready, timeout=60_000):
        gated_load.set()
    qtbot.waitUntil(lambda: win.prediction_panel.predictionLabel.text().startswith("7"),
                    timeout=10_000)
    win.close()


def test_only_a_window_that_starts_with_the_bundled_model_answers_early(tmp_path) -> None:
    from PySide6.QtCore import QSettings

    data = Path(os.environ["DIGITLAB_DATA_DIR"])
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    state = data / SHELF_STATE_FILE
    assert not state.exists()
    assert starts_with_bundled(settings)  # a first start
    settings.setValue(Keys.LAST_MODEL, str(tmp_path / "mine.safetensors"))
    assert not starts_with_bundled(settings)  # the last model file comes back
    data.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"canvas": BUNDLED_KEY}), encoding="utf-8")
    assert starts_with_bundled(settings)  # the bundled model was on the canvas last time
    state.write_text(json.dumps({"canvas": "run:20260101-120000-1"}), encoding="utf-8")
    assert not starts_with_bundled(settings)  # a run was


def test_without_onnxruntime_digitlab_gui_answers_once_torch_is_there(tmp_path) -> None:
    # In a fresh process whose onnxruntime import fails, through the start-up probe.
    probe = tmp_path / "probe.json"
    code = ("import runpy, sys; sys.modules['onnxruntime'] = None; "
            f"sys.argv = ['startup_probe.py', {str(probe)!r}, '--', '--size', '1024x700']; "
            "runpy.run_path('benchmarks/startup_probe.py', run_name='__main__')")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "DIGITLAB_SETTINGS": str(tmp_path / "s.ini"),
           "DIGITLAB_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    record = json.loads(probe.read_text(encoding="utf-8"))
    assert record["answered_by"] == "torch" and record["label"].startswith("7")
    assert "Traceback" not in result.stderr
