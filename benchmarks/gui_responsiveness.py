"""Does training in the GUI keep the window responsive, as fast as headless, and small?

Runs offscreen. For each model (LeNet and digitnet), with the feature maps closed (Train tab
shown) and open (Feature maps tab: they follow the live model), training in the GUI's
training process:

- stroke → shown prediction (ms): real mouse press/move/release events on the canvas, a
  13-point stroke every 250 ms with a move every 16 ms as a mouse sends them, while
  training, timed from the release to the prediction panel's update;
- event-loop stall (ms): how late a 10 ms ``QTimer`` probe fires;
- training samples/s of the GUI run against a headless run (``Trainer(config).run()`` in a
  fresh process at torch's default thread count, as ``digitlab train``), one before and one
  after each model's GUI runs, averaged. The headless process runs at the niceness the window
  gives its training process (``--headless-nice``, default the window's): on a quiet machine
  that changes nothing, on a shared one both compete with the others on equal terms, so the
  ratio is the window's cost and not the scheduler's;
- the GUI process's CPU time per second (all its threads) while the run trains, and in the
  idle phase before it (the same strokes, no run): what the window takes from training;
- peak RSS (VmHWM) of the GUI process during the run (reset before each run), and of the
  training process when there is one.

Every figure is printed with its goal and ``/proc/loadavg``. Goals: stroke → prediction p95
≤ 20 ms, stall p99 ≤ 10 ms, GUI throughput ≥ 85 % of headless while someone draws without a
pause (the default strokes) and ≥ 90 % while someone watches (``--stroke-every-ms 0``), GUI
peak RSS while training digitnet ≤ 1 GB. ``--stall-stacks`` samples the GUI thread's stack
during stalls and prints where the time went.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_responsiveness.py --quick
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DIGITLAB_SETTINGS", str(Path(tempfile.mkdtemp()) / "bench.ini"))
os.environ.setdefault("DIGITLAB_DATA_DIR", str(Path(tempfile.mkdtemp()) / "bench-data"))
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "gui")]  # panel_controls: shared with tests

import numpy as np  # noqa: E402
import torch  # noqa: E402
from panel_controls import set_controls  # noqa: E402
from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from cnn_core.runtime.allocator import keep_freed_memory  # noqa: E402
from cnn_core.training import Finished, TrainConfig, Trainer  # noqa: E402

DEFAULT_THREADS = torch.get_num_threads()

PROBE_MS = 10
STROKE_EVERY_MS = 250
# A mouse reports a move every 8-16 ms while a stroke is drawn: each move is an event-loop
# turn of its own. (Until stop 15 the whole stroke, 13 moves, was sent in one timer callback,
# which the probe counted as one stall: 10-12 ms of the idle p99.)
MOVE_EVERY_MS = 16
IDLE_PROBE_MS = 2000
STALL_SAMPLE_MS = 25  # --stall-stacks: sample the GUI thread once it is this late
GOALS = {"latency_p95": 20.0, "stall_p99": 10.0, "ratio_drawing": 0.85, "ratio_watching": 0.90,
         "rss_mb": 1024.0}
TABS = {"closed": 0, "open": 1}  # feature maps closed (Train tab) / open (Feature maps tab)


def loadavg() -> str:
    """The 1/5/15-minute load averages, printed with every figure."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM (peak resident set) of a process in MiB; NaN where /proc has none."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak_rss() -> bool:
    """Start VmHWM afresh at the current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class GuiRun:
    """What one GUI run measured."""

    model: str
    maps: str
    stalls_ms: list[float] = field(default_factory=list)
    idle_stalls_ms: list[float] = field(default_factory=list)
    idle_latencies_ms: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    samples_per_second: float = 0.0
    wall_s: float = 0.0
    batches: int = 0  # progress events
    snapshots: int = 0
    gui_rss_mb: float = float("nan")
    child_rss_mb: float = float("nan")
    load: str = ""
    drawing: bool = True
    gui_cpu_ms_per_s: float = float("nan")  # the GUI process's CPU time while the run trains
    idle_gui_cpu_ms_per_s: float = float("nan")  # ... and before it, the same strokes
    gui_torch_threads: int = 0  # torch's threads for the GUI thread while the run trains
    stacks: collections.Counter = field(default_factory=collections.Counter)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="lenet,digitnet")
    parser.add_argument("--maps", default="closed,open",
                        help="feature maps closed (Train tab) and/or open, comma-separated")
    parser.add_argument("--samples", type=int, default=12000, help="training samples per epoch")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--test-samples", type=int, default=1000)
    parser.add_argument("--quick", action="store_true",
                        help="6,000 samples, 1 epoch, 500 test images: a few minutes in all")
    parser.add_argument("--stroke-every-ms", type=int, default=STROKE_EVERY_MS,
                        help="a stroke every N ms (default %(default)s); 0: no drawing, "
                             "someone watching the curves")
    parser.add_argument("--move-every-ms", type=int, default=MOVE_EVERY_MS,
                        help="a mouse move every N ms within a stroke (default %(default)s); 0: "
                             "the whole stroke in one callback, as this benchmark drew before "
                             "stop 15 (a tap rather than a stroke, for the GUI's work)")
    parser.add_argument("--headless-nice", type=int, default=None,
                        help="niceness added to the headless run's process (default: what "
                             "the window adds to its training process)")
    parser.add_argument("--stall-stacks", action="store_true",
                        help="print where the GUI thread was during stalls")
    args = parser.parse_args()
    if args.quick:
        args.samples, args.epochs, args.test_samples = 6000, 1, 500
    return args


def make_config(model: str, args: argparse.Namespace) -> TrainConfig:
    return TrainConfig.for_model(model, device="cpu", seed=0, epochs=args.epochs,
                                 max_train_samples=args.samples,
                                 max_test_samples=args.test_samples)


def _headless_here(config: TrainConfig, threads: int, nice: int = 0) -> tuple[float, float]:
    if nice > 0:
        os.nice(nice)
    torch.set_num_threads(threads)
    keep_freed_memory()  # as `digitlab train` does
    start = time.perf_counter()
    for event in Trainer(config).run():
        if isinstance(event, Finished):
            return event.samples_per_second, time.perf_counter() - start
    raise RuntimeError("the headless run did not finish")


def training_process_nice() -> int:
    """The niceness the window adds to its training process (``DIGITLAB_TRAIN_NICE``)."""
    from cnn_core.training.process import DEFAULT_NICE, NICE_ENV

    value = os.environ.get(NICE_ENV, str(DEFAULT_NICE))
    return int(value) if value.isdigit() else 0


def headless(config: TrainConfig, threads: int | None = None,
             nice: int = 0) -> tuple[float, float]:
    """(samples/s as the trainer reports it, wall seconds) of one run with no GUI.

    It runs in a fresh child process, as the CLI would, at torch's default thread count,
    ``nice`` added to its niceness.
    """
    payload = json.dumps(dataclasses.asdict(config))
    paths = [str(ROOT), str(ROOT / "benchmarks")]
    code = (f"import json, sys; sys.path[:0] = {paths!r}; import gui_responsiveness as g; "
            "from cnn_core.training import TrainConfig; "
            "print(json.dumps(g._headless_here(TrainConfig(**json.loads(sys.argv[1])), "
            f"{threads or DEFAULT_THREADS}, {nice})))")
    out = subprocess.run([sys.executable, "-c", code, payload], capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    rate, wall = json.loads(out)
    return float(rate), float(wall)


def configure_panel(panel: QWidget, config: TrainConfig) -> None:
    set_controls(panel, {"modelCombo": config.model, "deviceCombo": config.device,
                         "optimizerCombo": config.optimizer, "lrSpin": config.lr,
                         "batchSpin": config.batch_size, "epochsSpin": config.epochs,
                         "seedSpin": config.seed, "maxSamplesSpin": config.max_train_samples,
                         "augmentCheck": config.augment})
    panel.max_test_samples = config.max_test_samples


def stroke_points(index: int) -> list[tuple[float, float]]:
    """A short wavy stroke somewhere on the canvas (0..1 units)."""
    y = 0.2 + 0.6 * ((index * 0.37) % 1.0)
    return [(0.2 + 0.6 * t / 12, y + 0.05 * np.sin(t + index)) for t in range(13)]


class StallSampler:
    """A thread that records the GUI thread's stack whenever the probe is late."""

    def __init__(self, last_tick: list[float]) -> None:
        self._last_tick = last_tick
        self._main = threading.main_thread().ident
        self.stacks: collections.Counter = collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.005):
            late_ms = (time.perf_counter() - self._last_tick[0]) * 1000 - PROBE_MS
            if late_ms < STALL_SAMPLE_MS:
                continue
            frame = sys._current_frames().get(self._main)
            if frame is None:
                continue
            frames = [f for f in traceback.extract_stack(frame)
                      if "/benchmarks/" not in f.filename]
            where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                               for f in reversed(frames[-4:]))
            self.stacks[where or "(in Qt, no Python frame)"] += 1


