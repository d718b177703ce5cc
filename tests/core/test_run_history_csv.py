"""A run's history as CSV: ``digitlab runs export RUN --csv`` and ``digitlab runs list``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from recorded_runs import record_run

from cnn_core import cli
from cnn_core.checkpoints import save_checkpoint
from cnn_core.checkpoints.run_history import EPOCH_COLUMNS, RunSource, epoch_table, read_run
from cnn_core.checkpoints.run_store import RunStore
from cnn_core.runtime.user_data import DATA_DIR_ENV
from cnn_core.training import TrainConfig


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with one finished two-epoch lenet run (4 reports per epoch)."""
    root = tmp_path_factory.mktemp("digitlab-data")
    config = TrainConfig.for_model("lenet", epochs=2, max_train_samples=256, device="cpu",
                                   seed=0, batch_size=32, report_every=2, val_size=500)
    record_run(config, RunStore(root), number=7)
    return root


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _only_run(root: Path) -> Path:
    [folder] = (root / "runs").iterdir()
    return folder


def test_epoch_rows_hold_the_runs_history(data_folder, tmp_path, capsys):
    folder = _only_run(data_folder)
    out = tmp_path / "history.csv"
    assert cli.main(["runs", "export", str(folder), "--csv", "--out", str(out)]) == 0
    assert f"wrote {out} (2 rows, one per epoch" in capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(EPOCH_COLUMNS)
    rows = _rows(text)
    history = json.loads((folder / "run.json").read_text())["meta"]["history"]
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    for row, epoch in zip(rows, history, strict=True):
        for column in ("train_loss", "val_accuracy", "test_accuracy", "lr"):
            assert float(row[column]) == pytest.approx(epoch[column], rel=1e-12)
        assert float(row["elapsed_seconds"]) == pytest.approx(epoch["elapsed"], rel=1e-12)
        assert 0.0 <= float(row["test_accuracy"]) <= 1.0


def test_batch_rows_hold_each_reports_loss_and_gradient_norms(data_folder, tmp_path, capsys):
    folder = _only_run(data_folder)
    out = tmp_path / "batches.csv"
    assert cli.main(["runs", "export", str(folder), "--csv", "--batches",
                     "--out", str(out)]) == 0
    rows = _rows(out.read_text(encoding="utf-8"))
    record = json.loads((folder / "run.json").read_text())
    assert len(rows) == len(record["losses"]) == 8  # 8 steps per epoch, a report every 2
    assert [float(r["epoch"]) for r in rows] == pytest.approx(
        [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0])
    assert [float(r["loss"]) for r in rows] == pytest.approx([y for _, y in record["losses"]])
    layers = [name for name, _ in record["grad_norms"][0][1]]
    assert list(rows[0])[2:] == [f"grad_norm:{layer}" for layer in layers]
    assert float(rows[-1][f"grad_norm:{layers[0]}"]) == pytest.approx(
        record["grad_norms"][-1][1][0][1])


def test_a_run_is_found_by_number_and_the_csv_goes_to_stdout(data_folder, monkeypatch,
                                                              capsys):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_folder))
    assert cli.main(["runs", "list"]) == 0
    listing = capsys.readouterr().out
    assert "   7  finished" in listing and str(_only_run(data_folder)) in listing
    assert cli.main(["runs", "export", "#7", "--csv"]) == 0
    assert len(_rows(capsys.readouterr().out)) == 2
    assert cli.main(["runs", "list", "--json"]) == 0
    [run] = json.loads(capsys.readouterr().out)
    assert run["number"] == 7 and run["epochs"] == 2 and run["status"] == "finished"
    assert cli.main(["runs", "export", "8", "--csv"]) == 1
    assert "8: no such file, folder or run" in capsys.readouterr().err


def test_a_checkpoint_gives_its_epochs_but_no_batches(data_folder, tmp_path, capsys):
    record = read_run(_only_run(data_folder)).record
    assert record is not None
    checkpoint = tmp_path / "lenet.safetensors"
    save_checkpoint(checkpoint, RunStore(data_folder).load_final(record))
    assert cli.main(["runs", "export", str(checkpoint), "--csv"]) == 0
    assert len(_rows(capsys.readouterr().out)) == 2
    assert cli.main(["runs", "export", str(checkpoint), "--csv", "--batches"]) == 1
    assert "only a run folder keeps the per-batch history" in capsys.readouterr().err
    # the run's own final checkpoint finds the run.json beside it
    final = _only_run(data_folder) / "final.safetensors"
    assert cli.main(["runs", "export", str(final), "--csv", "--batches"]) == 0
    assert len(_rows(capsys.readouterr().out)) == 8


def test_usage_and_bad_runs(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:  # --csv is required
        cli.main(["runs", "export", str(tmp_path)])
    assert exc.value.code == 2 and "--csv" in capsys.readouterr().err
    assert cli.main(["runs", "export", str(tmp_path), "--csv"]) == 1
    assert "without a run.json: not a DigitLab run" in capsys.readouterr().err
    (tmp_path / "run.json").write_text("{}")
    assert cli.main(["runs", "export", str(tmp_path / "run.json"), "--csv"]) == 1
    assert "not a DigitLab run record" in capsys.readouterr().err


def test_an_interrupted_run_gives_the_epochs_it_kept(data_folder):
    source = read_run(_only_run(data_folder))
    assert source.record is not None
    source.record.meta = {**source.meta, "history": []}  # as while it was still training
    table = epoch_table(RunSource.of_record(source.record))
    assert [row[0] for row in table.rows] == [1, 2]


def test_what_a_run_did_not_measure_is_an_empty_cell():
    epoch = {"epoch": 1, "train_loss": 0.5, "train_accuracy": 0.8, "val_loss": None,
             "val_accuracy": None, "test_loss": 0.4, "test_accuracy": 0.9, "lr": 0.1,
             "samples_per_second": 1000.0, "elapsed": 2.5}
    text = epoch_table(RunSource({"history": [epoch]}, None, "a checkpoint")).to_csv()
    assert text.splitlines()[1] == "1,0.5,0.8,,,0.4,0.9,0.1,1000.0,2.5"
