"""The Build tab's form for each layer type: its title, a one-sentence explanation, the
settings the inspector edits and the layer a palette click adds — what only the GUI needs.
Everything else about a layer type (its fields, their defaults, what it builds) is its
``LayerType`` in :data:`cnn_core.models.layer_types.LAYER_TYPES`; a setting's default is read
from there unless the form shows another (a pool's "auto" stride). A test fails while a
registered layer type has no form here.

The texts go through ``QCoreApplication.translate`` under the ``LayerKinds`` context, so they
are translated with the rest of the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QCoreApplication

from cnn_core.models.layer_types import LAYER_TYPES
from cnn_core.models.spec_fields import INITS

__all__ = ["KINDS", "REGISTRY", "LayerKind", "Setting", "describe", "kind_of", "kinds",
           "set_setting"]

REGISTRY: Any = type("RegistryDefault", (), {"__repr__": lambda self: "REGISTRY"})()
"""A :class:`Setting`'s default: the one its layer type's ``defaults`` give (``None`` where
they give none: a required or derived field)."""


def _t(text: str) -> str:
    return QCoreApplication.translate("LayerKinds", text)


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
    return Setting("init", _t("Initialisation"), "init", "", choices=INITS, tip=_t(
        "How this layer's weights start; 'as the network' follows the network's choice"))


def _kinds() -> tuple[LayerKind, ...]:
    window = 1024  # the spec checker's limit: an opened spec shows as it is
    pool = (Setting("kernel_size", _t("Kernel"), "pair", REGISTRY, 1, window,
                    tip=_t("Window height × width")),
            Setting("stride", _t("Stride"), "pair", 0, 0, window, special=_t("auto"),
                    tip=_t("Step between windows; auto: the kernel size (no overlap)")),
            Setting("padding", _t("Padding"), "pair", (0, 0), 0, window // 2,
                    tip=_t("Border added on each side; at most half the kernel")))
    return (
        LayerKind("conv", _t("Conv2d"), _t(
            "Slides small learned kernels over the image; each output channel sums a kernel's "
            "products with every input channel under the window."), (
            Setting("out_channels", _t("Out channels"), "int", REGISTRY, 1, 4096,
                    tip=_t("How many kernels, hence output feature maps")),
            Setting("kernel_size", _t("Kernel"), "pair", REGISTRY, 1, window,
                    tip=_t("Window height × width")),
            Setting("stride", _t("Stride"), "pair", REGISTRY, 1, window,
                    tip=_t("Step of the window; 2 halves the map")),
            Setting("padding", _t("Padding"), "pair", REGISTRY, 0, window,
                    tip=_t("Rows/columns added around the input; (k − 1)/2 keeps the size")),
            Setting("dilation", _t("Dilation"), "pair", REGISTRY, 1, window,
                    tip=_t("Spacing of the kernel's taps; widens the view at no cost")),
            Setting("groups", _t("Groups"), "int", REGISTRY, 1, 4096,
                    tip=_t("Split channels into groups convolved separately; must divide both")),
            Setting("bias", _t("Bias"), "bool", tip=_t("Add a learned constant per map")),
            Setting("padding_mode", _t("Padding mode"), "choice",
                    choices=("zeros", "reflect", "replicate", "circular"),
                    tip=_t("What the added border holds")),
            _init()), {"out_channels": 8, "kernel_size": 3}),
        LayerKind("maxpool", _t("MaxPool"), _t(
            "Keeps the largest value of each window: a smaller map that tolerates small "
            "shifts."), pool, {"kernel_size": 2}),
        LayerKind("avgpool", _t("AvgPool"), _t(
            "Averages each window (LeNet's subsampling): a smaller, smoother map."), pool,
            {"kernel_size": 2}),
        LayerKind("adaptive_avgpool", _t("Adaptive AvgPool"), _t(
            "Averages each map down to a fixed size whatever its input; 1×1 is global "
            "average pooling (NiN, GoogLeNet, ResNet)."), (
            Setting("output_size", _t("Output size"), "pair", REGISTRY, 1, window),),
            {"output_size": 1}),
        LayerKind("relu", _t("ReLU"), _t(
            "max(0, x): passes positives, zeroes negatives; gradients do not vanish.")),
        LayerKind("leaky_relu", _t("LeakyReLU"), _t(
            "Like ReLU, but negatives keep a small slope, so no unit dies."), (
            Setting("negative_slope", _t("Negative slope"), "float", REGISTRY, -10, 10),)),
        LayerKind("elu", _t("ELU"), _t(
            "Smooth ReLU: negatives curve down to −alpha instead of stopping at zero."), (
            Setting("alpha", _t("Alpha"), "float", REGISTRY, 0, 10),)),
        LayerKind("sigmoid", _t("Sigmoid"), _t(
            "Squashes to (0, 1), as the 1998 LeNet did; saturates, so deep stacks learn "
            "slowly.")),
        LayerKind("tanh", _t("Tanh"), _t(
            "Squashes to (−1, 1), centred on zero; saturates like the sigmoid.")),
        LayerKind("bn", _t("BatchNorm"), _t(
            "Normalises each channel over the batch, then scales and shifts it: faster, "
            "steadier training.")),
        LayerKind("dropout", _t("Dropout"), _t(
            "While training, zeroes a random fraction of values so units cannot co-adapt."), (
            Setting("p", _t("Drop probability"), "float", REGISTRY, 0, 0.99),)),
        LayerKind("flatten", _t("Flatten"), _t(
            "Lays the C×H×W maps out as one vector for the linear layers; the classifier "
            "starts here.")),
        LayerKind("linear", _t("Linear"), _t(
            "Every output is a weighted sum of every input (a fully connected layer)."), (
            Setting("out_features", _t("Out features"), "int", REGISTRY, 1, 65536),
            Setting("bias", _t("Bias"), "bool", tip=_t("Add a learned constant per output")),
            _init()), {"out_features": 10}),
        LayerKind("residual", _t("Residual block"), _t(
            "Two 3×3 conv + BatchNorm layers whose input is added back to their output "
            "(ResNet), so a block can learn the identity."), (
            Setting("out_channels", _t("Out channels"), "int", REGISTRY, 1, 4096),
            Setting("stride", _t("Stride"), "int", REGISTRY, 1, 4, tip=_t("2 halves the map")),
            Setting("use_1x1conv", _t("1×1 conv shortcut"), "bool",
                    tip=_t("Needed when the block changes the channels or the size")),
            _init()), {"out_channels": 16, "use_1x1conv": True}),
        LayerKind("inception", _t("Inception block"), _t(
            "Four paths side by side — 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max-pool→1×1 — whose maps "
            "are stacked (GoogLeNet)."), (
            Setting("c1", _t("1×1 path"), "int", REGISTRY, 1, 4096),
            Setting("c2", _t("3×3 path (reduce, out)"), "pair", REGISTRY, 1, 4096, linked=False),
            Setting("c3", _t("5×5 path (reduce, out)"), "pair", REGISTRY, 1, 4096, linked=False),
            Setting("c4", _t("Pool path"), "int", REGISTRY, 1, 4096),
            _init()), {"c1": 16, "c2": [16, 32], "c3": [4, 8], "c4": 8}),
        LayerKind("expression", _t("Expression"), _t(
            "A layer without parameters of your own: any expression of its input x, such as "
            "x - x.mean() (centring) or x.clamp(min=0)."), (
            Setting("expr", _t("Expression of x"), "text", tip=_t(
                "Numbers, x, + − × / **, and x.mean(), .sum(), .std(), .abs(), .relu(), "
                ".sigmoid(), .tanh(), .clamp(min=…, max=…) … with dim=…, keepdim=True")),),
            {"expr": "x - x.mean()"}),
        LayerKind("scale", _t("Scale (own parameter)"), _t(
            "A layer with a parameter of its own (nn.Parameter): one learned factor per "
            "channel or feature, and optionally a learned shift."), (
            Setting("bias", _t("Learned shift"), "bool", tip=_t("Add a learned constant too")),
            )),
        LayerKind("shared", _t("Shared layer"), _t(
            "Runs an earlier layer again with the same weights (tied parameters): its "
            "weights are counted and trained once."), (
            Setting("of", _t("Layer to reuse"), "text", tip=_t(
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
    if "all" not in _CACHE:
        _CACHE["all"] = tuple(_with_registry_defaults(kind) for kind in _kinds())
    return _CACHE["all"]


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
        parts.append(_t("weights of {0}").format(layer.get("of", "?")))
    for key, short in (("stride", _t("stride")), ("padding", _t("pad")),
                       ("dilation", _t("dil")), ("groups", _t("groups"))):
        value = layer.get(key)
        default = 0 if key == "padding" else 1
        if value is not None and value not in (default, [default, default]) and kind not in (
                "residual",):
            parts.append(f"{short} {_pair_text(value) if isinstance(value, list) else value}")
    if kind == "residual" and layer.get("stride", 1) != 1:
        parts.append(f"{_t('stride')} {layer['stride']}")
    if layer.get("use_1x1conv"):
        parts.append(_t("1×1 shortcut"))
    if layer.get("bias") is False:
        parts.append(_t("no bias"))
    if "init" in layer:
        parts.append(str(layer["init"]))
    return ", ".join(parts)
