"""``digitlab runs``: the training runs the model shelf keeps, and their history as CSV."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from .common import (
    CliError,
    HelpFormatter,
    OutputFile,
    check_output_file,
    exit_codes,
    print_json,
    say,
)

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "find_run", "run"]

DESCRIPTION = (
    "The training runs DigitLab keeps in its data folder (the model shelf's runs; "
    "DIGITLAB_DATA_DIR overrides the folder), and a run's history as CSV. "
    "RUN is a run's number (3 or #3, as 'digitlab runs list' and the shelf show it), its id or "
    "folder, or a checkpoint file: a checkpoint carries the per-epoch history, a run folder "
    "also the loss and gradient norms of every logged batch.")

_COLUMNS = (
    "Epoch rows: epoch, train_loss, train_accuracy, val_loss, val_accuracy, test_loss, "
    "test_accuracy, lr, samples_per_second, elapsed_seconds (accuracies as fractions 0-1; an "
    "empty cell where the run measured nothing). Batch rows: epoch (the batch's place on the "
    "epoch axis, 1.5 = half-way through the second epoch), loss, and grad_norm:LAYER for each "
    "layer.")

EPILOG = f"""Examples:
  digitlab runs list
  digitlab runs export 3 --csv --out run3.csv                   (one row per epoch)
  digitlab runs export 3 --csv --batches --out run3-batches.csv (one row per logged batch)
  digitlab runs export lenet5.safetensors --csv                 (CSV on stdout)

{_COLUMNS}

{exit_codes({1: "also for a RUN that is no run, and --batches of a checkpoint file"})}
"""

_NUMBER = re.compile(r"#?(\d+)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The actions of ``digitlab runs``: ``list`` and ``export``."""
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION",
                               help="list the runs, or export one's history")
    listing = actions.add_parser(
        "list", help="the runs in DigitLab's data folder", formatter_class=HelpFormatter,
        description="Number, status, model, epochs, test accuracy and folder of every run "
                    "DigitLab keeps (DIGITLAB_DATA_DIR overrides the folder).")
    listing.add_argument("--json", action="store_true", help="print the list as JSON on stdout")
    export = actions.add_parser("export", help="a run's history as CSV",
                                description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=HelpFormatter)
    export.add_argument("run", metavar="RUN",
                        help="a run number (3 or #3), run id or folder, or a checkpoint file")
    export.add_argument("--csv", action="store_true", required=True,
                        help="write the history as CSV (comma-separated, a header row)")
    export.add_argument("--batches", action="store_true",
                        help="one row per logged batch instead of one per epoch (a run "
                             "folder only)")
    export.add_argument("--out", metavar="FILE",
                        help="the CSV file to write (default: stdout)")
    for parser in (listing, export):  # --debug after the action's name too
        parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                            help="show the full traceback of an error")


def _store() -> Any:
    from ..checkpoints.run_store import RunStore
    from ..runtime.user_data import user_data_dir

    return RunStore(user_data_dir())


def find_run(text: str) -> Path:
    """``RUN`` as a path: itself if it exists, else the folder of the shelf run with that
    number (``3``, ``#3``) or id.

    Raises
    ------
    CliError
        If it is none of these.
    """
    path = Path(text)
    if path.exists():
        return path
    store = _store()
    match = _NUMBER.fullmatch(text.strip())
    for record in store.load_records():
        if (match and record.number == int(match.group(1))) or record.run_id == text:
            return store.folder(record)
    raise CliError(f"{text}: no such file, folder or run in {store.runs_dir} "
                   "('digitlab runs list' shows the runs)")


def _list(args: argparse.Namespace) -> int:
    store = _store()
    records = store.load_records()
    rows = [{"number": r.number, "run_id": r.run_id, "status": r.status, "model": r.model_name,
             "dataset": r.dataset, "epochs": r.ended_epoch, "test_accuracy": r.test_accuracy,
             "created": r.created, "folder": str(store.folder(r))} for r in records]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        say(f"no runs in {store.runs_dir}")
        return 0
    print(f"{'#':>4}  {'status':<11} {'model':<14} {'epochs':>6} {'test acc':>8}  folder")
    for row in rows:
        accuracy = row["test_accuracy"]
        shown = "" if accuracy is None else f"{100 * accuracy:.2f} %"
        print(f"{row['number']:>4}  {row['status']:<11} {row['model']:<14} {row['epochs']:>6} "
              f"{shown:>8}  {row['folder']}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..checkpoints.run_history import batch_table, epoch_table, read_run, write_csv

    out = None
    if args.out:
        out = OutputFile(check_output_file(args.out))
        args.outputs.append(out)
    source = read_run(find_run(args.run))
    table = batch_table(source) if args.batches else epoch_table(source)
    what = "logged batch" if args.batches else "epoch"
    if out is None:
        sys.stdout.write(table.to_csv())
        sys.stdout.flush()
    else:
        write_csv(table, out.path)
        say(f"wrote {out.path} ({len(table.rows):,} rows, one per {what} of {source.label})")
    if not table.rows:
        say(f"{source.label}: no {what}s recorded (a run stopped before its first "
            f"{'report' if args.batches else 'epoch ended'}): the CSV has its header only")
    return 0


def run(args: argparse.Namespace) -> int:
    """``list`` or ``export``."""
    return _list(args) if args.action == "list" else _export(args)