def gui_run(app: QApplication, config: TrainConfig, maps: str,
            sample_stalls: bool, stroke_every_ms: int = STROKE_EVERY_MS,
            move_every_ms: int = MOVE_EVERY_MS) -> GuiRun:
    from app.main_window import MainWindow
    from cnn_core.checkpoints import Checkpoint, make_metadata
    from cnn_core.models import create_model

    model = create_model("lenet", seed=0)
    window = MainWindow(Checkpoint(model, make_metadata(model)))
    window.resize(1280, 800)
    window.show()
    # Every tab built first: the build (one tab per event-loop turn, up to ~0.1-0.2 s each) is
    # start-up's cost, measured by startup.py, not training's.
    if not window.wait_until_ready():
        raise RuntimeError("the window's tabs were not built within a minute")
    window.tabs.setCurrentIndex(TABS[maps])
    panel = window.training_panel
    configure_panel(panel, config)
    result = GuiRun(config.model, maps, drawing=bool(stroke_every_ms))
    cpu_at = [0.0, 0.0]  # process CPU time and wall clock when the phase began
    canvas = window.canvas
    last_tick = [time.perf_counter()]
    released = [0.0]
    strokes = [0]
    sampler = StallSampler(last_tick) if sample_stalls else None

    def probe() -> None:
        now = time.perf_counter()
        result.stalls_ms.append(max(0.0, (now - last_tick[0]) * 1000 - PROBE_MS))
        last_tick[0] = now
        pid = panel.controller.training_pid()
        if pid is not None and len(result.stalls_ms) % 25 == 0:  # VmHWM only grows
            peak = peak_rss_mb(pid)
            if peak == peak:  # NaN once the process has exited
                result.child_rss_mb = peak

    stroke: list[QPoint] = []  # the moves of the stroke being drawn, one per MOVE_EVERY_MS

    def draw() -> None:
        """Start a stroke: a press now, then the moves and the release, as a mouse sends them."""
        if stroke:  # the last one is still being drawn (a slow machine)
            return
        if strokes[0] % 8 == 7:
            canvas.clear()
        rect = canvas.visible_rect()
        stroke.extend(QPoint(round(rect.x() + x * rect.width()),
                             round(rect.y() + y * rect.height()))
                      for x, y in stroke_points(strokes[0]))
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         stroke.pop(0))
        if move_every_ms:
            move_timer.start()
        else:
            while stroke:
                move()

    def move() -> None:
        point = stroke.pop(0)
        if stroke:
            QTest.mouseMove(canvas, point)
            return
        move_timer.stop()
        released[0] = time.perf_counter()  # the pen is lifted: the answer may come before
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           point)  # mouseRelease returns
        strokes[0] += 1

    def predicted(_prediction: object) -> None:  # connected after the panel's own slot
        if released[0]:
            result.latencies_ms.append((time.perf_counter() - released[0]) * 1000)
            released[0] = 0.0

    window.inference.predicted.connect(predicted)
    # Progress events counted from the run's record once it is over (one loss point each).
    records: list = []
    panel.training.run_created.connect(lambda run: records.append(run.record))
    panel.snapshot_ready.connect(lambda _c: setattr(result, "snapshots", result.snapshots + 1))
    probe_timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=PROBE_MS, timeout=probe)
    stroke_timer = QTimer(interval=max(1, stroke_every_ms), timeout=draw)
    move_timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=move_every_ms,
                        timeout=move)
    panel.running_changed.connect(lambda running: running or app.quit())

    def idle_probe() -> None:  # the same probe and strokes, before training starts
        last_tick[0] = time.perf_counter()
        cpu_at[:] = time.process_time(), time.perf_counter()
        probe_timer.start()
        if stroke_every_ms:
            stroke_timer.start()
        QTimer.singleShot(IDLE_PROBE_MS, start)

    def start() -> None:
        result.idle_stalls_ms, result.stalls_ms = result.stalls_ms, []
        result.idle_latencies_ms, result.latencies_ms = result.latencies_ms, []
        result.idle_gui_cpu_ms_per_s = _cpu_ms_per_s(cpu_at)
        cpu_at[:] = time.process_time(), time.perf_counter()
        QTimer.singleShot(1000, lambda: setattr(result, "gui_torch_threads",
                                                torch.get_num_threads()))
        reset_peak_rss()
        last_tick[0] = time.perf_counter()
        result.wall_s = time.perf_counter()
        if sampler is not None:
            sampler.start()
        panel.trainButton.click()

    QTimer.singleShot(500, idle_probe)  # let the window settle first
    app.exec()
    result.wall_s = time.perf_counter() - result.wall_s
    result.gui_cpu_ms_per_s = _cpu_ms_per_s(cpu_at)
    result.gui_rss_mb = peak_rss_mb()
    result.load = loadavg()
    probe_timer.stop()
    stroke_timer.stop()
    move_timer.stop()
    if sampler is not None:
        sampler.stop()
        result.stacks = sampler.stacks
    if not isinstance(panel.last_result, Finished):
        raise RuntimeError(f"the GUI run did not finish: {panel.failure or panel.last_result}")
    result.samples_per_second = panel.last_result.samples_per_second
    result.batches = sum(len(record.losses) for record in records)
    window.close()
    window.deleteLater()
    return result


