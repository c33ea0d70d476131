"""Translations: Vietnamese is the source language, English the shipped translation.

Source strings in ``self.tr()`` / ``QCoreApplication.translate`` are
Vietnamese, so the app's own text is Vietnamese even with no ``.qm`` file at all.
``resources/i18n/commune_desk_en.ts`` holds the English; its compiled ``.qm``
is loaded for ``--lang en`` (``resources/i18n/update.py`` updates them).

Qt's own words (context menus, standard buttons, the print preview's toolbar,
the file dialog) are English in Qt and PySide6 ships no Vietnamese for them:
``resources/i18n/qt_vi.ts`` translates the ones this app shows, and its
``qt_vi.qm`` is installed in Vietnamese mode.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

# The translation marker, defined once with the message catalogue (re-exported for the UI).
from commune_desk.messages import QT_TRANSLATE_NOOP as QT_TRANSLATE_NOOP
from commune_desk.paths import resources_dir as resources_dir

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "vi"
#: Languages offered in Settings, in order; the source language needs no file.
LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}


def qm_path(lang: str) -> Path:
    """Where the compiled translation of ``lang`` is shipped."""
    return resources_dir() / "i18n" / f"commune_desk_{lang}.qm"


def qt_qm_path(lang: str) -> Path:
    """Where the translation of Qt's own strings into ``lang`` is shipped."""
    return resources_dir() / "i18n" / f"qt_{lang}.qm"


def shipped_languages() -> list[str]:
    """Languages usable right now: the source plus every language with a ``.qm`` file."""
    return [lang for lang in LANGUAGES if lang == SOURCE_LANGUAGE or qm_path(lang).exists()]


class Translations:
    """Installs and swaps the application's translator (not a QObject; no signals)."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self._qt_translator: QTranslator | None = None
        self.language = SOURCE_LANGUAGE

    def uninstall(self) -> None:
        """Remove this object's translators (back to the Vietnamese source, Qt in English)."""
        app = QCoreApplication.instance()
        for translator in (self._translator, self._qt_translator):
            if translator is not None and app is not None:
                app.removeTranslator(translator)
        self._translator = self._qt_translator = None
        self.language = SOURCE_LANGUAGE

    def _install_qt(self, app: QCoreApplication, lang: str) -> None:
        """Qt's own strings in ``lang`` when a translation is shipped (English is Qt's own)."""
        if self._qt_translator is not None:
            app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        path = qt_qm_path(lang)
        if not path.exists():
            return
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            self._qt_translator = translator
        else:
            log.warning("Qt translation %s could not be loaded from %s", lang, path)

    def install(self, lang: str | None) -> bool:
        """Switch the application to ``lang``; return False if its file could not be loaded."""
        app = QCoreApplication.instance()
        assert app is not None, "create the QApplication first"
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        lang = lang or SOURCE_LANGUAGE
        self.language = SOURCE_LANGUAGE
        self._install_qt(app, SOURCE_LANGUAGE if lang not in LANGUAGES else lang)
        if lang == SOURCE_LANGUAGE:
            QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
            return True
        translator = QTranslator(app)
        path = qm_path(lang)
        if not translator.load(str(path)):
            log.warning("translation %s not found at %s; staying in Vietnamese", lang, path)
            self._install_qt(app, SOURCE_LANGUAGE)
            return False
        app.installTranslator(translator)
        self._translator = translator
        self.language = lang
        QLocale.setDefault(QLocale(lang))
        return True
