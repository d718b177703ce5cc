"""Start-up time of ``digitlab-gui``: a fresh process each run, as a user starts it.

Each run starts the real entry point (``app.main.main``, what ``digitlab-gui`` runs) in a
fresh process through benchmarks/startup_probe.py, which attaches a probe from outside the
app: it records when the window's first expose has been painted, draws a "7" with synthetic mouse
events at once, records when the prediction of that drawing is on screen (and whether the
bundled model's ONNX copy gave it before torch was imported, and when live inference's torch
model took over the same drawing) and when every
tab has been built (with the longest time one build step held the GUI thread), and quits. Times
are from just before the process is spawned (interpreter start included). Every run gets
fresh settings and an empty data folder (a first start: the bundled model). One untimed run
first warms the file cache.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--platform offscreen|xvfb|both]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_WINDOW_S = 1.0
GOAL_PREDICTION_S = 1.5


def command(probe: Path) -> list[str]:
    """The probe's wrapper around ``digitlab-gui`` (the app comes from ``PYTHONPATH``)."""
    return [sys.executable, str(ROOT / "benchmarks" / "startup_probe.py"), str(probe),
            "--", "--size", "1280x800"]


def one_run(env: dict[str, str], root: Path = ROOT,
            timeout: float = 180.0) -> dict[str, float | str | bool]:
    """Start the GUI of checkout ``root`` once; seconds to the window and first prediction."""
    with tempfile.TemporaryDirectory(prefix="digitlab-startup-") as tmp:
        probe = Path(tmp) / "probe.json"
        run_env = dict(env, DIGITLAB_SETTINGS=str(Path(tmp) / "settings.ini"),
                       DIGITLAB_DATA_DIR=str(Path(tmp) / "data"),
                       PYTHONPATH=os.pathsep.join([str(root), env.get("PYTHONPATH", "")]))
        started = time.time()
        done = subprocess.run(command(probe), env=run_env, cwd=root, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if done.returncode != 0 or not probe.is_file():
            raise RuntimeError(f"digitlab-gui failed (exit {done.returncode}):\n{done.stderr}")
        record = json.loads(probe.read_text(encoding="utf-8"))
    result = {"window": record["shown"] - started, "prediction": record["predicted"] - started,
              "torch_at_show": record["torch_at_show"],
              "ready_at_stroke": record["ready_at_stroke"], "label": record["label"],
              "answered_by": record.get("answered_by", "torch")}
    if "handed_over" in record:
        result.update(handed_over=record["handed_over"] - started,
                      label_after=record["label_after"])
    if "all_built" in record:  # a checkout that builds its tabs after the first prediction
        blocks = record.get("blocks") or {"?": float("nan")}
        longest = max(blocks, key=blocks.get)
        result.update(all_built=record["all_built"] - started, longest_block=blocks[longest],
                      longest_name=longest)
    return result


def spread(values: list[float]) -> str:
    """``median (min–max)`` in seconds."""
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def measure(name: str, env: dict[str, str], runs: int, warmup: int,
            baseline: Path | None) -> None:
    """Print every run, then the medians against the goals (runs alternate with the
    baseline checkout's, when one is given, so that both see the same machine load)."""
    roots = {"this checkout": ROOT} if baseline is None else {
        "this checkout": ROOT, f"baseline {baseline}": baseline}
    print(f"\n{name}: {' '.join(command(Path('PROBE.json')))}")
    for root in roots.values():
        for _ in range(warmup):
            one_run(env, root)
    results: dict[str, list] = {label: [] for label in roots}
    for index in range(runs):
        for label, root in roots.items():
            result = one_run(env, root)
            results[label].append(result)
            print(f"  {label} run {index + 1}: {describe(result)}")
            print(f"    {load_line()}")
    for label, runs_of in results.items():
        summarise(label, runs_of)


def describe(result: dict) -> str:
    """One run in one line."""
    text = (f"window {result['window']:.2f} s, first prediction "
            f"{result['prediction']:.2f} s (torch imported at first paint: "
            f"{result['torch_at_show']}; model ready when the stroke was drawn: "
            f"{result['ready_at_stroke']}; shown: {result['label']!r}, answered by "
            f"{result['answered_by']})")
    if result["answered_by"] != "torch" and "handed_over" in result:
        text += (f"; torch took over {result['handed_over']:.2f} s, showing "
                 f"{result['label_after']!r}")
    if "all_built" in result:
        text += (f"; every tab built {result['all_built']:.2f} s, longest GUI-thread block "
                 f"{result['longest_block'] * 1000:.0f} ms ({result['longest_name']})")
    return text


def summarise(label: str, results: list[dict]) -> None:
    """Medians and spread against the goals."""
    window = [float(r["window"]) for r in results]
    prediction = [float(r["prediction"]) for r in results]
    print(f"  {label}:")
    print(f"  window shown (first paint)  median {spread(window)}   goal ≤ {GOAL_WINDOW_S:.1f} s"
          f"  {'met' if statistics.median(window) <= GOAL_WINDOW_S else 'MISSED'}")
    print(f"  first prediction on screen  median {spread(prediction)}   goal ≤ "
          f"{GOAL_PREDICTION_S:.1f} s  "
          f"{'met' if statistics.median(prediction) <= GOAL_PREDICTION_S else 'MISSED'}")
    if all("handed_over" in r for r in results):
        over = [float(r["handed_over"]) for r in results]
        same = sum(r["label_after"] == r["label"] for r in results)
        print(f"  torch answering (hand-over)  median {spread(over)}   same label on screen "
              f"after it: {same}/{len(results)}")
    if all("all_built" in r for r in results):
        built = [float(r["all_built"]) for r in results]
        blocks = [float(r["longest_block"]) * 1000 for r in results]
        print(f"  every tab built             median {spread(built)}")
        print(f"  longest GUI-thread block of the build  median {statistics.median(blocks):.0f} ms "
              f"({min(blocks):.0f}–{max(blocks):.0f}; "
              f"{', '.join(sorted({str(r['longest_name']) for r in results}))})")


def load_line() -> str:
    """The load average (``/proc/loadavg``): timings are pessimistic on a shared machine."""
    try:
        text = Path("/proc/loadavg").read_text(encoding="utf-8").strip()
    except OSError:
        text = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"loadavg: {text}"


def start_xvfb() -> tuple[subprocess.Popen, str] | None:
    """An Xvfb server on a free display number, or None when Xvfb is not installed."""
    if shutil.which("Xvfb") is None:
        return None
    for number in range(99, 140):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1920x1080x24",
                                   "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return server, f":{number}"
            if server.poll() is not None:
                break
            time.sleep(0.05)
        server.kill()
    return None


def main() -> None:
    """Run the benchmark on the chosen platform(s)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first")
    parser.add_argument("--platform", choices=("offscreen", "xvfb", "both"), default="both",
                        help="Qt platform (xvfb is skipped, with a note, without Xvfb)")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also time another checkout (e.g. a worktree of main; the "
                             "probe attaches to its app from here), alternating runs")
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"machine: {cores} CPUs, {load_line()}")
    base = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    if args.platform in ("offscreen", "both"):
        measure("offscreen", dict(base, QT_QPA_PLATFORM="offscreen"), args.runs, args.warmup,
                args.baseline)
    if args.platform in ("xvfb", "both"):
        started = start_xvfb()
        if started is None:
            print("\nxvfb: skipped (Xvfb is not installed: apt-get install -y xvfb)")
        else:
            server, display = started
            try:
                measure(f"xvfb {display}", dict(base, QT_QPA_PLATFORM="xcb", DISPLAY=display),
                        args.runs, args.warmup, args.baseline)
            finally:
                server.terminate()
                server.wait(10)
    print(f"\n{load_line()}")


if __name__ == "__main__":
    main()
