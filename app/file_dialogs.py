"""The window's file dialogs and what they report, one way for every save and open.

:func:`ask_save_path` opens the save dialog in the folder last used with a suggested name
and the file types; :func:`ask_open_path` is its open twin; both remember the chosen folder
for the next dialog. :func:`reporting_errors` turns a write that fails into one line in the
message banner ("Could not … {reason}") instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from . import settings as prefs
from .language import say

if TYPE_CHECKING:
    from .widgets.message_banner import MessageBanner

__all__ = ["ask_open_path", "ask_save_path", "reporting_errors"]


def _filters(filters: str | Sequence[str]) -> str:
    return filters if isinstance(filters, str) else ";;".join(filters)


def ask_save_path(parent: QWidget, title: str, name: str, filters: str | Sequence[str], *,
                  settings: QSettings | None = None, selected: str = "",
                  ) -> tuple[Path, str] | None:
    """Ask where to save: the dialog starts in the folder last used, with ``name`` as the
    file name and ``filters`` (a ``;;``-joined string or a list) as the file types,
    ``selected`` chosen. The folder chosen is remembered in ``settings`` (the window's
    settings file when ``None``). Returns the path and the file type chosen, or ``None``
    when the user cancelled."""
    settings = settings if settings is not None else prefs.open_settings()
    start = str(Path(prefs.last_directory(settings)) / name)
    path, chosen = QFileDialog.getSaveFileName(parent, title, start, _filters(filters),
                                               selected)
    if not path:
        return None
    prefs.remember_directory(settings, path)
    return Path(path), chosen


def ask_open_path(parent: QWidget, title: str, filters: str | Sequence[str], *,
                  settings: QSettings | None = None) -> Path | None:
    """Ask for a file to open, starting in the folder last used (remembered as for
    :func:`ask_save_path`); ``None`` when the user cancelled."""
    settings = settings if settings is not None else prefs.open_settings()
    path, _ = QFileDialog.getOpenFileName(parent, title, prefs.last_directory(settings),
                                          _filters(filters))
    if not path:
        return None
    prefs.remember_directory(settings, path)
    return Path(path)


@contextmanager
def reporting_errors(banner: MessageBanner, failed: Callable[[str], str],
                     *errors: type[BaseException]) -> Iterator[None]:
    """Run the block; if it raises ``OSError`` (or one of ``errors``), show
    ``failed(reason)`` in ``banner`` (the reason in the window's language) and go on after
    the block, which is left where it failed::

        with reporting_errors(banner, self.tr("Could not write the script. {0}").format):
            written = write_script(path)
            banner.show_info(self.tr("Wrote {0}.").format(written))
    """
    try:
        yield
    except (OSError, *errors) as exc:
        banner.show_error(failed(say(exc)))
