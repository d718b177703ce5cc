"""``make run`` installs a CJK font on a Chinese system, and only there."""

from __future__ import annotations

import pytest

from app import cjk_font
from app.system_packages import ARCH, DEBIAN


def test_the_locale_says_whether_chinese_is_wanted() -> None:
    assert cjk_font.chinese_locale({"LANG": "zh_CN.UTF-8"})
    assert cjk_font.chinese_locale({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"})
    assert not cjk_font.chinese_locale({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"})
    assert cjk_font.chinese_locale({"LANGUAGE": "zh_CN:en"})
    assert not cjk_font.chinese_locale({})


@pytest.mark.parametrize(("environ", "installed", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, False, [["fonts-noto-cjk"]]),
    ({"LANG": "zh_CN.UTF-8"}, True, []),
    ({"LANG": "zh_CN.UTF-8"}, None, []),  # no fontconfig to ask: nothing is guessed
    ({"LANG": "en_US.UTF-8"}, False, []),
])
def test_the_font_is_installed_on_a_chinese_system_without_one(
        monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], installed: bool | None,
        expected: list[list[str]]) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(cjk_font, "cjk_font_installed", lambda: installed)
    monkeypatch.setattr(cjk_font, "install_packages", lambda distro, packages: (
        calls.append(packages) or (True, "")))
    assert cjk_font.install_cjk_font(environ, DEBIAN) == 0
    assert calls == expected


def test_a_failed_install_names_the_package_and_does_not_stop_make_run(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cjk_font, "cjk_font_installed", lambda: False)
    monkeypatch.setattr(cjk_font, "install_packages", lambda distro, packages: (False, "no sudo"))
    assert cjk_font.install_cjk_font({"LANG": "zh_CN.UTF-8"}, ARCH) == 1
    assert "pacman -S noto-fonts-cjk" in capsys.readouterr().err


def test_fontconfig_finds_the_font_when_one_is_installed() -> None:
    found = cjk_font.cjk_font_installed()
    if found is None:
        pytest.skip("no fc-list here")
    assert isinstance(found, bool)
