"""A run as a training script: it reproduces DigitLab's run, needs only torch + torchvision,
passes ruff, and a run it cannot express is refused with exit code 2."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from recorded_runs import torchvision_mnist

from cnn_core import cli
from cnn_core.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from cnn_core.checkpoints.runs import run_metadata
from cnn_core.checkpoints.script_export import HANDLED_SETTINGS, run_script
from cnn_core.models import create_model, get_spec
from cnn_core.training import Finished, TrainConfig, Trainer

REPO = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")

# The script runs with DigitLab's packages unimportable: it must not need them.
_RUN_WITHOUT_DIGITLAB = """
import runpy, sys
for name in ("cnn_core", "app", "digitlab_resources"):
    sys.modules[name] = None  # an import of it raises ImportError
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.fixture(scope="module")
def mnist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return torchvision_mnist(tmp_path_factory.mktemp("data"))


def _ruff(*paths: Path) -> None:
    """The project's lint rules (pycodestyle, pyflakes, isort, bugbear, pyupgrade)."""
    result = subprocess.run([str(RUFF), "check", "--no-cache", "--config",
                             str(REPO / "pyproject.toml"), *map(str, paths)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _run_script(script: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", _RUN_WITHOUT_DIGITLAB, str(script), *args],
                            capture_output=True, text=True, check=False, timeout=600,
                            cwd=script.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def test_the_script_of_a_lenet5_run_reaches_the_runs_test_accuracy(mnist, tmp_path, capsys):
    checkpoint = tmp_path / "lenet5.safetensors"
    code = cli.main(["train", "--model", "lenet5", "--epochs", "1", "--max-train-samples",
                     "4000", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "20",
                     "--schedule", "onecycle", "--device", "cpu", "--seed", "3",
                     "--data-dir", str(mnist), "--out", str(checkpoint)])
    assert code == 0
    digitlab = load_checkpoint(checkpoint).meta["metrics"]["test_accuracy"]
    script = tmp_path / "train.py"
    assert cli.main(["export", "--checkpoint", str(checkpoint), "--format", "script",
                     "--out", str(script)]) == 0
    assert f"wrote {script}" in capsys.readouterr().err
    source = script.read_text(encoding="utf-8")
    assert _imports(source) == {"argparse", "collections", "torch", "torchvision"}
    for line in ("SEED = 3", "EPOCHS = 1", "BATCH_SIZE = 20", "LR = 0.01", "TRAIN_SAMPLES = 4000",
                 "VAL_SIZE = 5000", "datasets.MNIST(root, train=True, download=False)",
                 'if __name__ == "__main__":', "torch.optim.lr_scheduler.OneCycleLR("):
        assert line in source
    _ruff(script)

    out = _run_script(script, "--data", str(mnist), "--device", "cpu")
    [figure] = re.findall(r"^test accuracy: ([\d.]+) %$", out, flags=re.MULTILINE)
    exported = float(figure)
    print(f"\nDigitLab's run: {100 * digitlab:.2f} %; its exported script: {exported:.2f} %")
    assert digitlab > 0.5  # it learnt: the comparison means something
    assert abs(exported - 100 * digitlab) <= 0.3


_BLOCKS = {  # the tutorials' custom layers: a centring expression, a Scale, tied weights
    "name": "blocks", "num_classes": 10, "init": "kaiming",
    "features": [{"type": "conv", "out_channels": 6, "kernel_size": 5, "padding": 2},
                 {"type": "expression", "expr": "x - x.mean()"},
                 {"type": "scale", "bias": True}, {"type": "relu"},
                 {"type": "maxpool", "kernel_size": 2}, {"type": "dropout", "p": 0.2}],
    "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 32},
                   {"type": "relu"}, {"type": "linear", "out_features": 32, "name": "hidden"},
                   {"type": "relu"}, {"type": "shared", "of": "hidden"}, {"type": "relu"},
                   {"type": "linear", "out_features": 10}]}


def test_custom_and_tied_layers_train_alike_in_the_script(mnist, tmp_path):
    """Expression, Scale and a shared (tied) layer, with dropout: the same steps."""
    config = TrainConfig(model_spec=_BLOCKS, epochs=1, batch_size=50, optimizer="adam",
                         lr=3e-3, schedule="cosine", augment=False, device="cpu", seed=2,
                         val_size=500, max_train_samples=1000, max_test_samples=1000,
                         data_dir=str(mnist))
    *_, end = Trainer(config).run()
    assert isinstance(end, Finished)
    script = tmp_path / "blocks.py"
    script.write_text(run_script(end.checkpoint.meta), encoding="utf-8")
    _ruff(script)
    source = script.read_text(encoding="utf-8")
    assert 'Lambda(lambda x: x - x.mean())' in source and '.tie(self.classifier.hidden)' in source
    out = _run_script(script, "--data", str(mnist), "--device", "cpu")
    [figure] = re.findall(r"^test accuracy: ([\d.]+) %$", out, flags=re.MULTILINE)
    print(f"\nblocks: DigitLab {100 * end.test_accuracy:.2f} %, script {figure} %")
    assert abs(float(figure) - 100 * end.test_accuracy) <= 0.3


def _config(**changes: object) -> dict[str, object]:
    config = dataclasses.replace(TrainConfig.for_model("lenet5", device="cpu"), **changes)
    return dataclasses.asdict(config)


_VARIANTS = [
    dict(optimizer=opt, schedule=sched, augment=aug, ema_decay=ema, val_size=val,
         target_accuracy=0.99 if val else None)
    for (opt, sched), aug, ema, val in itertools.product(
        [("sgd", "none"), ("adam", "onecycle"), ("adamw", "cosine"), ("sgd", "step")],
        [False, True], [0.0, 0.999], [0, 5000])
]


def test_every_kind_of_run_gives_a_clean_script(tmp_path):
    """Every optimizer, schedule, augmentation, average and split: ruff-clean, compiles."""
    scripts = []
    for index, changes in enumerate(_VARIANTS):
        meta = run_metadata(get_spec("digitnet"), "mnist", _config(**changes))
        meta["seed"] = index
        path = tmp_path / f"train_{index}.py"
        path.write_text(run_script(meta), encoding="utf-8")
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
        scripts.append(path)
    _ruff(*scripts)
    text = (tmp_path / "train_0.py").read_text(encoding="utf-8")
    assert "scheduler" not in text and "VAL_SIZE" not in text and "AUGMENT" not in text
    meta = run_metadata(get_spec("lenet5"), "mnist", _config(normalize=False))
    plain = run_script({**meta, "seed": 0})
    assert "MEAN = 0.0  # input normalisation: off in this run" in plain and "STD = 1.0" in plain
    last = (tmp_path / f"train_{len(_VARIANTS) - 1}.py").read_text(encoding="utf-8")
    for needle in ("StepLR(", "update_average(average, model, step)", "TARGET_ACCURACY = 0.99",
                   "transforms.RandomAffine(", "AUGMENT(image)"):
        assert needle in last


@pytest.mark.parametrize(("dataset", "needles"), [
    ("fashion_mnist", ["datasets.FashionMNIST(root, train=True, download=False)",
                       "MEAN = 0.286", "Usage (Fashion-MNIST in data/FashionMNIST/raw"]),
    ("emnist_digits", ['datasets.EMNIST(root, train=False, download=False, split="digits")',
                       "train.data.transpose(1, 2)"]),
])
def test_the_other_data_sets_load_through_their_torchvision_class(dataset, needles, tmp_path):
    meta = run_metadata(get_spec("lenet"), dataset, _config(dataset=dataset))
    meta["seed"] = 0
    path = tmp_path / "train.py"
    path.write_text(run_script(meta), encoding="utf-8")
    _ruff(path)
    text = path.read_text(encoding="utf-8")
    for needle in needles:
        assert needle in text


def test_a_script_with_every_extra_runs(mnist, tmp_path):
    """Augmentation, the weights' moving average, a per-epoch schedule, a target and bfloat16
    forward passes: it runs two epochs (more than the run's one) and reports each."""
    meta = run_metadata(get_spec("lenet"), "mnist", _config(
        optimizer="adamw", schedule="step", augment=True, ema_decay=0.9, target_accuracy=0.999,
        max_train_samples=200, max_test_samples=300, batch_size=50, val_size=1000,
        autocast_bf16=True))
    meta["seed"] = 1
    script = tmp_path / "extras.py"
    script.write_text(run_script(meta), encoding="utf-8")
    assert "with torch.autocast(device.type, dtype=torch.bfloat16):" in script.read_text()
    assert "torch.autocast" not in run_script({**meta, "config": _config()})
    out = _run_script(script, "--data", str(mnist), "--epochs", "2", "--device", "cpu")
    assert "200 training images, 4 steps per epoch, on cpu" in out
    assert "epoch 1/2:" in out and "epoch 2/2:" in out and "validation accuracy" in out
    assert re.search(r"^test accuracy: [\d.]+ %$", out, flags=re.MULTILINE)


def test_every_training_setting_is_known_to_the_script():
    """A new TrainConfig field must be taught to the script export (or refused by it)."""
    assert {f.name for f in dataclasses.fields(TrainConfig)} <= HANDLED_SETTINGS


def _checkpoint(path: Path, meta_changes: dict[str, object]) -> Path:
    model = create_model("lenet", seed=0)
    meta = run_metadata(model.spec, "mnist", _config(model="lenet"))
    meta.update(meta_changes)
    save_checkpoint(path, Checkpoint(model, meta))
    return path


@pytest.mark.parametrize(("changes", "says"), [
    ({"dataset": "own"}, "dataset 'Your own digits': torchvision has no loader for it"),
    ({"config": {}}, "it holds no training settings"),
    ({"config": {**_config(), "mixup": 0.2}}, "setting mixup = 0.2: the script has no "
                                              "counterpart"),
    ({"config": {**_config(), "optimizer": "lion"}}, "optimizer 'lion': not one of"),
])
def test_a_run_the_script_cannot_express_is_refused_with_exit_2(changes, says, tmp_path,
                                                                 capsys):
    checkpoint = _checkpoint(tmp_path / "odd.safetensors", changes)
    out = tmp_path / "train.py"
    code = cli.main(["export", "--checkpoint", str(checkpoint), "--format", "script",
                     "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "cannot be written as a script" in err and says in err
    assert not out.exists()


def test_a_run_folder_exports_as_a_script(tmp_path, capsys):
    from recorded_runs import record_run

    from cnn_core.checkpoints.run_store import RunStore

    config = TrainConfig.for_model("lenet", epochs=1, max_train_samples=64, device="cpu",
                                   seed=5, batch_size=32, max_test_samples=100, val_size=500)
    store = RunStore(tmp_path / "data")
    record = record_run(config, store, number=2)
    out = tmp_path / "run2.py"
    assert cli.main(["export", "--checkpoint", str(store.folder(record)), "--format", "script",
                     "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "from run #2" in text and "SEED = 5" in text and "TEST_SAMPLES = 100" in text
