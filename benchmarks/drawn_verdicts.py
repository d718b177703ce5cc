"""The verdict on pictures drawn as people draw them: false "not a digit" / "not sure" per
bucket, and non-digits flagged, with the goals beside them.

The report part of :mod:`cnn_core.data.drawn_eval` (never used to set anything): MNIST test digits
redrawn with a pen on the 280×280 canvas at every size, pen width, place and polarity, the
digits of the report half of the handwriting fonts; against them the letters and symbols of
those fonts that are not drawn like digits, and the hand-drawn letters, symbols, shapes and
scribbles of ``tests/drawn_nondigits.py`` put on the canvas the same way. Every picture goes
through the canvas's own preprocessing and the predictor.

    python benchmarks/drawn_verdicts.py [--checkpoint PATH] [--digits N] [--part calibration]

Takes about 3 minutes for the whole report part on a quiet 2-core CPU (8 at load 15).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import drawn_nondigits as nd  # noqa: E402
from _common import machine_line  # noqa: E402

from cnn_core.checkpoints import bundled_checkpoint_path, load_checkpoint  # noqa: E402
from cnn_core.data.drawn_eval import DrawnSample, evaluation_samples  # noqa: E402
from cnn_core.recognition.predict import Predictor  # noqa: E402
from cnn_core.recognition.verdict_eval import format_tables, tally  # noqa: E402


def _kind(sample: DrawnSample) -> str:
    return "font letters, symbols" if ":" in sample.source else nd.group(sample.source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--detector", type=Path, default=None,
                        help="a detector checkpoint instead of the bundled one")
    parser.add_argument("--digits", type=int, default=None,
                        help="MNIST test digits of the part (all 5,000 by default)")
    parser.add_argument("--part", choices=("report", "calibration"), default="report")
    parser.add_argument("--per-template", type=int, default=8,
                        help="canvas drawings of each hand-drawn non-digit (report part)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: steadier)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    print(machine_line())
    path = args.checkpoint or bundled_checkpoint_path()
    kwargs = {}
    if args.detector:
        from cnn_core.recognition.detector import DigitDetector

        kwargs["detector"] = DigitDetector(load_checkpoint(args.detector))
    predictor = Predictor(load_checkpoint(path), **kwargs)
    print(f"{path.name} (temperature {predictor.temperature:.3f}); detector "
          f"{args.detector or 'bundled'}; {args.part} part, seed {args.seed}")
    start = time.perf_counter()
    samples = list(evaluation_samples(args.part, args.digits, seed=args.seed))
    if args.part == "report":
        samples += list(nd.canvas_samples(args.per_template, seed=args.seed))
    print(f"{len(samples):,} pictures drawn in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    result = tally(predictor, samples, kind_of=_kind)
    print(format_tables(result))
    print(f"{len(samples):,} pictures judged in {time.perf_counter() - start:.0f} s")
    print(machine_line())


if __name__ == "__main__":
    main()
