"""DigitLab's GUI preferences, kept with :class:`QSettings`.

Everything is stored under organisation and application "DigitLab" in INI format (the same
file layout on every platform). Setting the environment variable ``DIGITLAB_SETTINGS`` to a
file path makes DigitLab read and write that file instead, which is how tests and the
``--screenshot`` mode keep away from the user's real preferences.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from cnn_core.runtime.user_data import (
    DATA_DIR_ENV,  # runs and the model shelf (app.models.data_dir)
)

__all__ = [
    "APPLICATION",
    "ORGANIZATION",
    "DATA_DIR_ENV",
    "SETTINGS_ENV",
    "BUNDLED_KEY",
    "Keys",
    "last_directory",
    "open_settings",
    "read_bool",
    "read_bytes",
    "read_int",
    "read_str",
    "remember_directory",
]

ORGANIZATION = "DigitLab"
APPLICATION = "DigitLab"
SETTINGS_ENV = "DIGITLAB_SETTINGS"
BUNDLED_KEY = "bundled"  # the bundled model's key on the model shelf (and in its saved state)


class Keys:
    """The settings keys, in one place so that a typo cannot create a new key."""

    GEOMETRY = "window/geometry"
    WINDOW_STATE = "window/state"
    MAIN_SPLITTER = "window/mainSplitter"
    RIGHT_SPLITTER = "window/rightSplitter"
    COMPARE_SPLITTER = "window/compareSplitter"  # the Compare tab's answers above its maps
    CURRENT_TAB = "window/currentTab"
    BRUSH_WIDTH = "canvas/brushWidth"
    LAST_DIRECTORY = "files/lastDirectory"
    LAST_MODEL = "model/lastPath"
    LANGUAGE = "ui/language"  # Help → Language ("" follows the system)
    TENSORBOARD_LOG = "tensorboard/log"  # log runs and fine-tunings to TensorBoard
    TENSORBOARD_FOLDER = "tensorboard/folder"  # where (empty: the data folder's tensorboard/)
    DATASETS_FOLDER = "data/datasetsFolder"


def open_settings() -> QSettings:
    """Return the settings store (the ``DIGITLAB_SETTINGS`` file if that variable is set)."""
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return QSettings(override, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     ORGANIZATION, APPLICATION)


def read_str(settings: QSettings, key: str, default: str = "") -> str:
    """A string value; ``default`` when missing or of another type."""
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


def read_int(settings: QSettings, key: str, default: int) -> int:
    """An integer value (INI files store numbers as text); ``default`` when unreadable."""
    value = settings.value(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def read_bool(settings: QSettings, key: str, default: bool) -> bool:
    """A boolean value (INI files store ``true``/``false`` as text)."""
    value = settings.value(key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    """A byte array (window geometry, splitter state), or ``None`` when missing."""
    value = settings.value(key)
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def last_directory(settings: QSettings) -> str:
    """The folder of the last file opened or saved, or the home folder."""
    folder = read_str(settings, Keys.LAST_DIRECTORY)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_directory(settings: QSettings, path: str | Path) -> None:
    """Remember the folder that holds ``path`` for the next file dialog."""
    settings.setValue(Keys.LAST_DIRECTORY, str(Path(path).resolve().parent))
