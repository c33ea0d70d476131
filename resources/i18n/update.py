"""Refresh the translation sources and compile them.

    .venv/bin/python resources/i18n/update.py

1. ``pyside6-lupdate`` collects every ``self.tr()`` / ``QCoreApplication.translate``
   / ``QT_TRANSLATE_NOOP`` string of ``src/commune_desk/ui`` and of the message
   catalogue ``src/commune_desk/messages.py`` into
   ``commune_desk_en.ts`` (existing translations are kept);
2. translate the new entries (Qt Linguist: ``.venv/bin/pyside6-linguist``, or by
   editing the ``<translation>`` elements);
3. ``pyside6-lrelease`` compiles ``commune_desk_en.qm``, which is what ships.

Vietnamese is the source language, so it needs no file. Qt's own strings (context
menus, standard buttons, print preview, file dialog) are translated into Vietnamese in
``qt_vi.ts`` by hand (Qt Linguist); step 3 compiles it too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI = HERE.parents[1] / "src" / "commune_desk" / "ui"
#: The clerk's sentences for error kinds (core, no Qt; the UI translates them).
CATALOGUE = HERE.parents[1] / "src" / "commune_desk" / "messages.py"
BIN = Path(sys.executable).parent
LANGUAGES = ("en",)
#: Translations of Qt's own strings, kept by hand (no lupdate: the sources are Qt's).
QT_TRANSLATIONS = ("qt_vi",)


def ui_sources() -> list[str]:
    """Every Python file of the UI package and the message catalogue, in a stable order."""
    return [str(CATALOGUE), *sorted(str(p) for p in UI.rglob("*.py"))]


def lupdate(ts: Path) -> None:
    """Update ``ts`` from the sources (no obsolete entries, no line numbers)."""
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *ui_sources(),
            "-source-language",
            "vi_VN",
            "-target-language",
            "en_US",
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(ts),
        ],
        check=True,
    )


def lrelease(ts: Path) -> None:
    """Compile ``ts`` into the ``.qm`` next to it."""
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


def main() -> None:
    """Update and compile every shipped language."""
    for lang in LANGUAGES:
        ts = HERE / f"commune_desk_{lang}.ts"
        lupdate(ts)
        lrelease(ts)
    for name in QT_TRANSLATIONS:
        lrelease(HERE / f"{name}.ts")


if __name__ == "__main__":
    main()
