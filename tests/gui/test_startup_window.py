"""Start-up: the window shows before torch is imported; the model loads behind it.

The subprocess tests start ``digitlab-gui``'s entry point with the start-up probe attached
from outside (benchmarks/startup_probe.py), as ``benchmarks/startup.py`` does; the in-process
tests hold the background load at a gate so that "before the model is ready" is a state the
test controls, not a race.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from digit_strokes import DIGITS

from app import model_loader
from app.main_window import MainWindow
from cnn_core.checkpoints import CheckpointError, bundled_checkpoint_path

ROOT = Path(__file__).resolve().parents[2]


def _start_app(tmp_path: Path, mode: str = "") -> tuple[subprocess.CompletedProcess, dict]:
    probe = tmp_path / "probe.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "DIGITLAB_SETTINGS": str(tmp_path / "s.ini"),
           "DIGITLAB_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    wrapper = [sys.executable, str(ROOT / "benchmarks" / "startup_probe.py"), str(probe)]
    if mode == "close":
        wrapper.append("--close")
    result = subprocess.run([*wrapper, "--", "--size", "1024x700"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    record = json.loads(probe.read_text(encoding="utf-8")) if probe.is_file() else {}
    return result, record


def test_the_window_module_does_not_import_torch() -> None:
    # What needs torch is imported inside MainWindow's _build_core and _make_* methods.
    code = ("import sys; from app.main import configure_pyqtgraph; configure_pyqtgraph(); "
            "import app.main_window; print(sorted(m for m in ('torch', 'cnn_core.checkpoints') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not bundled_checkpoint_path().is_file(), reason="no bundled model")
def test_the_window_is_painted_before_torch_is_imported_and_then_answers(tmp_path) -> None:
    result, record = _start_app(tmp_path)
    assert result.returncode == 0, result.stderr
    assert record["torch_at_show"] is False  # the first paint did not wait for torch
    assert record["shown"] < record["stroke"] <= record["predicted"]
    assert record["label"].startswith("7"), record  # the stroke drawn at once was answered
    # ... by the bundled model's ONNX copy, before torch; torch then answered the same.
    assert record["answered_by"] == "onnx" and record["torch_at_answer"] is False
    assert record["label_after"] == record["label"]
    assert record["predicted"] <= record["handed_over"]
    # The answer came first, the tabs after it (one build step at a time).
    assert record["built_at_prediction"] is False
    assert record["predicted"] <= record["all_built"]
    assert {"core", "training_panel", "dataset_browser"} <= set(record["blocks"])
    assert record["torch_threads"] == 1  # set by main once torch was there, not before
    assert "Traceback" not in result.stderr


def test_closing_the_window_while_torch_loads_exits_cleanly(tmp_path) -> None:
    result, record = _start_app(tmp_path, mode="close")
    assert result.returncode == 0, result.stderr
    assert record["torch_at_show"] is False and record["closed_while_loading"] is True
    assert "Traceback" not in result.stderr and "QThread" not in result.stderr


def _painted(_win: MainWindow) -> bool:
    return model_loader.started()  # the window starts the load after its first paint


def test_a_digit_drawn_while_the_model_loads_is_answered_once_it_is_ready(
        qtbot, draw, bundled, no_onnxruntime, gated_load, start_window) -> None:  # noqa: ANN001
    win = start_window(_painted)
    assert not win.is_ready() and win.checkpoint() is None
    assert win.prediction_panel.predictionLabel.text() == "Loading model…"
    assert not win.menus.openModelAction.isEnabled() and not win.model_bar.modelShelf.isEnabled()
    draw(win.canvas, DIGITS[7])  # the canvas works meanwhile
    assert win.canvas.image_array().max() > 0
    qtbot.wait(50)
    assert win.prediction_panel.predictionLabel.text() == "Loading model…"
    with qtbot.waitSignal(win.ready, timeout=30_000):
        gated_load.set()
    assert win.wait_until_ready(30_000)
    qtbot.waitUntil(lambda: win.prediction_panel.predictionLabel.text().startswith("7"),
                    timeout=10_000)
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())][:6] == [
        "Train", "Feature maps", "Kernels", "Compare", "Perturb", "Evaluate"]
    assert win.menus.openModelAction.isEnabled() and win.model_bar.modelShelf.isEnabled()
    win.close()


def test_closing_while_the_model_loads_builds_nothing_afterwards(
        qtbot, gated_load, start_window) -> None:  # noqa: ANN001
    win = start_window(_painted)
    load = model_loader.start()
    win.close()
    gated_load.set()
    assert load.wait(60)
    qtbot.wait(100)  # the queued "load finished" signal has been delivered by now
    assert not win.is_ready() and win.checkpoint() is None


def test_a_bad_bundled_model_loaded_in_the_background_gives_the_usual_message(
        qtbot, monkeypatch, no_onnxruntime, gated_load,
        start_window) -> None:  # noqa: ANN001
    def broken() -> None:
        raise CheckpointError("digitnet.safetensors: normalization.std must be a number")

    import app.models
    import cnn_core.checkpoints

    monkeypatch.setattr(cnn_core.checkpoints, "load_bundled", broken)
    monkeypatch.setattr(app.models, "load_bundled", broken)
    win = start_window(_painted)
    gated_load.set()
    assert win.wait_until_ready(30_000)
    text = win.banner.text()
    assert "The bundled model could not be loaded" in text and "normalization.std" in text
    assert "untrained" in text and "\n" not in text
    win.close()


def test_qt_paints_on_the_gui_thread_alone(monkeypatch) -> None:  # noqa: ANN001
    """Qt's painting thread pool is off in the GUI's process: while training takes both
    cores, the GUI thread waited for those threads to get a core (gui_responsiveness.py)."""
    from app.main import configure_qt_environment

    monkeypatch.delenv("QT_NO_GUI_THREADPOOL", raising=False)
    configure_qt_environment()
    assert os.environ["QT_NO_GUI_THREADPOOL"] == "1"
