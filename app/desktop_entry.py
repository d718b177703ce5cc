"""Put DigitLab in the Linux desktop's launcher: a desktop entry and its icon, XDG paths.

``digitlab-gui --install-desktop-entry`` writes ``digitlab.desktop`` to
``$XDG_DATA_HOME/applications`` and the icon to
``$XDG_DATA_HOME/icons/hicolor/scalable/apps/digitlab.svg`` (``$XDG_DATA_HOME`` defaults to
``~/.local/share``), for the current user only; ``--uninstall-desktop-entry`` removes both.
No Qt is needed for either.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["ICON", "desktop_entry_text", "install_desktop_entry", "uninstall_desktop_entry"]

ICON = Path(__file__).with_name("digitlab.svg")
"""The application's icon (also the window's)."""

_ENTRY = "digitlab.desktop"
_ICON_NAME = "digitlab"


def _data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local/share"


def _paths(data_home: Path) -> tuple[Path, Path]:
    return (data_home / "applications" / _ENTRY,
            data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{_ICON_NAME}.svg")


def _command() -> str:
    """How the launcher starts this installation: its ``digitlab-gui`` script, else the
    interpreter running now with ``-m app``."""
    script = Path(sys.executable).with_name("digitlab-gui")
    if script.is_file() and os.access(script, os.X_OK):
        return shlex.quote(str(script))
    found = shutil.which("digitlab-gui")
    if found:
        return shlex.quote(found)
    return f"{shlex.quote(sys.executable)} -m app"


def desktop_entry_text(command: str) -> str:
    """The desktop entry (freedesktop.org Desktop Entry Specification)."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=DigitLab",
        "GenericName=Handwritten digit recognition",
        "Comment=Draw a digit, train convolutional networks and look inside them",
        f"Exec={command} %f",
        f"Icon={_ICON_NAME}",
        "Terminal=false",
        "Categories=Education;ArtificialIntelligence;",
        "Keywords=CNN;MNIST;PyTorch;neural network;deep learning;",
        "MimeType=image/png;image/jpeg;image/bmp;image/gif;image/tiff;image/webp;",
        "StartupWMClass=DigitLab",
        "",
    ])


def install_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Write the desktop entry and the icon; return the two paths written."""
    entry, icon = _paths(data_home or _data_home())
    for path in (entry, icon):
        path.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry_text(_command()), encoding="utf-8")
    shutil.copyfile(ICON, icon)
    _refresh(entry.parent)
    return [entry, icon]


def uninstall_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Remove the desktop entry and the icon; return the paths that were there."""
    removed = []
    for path in _paths(data_home or _data_home()):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def _refresh(applications: Path) -> None:
    """Tell the desktop's caches, where their tools are installed (they are optional)."""
    tool = shutil.which("update-desktop-database")
    if tool:
        subprocess.run([tool, str(applications)], capture_output=True, check=False,
                       timeout=30)
