"""File ▸ Export model…: the canvas model as ONNX, torch.export or PyTorch code, chosen in
the file dialog, checked against DigitLab, with the result in the banner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from cnn_core.checkpoints.graph_export import reference_probabilities, run_exported


@pytest.mark.parametrize("fmt, chosen", [("onnx", "ONNX graph (*.onnx)"),
                                         ("pt2", "torch.export program (*.pt2)")])
def test_export_from_the_file_menu_checks_the_file(qtbot: Any, window: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, fmt: str,
                                                   chosen: str) -> None:
    if fmt == "onnx":
        pytest.importorskip("onnxruntime")
    target = tmp_path / f"exported.{fmt}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), chosen))
    labels: list[str] = []  # what the progress dialog said, stage by stage
    real_set_label = QProgressDialog.setLabelText

    def set_label(dialog: QProgressDialog, text: str) -> None:
        labels.append(text)
        real_set_label(dialog, text)

    monkeypatch.setattr(QProgressDialog, "setLabelText", set_label)
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "agrees with DigitLab" in window.banner.text(), timeout=120_000)
    assert target.is_file() and f"({fmt})" in window.banner.text()
    assert labels == ["Tracing the model and writing the file…",
                      "Checking the file against DigitLab on MNIST test pictures…"]
    images = np.random.default_rng(1).random((8, 28, 28), dtype=np.float32)
    want = reference_probabilities(window.checkpoint(), images)
    assert np.abs(run_exported(target, fmt, images) - want).max() <= 1e-4


def test_export_as_python_code(qtbot: Any, window: Any, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "net"  # no suffix: the chosen filter decides
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PyTorch code (*.py)"))
    window.menus.exportModelAction.trigger()
    assert "class Net" in window.banner.text()
    source = target.with_suffix(".py").read_text()  # the format's suffix added
    compile(source, "net.py", "exec")
    assert "class Net(nn.Module):" in source
