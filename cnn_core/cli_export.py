"""``digitlab export``: write a checkpoint's model as PyTorch code, ONNX or a torch.export file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .checkpoints.code_export import export_checkpoint_python

__all__ = ["EXPORT_FORMATS", "add_export_parser", "cmd_export"]

EXPORT_FORMATS = ("python", "onnx", "pt2")

_DESCRIPTION = (
    "Write a checkpoint's model (default: the bundled model) in another form. "
    "python: a standalone module that needs only torch (class Net(nn.Module); "
    "net.load_state_dict(load_weights(CHECKPOINT)) gives DigitLab's outputs). "
    "onnx: an ONNX graph for onnxruntime and other runtimes (needs the export extra). "
    "pt2: a torch.export program (torch.export.load(PATH).module()). "
    "The onnx and pt2 graphs take [N, 1, 28, 28] pictures in [0, 1], ink = 1, normalise them "
    "inside and return logits and probabilities; each file is loaded back and checked against "
    "DigitLab on 200 MNIST test images before the command reports it written.")
_EPILOG = """examples:
  digitlab export --checkpoint lenet5.safetensors --format python --out net.py
  digitlab export --format onnx --out digitnet.onnx          # the bundled model
  digitlab predict --checkpoint digitnet.onnx my_digit.png   # the same answer via onnxruntime

exit status: 0 written and checked, 1 an error (a missing checkpoint, a failed check),
2 a usage error or a missing extra (pip install 'digitlab[export]')"""

_CHECK_IMAGES = 200


def add_export_parser(sub: Any) -> None:
    """Add the ``export`` subcommand to ``digitlab``'s subparsers."""
    p = sub.add_parser("export", help="write a model as PyTorch code, ONNX or torch.export",
                       description=_DESCRIPTION, epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", metavar="PATH",
                   help="checkpoint to export (default: the bundled model)")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="python",
                   help="output format (default: python)")
    p.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Export the checkpoint; one line on stdout says what was written (and how well it
    agrees with DigitLab, for the graph formats)."""
    what = args.checkpoint or "the bundled model"
    if args.format == "python":
        out = export_checkpoint_python(args.checkpoint, Path(args.out))
        print(f"wrote {out} (class Net for {what}; load it with "
              f"net.load_state_dict(load_weights(PATH)))")
        return 0
    from .checkpoints import bundled_checkpoint_path, load_checkpoint
    from .checkpoints.graph_export import (
        ExportExtraMissing,
        check_export,
        export_graph,
        require_export_extra,
    )
    from .data.datasets import load_split

    try:
        require_export_extra(args.format)
    except ExportExtraMissing as exc:
        print(f"digitlab export: {exc}", file=sys.stderr)
        return 2
    checkpoint = load_checkpoint(Path(args.checkpoint) if args.checkpoint
                                 else bundled_checkpoint_path())
    out = export_graph(checkpoint, args.out, args.format,
                       say=lambda line: print(line, file=sys.stderr, flush=True))
    images = load_split("mnist", train=False).images[:_CHECK_IMAGES].numpy() / 255.0
    check = check_export(checkpoint, out, args.format, images)
    verdict = "agrees" if check.ok else "DISAGREES"
    print(f"wrote {out} ({args.format} for {what}); {verdict} with DigitLab on "
          f"{check.images} MNIST test images: largest probability difference "
          f"{check.max_difference:.1e}")
    return 0 if check.ok else 1
