"""``digitlab export``: write a checkpoint's model in another form (for now, PyTorch code)."""

from __future__ import annotations

import argparse

from .common import OutputFile, check_output_file, exit_codes, say

__all__ = ["DESCRIPTION", "EPILOG", "add_arguments", "run"]

DESCRIPTION = (
    "Write a checkpoint's model (default: the bundled model) as a standalone Python module "
    "that needs only torch: a class Net(nn.Module) whose state_dict keys are the checkpoint's, "
    "so net.load_state_dict(load_weights(CHECKPOINT)) gives the same outputs as DigitLab.")

EPILOG = f"""Examples:
  digitlab export --out net.py
  digitlab export --checkpoint lenet5.safetensors --format python --out net.py

{exit_codes()}
"""

def _format(value: str) -> str:
    from ..code_export import export_formats

    if value not in export_formats():
        raise argparse.ArgumentTypeError(
            f"{value!r} is not supported yet; the only format is "
            f"{', '.join(export_formats())} (ONNX and others are planned)")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab export``."""
    p.add_argument("--checkpoint", metavar="PATH",
                   help="checkpoint to export (default: the bundled model)")
    p.add_argument("--format", type=_format, default="python", metavar="FORMAT",
                   help="output format; only 'python' for now")
    p.add_argument("--out", metavar="FILE", required=True,
                   help="the .py file to write (checked before any work starts)")


def run(args: argparse.Namespace) -> int:
    """Export the checkpoint; one line on stderr says what was written."""
    from pathlib import Path

    from ..code_export import export_checkpoint_python

    out = OutputFile(check_output_file(args.out))
    args.outputs.append(out)
    written = export_checkpoint_python(args.checkpoint, Path(out.path))
    what = args.checkpoint or "the bundled model"
    say(f"wrote {written} (class Net for {what}; load it with "
        f"net.load_state_dict(load_weights(PATH)))")
    return 0
