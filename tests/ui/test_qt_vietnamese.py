"""Qt's own words the clerk meets (context menus, standard buttons, the print preview's
toolbar, the scroll-bar menu, the file dialog) are Vietnamese in Vietnamese mode."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDateEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "qt_vi.ts"
#: Texts that read the same in both languages.
SAME = {"%1%", "LTR", "", "In"}


def _english() -> set[str]:
    """Every Qt source string the translation covers, without its & marks."""
    return {(m.findtext("source") or "").replace("&", "") for m in ET.parse(TS).iter("message")}


def _vietnamese() -> set[str]:
    """Every translation in the file, without its & marks ("Trang sau" is plain ASCII too)."""
    return {(m.findtext("translation") or "").replace("&", "") for m in ET.parse(TS).iter("message")}


def _menu_texts(menu: QMenu) -> list[str]:
    texts = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        texts.append(action.text().split("\t")[0].replace("&", ""))
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
    return texts


def _popup_texts(qtbot: Any, answer: Any, widget: QWidget) -> list[str]:
    """Texts of the context menu ``widget`` opens itself (at once or a moment later)."""
    found: list[str] = []

    def read(menu: Any) -> None:
        found.extend(_menu_texts(menu))
        QTest.keyClick(menu, Qt.Key.Key_Escape)

    opened = answer(read, popup=True)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), widget.mapToGlobal(QPoint(5, 5))
    )
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    assert opened, f"no menu opened on {type(widget).__name__}"
    return found


def _check(texts: list[str], english: set[str], where: str) -> None:
    texts = [t for t in texts if t not in SAME]
    assert texts, where
    # English: one of Qt's sources, or plain ASCII letters that are none of our translations.
    ours = _vietnamese()
    left = [t for t in texts if t in english or (t.isascii() and t.isprintable() and t not in ours)]
    assert not left, f"English left in {where}: {left}"


def test_qt_words_are_vietnamese(desktop: Any, qtbot: Any, answer: Any) -> None:
    english = _english()
    window = desktop.window
    edit = QLineEdit(window)
    _check(_menu_texts(edit.createStandardContextMenu()), english, "line edit menu")
    plain = QPlainTextEdit(window)
    plain.setPlainText("Lý do")
    _check(_menu_texts(plain.createStandardContextMenu()), english, "text box menu")
    bar = QScrollBar(Qt.Orientation.Vertical, window)
    bar.resize(16, 200)
    bar.show()
    _check(_popup_texts(qtbot, answer, bar), english, "scroll bar menu")
    date = QDateEdit(window)
    date.show()
    _check(_popup_texts(qtbot, answer, date), english, "date box menu")

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "?",
        "?",
        QMessageBox.StandardButton.Ok
        | QMessageBox.StandardButton.Cancel
        | QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Close,
        window,
    )
    _check([b.text().replace("&", "") for b in box.buttons()], english, "message box buttons")
    assert {b.text().replace("&", "") for b in box.buttons()} >= {"Đồng ý", "Huỷ", "Có", "Không", "Đóng"}

    preview = QPrintPreviewDialog(QPrinter(), window)
    actions = [a for a in preview.findChildren(QAction) if a.text()]
    _check(
        [a.text() for a in actions] + [a.toolTip() for a in actions] + [preview.windowTitle()],
        english,
        "print preview",
    )
    assert preview.windowTitle() == "Xem trước khi in"

    dialog = QFileDialog(window, "", "", "")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.show()
    texts = [
        w.text().replace("&", "") for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
    ]
    texts += [w.toolTip() for w in dialog.findChildren(QAbstractButton)]
    _check([t for t in texts if t], english, "file dialog")
    dialog.close()


def test_english_mode_keeps_qt_in_english(make_desktop: Any) -> None:
    desktop = make_desktop(lang="en", folder="en")
    edit = QLineEdit(desktop.window)
    assert "Select All" in _menu_texts(edit.createStandardContextMenu())
