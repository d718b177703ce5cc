"""DigitLab in Simplified Chinese: every tab, menu and dialog shows no English.

The window is built with the shipped Chinese translation installed, as ``digitlab-gui
--lang zh_CN`` starts it; the tests open every tab, menu and dialog they can reach and read
every text, tooltip, title and placeholder (:mod:`tests.gui.chinese_texts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chinese_texts import english_in, english_words
from panel_controls import set_controls
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.language import (
    NO_CJK_FONT,
    chosen_language,
    cjk_font_missing,
    install_translators,
    save_language,
    say,
    sentence,
)
from app.main import parse_args
from app.main_window import MainWindow
from app.settings import open_settings
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.datasets import DATASETS
from cnn_core.models.architecture import partial_layer_table


@pytest.fixture
def chinese(qapp) -> Iterator[None]:  # noqa: ANN001
    """The application speaks Simplified Chinese (the shipped translation and Qt's own) for
    the test; the English default comes back after it."""
    previous = QLocale()
    translators = install_translators(qapp, "zh_CN")
    assert translators, "app/i18n/digitlab_zh_CN.qm did not load"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


@pytest.fixture
def zh_window(chinese, window_for: Callable[[Checkpoint], MainWindow],  # noqa: ANN001
              bundled: Checkpoint) -> MainWindow:
    """The main window built in Chinese, every tab built, at 1280×800."""
    return window_for(bundled)


def _no_english(widget: Any) -> None:
    # without a CJK font (a bare test machine) the window rightly says so in English
    found = [line for line in english_in(widget) if NO_CJK_FONT not in line]
    assert not found, "English in the Chinese UI:\n" + "\n".join(found)


def test_the_english_finder_finds_english_and_passes_names() -> None:
    assert english_words("Train this model") == ["Train", "this", "model"]
    assert english_words("训练 · 学习率 0.003 · lenet5 · ReLU · MNIST · 12 ms") == []
    assert english_words("保存为 JSON：digitlab train --model-spec FILE；features.conv1 ") == []
    assert english_words("<b>准确率</b> /home/me/runs/model.safetensors (*.png)") == []


def test_every_tab_and_menu_of_the_window_is_chinese(zh_window: MainWindow, draw: Callable,
                                                     qtbot) -> None:  # noqa: ANN001
    window = zh_window
    assert window.windowTitle() == "DigitLab"
    assert window.tabs.tabText(0) == "训练"
    draw(window.canvas, [[(0.5, 0.15), (0.5, 0.85)]])  # a 1: the answer's texts show
    qtbot.waitUntil(lambda: window.inference.last_prediction() is not None, timeout=10_000)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
    for action in window.menuBar().actions():
        assert not english_words(action.text()), action.text()
    builder = window.architecture_builder  # a conv layer selected: the inspector's form
    window.tabs.setCurrentWidget(builder)
    builder.load_preset("lenet5")
    table = builder.table
    cell = table.visualItemRect(table.item(table.row_of_layer(0), 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert builder.inspector.layerBox.isVisible()
    window.menus.showCodeAction.trigger()  # View ▸ Code: the code beside the tabs
    qtbot.waitUntil(lambda: window.code_dock.isVisible())
    _no_english(window)


def test_the_dialogs_are_chinese(zh_window: MainWindow, qtbot) -> None:  # noqa: ANN001
    help_menu = zh_window.menus.help
    help_menu.show_about()
    about = zh_window.findChild(QMessageBox, "aboutDialog")
    qtbot.waitUntil(about.isVisible)
    _no_english(about)
    about.close()
    shortcuts = help_menu.show_shortcuts()
    _no_english(shortcuts)
    shortcuts.close()
    language = help_menu.show_language()
    _no_english(language)
    language.reject()
    datasets = zh_window.menus.show_datasets()
    qtbot.waitUntil(datasets.isVisible)
    _no_english(datasets)
    datasets.close()
    # a file dialog is Qt's own: its buttons and labels come from Qt's Chinese translation
    files = QFileDialog(zh_window, "打开图片")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.open()
    qtbot.waitUntil(files.isVisible)
    _no_english(files)
    files.reject()


def test_feature_map_dialog_is_chinese(zh_window: MainWindow, draw: Callable,
                                       qtbot) -> None:  # noqa: ANN001
    view = zh_window.feature_map_view
    zh_window.select_tab(zh_window.tabs.indexOf(view))
    draw(zh_window.canvas, [[(0.3, 0.3), (0.7, 0.3), (0.3, 0.8)]])
    qtbot.waitUntil(lambda: bool(view.activations()), timeout=10_000)
    dialog = view.open_map(0, 0)
    _no_english(dialog)
    dialog.close()
    from app.widgets.batchnorm_view import BatchNormDialog  # a BatchNorm card's Look inside…

    layer = next(card.name for card in view.cards() if ".bn" in card.name)
    view.batchnorm_requested.emit(layer)
    inside = view.findChild(BatchNormDialog)
    qtbot.waitUntil(lambda: inside.view.inside() is not None, timeout=10_000)
    _no_english(inside)
    inside.close()


def test_a_diverged_run_is_told_in_chinese(zh_window: MainWindow, qtbot) -> None:  # noqa: ANN001
    """The run's end comes from the training process: the core's reason, the shelf's line."""
    panel = zh_window.training_panel
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": 640,
                         "epochsSpin": 1, "seedSpin": 0, "optimizerCombo": "sgd",
                         "lrSpin": 1000.0})
    panel.max_test_samples = 200
    with qtbot.waitSignal(panel.model_trained, timeout=120_000):
        panel.trainButton.click()
    text = zh_window.banner.text()
    assert "训练发散" in text and "已恢复最后的正常权重" in text, text
    assert not english_words(text), text
    assert "在第 1 轮发散" in zh_window.model_bar.modelShelf.itemText(1)
    _no_english(zh_window)


