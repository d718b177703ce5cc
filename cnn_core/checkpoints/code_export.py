"""Export a model as readable, standalone PyTorch code.

:func:`spec_to_python` writes the source of a Python module that needs nothing but torch: a
class ``Net(nn.Module)`` with a ``features`` and a ``classifier`` ``nn.Sequential`` whose
layers carry the spec's names (``conv1``, ``pool1``, ``fc1``...), the residual and Inception
blocks written out as classes in the file, and a function that reads a DigitLab checkpoint's
weights with torch alone. ``Net().state_dict()`` has exactly the keys of
``cnn_core.models.specs.build_model(spec).state_dict()``, so a checkpoint's weights load into it
unchanged, and in eval mode its outputs equal DigitLab's bit for bit: both run the same
``torch.nn`` operations in the same order.

:func:`export_checkpoint_python` does it for a checkpoint file (or the bundled model), and adds
the checkpoint's normalisation and class names to the module. :func:`export_spec` returns the
same source with, for every layer of the spec, the lines that layer produced (the window's code
view highlights them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..models.layer_costs import MAC_CONVENTION
from ..models.layer_types import LAYER_TYPES
from ..models.spec_validation import INPUT_SHAPE, PlannedLayer, SpecPlan, check_spec
from ..runtime.atomic_files import write_bytes_atomic

__all__ = ["ExportedCode", "LayerLines", "ModelDefinitions", "comment_lines",
           "export_checkpoint_python", "export_spec", "model_definitions", "spec_to_python"]


@dataclass(frozen=True)
class LayerLines:
    """The lines of the exported source that one layer of the spec produced.

    Attributes
    ----------
    name
        The layer's module name, as ``model.named_modules()`` gives it: ``features.conv1``.
    ranges
        0-based line numbers (indices into ``text.splitlines()``), as contiguous ranges: first
        its entry in ``__init__``'s ``nn.Sequential``, then the line tying its weights to
        another layer's and its ``init_weights`` call, if it has them.
    """

    name: str
    ranges: tuple[range, ...]

    def lines(self) -> list[int]:
        """Every line number of the layer, in order."""
        return [line for span in self.ranges for line in span]


@dataclass(frozen=True)
class ExportedCode:
    """A spec's model as standalone PyTorch source, and where each layer is in it."""

    text: str  # what spec_to_python returns
    layers: tuple[LayerLines, ...]  # one per layer of the spec, features then classifier

    def layer_at(self, line: int) -> int:
        """The index of the layer that produced 0-based ``line`` (−1 when none did)."""
        for index, layer in enumerate(self.layers):
            if any(line in span for span in layer.ranges):
                return index
        return -1

_INIT_SOURCE = '''

def init_weights(module, scheme):
    """Initialise the Conv2d and Linear layers in ``module`` as DigitLab does for ``scheme``:
    xavier: Xavier-uniform weights, PyTorch's default biases; kaiming: He-normal (ReLU)
    weights, zero biases; normal: N(0, 0.01²) weights, zero biases."""
    for m in module.modules():
        if not isinstance(m, (nn.Conv2d, nn.Linear)):
            continue
        if scheme == "xavier":
            nn.init.xavier_uniform_(m.weight)
            continue
        if scheme == "kaiming":
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        else:
            nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
'''

_LOADER_SOURCE = '''

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
           "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32,
           "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def load_weights(path):
    """The state dict of a DigitLab checkpoint (.safetensors, read with torch alone; or a
    plain-weights .pt file holding {"meta": ..., "state_dict": ...})."""
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith((".pt", ".pth")) or data[:2] == b"PK":
        return torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    header.pop("__metadata__", None)
    body = bytearray(data[8 + size:])
    weights = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        flat = torch.frombuffer(body, dtype=_DTYPES[info["dtype"]], offset=start,
                                count=(end - start) // _DTYPES[info["dtype"]].itemsize)
        weights[name] = flat.reshape(info["shape"]).clone()
    return weights
'''


