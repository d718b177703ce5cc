"""``digitlab evaluate``: accuracy per class, confusion matrix and calibration of a checkpoint."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import (
    EXIT_STOPPED,
    CliError,
    OutputFile,
    UsageError,
    check_output_file,
    download,
    exit_codes,
    load_checkpoint,
    print_json,
    say,
)
from .progress import ProgressBar

__all__ = ["DESCRIPTION", "EPILOG", "INCOMPLETE_MARK", "add_arguments", "run"]

DESCRIPTION = (
    "Evaluate a checkpoint (default: the bundled model) on a test set or a folder of labelled "
    "drawings: accuracy per class, confusion matrix, ECE and reliability curve. The report "
    "goes to stdout, progress to stderr.")

INCOMPLETE_MARK = "INCOMPLETE.txt"
"""Left in a ``--misclassified`` folder whose writing was interrupted (removed when done)."""

EPILOG = f"""Examples:
  digitlab evaluate
  digitlab evaluate --checkpoint lenet5.safetensors --json
  digitlab evaluate --checkpoint lenet5.safetensors --drawings my_digits/
  digitlab evaluate --checkpoint fashion.safetensors --dataset fashion_mnist --download
  digitlab evaluate --misclassified wrong/   (each wrong answer as a PNG, and an index)

A Ctrl+C while --misclassified is written leaves {INCOMPLETE_MARK} in the folder and exits \
with 3.

{exit_codes({EXIT_STOPPED: "stopped by Ctrl+C while --misclassified was written (the folder "
                          "is marked)"})}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab evaluate``."""
    from ..data.datasets import DATASETS
    from ..runtime.devices import DEVICE_CHOICES

    p.add_argument("--checkpoint", metavar="PATH",
                   help="the checkpoint to evaluate (default: the bundled model)")
    p.add_argument("--dataset", choices=list(DATASETS), default=None,
                   help="the test set (default: the one the checkpoint was trained on)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder with the dataset's IDX files (default: bundled MNIST; other "
                        "data sets in datasets/ of DigitLab's data folder, $DIGITLAB_DATA_DIR "
                        "or the platform's user data folder)")
    p.add_argument("--drawings", metavar="DIR",
                   help="evaluate on your own drawings: image files in subfolders named by "
                        "class (DIR/7/a.png) or named LABEL_anything.png")
    p.add_argument("--max-samples", type=int, metavar="N",
                   help="only the first N images (default: all)")
    p.add_argument("--misclassified", metavar="DIR",
                   help="write each misclassified image as a PNG and an index CSV into DIR")
    p.add_argument("--download", action="store_true",
                   help="download the dataset into the data folder if its files are not there")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="cpu",
                   help="where to run the model")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")


def _check_misclassified_dir(folder: str) -> None:
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise CliError(f"--misclassified {folder}: is a file, not a folder")
    check_output_file(path / INCOMPLETE_MARK, "--misclassified")


def _eval_set(args: argparse.Namespace, ck: Any) -> Any:
    from ..analysis.evaluation import EvaluationError, dataset_test_set, drawings_set
    if args.max_samples is not None and args.max_samples < 1:
        raise UsageError("--max-samples must be at least 1")
    if args.drawings:
        if args.dataset:
            raise UsageError("give --dataset or --drawings, not both")
        try:
            return drawings_set(args.drawings, ck.classes, args.max_samples)
        except EvaluationError as exc:
            raise CliError(str(exc)) from None
    from ..data.datasets import DATASETS

    dataset = args.dataset or ck.meta.get("dataset", "mnist")
    if dataset not in DATASETS:  # a checkpoint of a data set this version does not know
        raise CliError(f"the checkpoint's data set {dataset!r} is unknown; choose one of "
                       f"{', '.join(DATASETS)} with --dataset")
    if args.download:
        download(dataset, args.data_dir)
    return dataset_test_set(dataset, args.data_dir, args.max_samples)


def _write_misclassified(result: Any, folder: str, outputs: list[OutputFile]) -> Path:
    """Write the folder with a mark in it until it is complete: a Ctrl+C leaves it marked."""
    from ..analysis.evaluation_report import write_misclassified
    from ..runtime.atomic_files import write_bytes_atomic

    mark = Path(folder) / INCOMPLETE_MARK
    outputs.append(OutputFile(mark, f"{folder} is incomplete: writing it was interrupted "
                                    f"(it holds {INCOMPLETE_MARK})"))
    write_bytes_atomic(mark, b"This folder was being written by 'digitlab evaluate "
                             b"--misclassified' when it was interrupted: some images and "
                             b"rows of its index may be missing.\n")
    index = write_misclassified(result, folder)
    mark.unlink()
    return index


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the report (text or JSON); exit 0."""
    from ..analysis.evaluation import EvaluationError, EvaluationProgress, evaluate_steps
    from ..analysis.evaluation_report import format_report, result_to_json
    from ..runtime.devices import resolve_device

    if args.misclassified:
        _check_misclassified_dir(args.misclassified)
    ck = load_checkpoint(args.checkpoint)
    eval_set = _eval_set(args, ck)
    bar = ProgressBar()
    result: Any = None
    try:
        for event in evaluate_steps(ck, eval_set, device=resolve_device(args.device)):
            if isinstance(event, EvaluationProgress):
                bar.progress(event.done, event.total, event.eta)
            else:
                result = event
    except EvaluationError as exc:
        raise CliError(str(exc)) from None
    bar.line(f"evaluated {result.n:,} images in {result.seconds:.1f} s")
    for skipped in eval_set.skipped:
        bar.line(f"skipped {skipped}")
    summary = result_to_json(result)
    if args.misclassified:
        index = _write_misclassified(result, args.misclassified, args.outputs)
        summary["misclassified_dir"] = str(index.parent)
        say(f"wrote {len(result.misclassified):,} misclassified images and {index}")
    if args.json:
        print_json(summary)
    else:
        print(format_report(result))
    return 0

