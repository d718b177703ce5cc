"""A training run in a child process, reported as the same messages as one in this process.

Training in a thread of a GUI process shares the GIL with the GUI: every Python line of a
training step (the optimizer, the autograd bookkeeping) holds it, and the window waits.
:class:`ProcessRun` runs :class:`~.trainer.Trainer` in a child process instead; the parent
only receives pickled copies of what the run reports, so nothing it holds is shared.

Both ways of running speak :func:`run_messages`: tagged tuples ``(kind, payload)``

- ``("event", e)``: every event of :meth:`Trainer.run` (``RunStarted`` … ``Finished``);
- ``("replay", Snapshot)``: the weights at the start and after each epoch (epoch replay);
- ``("snapshot", Checkpoint)``: the live model, at most every ``snapshot_interval`` seconds
  and only once the receiver has cleared ``gate`` (so a busy receiver gets no backlog).

Pause and stop are :class:`~.config.TrainControl` flags shared with the child
(:func:`shared_control`). If the parent dies, the child notices the closed lifeline pipe and
exits; if the child dies, :meth:`ProcessRun.messages` raises :class:`TrainingProcessDied`.
The child sets its own thread count, malloc tuning and priority (``DIGITLAB_TRAIN_NICE``,
default 10: the window comes first): it is an entry point. Its OpenMP threads sleep while
they wait (set before torch loads, in the fork server: :mod:`cnn_core.runtime.training_server`).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any, Protocol

from .config import TrainConfig, TrainControl
from .events import BatchDone, Diverged, EpochDone, Finished, RunStarted, Stopped
from .trainer import Trainer

__all__ = ["NICE_ENV", "Message", "ProcessRun", "TrainingProcessDied", "run_messages",
           "shared_control", "shared_gate", "start_method"]

Message = tuple[str, Any]
NICE_ENV = "DIGITLAB_TRAIN_NICE"  # niceness of the training process; 0 keeps the parent's
# Below the window's priority, the training process yields a core the moment the GUI needs
# one. Measured with lenet at load ~10 on 2 cores: stroke → prediction p95 37 ms against 96,
# event-loop stall p99 19 ms against 78, training 91 % of headless against 126 % (noisy).
DEFAULT_NICE = 10


class _Flag(Protocol):
    def is_set(self) -> bool: ...
    def set(self) -> None: ...
    def clear(self) -> None: ...


class TrainingProcessDied(RuntimeError):
    """The child process ended without finishing its run (killed, crashed, out of memory)."""


def run_messages(trainer: Trainer, gate: _Flag, snapshot_interval: float
                 ) -> Iterator[Message]:
    """Iterate ``trainer`` and yield what a receiver needs (see the module's docstring).

    Snapshots are taken between two events, while the generator is suspended and the model
    is still; the replay snapshot after an epoch is exactly that epoch's final weights.
    """
    from ..checkpoints.runs import Snapshot

    last_snapshot = 0.0
    for event in trainer.run():
        yield "event", event
        if isinstance(event, RunStarted):
            yield "replay", Snapshot.of(0, trainer.model)
        elif isinstance(event, EpochDone):
            yield "replay", Snapshot.of(event.epoch, trainer.model, event.as_dict())
        if not isinstance(event, BatchDone | EpochDone) or trainer.control.stopped:
            continue  # the terminal event carries the final weights anyway
        now = time.monotonic()
        if isinstance(event, BatchDone) and (gate.is_set()
                                             or now - last_snapshot < snapshot_interval):
            continue
        last_snapshot = now
        gate.set()
        yield "snapshot", trainer.snapshot()


def start_method() -> str:
    """``forkserver`` where there is one, else ``spawn``.

    Children fork from a server that has already imported torch and loaded the bundled MNIST
    (:mod:`.preload`): a run's process is ready in ~0.1 s instead of seconds.
    """
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


_context: Any = None


def _get_context() -> Any:
    global _context
    if _context is None:
        _context = mp.get_context(start_method())
        if start_method() == "forkserver":
            # the server's OpenMP settings first: torch's runtime reads them when it loads
            _context.set_forkserver_preload(["cnn_core.runtime.training_server", "torch",
                                             __name__, f"{__package__}.preload"])
    return _context


def shared_control() -> TrainControl:
    """A :class:`TrainControl` whose flags a child process shares (pass it to ProcessRun)."""
    return TrainControl(events=_get_context().Event)  # the same API as threading's


def _exit_when_orphaned(lifeline: Connection) -> None:
    """Child thread: the parent never writes to the lifeline; EOF means it is gone."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(3)


def _child_main(config: TrainConfig, control: TrainControl, gate: _Flag, interval: float,
                threads: int | None, out: Connection, lifeline: Connection) -> None:
    """The child's entry point: train and send every message, pickled, to ``out``."""
    import torch

    from ..runtime.allocator import keep_freed_memory

    threading.Thread(target=_exit_when_orphaned, args=(lifeline,), daemon=True).start()
    niceness = os.environ.get(NICE_ENV, str(DEFAULT_NICE))
    if niceness.isdigit() and int(niceness) > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(int(niceness))  # below the window's priority: it never waits for training
    if threads:
        torch.set_num_threads(threads)
    keep_freed_memory()  # as `digitlab train` does: else each step page-faults its memory in
    try:
        for message in run_messages(Trainer(config, control), gate, interval):
            out.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    except (BrokenPipeError, ConnectionResetError):
        return  # the parent is gone: nobody to tell
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
        try:
            payload = pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its type and text
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with contextlib.suppress(OSError):
            out.send_bytes(payload)
    finally:
        out.close()


class ProcessRun:
    """One training run in a child process.

    Parameters
    ----------
    config
        The run.
    control
        From :func:`shared_control`; the caller pauses, resumes and stops through it.
    gate
        A flag from :func:`shared_gate`; set by the child when it sends a live snapshot,
        cleared by the receiver once it has taken it.
    snapshot_interval
        Least seconds between two live snapshots.
    threads
        CPU threads the child trains with (default: torch's own default for the machine,
        as ``digitlab train`` uses). ``pid`` is the child's process id.
    """

    def __init__(self, config: TrainConfig, control: TrainControl, gate: _Flag,
                 snapshot_interval: float, threads: int | None = None) -> None:
        ctx = _get_context()
        self.config = config
        self.control = control
        self.gate = gate  # referenced until the child has it: its semaphore dies with it
        self._receive, send = ctx.Pipe(duplex=False)
        keep, self._lifeline = ctx.Pipe(duplex=False)
        self.process = ctx.Process(
            target=_child_main, name="digitlab-training", daemon=True,
            args=(config, control, gate, snapshot_interval, threads, send, keep))
        self.process.start()
        self.pid: int | None = self.process.pid
        send.close()  # ours closed, the child's end is the only writer: its exit means EOF
        keep.close()

    def messages(self) -> Iterator[Message]:
        """Yield the child's messages until its terminal event; re-raise its failure.

        Raises
        ------
        TrainingProcessDied
            The child ended without a terminal event (killed, crashed).
        """
        try:
            while True:
                try:
                    kind, payload = pickle.loads(self._receive.recv_bytes())
                except (EOFError, OSError):  # OSError: it died in the middle of a message
                    self.process.join(5)
                    raise TrainingProcessDied(self._death_message()) from None
                if kind == "error":
                    raise payload
                yield kind, payload
                if kind == "event" and isinstance(payload, Finished | Stopped | Diverged):
                    return
        finally:
            self.close()

    def kill(self) -> None:
        """End the child at once (SIGKILL; safe from any thread): its pipe then reads EOF and
        :meth:`messages` raises :class:`TrainingProcessDied`. A no-op once it has ended."""
        with contextlib.suppress(ValueError, OSError):  # ValueError: already closed
            if self.process.is_alive():
                self.process.kill()

    def _death_message(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            how = f"killed by signal {-code}"
        elif code is None:
            how = "it stopped answering"
        else:
            how = f"exit code {code}"
        return f"the training process ended unexpectedly ({how})"

    def close(self, timeout: float = 5.0) -> None:
        """Wait for the child to exit (kill it after ``timeout`` s) and free the pipes."""
        self.control.stop()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        for conn in (self._receive, self._lifeline):
            conn.close()
        self.process.close()


def shared_gate() -> _Flag:
    """A flag both processes see (the live-snapshot gate of :class:`ProcessRun`)."""
    return _get_context().Event()
