"""Help → Language: the language DigitLab starts in next time.

The choice is saved in the settings (:func:`app.language.save_language`); the window keeps
its language until DigitLab restarts, and the dialog says so.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .language import LANGUAGES, save_language, saved_language, system_language

__all__ = ["LanguageDialog"]


class LanguageDialog(QDialog):
    """Pick English, 简体中文 or the system's language for the next start."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("languageDialog")
        self.setWindowTitle(self.tr("Language"))
        self._settings = settings
        self.languageCombo = QComboBox(self)
        self.languageCombo.setObjectName("languageCombo")
        self.languageCombo.addItem(self.tr("As the system ({0})").format(
            LANGUAGES[system_language()]), "")
        for code, name in LANGUAGES.items():
            self.languageCombo.addItem(name, code)
        self.languageCombo.setCurrentIndex(self.languageCombo.findData(saved_language(settings)))
        label = QLabel(self.tr("&Language of DigitLab:"), self)
        label.setObjectName("languageLabel")
        label.setBuddy(self.languageCombo)
        self.noteLabel = QLabel(self.tr(
            "The new language takes effect after DigitLab restarts. Chinese text needs a CJK "
            "font (on Debian and Ubuntu: fonts-noto-cjk)."), self)
        self.noteLabel.setObjectName("languageNote")
        self.noteLabel.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.setObjectName("languageButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.languageCombo)
        layout.addWidget(self.noteLabel)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 48)  # the note in 3 lines
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def chosen(self) -> str:
        """The code picked ("" follows the system)."""
        return str(self.languageCombo.currentData())

    def accept(self) -> None:
        """Save the choice for the next start."""
        save_language(self._settings, self.chosen())
        super().accept()
