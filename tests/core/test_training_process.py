"""Training in a child process: the same messages as in this process, clean ends, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from cnn_core.runtime.openmp_wait import USER_SETTINGS, sleep_while_waiting
from cnn_core.training import BatchDone, EpochDone, Finished, RunStarted, Stopped, TrainConfig
from cnn_core.training.process import (
    ProcessRun,
    TrainingProcessDied,
    _get_context,
    run_messages,
    shared_control,
    shared_gate,
)
from cnn_core.training.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]


def tiny(**overrides: object) -> TrainConfig:
    values = {"device": "cpu", "seed": 0, "epochs": 2, "max_train_samples": 256,
              "max_test_samples": 100, "report_every": 1, **overrides}
    return TrainConfig.for_model("lenet", **values)


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_process_run_reports_what_a_run_in_this_process_reports() -> None:
    config = tiny()
    local = list(run_messages(Trainer(config), threading.Event(), snapshot_interval=0.0))
    run = ProcessRun(config, shared_control(), shared_gate(), snapshot_interval=0.0, threads=1)
    remote = list(run.messages())

    assert [kind for kind, _ in remote] == [kind for kind, _ in local]
    events = [(a, b) for (kind, a), (_, b) in zip(local, remote, strict=True) if kind == "event"]
    assert [type(a) for a, _ in events] == [type(b) for _, b in events]
    assert isinstance(events[0][1], RunStarted) and events[0][0] == events[0][1]
    for a, b in events:
        if isinstance(a, BatchDone | EpochDone):
            assert (a.epoch, a.loss if isinstance(a, BatchDone) else a.train_loss) == (
                b.epoch, pytest.approx(b.loss if isinstance(b, BatchDone) else b.train_loss,
                                       rel=1e-3))
    finished = remote[-1][1]
    assert isinstance(finished, Finished)
    assert finished.test_accuracy == pytest.approx(local[-1][1].test_accuracy, abs=0.02)
    replays = [payload for kind, payload in remote if kind == "replay"]
    assert [s.epoch for s in replays] == [0, 1, 2] and all(s.state for s in replays)
    ckpt = finished.checkpoint  # a working model, unpickled in this process
    assert ckpt.model(__import__("torch").zeros(1, 1, 28, 28)).shape == (1, 10)
    assert not alive(run.pid)


def test_pause_and_stop_reach_the_child() -> None:
    control = shared_control()
    run = ProcessRun(tiny(epochs=50), control, shared_gate(), snapshot_interval=10.0,
                     threads=1)
    kinds = []
    for _kind, payload in run.messages():
        kinds.append(type(payload).__name__)
        if isinstance(payload, BatchDone) and payload.step == 2:
            control.pause()
            time.sleep(0.5)
            control.stop()
    assert kinds[-1] == "Stopped" and isinstance(payload, Stopped)
    assert payload.checkpoint.model is not None
    assert not alive(run.pid)


def test_a_killed_child_is_a_clear_error_and_leaves_nothing_running() -> None:
    control = shared_control()
    run = ProcessRun(tiny(epochs=50), control, shared_gate(), snapshot_interval=10.0,
                     threads=1)
    with pytest.raises(TrainingProcessDied, match=r"ended unexpectedly \(killed by signal 9\)"):
        for _kind, payload in run.messages():
            if isinstance(payload, BatchDone):
                os.kill(run.pid, signal.SIGKILL)
    assert not alive(run.pid)


def test_a_failure_in_the_child_is_raised_here_with_its_type() -> None:
    run = ProcessRun(tiny(dataset="nope"), shared_control(), shared_gate(), 1.0, threads=1)
    with pytest.raises(ValueError, match="dataset must be one of"):
        list(run.messages())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_exits_when_its_parent_dies(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from cnn_core.training import TrainConfig
        from cnn_core.training.process import ProcessRun, shared_control, shared_gate
        if __name__ == "__main__":
            control = shared_control()
            control.pause()  # the child would wait forever
            run = ProcessRun(TrainConfig.for_model("lenet", device="cpu", epochs=1,
                                                   max_train_samples=64), control,
                             shared_gate(), 1.0, threads=1)
            print(run.pid, flush=True)
            os._exit(0)  # no clean-up: as if the GUI crashed
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, check=True)
    pid = int(out.stdout.split()[-1])
    deadline = time.monotonic() + 60
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid), "the training process outlived its parent"


def _send_wait_policy(out: Connection) -> None:
    out.send(os.environ.get("OMP_WAIT_POLICY"))


@pytest.mark.skipif(any(name in os.environ for name in USER_SETTINGS),
                    reason="a user's own OpenMP wait setting is kept")
def test_training_processes_have_openmp_threads_that_sleep_while_they_wait() -> None:
    context = _get_context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_send_wait_policy, args=(send,))
    child.start()
    send.close()
    try:
        assert receive.recv() == "PASSIVE"  # set in the fork server before torch loaded
    finally:
        child.join(10)
    assert "OMP_WAIT_POLICY" not in os.environ  # this process is left alone


def test_a_users_own_openmp_wait_setting_is_kept() -> None:
    quiet: dict[str, str] = {}
    assert sleep_while_waiting(quiet) and quiet == {"OMP_WAIT_POLICY": "PASSIVE"}
    for name, value in (("OMP_WAIT_POLICY", "ACTIVE"), ("GOMP_SPINCOUNT", "300000")):
        chosen = {name: value}
        assert not sleep_while_waiting(chosen) and chosen == {name: value}