def test_messages_of_the_core_are_said_in_chinese(chinese) -> None:  # noqa: ANN001
    assert say(DATASETS["mnist"].title) == "MNIST 数字"
    table, error = partial_layer_table({"features": [
        {"type": "conv", "out_channels": 4, "kernel_size": 40}], "classifier": [
        {"type": "flatten"}, {"type": "linear", "out_features": 10}]})
    assert error is not None and "does not fit" in str(error)  # English for the command line
    text = say(error)
    assert "放不进" in text and not english_words(text), text
    assert say(ValueError("plain")) == "plain" and say(3) == "3"


def _raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the error under test, whatever its class
        return exc
    raise AssertionError("it did not raise")


def test_the_errors_a_user_meets_are_said_in_chinese(chinese) -> None:  # noqa: ANN001
    """The Convolution tab's settings and typed numbers, the Build tab's specs, opened model
    files, imported zips of digits and exports: the core's reasons in the window's language."""
    from cnn_core.analysis.conv_settings import ConvSettings, check_settings
    from cnn_core.analysis.conv_typed import parse_matrix
    from cnn_core.checkpoints.graph_export import ExportStage, ExportStep
    from cnn_core.checkpoints.validation import check_metadata
    from cnn_core.data.own_digits_zip import _skipped
    from cnn_core.models.spec_validation import check_spec
    from cnn_core.runtime.messages import Core

    said = {
        "不能整除": _raised(lambda: check_settings(ConvSettings(groups=2), (28, 28))),
        "卷积核覆盖": _raised(lambda: check_settings(ConvSettings(kernel_size=(9, 9)), (4, 4))),
        "不是数字": _raised(lambda: parse_matrix("1 x", what="输入")),
        "需要 3 个输入通道": _raised(lambda: check_spec({"features": [
            {"type": "conv", "in_channels": 3, "out_channels": 4, "kernel_size": 3}],
            "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]})),
        "未知的层类型": _raised(lambda: check_spec({"features": [{"type": "wobble"}],
                                                   "classifier": [{"type": "flatten"}]})),
        "不是 DigitLab 检查点": _raised(lambda: check_metadata({})),
        "已在你的样本中": _skipped("7_mine.png", Core.tr("already in your samples")),
        "正在跟踪模型": ExportStep(ExportStage.WRITING,
                             Core.tr("tracing and writing the {fmt} file…", fmt="onnx")).text,
    }
    for chinese_words, error in said.items():
        text = say(error)
        assert chinese_words in text, (chinese_words, text)
    # the Convolution tab says a reason as a sentence, with the full stop of its language
    assert sentence(say(said["不能整除"])).endswith("输入通道。")
    assert sentence("the kernel does not fit.") == "The kernel does not fit."


def test_language_follows_the_command_line_then_the_setting(qapp) -> None:  # noqa: ANN001
    assert parse_args(["--lang", "zh_CN"]).lang == "zh_CN"
    with pytest.raises(SystemExit):
        parse_args(["--lang", "xx"])
    settings = open_settings()
    save_language(settings, "zh_CN")
    assert chosen_language(None, settings) == "zh_CN"
    assert chosen_language("en", settings) == "en"
    save_language(settings, "")
    assert chosen_language(None, settings) in ("en", "zh_CN")  # the system's


def test_help_language_saves_the_choice_for_the_next_start(window: MainWindow,
                                                           qtbot) -> None:  # noqa: ANN001
    dialog = window.menus.help.show_language()
    assert "restart" in dialog.noteLabel.text()
    combo = dialog.languageCombo
    combo.setCurrentIndex(combo.findData("zh_CN"))
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    assert chosen_language(None, window.settings) == "zh_CN"


def test_a_missing_cjk_font_is_said_once_in_a_banner(chinese, qtbot, untrained: Checkpoint,
                                                     monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtGui import QFontDatabase

    assert not cjk_font_missing("en")
    monkeypatch.setattr(QFontDatabase, "families", lambda *args: [])
    assert cjk_font_missing("zh_CN")
    window = MainWindow(untrained.copy())
    qtbot.addWidget(window)
    window.show()
    assert window.banner.text() == NO_CJK_FONT
