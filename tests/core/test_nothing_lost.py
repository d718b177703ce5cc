"""Nothing lost: kill -9 during a checkpoint save, Ctrl+C (once and twice) during training.

Every test here drives a real child process and sends it real signals.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cnn_core.checkpoints import (
    STALE_TEMP_SECONDS,
    bundled_checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
from cnn_core.cli import EXIT_INTERRUPTED, EXIT_STOPPED, build_parser

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# A checkpoint of about 13 MB saved again and again. With "half" the save stops for a minute
# with half of the temporary file written, with "whole" once it is all written (before the
# rename); with "none" it runs free and the kill lands wherever it lands.
_SAVER = """
import os, sys, time
from cnn_core.checkpoints import Checkpoint, make_metadata, save_checkpoint
from cnn_core.models.specs import build_model

target, pause = sys.argv[1], sys.argv[2]
real_fdopen, real_fsync = os.fdopen, os.fsync

class HalfWriter:
    def __init__(self, handle):
        self.handle = handle
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)
    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        print("paused half-written", flush=True)
        time.sleep(60)
    def __getattr__(self, name):
        return getattr(self.handle, name)

def fdopen(fd, *args, **kwargs):
    handle = real_fdopen(fd, *args, **kwargs)
    return HalfWriter(handle) if pause == "half" and saves >= 2 else handle

def fsync(fd):
    real_fsync(fd)
    if pause == "whole" and saves >= 2:
        print("paused whole-written", flush=True)
        time.sleep(60)

os.fdopen, os.fsync = fdopen, fsync
spec = {"name": "wide", "input_shape": [1, 28, 28], "num_classes": 10,
        "features": [{"type": "conv", "out_channels": 4, "kernel_size": 3, "padding": 1}],
        "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 1024},
                       {"type": "relu"}, {"type": "linear", "out_features": 10}]}
model = build_model(spec, seed=0)
for saves in range(1, 1_000_000):
    print(f"saving {saves}", flush=True)
    save_checkpoint(target, Checkpoint(model, make_metadata(model, epochs=saves)))
"""

# `digitlab train` whose checkpoint save stops for a minute once the temporary file is
# written (in fsync): a second Ctrl+C then lands in the middle of the save, every time. The
# pause sleeps in short slices, for the reason given in test_cli_honest_runs (a signal that
# the kernel hands to another thread is handled when the main thread next runs Python code),
# and SIGUSR1 prints every thread's stack.
_SLOW_SAVE_TRAIN = """
import faulthandler, os, signal, sys, time
faulthandler.register(signal.SIGUSR1, all_threads=True)
real_fsync = os.fsync
def slow_fsync(fd):
    print("test: checkpoint written to its temporary file", file=sys.stderr, flush=True)
    for _ in range(600):
        time.sleep(0.1)
    real_fsync(fd)
