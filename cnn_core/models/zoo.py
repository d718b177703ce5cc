"""Spec factories for the classic CNNs DigitLab ships, all for 1×28×28 input."""

from __future__ import annotations

from typing import Any

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
        "LeNet-5 (1998 style): 5×5 convs, sigmoid, average pooling, 120-84-10",
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
        "LeNet, modernised: ReLU, max pooling" + (", BatchNorm" if batch_norm else ""),
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
        f"TinyVGG: two (conv-ReLU)×2 + max-pool blocks of {hidden_units} channels",
        block() + block(),
        [{"type": "flatten"}, {"type": "linear", "out_features": 10}],
    )


def cifar_cnn() -> Spec:
    """The tutorials' CIFAR-10 model, one input channel: three 5×5 conv + max-pool, 64 head.

    Like the original it has no activation functions; max pooling is its only non-linearity.
    """
    return _spec(
        "cifar_cnn",
        "CIFAR-10 tutorial CNN: three 5×5 conv + max-pool (32-32-64), 64-unit head",
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
        "Small ResNet: conv-BN stem, residual blocks 32→64 (stride 2) and 64→64, global pool",
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
        "DigitLab default: 3×3 conv + BatchNorm blocks 16 | 32-32 | 64, dropout head",
        [*conv_bn(16), pool, *conv_bn(32), *conv_bn(32), pool, *conv_bn(64), pool],
        [{"type": "flatten"}, {"type": "dropout", "p": 0.3},
         {"type": "linear", "out_features": 128}, {"type": "relu"},
         {"type": "linear", "out_features": 10}],
        init="kaiming",
    )
