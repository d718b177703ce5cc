"""What ``pip install .`` gives a user: a wheel with the code, the bundled model and MNIST.

The wheel is built from a clean copy of the source (so nothing stale in ``build/`` can hide a
missing package), installed with ``--no-deps --target`` next to this venv's torch, and run
from another folder with ``PYTHONPATH`` pointing at the install only. A full fresh venv with
torch would take minutes and gigabytes; that check is done by hand (see benchmarks/README.md).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from drawn_digits import render

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ("digitnet.safetensors", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".ruff_cache", "runs", "data", ".gl", ".whl",
                                 ".dev")


def _source_copy(dest: Path) -> Path:
    """The project's files as ``git`` sees them (tracked + untracked, not ignored)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                                capture_output=True, check=True).stdout.split(b"\0")
        for name in filter(None, (n.decode() for n in listed)):
            if (ROOT / name).is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, dest / name)
    else:
        shutil.copytree(ROOT, dest, ignore=_IGNORE, dirs_exist_ok=True)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = _source_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)]
    if importlib.util.find_spec("setuptools") and importlib.util.find_spec("wheel"):
        cmd.insert(4, "--no-build-isolation")  # offline and faster; same backend
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("digitlab-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                           "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return target


def _run(args: list[str], target: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run with only the installed copy importable (not the checkout)."""
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environ.update(PYTHONPATH=str(target), **env)
    return subprocess.run(args, cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=300)


def test_wheel_holds_code_model_data_and_entry_points(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = zf.read(entry_points).decode()
        sizes = {info.filename: info.file_size for info in zf.infolist()}
    for resource in RESOURCES:
        assert f"digitlab_resources/{resource}" in names
    assert sizes["digitlab_resources/digitnet.safetensors"] > 100_000
    assert sizes["digitlab_resources/train-images-idx3-ubyte.gz"] > 9_000_000
    # every module of the source tree ships (a subpackage missing from pyproject would not)
    for package in ("cnn_core", "app"):
        for module in (ROOT / package).rglob("*.py"):
            assert module.relative_to(ROOT).as_posix() in names
    assert sizes["app/i18n/digitlab_zh_CN.qm"] > 10_000  # the Chinese UI
    assert "digitlab = cnn_core.cli:main" in scripts
    assert "digitlab-gui = app.main:main" in scripts
    assert not any(n.startswith(("tests/", "benchmarks/", "resources/")) for n in names)


def test_installed_copy_predicts_and_evaluates_from_another_folder(
        installed: Path, tmp_path: Path) -> None:
    image = tmp_path / "five.png"
    Image.fromarray(np.stack([render(5)] * 3, axis=2)).save(image)
    where = _run([sys.executable, "-c",
                  "import cnn_core, app; from cnn_core.checkpoints import bundled_checkpoint_path;"
                  "from cnn_core.runtime.resources import resource_path;"
                  "print(cnn_core.__file__); print(app.__file__);"
                  "print(bundled_checkpoint_path());"
                  "print(resource_path('t10k-images-idx3-ubyte.gz'))"],
                 installed, tmp_path)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(installed.resolve()), line
    assert where.stdout.splitlines()[2].endswith("digitlab_resources/digitnet.safetensors")

    done = _run([sys.executable, "-m", "cnn_core.cli", "predict", str(image), "--json"],
                installed, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["label"] == 5

    done = _run([sys.executable, "-m", "cnn_core.cli", "evaluate", "--json"], installed, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 10_000 and result["accuracy"] >= 0.995


def test_installed_console_scripts_run(installed: Path, tmp_path: Path) -> None:
    bin_dir = installed / "bin"
    assert (bin_dir / "digitlab").is_file() and (bin_dir / "digitlab-gui").is_file()
    done = _run([str(bin_dir / "digitlab"), "models", "--json"], installed, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "lenet5" in {row["name"] for row in json.loads(done.stdout)}

    if importlib.util.find_spec("PySide6") is None:
        pytest.skip("PySide6 is not installed here: digitlab-gui cannot start")
    shot = tmp_path / "window.png"
    done = _run([str(bin_dir / "digitlab-gui"), "--screenshot", str(shot)], installed, tmp_path,
                QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    with Image.open(shot) as img:
        assert img.width >= 640 and img.height >= 400
        assert len(set(np.asarray(img.convert("L")).ravel().tolist())) > 10  # not blank
