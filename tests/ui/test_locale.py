"""Every shipped locale loads, and English mode leaves no Vietnamese interface text behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableView,
    QWidget,
)

from commune_desk.ui.i18n import LANGUAGES, SOURCE_LANGUAGE, qm_path, resources_dir, shipped_languages

TS = resources_dir() / "i18n" / "commune_desk_en.ts"


def _vietnamese(text: str) -> bool:
    """True when ``text`` has a letter outside ASCII (Vietnamese diacritics, đ)."""
    return any(ord(c) > 127 and c.isalpha() for c in text)


def _visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget class, text) of everything the clerk can read that the UI itself wrote."""
    found: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        name = type(widget).__name__
        if widget is root:
            found.append((name, widget.windowTitle()))
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((name, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QLineEdit):
            found.append((name, widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            found.extend((name, widget.itemText(i)) for i in range(widget.count()))
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            found.extend(
                (name, str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                for c in range(model.columnCount(QModelIndex()))
            )
        if isinstance(widget, QListWidget) and widget.objectName() == "navRail":
            found.extend((name, widget.item(i).text()) for i in range(widget.count()))
        if widget.toolTip():
            found.append((name, widget.toolTip()))
    return [(n, t) for n, t in found if t]


def test_every_shipped_locale_loads(make_desktop: Any) -> None:
    assert set(shipped_languages()) == set(LANGUAGES), "a language in Settings has no .qm file"
    for n, lang in enumerate(shipped_languages()):
        desktop = make_desktop(lang=lang, folder=f"data-{n}")
        assert desktop.translations.language == lang
        desktop.close()
    assert qm_path("en").stat().st_size > 10_000


def test_no_vietnamese_text_left_in_english_mode(make_desktop: Any, idle: Any) -> None:
    desktop = make_desktop(lang="en")
    window = desktop.window
    sources = {m.findtext("source") for m in ET.parse(TS).iter("message")}
    allowed = set(LANGUAGES.values())  # each language is named in its own language
    leftovers: list[tuple[str, str, str]] = []
    for key in window.page_keys():
        page = window.show_page(key)
        idle(desktop)
        for name, shown in _visible_texts(window):
            text = shown.replace(desktop.ctx.clerk, "…")  # who is signed in is data, not interface
            if text in allowed:
                continue
            if _vietnamese(text) or (text in sources and text not in ("", "–")):
                leftovers.append((key, name, text))
    assert not leftovers, f"untranslated interface text in English mode: {leftovers[:15]}"
    assert window.show_page("intake").save_button.text().startswith("Save")
    del page


def test_vietnamese_mode_is_the_source(make_desktop: Any, idle: Any) -> None:
    desktop = make_desktop(lang=SOURCE_LANGUAGE)
    assert desktop.window.rail.item(0).text() == "Tiếp nhận"
    assert desktop.window.rail.item(1).text() == "Hồ sơ"


def test_every_string_in_the_code_is_in_the_translation_source(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists() and shutil.which("pyside6-lupdate") is None:
        pytest.skip("pyside6-lupdate not installed")
    sys.path.insert(0, str(resources_dir() / "i18n"))
    try:
        import update  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            str(lupdate),
            *update.ui_sources(),
            "-source-language",
            "vi_VN",
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )
    wanted = {
        (m.findtext("source"), ctx.findtext("name"))
        for ctx in ET.parse(fresh).iter("context")
        for m in ctx.iter("message")
    }
    shipped = ET.parse(TS)
    have = {
        (m.findtext("source"), ctx.findtext("name"))
        for ctx in shipped.iter("context")
        for m in ctx.iter("message")
    }
    assert wanted <= have, f"run resources/i18n/update.py: {sorted(wanted - have)[:10]}"
    unfinished = [
        m.findtext("source")
        for m in shipped.iter("message")
        if m.find("translation").get("type") == "unfinished" or not (m.findtext("translation") or "").strip()
    ]
    assert not unfinished, f"untranslated: {unfinished[:10]}"
