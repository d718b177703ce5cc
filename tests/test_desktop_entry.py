"""`digitlab-gui --install-desktop-entry` puts DigitLab in the launcher, under XDG paths."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest

from app.main import main


def _entry(folder):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(folder / "applications" / "digitlab.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_then_uninstall_under_xdg_data_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    entry = _entry(tmp_path)
    assert entry["Type"] == "Application" and entry["Name"] == "DigitLab"
    assert entry["Icon"] == "digitlab"
    assert "Education" in entry["Categories"].split(";")
    command = entry["Exec"].split()[0]
    assert shutil.which(command.strip("'")) or command.endswith("python") or "python" in command
    icon = tmp_path / "icons/hicolor/scalable/apps/digitlab.svg"
    assert icon.read_text().lstrip().startswith("<svg")
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'applications' / 'digitlab.desktop'}" in out

    assert main(["--uninstall-desktop-entry"]) == 0
    assert not (tmp_path / "applications/digitlab.desktop").exists() and not icon.exists()
    assert main(["--uninstall-desktop-entry"]) == 0
    assert "no DigitLab desktop entry" in capsys.readouterr().out


def test_without_xdg_data_home_it_goes_to_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    assert (tmp_path / ".local/share/applications/digitlab.desktop").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed")
def test_the_entry_is_valid(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    main(["--install-desktop-entry"])
    done = subprocess.run(["desktop-file-validate",
                           str(tmp_path / "applications/digitlab.desktop")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
