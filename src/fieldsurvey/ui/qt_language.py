"""Qt's own words in the officer's language: file dialogs, message boxes, context menus.

Qt ships its translations (``qtbase_zh_CN.qm``) inside PySide6; without them a
Chinese officer meets "Look in", "File name", "Cancel" and "OK". The frozen build
ships the same file (``packaging/datafiles.py``, :func:`qt_translation_files`).

Dates: Qt's C locale writes "5 12 2026"; every date the app shows is ISO
(2026-12-05), which reads the same in both languages, and Qt's own widgets write
2026/12/5 in Chinese and 2026-12-05 in English. :data:`DATE_FORMAT` is the display
format of every date editor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

#: How a date editor shows its date, in both languages.
DATE_FORMAT = "yyyy-MM-dd"
#: The Qt translation file loaded for each app language (English needs none).
QT_FILES = {"zh": "qtbase_zh_CN"}
# Qt's widgets (the file dialog's dates) follow the default locale: Chinese writes
# 2026/12/5; Canadian English is the English that writes 2026-12-05.
_LOCALES = {"zh": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            "en": QLocale(QLocale.Language.English, QLocale.Country.Canada)}
_PROPERTY = "fieldsurvey_qt_translator"


def translations_folder() -> Path:
    """Where Qt's ``.qm`` files are: Qt's own answer, else beside PySide6 (frozen build)."""
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if folder.is_dir():
        return folder
    import PySide6  # a frozen build keeps the package layout under its bundle folder

    return Path(PySide6.__file__).parent / "Qt" / "translations"


class _QtTranslator(QTranslator):
    """Qt's translation, and for a label Qt 6 gave a shortcut letter that the Chinese
    file lacks ("&Look in:", "Files of &type:"), the translation without the letter."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        text = super().translate(context, source, disambiguation, n)
        if not text and "&" in source:
            text = super().translate(context, source.replace("&", ""), disambiguation, n)
        return text or ""


def use_language(app: QCoreApplication, lang: str) -> bool:
    """Make Qt's own texts (and its default locale) follow ``lang``; True if a
    translation was loaded. Called again on a language switch."""
    QLocale.setDefault(_LOCALES.get(lang, _LOCALES["en"]))
    for old in app.findChildren(QTranslator, _PROPERTY):
        QCoreApplication.removeTranslator(old)
        old.setObjectName("")  # deleted only once the event loop runs: not found again
        old.deleteLater()
    name = QT_FILES.get(lang)
    if name is None:
        return False
    translator = _QtTranslator(app)
    translator.setObjectName(_PROPERTY)
    if not translator.load(name, str(translations_folder())):
        translator.deleteLater()
        return False
    QCoreApplication.installTranslator(translator)
    return True
