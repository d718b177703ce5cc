"""Data-parallel training under torchrun: two gloo processes end with the same weights, and
the command writes one checkpoint and one result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from cnn_core.data.datasets import Split
from cnn_core.training.distributed import DistributedContext, shard

ROOT = Path(__file__).resolve().parents[2]


def _torchrun(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                           "--nproc_per_node=2", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_each_rank_gets_an_equal_share_and_no_image_twice():
    split = Split(torch.arange(11).reshape(11, 1, 1).to(torch.uint8), torch.arange(11))
    shares = [shard(split, DistributedContext(r, 3, r, "gloo")) for r in range(3)]
    assert [len(s.labels) for s in shares] == [3, 3, 3]
    seen = torch.cat([s.labels for s in shares])
    assert len(set(seen.tolist())) == 9


def test_two_ranks_end_with_identical_weights(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent("""
        import sys, torch
        from cnn_core.training import TrainConfig, Trainer, distributed
        ctx = distributed.start("cpu")
        config = TrainConfig(model="lenet_bn", epochs=1, batch_size=50, seed=0, device="cpu",
                             max_train_samples=800, max_test_samples=200, val_size=200)
        trainer = Trainer(config, distributed=ctx)
        events = list(trainer.run())
        torch.save({"state": trainer.model.state_dict(), "seen": len(trainer._train.labels),
                    "steps": events[-1].history[-1].epoch,
                    "dead": events[-1].history[-1].dead_units},
                   f"{sys.argv[1]}/rank{ctx.rank}.pt")
        distributed.leave()
    """))
    result = _torchrun([str(script), str(tmp_path)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    assert ranks[0]["seen"] == ranks[1]["seen"] == 400  # each trained on half the images
    # dead ReLUs are merged over the ranks (a unit fired if it did on either): both say the same
    assert ranks[0]["dead"] == ranks[1]["dead"] and len(ranks[0]["dead"]) == 4
    state0, state1 = ranks[0]["state"], ranks[1]["state"]
    assert state0.keys() == state1.keys()
    for key in state0:  # weights and BatchNorm statistics, bit for bit
        assert torch.equal(state0[key], state1[key]), key
    fresh = _untrained_state()
    assert not torch.equal(state0["features.conv1.weight"], fresh["features.conv1.weight"])


def _untrained_state() -> dict[str, torch.Tensor]:
    from cnn_core.models import get_spec
    from cnn_core.models.specs import build_model

    return build_model(get_spec("lenet_bn"), seed=0).state_dict()


def test_torchrun_train_writes_one_checkpoint_and_one_result(tmp_path):
    out = tmp_path / "ddp.safetensors"
    result = _torchrun(["-m", "cnn_core.cli", "train", "--model", "lenet", "--epochs", "1",
                        "--max-train-samples", "1000", "--seed", "0", "--device", "cpu",
                        "--json", "--out", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)  # one JSON document: only rank 0 printed
    assert report["ranks"] == 2 and report["ranks_agree"] is True
    assert report["status"] == "finished"
    assert [p.name for p in tmp_path.iterdir()] == ["ddp.safetensors"]
    from cnn_core.checkpoints import load_checkpoint

    assert load_checkpoint(out).meta["epochs"] == 1


def test_distributed_outside_torchrun_says_how_to_start_it(capsys, monkeypatch):
    from cnn_core import cli

    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(key, raising=False)
    code = cli.main(["train", "--distributed", "--model", "lenet", "--epochs", "1",
                     "--max-train-samples", "200", "--device", "cpu"])
    assert code != 0
    assert "torchrun --nproc_per_node=2" in capsys.readouterr().err


@pytest.mark.skipif(not torch.cuda.is_available() or torch.cuda.device_count() < 2,
                    reason="NCCL needs two CUDA devices")
def test_nccl_on_two_gpus(tmp_path):
    result = _torchrun(["-m", "cnn_core.cli", "train", "--model", "lenet", "--epochs", "1",
                        "--max-train-samples", "2000", "--device", "cuda", "--json",
                        "--out", str(tmp_path / "m.safetensors")], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout)["ranks_agree"] is True
