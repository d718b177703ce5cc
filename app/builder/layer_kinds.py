"""The Build tab's form for each layer type: its title, a one-sentence explanation, the
settings the inspector edits and the layer a palette click adds — what only the GUI needs.
Everything else about a layer type (its fields, their defaults, what it builds) is its
``LayerType`` in :data:`cnn_core.models.layer_types.LAYER_TYPES`; a setting's default is read
from there unless the form shows another (a pool's "auto" stride). A test fails while a
registered layer type has no form here.

The texts are translated with the rest of the UI, under the ``LayerKinds`` context.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cnn_core.models.layer_types import LAYER_TYPES
from cnn_core.models.spec_fields import INITS

from ..language import TextContext

__all__ = ["KINDS", "REGISTRY", "LayerKind", "Setting", "describe", "kind_of", "kinds",
           "set_setting"]

REGISTRY: Any = type("RegistryDefault", (), {"__repr__": lambda self: "REGISTRY"})()
"""A :class:`Setting`'s default: the one its layer type's ``defaults`` give (``None`` where
they give none: a required or derived field)."""


LayerKinds = TextContext("LayerKinds")  # LayerKinds.tr: a text in the window's language


@dataclass(frozen=True)
class Setting:
    """One editable setting of a layer type."""

    key: str  # the spec's field name
    label: str
    widget: str  # "int", "pair", "float", "bool", "choice", "init", "text"
    default: Any = REGISTRY  # the value the spec means when the key is absent (None: required)
    lo: float = 0
    hi: float = 0
    choices: tuple[str, ...] = ()
    linked: bool = True  # pair: both numbers move together until unlinked
    special: str = ""  # text shown at the minimum of a spin box (e.g. "= kernel")
    tip: str = ""


@dataclass(frozen=True)
class LayerKind:
    """A layer type of the palette."""

    kind: str  # spec type
    title: str
    tip: str  # one sentence: what the layer does
    settings: tuple[Setting, ...] = ()
    new: dict[str, Any] = field(default_factory=dict)  # settings of a freshly added layer


def _init() -> Setting:
    return Setting("init", LayerKinds.tr("Initialisation"), "init", "", choices=INITS,
                   tip=LayerKinds.tr("How this layer's weights start; 'as the network' "
                                     "follows the network's choice"))


def _kinds() -> tuple[LayerKind, ...]:
    window = 1024  # the spec checker's limit: an opened spec shows as it is
    pool = (Setting("kernel_size", LayerKinds.tr("Kernel"), "pair", REGISTRY, 1, window,
                    tip=LayerKinds.tr("Window height × width")),
            Setting("stride", LayerKinds.tr("Stride"), "pair", 0, 0, window,
                    special=LayerKinds.tr("auto"),
                    tip=LayerKinds.tr("Step between windows; auto: the kernel size (no overlap)")),
            Setting("padding", LayerKinds.tr("Padding"), "pair", (0, 0), 0, window // 2,
                    tip=LayerKinds.tr("Border added on each side; at most half the kernel")))
    return (
        LayerKind("conv", LayerKinds.tr("Conv2d"), LayerKinds.tr(
            "Slides small learned kernels over the image; each output channel sums a kernel's "
            "products with every input channel under the window."), (
            Setting("out_channels", LayerKinds.tr("Out channels"), "int", REGISTRY, 1, 4096,
                    tip=LayerKinds.tr("How many kernels, hence output feature maps")),
            Setting("kernel_size", LayerKinds.tr("Kernel"), "pair", REGISTRY, 1, window,
                    tip=LayerKinds.tr("Window height × width")),
            Setting("stride", LayerKinds.tr("Stride"), "pair", REGISTRY, 1, window,
                    tip=LayerKinds.tr("Step of the window; 2 halves the map")),
            Setting("padding", LayerKinds.tr("Padding"), "pair", REGISTRY, 0, window,
                    tip=LayerKinds.tr(
                        "Rows/columns added around the input; (k − 1)/2 keeps the size")),
            Setting("dilation", LayerKinds.tr("Dilation"), "pair", REGISTRY, 1, window,
                    tip=LayerKinds.tr("Spacing of the kernel's taps; widens the view at no cost")),
            Setting("groups", LayerKinds.tr("Groups"), "int", REGISTRY, 1, 4096,
                    tip=LayerKinds.tr(
                        "Split channels into groups convolved separately; must divide both")),
            Setting("bias", LayerKinds.tr("Bias"), "bool",
                    tip=LayerKinds.tr("Add a learned constant per map")),
            Setting("padding_mode", LayerKinds.tr("Padding mode"), "choice",
                    choices=("zeros", "reflect", "replicate", "circular"),
                    tip=LayerKinds.tr("What the added border holds")),
            _init()), {"out_channels": 8, "kernel_size": 3}),
        LayerKind("maxpool", LayerKinds.tr("MaxPool"), LayerKinds.tr(
            "Keeps the largest value of each window: a smaller map that tolerates small "
            "shifts."), pool, {"kernel_size": 2}),
        LayerKind("avgpool", LayerKinds.tr("AvgPool"), LayerKinds.tr(
            "Averages each window (LeNet's subsampling): a smaller, smoother map."), pool,
            {"kernel_size": 2}),
        LayerKind("adaptive_avgpool", LayerKinds.tr("Adaptive AvgPool"), LayerKinds.tr(
            "Averages each map down to a fixed size whatever its input; 1×1 is global "
            "average pooling (NiN, GoogLeNet, ResNet)."), (
            Setting("output_size", LayerKinds.tr("Output size"), "pair", REGISTRY, 1, window),),
            {"output_size": 1}),
        LayerKind("relu", LayerKinds.tr("ReLU"), LayerKinds.tr(
            "max(0, x): passes positives, zeroes negatives; gradients do not vanish.")),
        LayerKind("leaky_relu", LayerKinds.tr("LeakyReLU"), LayerKinds.tr(
            "Like ReLU, but negatives keep a small slope, so no unit dies."), (
            Setting("negative_slope", LayerKinds.tr("Negative slope"), "float", REGISTRY,
                    -10, 10),)),
        LayerKind("elu", LayerKinds.tr("ELU"), LayerKinds.tr(
            "Smooth ReLU: negatives curve down to −alpha instead of stopping at zero."), (
            Setting("alpha", LayerKinds.tr("Alpha"), "float", REGISTRY, 0, 10),)),
        LayerKind("sigmoid", LayerKinds.tr("Sigmoid"), LayerKinds.tr(
            "Squashes to (0, 1), as the 1998 LeNet did; saturates, so deep stacks learn "
            "slowly.")),
        LayerKind("tanh", LayerKinds.tr("Tanh"), LayerKinds.tr(
            "Squashes to (−1, 1), centred on zero; saturates like the sigmoid.")),
        LayerKind("bn", LayerKinds.tr("BatchNorm"), LayerKinds.tr(
            "Normalises each channel over the batch, then scales and shifts it: faster, "
            "steadier training.")),
        LayerKind("dropout", LayerKinds.tr("Dropout"), LayerKinds.tr(
            "While training, zeroes a random fraction of values so units cannot co-adapt."), (
            Setting("p", LayerKinds.tr("Drop probability"), "float", REGISTRY, 0, 0.99),)),
        LayerKind("flatten", LayerKinds.tr("Flatten"), LayerKinds.tr(
            "Lays the C×H×W maps out as one vector for the linear layers; the classifier "
            "starts here.")),
        LayerKind("linear", LayerKinds.tr("Linear"), LayerKinds.tr(
            "Every output is a weighted sum of every input (a fully connected layer)."), (
            Setting("out_features", LayerKinds.tr("Out features"), "int", REGISTRY, 1, 65536),
            Setting("bias", LayerKinds.tr("Bias"), "bool",
                    tip=LayerKinds.tr("Add a learned constant per output")),
            _init()), {"out_features": 10}),
        LayerKind("residual", LayerKinds.tr("Residual block"), LayerKinds.tr(
            "Two 3×3 conv + BatchNorm layers whose input is added back to their output "
            "(ResNet), so a block can learn the identity."), (
            Setting("out_channels", LayerKinds.tr("Out channels"), "int", REGISTRY, 1, 4096),
            Setting("stride", LayerKinds.tr("Stride"), "int", REGISTRY, 1, 4,
                    tip=LayerKinds.tr("2 halves the map")),
            Setting("use_1x1conv", LayerKinds.tr("1×1 conv shortcut"), "bool",
                    tip=LayerKinds.tr("Needed when the block changes the channels or the size")),
            _init()), {"out_channels": 16, "use_1x1conv": True}),
        LayerKind("inception", LayerKinds.tr("Inception block"), LayerKinds.tr(
            "Four paths side by side — 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max-pool→1×1 — whose maps "
            "are stacked (GoogLeNet)."), (
            Setting("c1", LayerKinds.tr("1×1 path"), "int", REGISTRY, 1, 4096),
            Setting("c2", LayerKinds.tr("3×3 path (reduce, out)"), "pair", REGISTRY, 1, 4096,
                    linked=False),
            Setting("c3", LayerKinds.tr("5×5 path (reduce, out)"), "pair", REGISTRY, 1, 4096,
                    linked=False),
            Setting("c4", LayerKinds.tr("Pool path"), "int", REGISTRY, 1, 4096),
            _init()), {"c1": 16, "c2": [16, 32], "c3": [4, 8], "c4": 8}),
        LayerKind("expression", LayerKinds.tr("Expression"), LayerKinds.tr(
            "A layer without parameters of your own: any expression of its input x, such as "
            "x - x.mean() (centring) or x.clamp(min=0)."), (
            Setting("expr", LayerKinds.tr("Expression of x"), "text", tip=LayerKinds.tr(
                "Numbers, x, + − × / **, and x.mean(), .sum(), .std(), .abs(), .relu(), "
                ".sigmoid(), .tanh(), .clamp(min=…, max=…) … with dim=…, keepdim=True")),),
            {"expr": "x - x.mean()"}),
        LayerKind("scale", LayerKinds.tr("Scale (own parameter)"), LayerKinds.tr(
            "A layer with a parameter of its own (nn.Parameter): one learned factor per "
            "channel or feature, and optionally a learned shift."), (
            Setting("bias", LayerKinds.tr("Learned shift"), "bool",
                    tip=LayerKinds.tr("Add a learned constant too")),
            )),
        LayerKind("shared", LayerKinds.tr("Shared layer"), LayerKinds.tr(
            "Runs an earlier layer again with the same weights (tied parameters): its "
            "weights are counted and trained once."), (
            Setting("of", LayerKinds.tr("Layer to reuse"), "text", tip=LayerKinds.tr(
                "The name of an earlier layer with weights, e.g. fc2 or features.conv2; its "
                "input channels (or features) must match")),),
            {"of": "fc1"}),
    )


_CACHE: dict[str, tuple[LayerKind, ...]] = {}


def _with_registry_defaults(kind: LayerKind) -> LayerKind:
    defaults = LAYER_TYPES[kind.kind].defaults
    settings = tuple(replace(s, default=defaults.get(s.key)) if s.default is REGISTRY else s
                     for s in kind.settings)
    return replace(kind, settings=settings)


def kinds() -> tuple[LayerKind, ...]:
    """Every layer type of the palette, in palette order (texts in the current language)."""
    language = LayerKinds.tr("Stride")  # one list per language (a test may switch it)
    if language not in _CACHE:
        _CACHE[language] = tuple(_with_registry_defaults(kind) for kind in _kinds())
    return _CACHE[language]


KINDS = ("conv", "maxpool", "avgpool", "adaptive_avgpool", "relu", "leaky_relu", "elu",
         "sigmoid", "tanh", "bn", "dropout", "flatten", "linear", "residual", "inception",
         "expression", "scale", "shared")


def kind_of(kind: str) -> LayerKind | None:
    """The description of a spec layer type (``None`` for one the builder does not know)."""
    return next((k for k in kinds() if k.kind == kind), None)


def set_setting(layer: dict[str, Any], setting: Setting, value: Any) -> dict[str, Any]:
    """A copy of ``layer`` with ``setting`` set to ``value``: a default value removes the
    key (the spec stays as short as the registry's), a square pair is written as one number."""
    layer = dict(layer)
    if setting.widget == "pair" and setting.linked and value[0] == value[1]:
        value = value[0]
    elif setting.widget == "pair":
        value = [value[0], value[1]]
    default = setting.default
    if setting.widget == "pair" and isinstance(default, tuple) and isinstance(value, int):
        default = default[0]
    if default is not None and value == default:
        layer.pop(setting.key, None)
    else:
        layer[setting.key] = value
    return layer


def _pair_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return f"{value[0]}×{value[1]}"
    return f"{value}×{value}"


def describe(layer: dict[str, Any]) -> str:
    """A short reading of a layer's settings: ``6, 5×5, pad 2``."""
    kind = layer.get("type")
    parts: list[str] = []
    if kind == "conv":
        parts.append(str(layer.get("out_channels", "?")))
        parts.append(_pair_text(layer.get("kernel_size", "?")))
    elif kind in ("maxpool", "avgpool"):
        parts.append(_pair_text(layer.get("kernel_size", "?")))
    elif kind == "adaptive_avgpool":
        parts.append("→ " + _pair_text(layer.get("output_size", 1)))
    elif kind == "linear":
        parts.append(str(layer.get("out_features", "?")))
    elif kind == "residual":
        parts.append(str(layer.get("out_channels", "=")))
    elif kind == "inception":
        parts.append("/".join(str(layer.get(k, "?")) for k in ("c1", "c2", "c3", "c4")))
    elif kind == "dropout":
        parts.append(f"p={layer.get('p', 0.5):g}")
    elif kind == "expression":
        parts.append(str(layer.get("expr", "?")))
    elif kind == "shared":
        parts.append(LayerKinds.tr("weights of {0}").format(layer.get("of", "?")))
    for key, short in (("stride", LayerKinds.tr("stride")), ("padding", LayerKinds.tr("pad")),
                       ("dilation", LayerKinds.tr("dil")), ("groups", LayerKinds.tr("groups"))):
        value = layer.get(key)
        default = 0 if key == "padding" else 1
        if value is not None and value not in (default, [default, default]) and kind not in (
                "residual",):
            parts.append(f"{short} {_pair_text(value) if isinstance(value, list) else value}")
    if kind == "residual" and layer.get("stride", 1) != 1:
        parts.append(f"{LayerKinds.tr('stride')} {layer['stride']}")
    if layer.get("use_1x1conv"):
        parts.append(LayerKinds.tr("1×1 shortcut"))
    if layer.get("bias") is False:
        parts.append(LayerKinds.tr("no bias"))
    if "init" in layer:
        parts.append(str(layer["init"]))
    return ", ".join(parts)
