"""Spec factories for the classic CNNs DigitLab ships, all for 1×28×28 input."""

from __future__ import annotations

from typing import Any

from ..runtime.messages import Core

Spec = dict[str, Any]


def _conv(out: int, kernel: int, padding: int = 0, **extra: Any) -> dict[str, Any]:
    return {"type": "conv", "out_channels": out, "kernel_size": kernel, "padding": padding,
            **extra}


def _spec(name: str, summary: str, features: list[dict[str, Any]],
          classifier: list[dict[str, Any]], init: str = "default") -> Spec:
    return {"name": name, "summary": summary, "input_shape": [1, 28, 28], "num_classes": 10,
            "init": init, "features": features, "classifier": classifier}


def lenet5() -> Spec:
    """LeNet-5 as in the tutorials: sigmoid, average pooling, 120-84-10, Xavier init."""
    return _spec(
        "lenet5",
        Core.tr("LeNet-5 (1998 style): 5×5 convs, sigmoid, average pooling, 120-84-10"),
        [_conv(6, 5, padding=2), {"type": "sigmoid"}, {"type": "avgpool", "kernel_size": 2},
         _conv(16, 5), {"type": "sigmoid"}, {"type": "avgpool", "kernel_size": 2}],
        [{"type": "flatten"}, {"type": "linear", "out_features": 120}, {"type": "sigmoid"},
         {"type": "linear", "out_features": 84}, {"type": "sigmoid"},
         {"type": "linear", "out_features": 10}],
        init="xavier",
    )


