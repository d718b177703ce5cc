"""``digitlab``'s entry point: the command list, the parser and what an error becomes.

Each command lives in its own module of this package with ``DESCRIPTION``, ``EPILOG``,
``add_arguments(parser)`` and ``run(args) -> exit code``. Only the command being run has its
options built (and its module's imports made): ``digitlab --help`` and ``--version`` never
import torch.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from types import ModuleType

from .. import __version__
from .common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_STOPPED,
    EXIT_USAGE,
    CliError,
    HelpFormatter,
    OutputFile,
    UsageError,
    say,
)

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


@dataclass(frozen=True)
class Command:
    """One ``digitlab`` subcommand: its name, one-line help and the module that runs it."""

    name: str
    module: str  # relative to this package
    help: str

    def load(self) -> ModuleType:
        """The command's module (imported on first use)."""
        return importlib.import_module(f".{self.module}", __package__)


COMMANDS = (
    Command("train", "train", "train a model and save a checkpoint"),
    Command("evaluate", "evaluate", "test-set accuracy, confusion matrix and calibration"),
    Command("predict", "predict", "classify image files or folders of them"),
    Command("fine-tune", "fine_tune",
            "teach a model your handwriting (your own digits mixed with MNIST)"),
    Command("export", "export",
            "write a model as PyTorch code, ONNX or torch.export; a run as a training script"),
    Command("models", "models", "list the registered models and their training recipes"),
    Command("runs", "runs", "the training runs the model shelf keeps; a run's history as CSV"),
    Command("train-detector", "detector", "train the digit / not-a-digit detector"),
)

_EPILOG = """Examples:
  digitlab train --model lenet5 --out lenet5.safetensors
  digitlab evaluate --checkpoint lenet5.safetensors
  digitlab predict my_digit.png drawings/
  digitlab train --help      (every command has its own help, with examples)

Exit status: 0 success; 1 an error (one line on stderr); 2 a usage error; 3 stopped by \
Ctrl+C after something was saved (it is named); 130 interrupted by Ctrl+C before anything was \
written.
"""


def _debug_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--debug", action="store_true", default=default,
                        help="show the full traceback of an error")


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``digitlab``: every command's options, or only ``commands``'.

    The others then have their name and help only, which is all ``digitlab --help`` shows.
    """
    parser = argparse.ArgumentParser(
        prog="digitlab", description="Train, evaluate and run handwritten-digit CNNs.",
        epilog=_EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"digitlab {__version__}")
    _debug_option(parser, False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS:
        if commands is not None and cmd.name not in commands:
            sub.add_parser(cmd.name, help=cmd.help)
            continue
        module = cmd.load()
        p = sub.add_parser(cmd.name, help=cmd.help, description=module.DESCRIPTION,
                           epilog=module.EPILOG, formatter_class=HelpFormatter)
        module.add_arguments(p)
        _debug_option(p, argparse.SUPPRESS)  # --debug also after the command's name
        p.set_defaults(func=module.run, parser=p)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (after any top-level flags), if it is one."""
    names = {cmd.name for cmd in COMMANDS}
    for token in argv:
        if token in names:
            return token
        if not token.startswith("-"):
            return None
    return None


def _expected_errors() -> tuple[type[BaseException], ...]:
    """The errors a user can cause (a bad file, option or machine): one line, exit code 1.

    Anything else is a bug in DigitLab and is shown with its traceback.
    """
    from ..checkpoints import CheckpointError
    from ..data.datasets import DatasetUnavailable
    from ..data.idx import IdxError
    from ..data.preprocess import ImageError
    from ..models.specs import SpecError
    from ..recognition.predict import PredictionError
    from ..runtime.devices import DeviceError

    return (CliError, CheckpointError, DatasetUnavailable, DeviceError, IdxError, ImageError,
            PredictionError, SpecError, OSError)


def _interrupted(outputs: list[OutputFile]) -> int:
    """Ctrl+C that the command did not handle: say what was written; 130 if nothing was."""
    written = [o for o in outputs if o.written]
    if not written:
        say("digitlab: interrupted")
        return EXIT_INTERRUPTED
    for output in written:
        say(f"digitlab: interrupted; {output.note or f'saved {output.path}'}")
    return EXIT_STOPPED


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``digitlab``; returns the exit code (0 ok, 1 error, 2 usage, 3 stopped by
    Ctrl+C after something was saved, 130 interrupted before anything was written)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_in(argv)
    parser = build_parser([command] if command else [])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args.outputs = []  # the OutputFile of everything the command writes
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return _interrupted(args.outputs)
    except UsageError as exc:
        args.parser.print_usage(sys.stderr)
        say(f"digitlab {args.command}: error: {exc}")
        return EXIT_USAGE
    except _expected_errors() as exc:
        if args.debug:
            raise
        say(f"digitlab {args.command}: error: {exc}")
        return EXIT_ERROR
    except Exception:  # not the user's doing: show where it happened
        if args.debug:
            raise
        traceback.print_exc()
        say(f"digitlab {args.command}: internal error: this is a bug in DigitLab "
            f"{__version__}; please report it with the traceback above")
        return EXIT_ERROR
