"""``digitlab export``: write a checkpoint's model in another form (for now, PyTorch code)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .checkpoints.code_export import export_checkpoint_python, export_formats

__all__ = ["add_export_parser", "cmd_export"]

_DESCRIPTION = (
    "Write a checkpoint's model (default: the bundled model) as a standalone Python module "
    "that needs only torch: a class Net(nn.Module) whose state_dict keys are the checkpoint's, "
    "so net.load_state_dict(load_weights(CHECKPOINT)) gives the same outputs as DigitLab.")
_EPILOG = "Example: digitlab export --checkpoint lenet5.safetensors --format python --out net.py"


def _format(value: str) -> str:
    if value not in export_formats():
        raise argparse.ArgumentTypeError(
            f"{value!r} is not supported yet; the only format is "
            f"{', '.join(export_formats())} (ONNX and others are planned)")
    return value


def add_export_parser(sub: Any) -> None:
    """Add the ``export`` subcommand to ``digitlab``'s subparsers."""
    p = sub.add_parser("export", help="write a model as standalone PyTorch code",
                       description=_DESCRIPTION, epilog=_EPILOG)
    p.add_argument("--checkpoint", metavar="PATH",
                   help="checkpoint to export (default: the bundled model)")
    p.add_argument("--format", type=_format, default="python", metavar="FORMAT",
                   help="output format; only 'python' for now (the default)")
    p.add_argument("--out", metavar="FILE", required=True, help="the .py file to write")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Export the checkpoint; one line on stdout says what was written."""
    out = export_checkpoint_python(args.checkpoint, Path(args.out))
    what = args.checkpoint or "the bundled model"
    print(f"wrote {out} (class Net for {what}; load it with "
          f"net.load_state_dict(load_weights(PATH)))")
    return 0