def _cpu_ms_per_s(since: list[float]) -> float:
    """This process's CPU time (all threads) per wall second since ``[cpu, wall]``."""
    wall = time.perf_counter() - since[1]
    return (time.process_time() - since[0]) * 1000 / wall if wall > 0 else float("nan")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(run: GuiRun, base: float) -> None:
    lat95, stall99 = pct(run.latencies_ms, 95), pct(run.stalls_ms, 99)
    ratio = run.samples_per_second / base if base else float("nan")
    print(f"\n{run.model}, feature maps {run.maps}, training in a process "
          f"(load {run.load}):")
    if not run.latencies_ms:
        print("  stroke → shown prediction  (no drawing in this run)")
    else:
        print(f"  stroke → shown prediction  p50 {pct(run.latencies_ms, 50):6.1f}  p95 "
              f"{lat95:6.1f} ms  ({len(run.latencies_ms)} strokes; goal p95 ≤ "
              f"{GOALS['latency_p95']:.0f}: "
              f"{mark(lat95 <= GOALS['latency_p95'])}; idle p95 "
              f"{pct(run.idle_latencies_ms, 95):.1f})")
    print(f"  event-loop stall           p99 {stall99:6.1f}  max "
          f"{max(run.stalls_ms, default=float('nan')):6.1f} ms  (goal p99 ≤ "
          f"{GOALS['stall_p99']:.0f}: {mark(stall99 <= GOALS['stall_p99'])}; idle p99 "
          f"{pct(run.idle_stalls_ms, 99):.1f})")
    goal = GOALS["ratio_drawing" if run.drawing else "ratio_watching"]
    what = "training while drawing " if run.drawing else "training while watching"
    print(f"  {what}  {run.samples_per_second:8.0f} samples/s = "
          f"{ratio:6.1%} of headless (goal ≥ {goal:.0%}: {mark(ratio >= goal)}); "
          f"{run.wall_s:.1f} s wall, {run.batches} progress events, {run.snapshots} live "
          f"snapshots shown")
    print(f"  GUI process CPU            {run.gui_cpu_ms_per_s:6.0f} ms/s while training "
          f"(idle phase, same strokes: {run.idle_gui_cpu_ms_per_s:.0f} ms/s); GUI thread's "
          f"torch threads {run.gui_torch_threads}")
    rss = f"  peak RSS                   GUI process {run.gui_rss_mb:6.0f} MB"
    rss += (f", training process {run.child_rss_mb:6.0f} MB, together "
            f"{run.gui_rss_mb + run.child_rss_mb:6.0f} MB")
    if run.model == "digitnet":
        rss += f"  (goal GUI ≤ {GOALS['rss_mb']:.0f}: {mark(run.gui_rss_mb <= GOALS['rss_mb'])})"
    print(rss)
    for where, count in run.stacks.most_common(6):
        print(f"    stalled {count * 5:5d} ms in {where}")


