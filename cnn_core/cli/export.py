"""``digitlab export``: write a checkpoint's model as PyTorch code, ONNX or a torch.export file,
or a training run as a self-contained PyTorch training script."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    EXIT_USAGE,
    OutputFile,
    check_output_file,
    exit_codes,
    load_checkpoint,
    say,
)

__all__ = ["DESCRIPTION", "EPILOG", "EXPORT_FORMATS", "add_arguments", "run"]

EXPORT_FORMATS = ("python", "script", "onnx", "pt2")

DESCRIPTION = (
    "Write a checkpoint's model (default: the bundled model) in another form. "
    "python: a standalone module that needs only torch (class Net(nn.Module); "
    "net.load_state_dict(load_weights(CHECKPOINT)) gives DigitLab's outputs). "
    "script: a training run (a run folder of the model shelf, or the checkpoint of a run) as "
    "one self-contained training script of plain torch + torchvision: the model, the data "
    "loading, the loop and the run's settings and seed; python train.py --data DIR repeats "
    "the run. "
    "onnx: an ONNX graph for onnxruntime and other runtimes (needs the export extra). "
    "pt2: a torch.export program (torch.export.load(PATH).module()). "
    "The onnx and pt2 graphs take [N, 1, 28, 28] pictures in [0, 1], ink = 1, normalise them "
    "inside and return logits and probabilities; each file is loaded back and checked against "
    "DigitLab on 200 MNIST test images before the command reports it written.")

EPILOG = f"""Examples:
  digitlab export --out net.py                                  (the bundled model)
  digitlab export --checkpoint lenet5.safetensors --format python --out net.py
  digitlab export --checkpoint lenet5.safetensors --format script --out train.py
  python train.py --data data --device cpu                      (MNIST in data/MNIST/raw)
  digitlab export --format onnx --out digitnet.onnx
  digitlab predict --checkpoint digitnet.onnx my_digit.png      (the same answer via onnxruntime)

{exit_codes({1: "also when an exported graph disagrees with DigitLab",
             EXIT_USAGE: "also when the format's extra is missing "
                         "(pip install 'digitlab[export]'), and when a run's settings cannot "
                         "be written as a script (each is named)"})}
"""

def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``digitlab export``."""
    p.add_argument("--checkpoint", metavar="PATH",
                   help="checkpoint to export (default: the bundled model); for --format "
                        "script also a run: its folder, id or number (digitlab runs list)")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="python",
                   help="output format")
    p.add_argument("--out", metavar="FILE", required=True,
                   help="the file to write (checked before any work starts)")


def run(args: argparse.Namespace) -> int:
    """Export the checkpoint; one line on stderr says what was written (and how well it agrees
    with DigitLab, for the graph formats)."""
    from ..checkpoints.code_export import export_checkpoint_python

    out = OutputFile(check_output_file(args.out))
    args.outputs.append(out)
    what = args.checkpoint or "the bundled model"
    if args.format == "python":
        written = export_checkpoint_python(args.checkpoint, Path(out.path))
        say(f"wrote {written} (class Net for {what}; load it with "
            f"net.load_state_dict(load_weights(PATH)))")
        return 0
    if args.format == "script":
        return _export_script(args, out.path)
    return _export_graph(args, out.path, what)


def _export_script(args: argparse.Namespace, out: Path) -> int:
    from ..checkpoints import bundled_checkpoint_path
    from ..checkpoints.script_export import ScriptUnsupported, export_run_script
    from .runs import find_run

    run = find_run(args.checkpoint) if args.checkpoint else bundled_checkpoint_path()
    try:
        written = export_run_script(run, out)
    except ScriptUnsupported as exc:
        say(f"digitlab export: {exc}")
        return EXIT_USAGE
    say(f"wrote {written} (the training run of {args.checkpoint or 'the bundled model'}; "
        f"run it with: python {written.name} --data DIR)")
    return 0


def _export_graph(args: argparse.Namespace, out: Path, what: str) -> int:
    from ..checkpoints.graph_export import (
        ExportExtraMissing,
        ExportStep,
        export_steps,
        require_export_extra,
    )

    try:
        require_export_extra(args.format)
    except ExportExtraMissing as exc:
        say(f"digitlab export: {exc}")
        return EXIT_USAGE
    checkpoint = load_checkpoint(args.checkpoint)
    for step in export_steps(checkpoint, out, args.format):
        if isinstance(step, ExportStep):
            say(step.text)
            continue
        verdict = "agrees" if step.ok else "DISAGREES"
        say(f"wrote {step.path} ({args.format} for {what}); {verdict} with DigitLab on "
            f"{step.images} MNIST test images: largest probability difference "
            f"{step.max_difference:.1e}")
        return 0 if step.ok else 1
    return 1