def lenet(batch_norm: bool = False) -> Spec:
    """LeNet with modern parts: ReLU, max pooling and optional BatchNorm."""
    bn = [{"type": "bn"}] if batch_norm else []
    return _spec(
        "lenet_bn" if batch_norm else "lenet",
        Core.tr("LeNet, modernised: ReLU, max pooling, BatchNorm") if batch_norm
        else Core.tr("LeNet, modernised: ReLU, max pooling"),
        [_conv(6, 5, padding=2), *bn, {"type": "relu"}, {"type": "maxpool", "kernel_size": 2},
         _conv(16, 5), *bn, {"type": "relu"}, {"type": "maxpool", "kernel_size": 2}],
        [{"type": "flatten"}, {"type": "linear", "out_features": 120}, *bn, {"type": "relu"},
         {"type": "linear", "out_features": 84}, *bn, {"type": "relu"},
         {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


def tinyvgg(hidden_units: int = 10) -> Spec:
    """The Fashion-MNIST TinyVGG: two conv-ReLU-conv-ReLU-maxpool blocks and a linear head."""
    def block() -> list[dict[str, Any]]:
        return [_conv(hidden_units, 3, padding=1), {"type": "relu"},
                _conv(hidden_units, 3, padding=1), {"type": "relu"},
                {"type": "maxpool", "kernel_size": 2}]

    return _spec(
        "tinyvgg",
        Core.tr("TinyVGG: two (conv-ReLU)×2 + max-pool blocks of {width} channels",
                width=hidden_units),
        block() + block(),
        [{"type": "flatten"}, {"type": "linear", "out_features": 10}],
    )


def cifar_cnn() -> Spec:
    """The tutorials' CIFAR-10 model, one input channel: three 5×5 conv + max-pool, 64 head.

    Like the original it has no activation functions; max pooling is its only non-linearity.
    """
    return _spec(
        "cifar_cnn",
        Core.tr("CIFAR-10 tutorial CNN: three 5×5 conv + max-pool (32-32-64), 64-unit head"),
        [_conv(32, 5, padding=2), {"type": "maxpool", "kernel_size": 2},
         _conv(32, 5, padding=2), {"type": "maxpool", "kernel_size": 2},
         _conv(64, 5, padding=2), {"type": "maxpool", "kernel_size": 2}],
        [{"type": "flatten"}, {"type": "linear", "out_features": 64},
         {"type": "linear", "out_features": 10}],
    )


def resnet_small() -> Spec:
    """The tutorials' small residual network: conv-BN-ReLU stem, two residual blocks, GAP."""
    return _spec(
        "resnet_small",
        Core.tr("Small ResNet: conv-BN stem, residual blocks 32→64 (stride 2) and 64→64, "
                "global pool"),
        [_conv(32, 3, padding=1), {"type": "bn"}, {"type": "relu"},
         {"type": "maxpool", "kernel_size": 3, "stride": 1, "padding": 1},
         {"type": "residual", "out_channels": 64, "stride": 2, "use_1x1conv": True},
         {"type": "residual", "out_channels": 64},
         {"type": "adaptive_avgpool", "output_size": 1}],
        [{"type": "flatten"}, {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


def digitnet() -> Spec:
    """DigitLab's default: a compact VGG-style CNN with BatchNorm, tuned for drawn digits.

    Small enough to train at a few thousand images per second on a laptop CPU, large enough
    (with augmentation) to pass 99.5 % on MNIST and to read digits drawn on the canvas.
    """
    def conv_bn(out: int) -> list[dict[str, Any]]:
        return [_conv(out, 3, padding=1, bias=False), {"type": "bn"}, {"type": "relu"}]

    pool = {"type": "maxpool", "kernel_size": 2}
    return _spec(
        "digitnet",
        Core.tr("DigitLab default: 3×3 conv + BatchNorm blocks 16 | 32-32 | 64, dropout head"),
        [*conv_bn(16), pool, *conv_bn(32), *conv_bn(32), pool, *conv_bn(64), pool],
        [{"type": "flatten"}, {"type": "dropout", "p": 0.3},
         {"type": "linear", "out_features": 128}, {"type": "relu"},
         {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


# ----------------------------------------------------------------------------- the tutorials'
# classic architectures, scaled down to 28×28 digits (an epoch in about a minute on two cores)


def lenet5_relu() -> Spec:
    """LeNet-5 with ReLU and max pooling: ``lenet5``'s pair, everything else the same.

    Same layers, sizes and Xavier initialisation as :func:`lenet5`; only the activations
    (sigmoid → ReLU) and the pooling (average → max) change, so training the two with the same
    recipe shows what the modern parts buy.
    """
    spec = lenet5()
    for part in ("features", "classifier"):
        for layer in spec[part]:
            if layer["type"] == "sigmoid":
                layer["type"] = "relu"
            elif layer["type"] == "avgpool":
                layer["type"] = "maxpool"
    spec["name"] = "lenet5_relu"
    spec["summary"] = Core.tr("LeNet-5 with ReLU and max pooling (pair of lenet5), Xavier init")
    return spec


def mlp(hidden: int = 78) -> Spec:
    """A one-hidden-layer perceptron with about LeNet-5's parameter count.

    784 → 78 → 10 has 62,020 parameters against ``lenet5``'s 61,706 (+0.5 %): trained with the
    same recipe, the difference in accuracy is what convolution buys.
    """
    return _spec(
        "mlp",
        Core.tr("MLP 784-{hidden}-10 with ReLU: LeNet-5's parameter count, no convolution",
                hidden=hidden),
        [],
        [{"type": "flatten"}, {"type": "linear", "out_features": hidden}, {"type": "relu"},
         {"type": "linear", "out_features": 10}],
        init="xavier",
    )


def alexnet() -> Spec:
    """AlexNet's ideas at 28×28: a large strided first kernel, ReLU, overlapping 3×3/2 max
    pooling, a 5×5 conv, three 3×3 convs, and a wide fully connected head with dropout.

    The 224×224 original has an 11×11 stride-4 first conv and two 4096-unit layers; here a
    7×7 stride-2 first conv and two 512-unit layers keep the design's shape at digit size.
    """
    pool = {"type": "maxpool", "kernel_size": 3, "stride": 2}
    relu = {"type": "relu"}
    return _spec(
        "alexnet",
        Core.tr("AlexNet idea: 7×7/2 conv, 5×5, three 3×3, overlapping max-pool, 512-512 "
                "dropout head"),
        [_conv(24, 7, padding=3, stride=2), relu, pool,                # 24×6×6
         _conv(48, 5, padding=2), relu,                                # 48×6×6
         _conv(64, 3, padding=1), relu, _conv(64, 3, padding=1), relu,
         _conv(48, 3, padding=1), relu, pool],                         # 48×2×2
        [{"type": "flatten"}, {"type": "linear", "out_features": 512}, relu,
         {"type": "dropout", "p": 0.5}, {"type": "linear", "out_features": 512}, relu,
         {"type": "dropout", "p": 0.5}, {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


def vgg(blocks: tuple[tuple[int, int], ...] = ((1, 16), (1, 32), (2, 48))) -> Spec:
    """VGG's idea at 28×28: repeated blocks of 3×3 convs (padding 1) + ReLU, each closed by a
    2×2 max pool that halves the size, then a dropout MLP head (256-256 here)."""
    features: list[dict[str, Any]] = []
    for convs, channels in blocks:
        for _ in range(convs):
            features += [_conv(channels, 3, padding=1), {"type": "relu"}]
        features.append({"type": "maxpool", "kernel_size": 2})
    arch = ", ".join(f"{n}×{c}" for n, c in blocks)
    return _spec(
        "vgg",
        Core.tr("VGG idea: blocks of 3×3 conv ({arch}) + 2×2 max-pool, 256-256 dropout head",
                arch=arch),
        features,
        [{"type": "flatten"}, {"type": "linear", "out_features": 256}, {"type": "relu"},
         {"type": "dropout", "p": 0.5}, {"type": "linear", "out_features": 256},
         {"type": "relu"}, {"type": "dropout", "p": 0.5}, {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


def _nin_block(out: int, kernel: int, padding: int) -> list[dict[str, Any]]:
    """One NiN block: a conv, then two 1×1 convs (a per-pixel MLP), each followed by ReLU."""
    relu = {"type": "relu"}
    return [_conv(out, kernel, padding=padding), relu, _conv(out, 1), relu, _conv(out, 1), relu]


def nin() -> Spec:
    """Network in Network at 28×28: NiN blocks, 3×3/2 max pooling, dropout, and a last block
    with one channel per class averaged over the image: no fully connected layer at all."""
    pool = {"type": "maxpool", "kernel_size": 3, "stride": 2}
    return _spec(
        "nin",
        Core.tr("NiN idea: conv + two 1×1 conv blocks (16, 32, 64, 10 channels), global "
                "average pool"),
        [*_nin_block(16, 5, 2), pool,                                  # 16×13×13
         *_nin_block(32, 3, 1), pool,                                  # 32×6×6
         *_nin_block(64, 3, 1), pool,                                  # 64×2×2
         {"type": "dropout", "p": 0.5},
         *_nin_block(10, 3, 1),                                        # 10×2×2
         {"type": "adaptive_avgpool", "output_size": 1}],
        [{"type": "flatten"}],
        init="kaiming",
    )


def googlenet() -> Spec:
    """GoogLeNet at 28×28: a conv stem, a 1×1 + 3×3 conv stage, three Inception blocks with
    3×3/2 max pooling between stages, global average pooling and one linear layer."""
    pool = {"type": "maxpool", "kernel_size": 3, "stride": 2, "padding": 1}
    relu = {"type": "relu"}
    return _spec(
        "googlenet",
        Core.tr("GoogLeNet idea: conv stem, three Inception blocks (64, 112, 144 ch), global pool"),
        [_conv(16, 5, padding=2), relu, pool,                          # 16×14×14
         _conv(16, 1), relu, _conv(32, 3, padding=1), relu, pool,      # 32×7×7
         {"type": "inception", "c1": 16, "c2": [24, 32], "c3": [4, 8], "c4": 8},
         {"type": "inception", "c1": 32, "c2": [32, 48], "c3": [8, 16], "c4": 16},
         pool,                                                         # 112×4×4
         {"type": "inception", "c1": 48, "c2": [48, 64], "c3": [8, 16], "c4": 16},
         {"type": "adaptive_avgpool", "output_size": 1}],
        [{"type": "flatten"}, {"type": "linear", "out_features": 10}],
        init="kaiming",
    )


def speedrun() -> Spec:
    """The ``--recipe speedrun`` model: two conv + max-pool + BatchNorm stages and a 256 head.

    Cheap where it matters: the 5×5 first convolution has no padding (28 → 24) and each pool
    comes straight after its convolution, so BatchNorm, ReLU, the second convolution and the
    head work on 12×12 and 5×5 maps. About 0.9 million multiply-adds per image, about twice
    LeNet-5's, and 99 % on MNIST in one epoch (see ``cnn_core.training.recipes``).
    """
    def stage(out: int, kernel: int) -> list[dict[str, Any]]:
        return [_conv(out, kernel, bias=False), {"type": "maxpool", "kernel_size": 2},
                {"type": "bn"}, {"type": "relu"}]

    return _spec(
        "speedrun",
        Core.tr("Speedrun CNN: 5×5 conv 16 and 3×3 conv 32, each max-pool + BatchNorm + ReLU, "
                "256 head"),
        [*stage(16, 5), *stage(32, 3)],
        [{"type": "flatten"}, {"type": "linear", "out_features": 256}, {"type": "relu"},
         {"type": "linear", "out_features": 10}],
        init="kaiming",
    )
