"""The language DigitLab speaks: which one is chosen, the translations that make it, and the
font Chinese text needs.

The choice, first match wins: ``digitlab-gui --lang CODE``, then Help → Language (saved in
the settings), then the system locale (a Chinese locale gets 简体中文, any other English).
The window's texts are Qt translations (``app/i18n/digitlab_<code>.qm``, compiled from the
``.ts`` file that ``make translations`` keeps up to date with the source); Qt's own dialogs
(file dialogs, standard buttons) use Qt's ``qtbase_<code>.qm`` where PySide6 ships it.

Texts of a module that has no ``QObject`` to call ``tr`` on are translated through a
:class:`TextContext` bound to a name that equals its context (``LayerKinds =
TextContext("LayerKinds")``, then ``LayerKinds.tr("Stride")``): ``pyside6-lupdate`` reads
the name before ``.tr`` as the context.

Like :mod:`app.tabs`, this module imports Qt only when a function needs it: the command line
reads :data:`LANGUAGES` before Qt starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

__all__ = ["I18N_DIR", "LANGUAGES", "NO_CJK_FONT", "TextContext", "chosen_language",
           "cjk_font_missing", "current_language", "install_translators", "save_language",
           "saved_language", "say", "sentence", "system_language"]

I18N_DIR = Path(__file__).resolve().parent / "i18n"
"""Where the translations ship (package data): ``digitlab_<code>.ts`` and ``.qm``."""

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
"""Every language the window speaks: code → its name in that language."""


class TextContext:
    """``tr`` for a module without a ``QObject``: translates under a fixed context.

    Bind it to a module-level name equal to ``context``; lupdate takes ``NAME.tr("…")`` as a
    text of context ``NAME``.
    """

    def __init__(self, context: str) -> None:
        self.context = context

    def tr(self, text: str) -> str:
        """``text`` in the window's language."""
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate(self.context, text)


def say(value: object) -> str:
    """A text of the core (a :class:`~cnn_core.runtime.messages.Message`, or an exception
    made with one) in the window's language; any other value as ``str`` gives it."""
    from cnn_core.runtime.messages import Message

    if isinstance(value, BaseException):
        if len(value.args) == 1 and isinstance(value.args[0], Message):
            return say(value.args[0])
        return str(value)
    if not isinstance(value, Message):
        return str(value)
    from PySide6.QtCore import QCoreApplication

    fields = {name: say(field) if isinstance(field, (Message, BaseException)) else field
              for name, field in value.fields.items()}
    return QCoreApplication.translate("Core", value.template).format(**fields)


def sentence(text: str) -> str:
    """``text`` as one sentence: a capital first letter and a full stop, the Chinese one
    (。) for a text in Chinese (a core reason said in the window's language)."""
    text = text.rstrip(".。")
    if not text:
        return text
    chinese = any("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" for char in text)
    return text[:1].upper() + text[1:] + ("。" if chinese else ".")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name lupdate reads)
    """``text`` as it is: marks a text of Qt's own for ``pyside6-lupdate``."""
    return text


QT_GAPS = (QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
           QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"))
"""Texts of Qt's own dialogs that Qt's Chinese translation lacks: DigitLab's carries them (Qt
asks every installed translation)."""


def system_language(locale: QLocale | None = None) -> str:
    """The language for the system locale: 简体中文 for any Chinese locale, else English."""
    from PySide6.QtCore import QLocale

    locale = locale or QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def saved_language(settings: QSettings) -> str:
    """Help → Language's choice: a code of :data:`LANGUAGES`, or "" to follow the system."""
    from .settings import Keys

    value = settings.value(Keys.LANGUAGE, "")
    return value if isinstance(value, str) and value in LANGUAGES else ""


def save_language(settings: QSettings, code: str) -> None:
    """Remember Help → Language's choice ("" follows the system) for the next start."""
    if code and code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; known: {', '.join(LANGUAGES)}")
    from .settings import Keys

    settings.setValue(Keys.LANGUAGE, code)


def chosen_language(requested: str | None, settings: QSettings) -> str:
    """The language to start in: ``requested`` (the command line), the saved choice, or the
    system's."""
    return requested or saved_language(settings) or system_language()


def install_translators(app: QCoreApplication, code: str) -> list[QTranslator]:
    """Make ``app`` speak ``code``: DigitLab's translation and Qt's own (standard dialogs and
    buttons) when they exist; English needs none. Sets the default locale too (number and
    date formats). Returns the installed translators (kept alive by ``app``)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(code))
    if code == "en":
        return []
    installed = []
    for name, folder in (("digitlab", I18N_DIR),
                         ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))):
        translator = QTranslator(app)
        if translator.load(f"{name}_{code}", str(folder)) and app.installTranslator(translator):
            installed.append(translator)
    return installed


NO_CJK_FONT = (
    "Chinese text needs a CJK font and none is installed, so it shows as boxes: install one "
    "(Debian, Ubuntu: sudo apt install fonts-noto-cjk) and restart DigitLab, or start it in "
    "English: digitlab-gui --lang en")
"""The window's warning when :func:`cjk_font_missing`: in English, as Chinese cannot show."""


def current_language() -> str:
    """The language the window speaks: the code of :data:`LANGUAGES` of Qt's default locale
    (which :func:`install_translators` sets)."""
    from PySide6.QtCore import QLocale

    return system_language(QLocale())


def cjk_font_missing(code: str) -> bool:
    """Whether ``code`` needs Chinese glyphs that no installed font has (the window would
    show boxes). Needs a ``QGuiApplication``."""
    if not code.startswith("zh"):
        return False
    from PySide6.QtGui import QFontDatabase

    return not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
