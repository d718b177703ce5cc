"""DigitLab's window in a real process ends it with status 0: after training, with every tab
open, closed or not (app/lifetime.py). ``DIGITLAB_LONG_TESTS=1`` runs the session 20 times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from long_runs import LONG_TESTS

from app.models import DATA_DIR_ENV
from app.settings import SETTINGS_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SESSIONS = 20 if LONG_TESTS else 1


def _run(mode: str, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", SETTINGS_ENV: str(folder / "s.ini"),
           DATA_DIR_ENV: str(folder / "data"),
           "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    return subprocess.run([sys.executable, str(HERE / "window_process.py"), mode], env=env,
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def _assert_clean(result: subprocess.CompletedProcess, printed: str) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    assert printed in result.stdout
    assert "QThread" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("session", range(SESSIONS))
def test_training_twice_and_every_tab_then_closing_exits_0(tmp_path, session: int) -> None:
    _assert_clean(_run("session", tmp_path), "closed")


def test_a_script_that_returns_with_the_window_open_exits_0(tmp_path) -> None:
    _assert_clean(_run("unclosed", tmp_path), "returning with the window open")
