"""One list of tabs (app/tabs.py): the window, the start-up loader and ``--tab`` all follow it."""

from __future__ import annotations

import importlib

import pytest

from app import model_loader
from app.main import parse_args
from app.main_window import MainWindow
from app.tabs import TABS, tab_index, tab_keys


def test_the_registry_names_each_tab_once() -> None:
    for field in ("key", "title", "module", "attribute"):
        values = [getattr(spec, field) for spec in TABS]
        assert len(set(values)) == len(values), field
    for spec in TABS:
        importlib.import_module(spec.module)  # the module it names exists


def test_the_loader_imports_every_tab_module_in_the_background() -> None:
    assert {spec.module for spec in TABS} <= set(model_loader.TAB_MODULES)


@pytest.mark.parametrize("key", tab_keys())
def test_the_command_line_accepts_every_tab(key: str) -> None:
    assert parse_args(["--tab", key]).tab == key


def test_an_unknown_tab_is_a_usage_error(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--tab", "nonsense"])
    assert exit_info.value.code == 2
    assert "learn-kernel" in capsys.readouterr().err  # the choices are listed


def test_the_window_has_every_tab_in_registry_order(window: MainWindow) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == \
        [spec.title for spec in TABS]
    for index, spec in enumerate(TABS):
        assert getattr(window, spec.attribute) is window.tabs.widget(index), spec.key
        assert tab_index(spec.key) == index
        window.select_tab(index)
        assert window.tabs.currentWidget() is getattr(window, spec.attribute)
