"""cnn_core must work with Qt absent: import everything and train with Qt blocked."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_imports_and_trains_with_qt_blocked():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "pyqtgraph", "app", "shiboken6"):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import cnn_core
        for mod in pkgutil.walk_packages(cnn_core.__path__, "cnn_core."):
            importlib.import_module(mod.name)
        from cnn_core.training import TrainConfig, train
        events = list(train(TrainConfig(model="lenet", epochs=1, max_train_samples=64,
                                        max_test_samples=64, batch_size=32, device="cpu")))
        assert type(events[-1]).__name__ == "Finished"
        loaded = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "app")]
        assert not loaded, loaded
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