def main() -> int:
    args = parse_args()
    from app.main import configure_gui_process, configure_pyqtgraph, configure_qt_environment

    configure_qt_environment()  # as digitlab-gui's main does, before Qt starts

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    configure_gui_process()  # as digitlab-gui's main does
    models = [m for m in args.models.split(",") if m]
    maps = [m for m in args.maps.split(",") if m]
    nice = training_process_nice() if args.headless_nice is None else args.headless_nice
    print(f"{os.cpu_count()} CPUs; load {loadavg()}; headless at torch's default "
          f"{DEFAULT_THREADS} thread(s), niceness +{nice}; the GUI's training process at the "
          f"same default, niceness +{training_process_nice()}")
    print(f"{args.samples} samples × {args.epochs} epoch(s), {args.test_samples} test images, "
          f"cpu, " + (f"a stroke every {args.stroke_every_ms} ms ("
                   + (f"a move every {args.move_every_ms} ms" if args.move_every_ms else
                      "all its moves at once") + ")" if args.stroke_every_ms else "no drawing")
          + f", probe every {PROBE_MS} ms")
    headless(TrainConfig.for_model(models[0], device="cpu", epochs=1, max_train_samples=1024,
                                   max_test_samples=100))  # warm up the disk cache
    for model in models:
        config = make_config(model, args)
        before = headless(config, nice=nice)
        print(f"\n== {model}: headless before {before[0]:.0f} samples/s (load {loadavg()})")
        runs = []
        for tab in maps:
            runs.append(gui_run(app, config, tab, args.stall_stacks, args.stroke_every_ms,
                                args.move_every_ms))
        after = headless(config, nice=nice)
        base = (before[0] + after[0]) / 2
        print(f"== {model}: headless after {after[0]:.0f} samples/s (load {loadavg()}); "
              f"mean {base:.0f}")
        for run in runs:
            report(run, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
