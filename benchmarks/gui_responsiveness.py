"""Does training in the GUI keep the window responsive, and does it train as fast as headless?

Runs offscreen, in one process:

1. a headless training run (``Trainer(config).run()`` in the main thread, no GUI),
2. the same run from the Train tab of the real main window, while a 10 ms ``QTimer`` probe
   records how late the event loop answers (stalls) and synthetic mouse strokes on the
   canvas measure stroke → shown-prediction latency,
3. the headless run again (the two headless figures are averaged, so that drift in a shared
   machine's load hits both sides alike).

Prints stall p50/p95/p99 (ms), latency p50/p95 (ms) and samples/s of both, with the ratio.
Goals: stall p99 ≤ 50 ms, latency p95 ≤ 20 ms, GUI throughput ≥ 90 % of headless.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_responsiveness.py
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
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

from app.training.worker import gui_training_threads  # noqa: E402
from cnn_core.allocator import keep_freed_memory  # noqa: E402
from cnn_core.training import Finished, TrainConfig, Trainer  # noqa: E402

DEFAULT_THREADS = torch.get_num_threads()

PROBE_MS = 10
STROKE_EVERY_MS = 250
IDLE_PROBE_MS = 4000


@dataclass
class GuiRun:
    """What one GUI run measured."""

    stalls_ms: list[float] = field(default_factory=list)
    idle_stalls_ms: list[float] = field(default_factory=list)
    idle_latencies_ms: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    samples_per_second: float = 0.0
    wall_s: float = 0.0
    batches: int = 0
    snapshots: int = 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="lenet")
    parser.add_argument("--samples", type=int, default=6000, help="training samples per epoch")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--test-samples", type=int, default=1000)
    parser.add_argument("--tab", choices=("train", "features", "kernels"), default="train",
                        help="the tab shown while training (features/kernels redraw live)")
    return parser.parse_args()


def make_config(args: argparse.Namespace) -> TrainConfig:
    return TrainConfig.for_model(args.model, device="cpu", seed=0, epochs=args.epochs,
                                 max_train_samples=args.samples,
                                 max_test_samples=args.test_samples)


def _headless_here(config: TrainConfig, threads: int) -> tuple[float, float]:
    torch.set_num_threads(threads)
    keep_freed_memory()  # as `digitlab train` does
    start = time.perf_counter()
    for event in Trainer(config).run():
        if isinstance(event, Finished):
            return event.samples_per_second, time.perf_counter() - start
    raise RuntimeError("the headless run did not finish")


def headless(config: TrainConfig, threads: int | None = None) -> tuple[float, float]:
    """(samples/s as the trainer reports it, wall seconds) of one run with no GUI.

    It runs in a child process, as the CLI would. In this process it would leave an OpenMP
    thread team behind on the main thread, and a team from another thread (the GUI's
    worker) then trains ~35 % slower: measured here, a plain thread ran 6,000–6,600
    samples/s after the main thread had trained, 9,600 before.
    """
    payload = json.dumps(dataclasses.asdict(config))
    paths = [str(ROOT), str(ROOT / "benchmarks")]
    code = (f"import json, sys; sys.path[:0] = {paths!r}; import gui_responsiveness as g; "
            "from cnn_core.training import TrainConfig; "
            "print(json.dumps(g._headless_here(TrainConfig(**json.loads(sys.argv[1])), "
            f"{threads or DEFAULT_THREADS})))")
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


def gui_run(app: QApplication, config: TrainConfig, tab: str) -> GuiRun:
    from app.main_window import MainWindow
    from cnn_core.checkpoints import Checkpoint, make_metadata
    from cnn_core.models import create_model

    model = create_model("lenet", seed=0)
    window = MainWindow(Checkpoint(model, make_metadata(model)))
    window.resize(1280, 800)
    window.show()
    window.tabs.setCurrentIndex({"train": 0, "features": 1, "kernels": 2}[tab])
    panel = window.training_panel
    configure_panel(panel, config)
    result = GuiRun()
    canvas = window.canvas
    last_tick = [time.perf_counter()]
    released = [0.0]
    strokes = [0]

    def probe() -> None:
        now = time.perf_counter()
        result.stalls_ms.append(max(0.0, (now - last_tick[0]) * 1000 - PROBE_MS))
        last_tick[0] = now

    def draw() -> None:
        if strokes[0] % 8 == 7:
            canvas.clear()
        rect = canvas.visible_rect()
        points = [QPoint(round(rect.x() + x * rect.width()), round(rect.y() + y * rect.height()))
                  for x, y in stroke_points(strokes[0])]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for point in points[1:]:
            QTest.mouseMove(canvas, point)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])
        released[0] = time.perf_counter()
        strokes[0] += 1

    def predicted(_prediction: object) -> None:  # connected after the panel's own slot
        if released[0]:
            result.latencies_ms.append((time.perf_counter() - released[0]) * 1000)
            released[0] = 0.0

    window.inference.predicted.connect(predicted)
    panel.library.batch_done.connect(lambda _e: setattr(result, "batches", result.batches + 1))
    panel.snapshot_ready.connect(lambda _c: setattr(result, "snapshots", result.snapshots + 1))
    probe_timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=PROBE_MS, timeout=probe)
    stroke_timer = QTimer(interval=STROKE_EVERY_MS, timeout=draw)
    panel.running_changed.connect(lambda running: running or app.quit())

    def idle_probe() -> None:  # the same probe and strokes, before training starts
        last_tick[0] = time.perf_counter()
        probe_timer.start()
        stroke_timer.start()
        QTimer.singleShot(IDLE_PROBE_MS, start)

    def start() -> None:
        result.idle_stalls_ms, result.stalls_ms = result.stalls_ms, []
        result.idle_latencies_ms, result.latencies_ms = result.latencies_ms, []
        last_tick[0] = time.perf_counter()
        result.wall_s = time.perf_counter()
        panel.trainButton.click()

    QTimer.singleShot(500, idle_probe)  # let the window settle first
    app.exec()
    result.wall_s = time.perf_counter() - result.wall_s
    probe_timer.stop()
    stroke_timer.stop()
    if not isinstance(panel.last_result, Finished):
        raise RuntimeError(f"the GUI run did not finish: {panel.failure or panel.last_result}")
    result.samples_per_second = panel.last_result.samples_per_second
    window.close()
    return result


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> int:
    args = parse_args()
    from app.main import configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    config = make_config(args)
    headless(TrainConfig.for_model(args.model, device="cpu", epochs=1, max_train_samples=1024,
                                   max_test_samples=100))  # warm up torch's kernels
    threads = gui_training_threads()
    before, same_before = headless(config), headless(config, threads)
    gui = gui_run(app, config, args.tab)
    same_after, after = headless(config, threads), headless(config)
    base = (before[0] + after[0]) / 2
    same = (same_before[0] + same_after[0]) / 2
    print(f"config: {args.model}, {args.samples} samples × {args.epochs} epochs, batch "
          f"{config.batch_size}, cpu, tab {args.tab}; {os.cpu_count()} CPUs")
    print(f"event-loop stall (ms)    p50 {pct(gui.stalls_ms, 50):6.1f}   "
          f"p95 {pct(gui.stalls_ms, 95):6.1f}   p99 {pct(gui.stalls_ms, 99):6.1f}   "
          f"max {max(gui.stalls_ms, default=float('nan')):6.1f}   (goal p99 ≤ 50)")
    print(f"  same, before training starts:     p50 {pct(gui.idle_stalls_ms, 50):6.1f}   "
          f"p95 {pct(gui.idle_stalls_ms, 95):6.1f}   p99 {pct(gui.idle_stalls_ms, 99):6.1f}")
    print(f"stroke → prediction (ms) p50 {pct(gui.latencies_ms, 50):6.1f}   "
          f"p95 {pct(gui.latencies_ms, 95):6.1f}   ({len(gui.latencies_ms)} strokes; "
          f"goal p95 ≤ 20)")
    print(f"  same, before training starts:     p50 {pct(gui.idle_latencies_ms, 50):6.1f}   "
          f"p95 {pct(gui.idle_latencies_ms, 95):6.1f}   ({len(gui.idle_latencies_ms)} strokes)")
    print(f"throughput (samples/s)   GUI {gui.samples_per_second:8.0f}   headless "
          f"{base:8.0f} ({before[0]:.0f} before, {after[0]:.0f} after)   ratio "
          f"{gui.samples_per_second / base:6.1%}   (goal ≥ 90 %)")
    print(f"  headless with the GUI worker's {threads} thread(s) instead of {DEFAULT_THREADS}: "
          f"{same:8.0f} ({same_before[0]:.0f} before, {same_after[0]:.0f} after)   ratio "
          f"{gui.samples_per_second / same:6.1%}")
    print(f"GUI run: {gui.wall_s:.1f} s wall, {gui.batches} progress events, "
          f"{gui.snapshots} live snapshots shown; headless {before[1]:.1f} s / {after[1]:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