def _layer_code(layer: PlannedLayer) -> str:
    """The constructor call for the module that ``models.specs.build_model`` builds."""
    return LAYER_TYPES[layer.kind].source(layer.settings, layer.in_shape)


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def comment_lines(text: str, width: int = 96) -> list[str]:
    """``text`` as ``# ...`` lines of at most ``width`` characters (words kept whole)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = "#"
        for word in paragraph.split():
            if len(line) + 1 + len(word) > width and line != "#":
                lines.append(line)
                line = "#"
            line += " " + word
        lines.append(line)
    return lines


def spec_to_python(spec: dict[str, Any], *, source: str | None = None,
                   mean: float | None = None, std: float | None = None,
                   classes: list[str] | tuple[str, ...] | None = None) -> str:
    """The source of a standalone PyTorch module (torch only) that defines the spec's model.

    Parameters
    ----------
    spec
        A model spec (see :mod:`cnn_core.models.specs`); it is validated first.
    source
        Where the weights come from (a checkpoint's file name), named in the header.
    mean, std, classes
        A checkpoint's input normalisation and class names, written as ``MEAN``, ``STD`` and
        ``CLASSES`` (left out when not given).

    Returns
    -------
    str
        Python source defining ``Net(nn.Module)`` (``features`` and ``classifier``
        ``nn.Sequential`` with the spec's layer names, so ``state_dict()`` keys equal
        :func:`cnn_core.models.specs.build_model`'s), the residual / Inception helper classes it
        uses, ``init_weights`` (when the spec asks for an initialisation) and ``load_weights(path)``
        to read a checkpoint's weights with torch alone.

    Raises
    ------
    SpecError
        If the spec is invalid (the message names the field).
    """
    return export_spec(spec, source=source, mean=mean, std=std, classes=classes).text


def export_spec(spec: dict[str, Any], *, source: str | None = None,
                mean: float | None = None, std: float | None = None,
                classes: list[str] | tuple[str, ...] | None = None) -> ExportedCode:
    """:func:`spec_to_python`'s source, and the lines each layer of the spec produced.

    Takes the same arguments and raises the same errors as :func:`spec_to_python`.
    """
    model = model_definitions(spec)
    text = "\n".join(_head(spec, model.name, model.plan.params, model.plan.macs, source, mean,
                           std, classes))
    text += model.helpers + _LOADER_SOURCE + "\n\n"
    first = text.count("\n")  # the line "class Net" starts on
    text += model.net + _MAIN_SOURCE
    layers = tuple(LayerLines(f"{layer.part}.{layer.name}",
                              tuple(range(first + span.start, first + span.stop)
                                    for span in model.where[id(layer)]))
                   for layer in model.plan.layers)
    return ExportedCode(text, layers)


@dataclass(frozen=True)
class ModelDefinitions:
    """The source that defines a spec's model, for a file that imports ``torch``, ``F``
    (``torch.nn.functional``), ``nn`` and ``OrderedDict``.

    ``helpers`` holds the classes its layers use and ``init_weights`` (when the spec asks for
    an initialisation), each after two blank lines; ``net`` is ``class Net(nn.Module)``, and
    ``where`` the ranges of ``net``'s lines each layer of ``plan`` produced (by the layer's
    ``id``). ``Net()`` built after ``torch.manual_seed(s)`` has the weights of
    ``build_model(spec, s)``.
    """

    name: str
    plan: SpecPlan
    helpers: str
    net: str
    where: dict[int, list[range]]


def model_definitions(spec: dict[str, Any]) -> ModelDefinitions:
    """The helper classes and ``class Net`` of the spec's model (the spec is validated first).

    Raises
    ------
    SpecError
        If the spec is invalid (the message names the field).
    """
    plan = check_spec(spec)
    name = str(spec.get("name", "custom"))
    default_init = spec.get("init", "default")
    kinds = {layer.kind for layer in plan.layers}
    inits = [(layer, layer.settings.get("init", default_init)) for layer in plan.layers
             if LAYER_TYPES[layer.kind].initialised]
    uses_init = any(scheme != "default" for _, scheme in inits)
    helpers = "".join(layer_type.helper_source for kind, layer_type in LAYER_TYPES.items()
                      if kind in kinds and layer_type.helper_source)  # once each
    if uses_init:
        helpers += _INIT_SOURCE
    net, where = _net_source(name, plan.layers, inits, uses_init)
    return ModelDefinitions(name, plan, helpers, net, where)


def _head(spec: dict[str, Any], name: str, params: int, macs: int, source: str | None,
          mean: float | None, std: float | None,
          classes: list[str] | tuple[str, ...] | None) -> list[str]:
    """The file's opening lines: what it is, its figures, how to use it, its imports."""
    head = [f"# {name}: a DigitLab model as plain PyTorch (needs only torch).",
            *comment_lines(f"Generated by DigitLab {__version__} from the model spec {name!r}"
                           + (f", weights from {source}." if source else "."))]
    if spec.get("summary"):
        head += comment_lines(str(spec["summary"]))
    head += [f"# {params:,} trainable parameters, {macs:,} multiply-adds (MACs) per "
             f"{_shape(INPUT_SHAPE)} image",
             f"# (MACs: {MAC_CONVENTION}; pooling, BatchNorm and activations not counted)",
             f"# (= {2 * macs / 1e6:.2f} MFLOPs counting a multiply-add as two operations).",
             "#",
             "# Usage:",
             "#     net = Net().eval()",
             "#     net.load_state_dict(load_weights(\"model.safetensors\"))",
             "#     logits = net((images - MEAN) / STD)   # images: N×1×28×28, values in [0, 1]"
             if mean is not None else
             "#     logits = net(x)   # x: N×1×28×28 images, normalised as the model was trained",
             "# Outputs equal DigitLab's own model with the same weights, in eval mode."]

    lines = [*head, "", "import json", "import struct", "from collections import OrderedDict",
             "", "import torch", "import torch.nn.functional as F", "from torch import nn", ""]
    if mean is not None and std is not None:
        lines += [f"MEAN = {float(mean)!r}  # input normalisation: (x - MEAN) / STD",
                  f"STD = {float(std)!r}"]
    if classes is not None:
        lines.append(f"CLASSES = {tuple(str(c) for c in classes)!r}")
    if mean is not None or classes is not None:
        lines.append("")
    return lines


def _net_source(name: str, layers: list[PlannedLayer], inits: list[tuple[PlannedLayer, str]],
                uses_init: bool) -> tuple[str, dict[int, list[range]]]:
    """The class ``Net``, and for each layer (by ``id``) the ranges of its lines in it."""
    out = ["class Net(nn.Module):",
           f'    """{name}: input 1×28×28, output {_shape(layers[-1].out_shape)} logits."""',
           "",
           "    def __init__(self):",
           "        super().__init__()"]
    where: dict[int, list[range]] = {id(layer): [] for layer in layers}

    def add(layer: PlannedLayer, text: str) -> None:
        start = len(out)
        out.extend(text.split("\n"))
        where[id(layer)].append(range(start, len(out)))

    for part in ("features", "classifier"):
        part_layers = [layer for layer in layers if layer.part == part]
        if not part_layers:
            out.append(f"        self.{part} = nn.Sequential()")
            continue
        out.append(f"        self.{part} = nn.Sequential(OrderedDict([")
        for layer in part_layers:
            code = f'            ("{layer.name}", {_layer_code(layer)}),'
            add(layer, f"{code:<80}# → {_shape(layer.out_shape)}")
        out.append("        ]))")
    for layer in layers:
        if LAYER_TYPES[layer.kind].tied:
            add(layer, f"        self.{layer.part}.{layer.name}.tie(self.{layer.settings['of']})"
                       f"  # the same weights")
    if uses_init:
        out.append("        # initialisation, layer by layer in this order (as DigitLab does)")
        for layer, scheme in inits:
            if scheme != "default":
                add(layer, f'        init_weights(self.{layer.part}.{layer.name}, "{scheme}")')
    out += ["", "    def forward(self, x):", "        return self.classifier(self.features(x))",
            ""]
    return "\n".join(out), where


_MAIN_SOURCE = '''

if __name__ == "__main__":
    import sys

    net = Net().eval()
    if len(sys.argv) > 1:
        net.load_state_dict(load_weights(sys.argv[1]))
        print(f"loaded the weights of {sys.argv[1]}")
    print(net)
    print(f"{sum(p.numel() for p in net.parameters()):,} parameters")
'''


def export_checkpoint_python(path: str | Path | None, out_path: str | Path) -> Path:
    """Write a checkpoint's model as standalone PyTorch code (see :func:`spec_to_python`).

    Parameters
    ----------
    path
        The checkpoint to export; ``None`` for the bundled model. It is loaded and checked by
        :func:`cnn_core.checkpoints.load_checkpoint`.
    out_path
        The ``.py`` file to write (atomically: a crash leaves no half-written file).

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    CheckpointError
        If the checkpoint is missing, corrupt or invalid.
    OSError
        If ``out_path`` cannot be written.
    """
    from . import bundled_checkpoint_path, load_checkpoint

    source_path = Path(path) if path is not None else bundled_checkpoint_path()
    ck = load_checkpoint(source_path)
    label = source_path.name if path is not None else f"the bundled model ({source_path.name})"
    text = spec_to_python(ck.model.spec, source=label, mean=ck.mean, std=ck.std,
                          classes=list(ck.classes))
    return _write_atomically(Path(out_path), text)


def _write_atomically(path: Path, text: str) -> Path:
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder; give the .py file to write")
    return write_bytes_atomic(path, text.encode("utf-8"))
