"""Translations: Vietnamese is the source language, English the shipped translation.

Source strings in ``self.tr()`` / ``QCoreApplication.translate`` are
Vietnamese, so the app is fully Vietnamese even with no ``.qm`` file at all.
``resources/i18n/commune_desk_en.ts`` holds the English; its compiled ``.qm``
is loaded for ``--lang en`` (see ``resources/i18n/README.md`` to update them).
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


def shipped_languages() -> list[str]:
    """Languages usable right now: the source plus every language with a ``.qm`` file."""
    return [lang for lang in LANGUAGES if lang == SOURCE_LANGUAGE or qm_path(lang).exists()]


class Translations:
    """Installs and swaps the application's translator (not a QObject; no signals)."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = SOURCE_LANGUAGE

    def uninstall(self) -> None:
        """Remove this object's translator (back to the Vietnamese source)."""
        app = QCoreApplication.instance()
        if self._translator is not None and app is not None:
            app.removeTranslator(self._translator)
        self._translator = None
        self.language = SOURCE_LANGUAGE

    def install(self, lang: str | None) -> bool:
        """Switch the application to ``lang``; return False if its file could not be loaded."""
        app = QCoreApplication.instance()
        assert app is not None, "create the QApplication first"
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        lang = lang or SOURCE_LANGUAGE
        self.language = SOURCE_LANGUAGE
        if lang == SOURCE_LANGUAGE:
            QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
            return True
        translator = QTranslator(app)
        path = qm_path(lang)
        if not translator.load(str(path)):
            log.warning("translation %s not found at %s; staying in Vietnamese", lang, path)
            return False
        app.installTranslator(translator)
        self._translator = translator
        self.language = lang
        QLocale.setDefault(QLocale(lang))
        return True
