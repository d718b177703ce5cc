"""Every text a person can see in a window, and the English words among them.

:func:`shown_texts` reads what a window shows: labels, buttons, group titles, tab titles,
menu and action texts, tooltips, status tips, placeholders, spin-box texts, combo-box items,
table headers and cells, window titles, and the titles, axis labels and text items of its
plots. :func:`english_words` finds the English words of a text, beyond names that stay as
they are in a Chinese UI (:data:`ALLOWED`: products, file formats, layer and optimizer
names, units, key names, model, dataset and optimizer keys, code identifiers and paths).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from cnn_core.data.datasets import DATASETS
from cnn_core.models import MODELS
from cnn_core.models.layer_types import LAYER_TYPES
from cnn_core.training import OPTIMIZERS

ALLOWED = {
    # torch's own names: devices, Conv2d's arguments and padding modes (shown as code)
    "cpu", "cuda", "mps", "stride", "padding", "dilation", "groups", "zeros", "reflect",
    "replicate", "circular",
    # products, formats and libraries
    "DigitLab", "PyTorch", "torch", "torchvision", "Python", "ONNX", "JSON", "PNG", "SVG", "CSV",
    "Zip", "zip",
    "Qt",
    "PySide", "pyqtgraph", "CJK", "TensorBoard", "Linux", "Debian", "Ubuntu", "Windows", "macOS",
    # datasets, devices
    "MNIST", "EMNIST", "KMNIST", "Fashion", "Kuzushiji", "CPU", "GPU", "CUDA", "MPS", "Apple",
    # layers, activations, architectures, optimizers, initialisations, methods
    "Conv", "MaxPool", "AvgPool", "BatchNorm", "Dropout", "Flatten", "Linear", "ReLU",
    "LeakyReLU", "ELU", "Sigmoid", "sigmoid", "Tanh", "Inception", "LeNet", "AlexNet", "VGG",
    "NiN", "GoogLeNet", "ResNet", "TinyVGG", "CIFAR", "SGD", "Adam", "AdamW", "Xavier",
    "Kaiming", "Sobel", "FGSM", "ECE", "Net", "class", "alpha", "max", "min",
    # units
    "px", "ms", "MFLOPs", "FLOPs", "MAC", "MACs", "KB", "MB", "GB", "nan", "inf", "NaN",
    # keys
    "Ctrl", "Shift", "Alt", "Space", "Left", "Right", "Home", "End", "Esc", "Enter", "Delete",
    "Page", "Up", "Down", "Tab", "Backspace", "PgUp", "PgDown", "Del", "Ins",
    # the language menu names English in English, so anyone can find it
    "Language", "English",
}
ALLOWED |= {part for name in (*MODELS, *DATASETS, *LAYER_TYPES, *OPTIMIZERS)
            for part in re.findall(r"[A-Za-z]{2,}", name)}

_TAG = re.compile(r"<[^>]+>")
_PATH = re.compile(r"(?:~|\b[A-Za-z]:)?[\\/][^\s，。；：）)]*")
_FILE_PATTERN = re.compile(r"\*?\.[A-Za-z0-9]+\b")
_IDENTIFIER = re.compile(  # file names, dotted and snake_case names, features[3], lenet5
    r"[\w-]+(?:[._][\w-]+)+|\b[A-Za-z]+\d+[A-Za-z\d]*\b|\b\w+\[\d+\]|fonts-noto-cjk",
    re.ASCII)
_COMMAND = re.compile(r"digitlab(?:-gui)?(?: --?[\w-]+| [a-z]+\b| [A-Z]+\b)*|--[a-z][\w-]*")
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (markup, paths, file patterns, commands and code
    identifiers left out) that :data:`ALLOWED` does not name."""
    text = html.unescape(_TAG.sub(" ", text)).replace("&", "")
    for pattern in (_COMMAND, _PATH, _IDENTIFIER, _FILE_PATTERN):
        text = pattern.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in ALLOWED]


def _widget_texts(widget: QWidget) -> Iterator[str]:
    yield widget.toolTip()
    yield widget.statusTip()
    if widget.isWindow():
        yield widget.windowTitle()
    if isinstance(widget, QLabel):
        yield widget.text()
    elif isinstance(widget, QAbstractButton):
        yield widget.text()
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, QLineEdit):
        yield widget.placeholderText()
    elif isinstance(widget, QProgressBar):
        yield widget.text()
    elif isinstance(widget, QComboBox):
        yield widget.placeholderText()
        for row in range(widget.count()):
            yield widget.itemText(row)
            yield str(widget.itemData(row, 3) or "")  # Qt.ToolTipRole
    elif isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            yield widget.tabText(index)
            yield widget.tabToolTip(index)
    elif isinstance(widget, QTableWidget):
        for column in range(widget.columnCount()):
            item = widget.horizontalHeaderItem(column)
            if item is not None:
                yield item.text()
                yield item.toolTip()
        for row in range(widget.rowCount()):
            for column in range(widget.columnCount()):
                item = widget.item(row, column)
                if item is not None:
                    yield item.text()
                    yield item.toolTip()
    elif isinstance(widget, QMenu):
        yield widget.title()
    if isinstance(widget, QAbstractSpinBox):
        yield widget.specialValueText()
        if isinstance(widget, QSpinBox):
            yield widget.suffix()
            yield widget.prefix()
    for action in widget.actions():
        yield action.text()
        yield action.toolTip()
        yield action.statusTip()


def _plot_texts(view: pg.GraphicsView) -> Iterator[str]:
    for item in view.scene().items():
        if isinstance(item, pg.LabelItem):
            yield item.text
        elif isinstance(item, pg.AxisItem):
            yield item.labelText
        elif isinstance(item, pg.TextItem):
            yield item.toPlainText()


def shown_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text of ``root`` and the widgets inside it."""
    widgets = [root, *root.findChildren(QWidget)]
    if isinstance(root, QMainWindow):
        widgets += [action.menu() for action in root.menuBar().actions() if action.menu()]
    for widget in widgets:
        where = f"{type(widget).__name__} {widget.objectName() or '(unnamed)'}"
        for text in _widget_texts(widget):
            if text:
                yield where, text
        if isinstance(widget, pg.GraphicsView):
            for text in _plot_texts(widget):
                if text:
                    yield where, text


def english_in(root: QWidget) -> list[str]:
    """Every text of ``root`` with English in it: ``"where: text [words]"``."""
    return sorted({f"{where}: {text!r} {words}" for where, text in shown_texts(root)
                   if (words := english_words(text))})