os.fsync = slow_fsync
from cnn_core.cli import main
sys.exit(main(sys.argv[1:]))
"""

TRAIN = ["train", "--model", "lenet", "--epochs", "40", "--max-train-samples", "2000",
         "--schedule", "none", "--seed", "0", "--device", "cpu", "--json"]


class Child:
    """A child Python process whose stderr (or stdout) lines can be awaited."""

    def __init__(self, args: list[str], cwd: Path, lines_from: str = "stderr") -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[str] = queue.Queue()
        self.arrived: dict[str, float] = {}  # line -> when it was read (perf_counter)
        self.seen: list[str] = []
        self.other = ""
        watched = self.proc.stderr if lines_from == "stderr" else self.proc.stdout
        other = self.proc.stdout if lines_from == "stderr" else self.proc.stderr
        self._pump_thread = threading.Thread(target=self._pump, args=(watched,), daemon=True)
        self._pump_thread.start()
        self._other = threading.Thread(target=self._drain, args=(other,), daemon=True)
        self._other.start()

    def _pump(self, stream) -> None:  # noqa: ANN001
        for line in stream:
            self.arrived.setdefault(line.rstrip("\n"), time.perf_counter())
            self.lines.put(line.rstrip("\n"))

    def _drain(self, stream) -> None:  # noqa: ANN001
        self.other = stream.read()

    def wait_for(self, needle: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} never came; got {self.seen[-10:]}, "
                             f"exit {self.proc.poll()}, other stream {self.other[-2000:]!r}")

    def finish(self, timeout: float = 60.0, stacks_signal: int | None = None) -> int:
        """Wait for the child to exit; if it does not, fail with its last lines, and with
        every thread's stack where the child prints them on ``stacks_signal``."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if stacks_signal is not None:
                self.proc.send_signal(stacks_signal)
                time.sleep(2.0)
            while not self.lines.empty():
                self.seen.append(self.lines.get())
            raise AssertionError(f"still running after {timeout:.0f} s; its last lines:\n"
                                 + "\n".join(self.seen[-60:])) from None
        self._other.join(timeout=10)
        self._pump_thread.join(timeout=10)  # every line the child wrote is in the queue
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code

    def kill(self) -> None:
        """Make sure the child is gone and its pipes are closed."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self._other.join(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def test_kill_9_in_the_middle_of_saves_leaves_the_previous_checkpoint(tmp_path: Path) -> None:
    target = tmp_path / "model.safetensors"
    rng = random.Random(8)
    mid_write = 0
    rounds = [("half", "paused half-written"), ("whole", "paused whole-written"),
              ("none", ""), ("none", ""), ("none", "")]
    for pause, marker in rounds:
        earlier = set(_temps(tmp_path, target.name))
        child = Child(["-c", _SAVER, str(target), pause], tmp_path, lines_from="stdout")
        try:
            child.wait_for("saving 2")  # one complete save behind it
            if marker:
                child.wait_for(marker)
                started = 2
            else:
                child.wait_for("saving ")
                time.sleep(rng.uniform(0.0, 0.05))  # somewhere in that save, or just after
            os.kill(child.proc.pid, signal.SIGKILL)
            assert child.finish() == -signal.SIGKILL
        finally:
            child.kill()
        if not marker:
            # The save under way when the kill landed is the last one the child announced;
            # on a loaded machine that can be well past the line this test read before.
            started = max(int(line.split()[1]) for line in child.seen if line.startswith("saving "))
        leftovers = [t for t in _temps(tmp_path, target.name) if t not in earlier]
        mid_write += bool(leftovers)
        if marker:
            assert len(leftovers) == 1 and leftovers[0].stat().st_size > 1_000_000
        ck = load_checkpoint(target)  # whole and loadable, never half-written
        assert ck.meta["epochs"] in (started - 1, started)
        if marker:
            assert ck.meta["epochs"] == 1  # the save that was killed changed nothing
        shapes = {tuple(t.shape) for t in ck.model.state_dict().values()}
        assert (1024, 4 * 28 * 28) in shapes
    print(f"kill -9 left a temporary file (killed during the save) in {mid_write} of "
          f"{len(rounds)} rounds")

    # A later save removes a killed save's temporary file once it is old, not a young one.
    leftovers = _temps(tmp_path, target.name)
    young = tmp_path / f".{target.name}.young.tmp"
    young.write_bytes(b"another process's save in progress")
    old = tmp_path / f".{target.name}.old.tmp"
    old.write_bytes(b"left by a killed save")
    stale = time.time() - STALE_TEMP_SECONDS - 60
    for path in [*leftovers, old]:
        os.utime(path, (stale, stale))
    save_checkpoint(target, load_checkpoint(target))
    assert _temps(tmp_path, target.name) == [young]


def _train_child(tmp_path: Path, out: Path, script: str | None = None) -> Child:
    args = ["-c", script, *TRAIN] if script else ["-m", "cnn_core.cli", *TRAIN]
    return Child([*args, "--out", str(out)], tmp_path)


def test_ctrl_c_during_training_saves_the_checkpoint_and_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "run.safetensors"
    child = _train_child(tmp_path, out)
    try:
        child.wait_for("training lenet")
        child.wait_for("epoch 1/40  loss")  # epoch 1 done, well inside a run of 40
        sent = time.perf_counter()
        child.proc.send_signal(signal.SIGINT)
        code = child.finish()
        exited = time.perf_counter() - sent
    finally:
        child.kill()
    assert code == EXIT_STOPPED, child.seen
    summary = json.loads(child.other)
    assert summary["status"] == "stopped" and summary["checkpoint"] == str(out)
    assert 1 <= summary["epochs"] < 40
    text = "\n".join(child.seen)
    assert "Ctrl+C again to quit without saving" in text and f"saved {out}" in text
    ck = load_checkpoint(out)
    assert ck.name == "lenet" and len(ck.meta["history"]) == summary["epochs"]
    assert _temps(tmp_path, out.name) == []
    saved = child.arrived[f"saved {out}"] - sent
    print(f"first Ctrl+C: checkpoint saved {saved:.2f} s and process ended {exited:.2f} s "
          f"after the signal")
    assert saved < 10


def test_second_ctrl_c_quits_at_once_with_130_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run.safetensors"
    shutil.copyfile(bundled_checkpoint_path(), out)
    before = out.read_bytes()
    child = _train_child(tmp_path, out, _SLOW_SAVE_TRAIN)
    try:
        child.wait_for("epoch 1/40  loss")
        child.proc.send_signal(signal.SIGINT)
        child.wait_for("checkpoint written to its temporary file")  # the save is under way
        assert len(_temps(tmp_path, out.name)) == 1
        sent = time.perf_counter()
        child.proc.send_signal(signal.SIGINT)
        code = child.finish(stacks_signal=signal.SIGUSR1)
        exited = time.perf_counter() - sent
    finally:
        child.kill()
    assert code == EXIT_INTERRUPTED, child.seen
    assert child.seen[-1] == "digitlab: interrupted"
    assert child.other == ""  # no JSON summary: nothing was saved
    assert out.read_bytes() == before  # the older file at --out, intact
    assert _temps(tmp_path, out.name) == []  # and no half-written temporary file
    reacted = child.arrived["digitlab: interrupted"] - sent
    print(f"second Ctrl+C: quit {reacted:.2f} s and process ended {exited:.2f} s after the "
          f"signal")
    assert reacted < 2


def test_train_help_documents_the_exit_codes() -> None:
    parser = build_parser()
    train = next(a for a in parser._actions if a.dest == "command").choices["train"]
    text = " ".join(train.format_help().split())
    assert f"saves the checkpoint of the weights so far to --out and exits with {EXIT_STOPPED}" \
        in text
    assert f"A second Ctrl+C quits at once with {EXIT_INTERRUPTED} and writes no checkpoint" \
        in text
