"""Small reusable widgets and helpers shared by the pages.

``Qt`` (the namespace) is imported inside the functions that use it: importing it
builds all of its ~90 enum types (about 15 ms), and this module is imported before
the main window's first paint, which needs none of them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commune_desk.ui.qt_compat import emit

#: The application's style sheet (set on the main window, so its dialogs have it too).
#: Messages have three looks that never depend on colour alone: a sign leads the text.
APP_STYLE = """
QListWidget#navRail { background: #1f3b5a; color: #ffffff; border: none; font-size: 11pt; }
QListWidget#navRail::item { padding: 12px 10px; }
QListWidget#navRail::item:selected { background: #c62828; color: #ffffff; }
QListWidget#navRail::item:focus { outline: none; }
QLabel[role="title"] { font-size: 14pt; font-weight: bold; color: #1f3b5a; }
QLabel[role="error"] { color: #b00020; }
QLabel[role="hint"] { color: #555555; }
QLabel[role="ok"] { color: #1b5e20; background: #e8f5e9; border: 1px solid #81c784;
                    border-radius: 3px; padding: 3px 6px; }
QLabel[role="warning"] { color: #6d4c00; background: #fff8e1; border: 1px solid #ffca28;
                         border-radius: 3px; padding: 3px 6px; }
QLabel[role="failure"] { color: #b00020; background: #fdecea; border: 1px solid #e57373;
                         border-radius: 3px; padding: 3px 6px; }
QPushButton[role="correction"] { color: #6d4c00; }
"""

#: Message kinds of :func:`show_message`: the label's style role and the sign before the text.
MESSAGE_KINDS = {"ok": ("ok", "✓ "), "warning": ("warning", "⚠ "), "error": ("failure", "✗ ")}


class Debouncer(QObject):
    """Calls ``callback`` once, ``delay_ms`` after the last ``poke()``.

    Signals: none (wraps a single-shot QTimer).
    """

    def __init__(self, delay_ms: int, callback: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(callback)

    def poke(self) -> None:
        """Restart the countdown."""
        self._timer.start()

    def flush(self) -> None:
        """Fire now if a call is pending (tests, Enter key)."""
        if self._timer.isActive():
            self._timer.stop()
            emit(self._timer.timeout)


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A page heading."""
    label = QLabel(text, parent)
    label.setProperty("role", "title")
    return label


def hint_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A grey explanatory line."""
    label = QLabel(text, parent)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red inline validation message (empty until needed)."""
    label = QLabel("", parent)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    return label


def plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` exactly as typed: "<ngõ 3>" is never taken for markup."""
    from PySide6.QtCore import Qt  # here, not above: see the module docstring

    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def message_label(parent: QWidget | None = None) -> QLabel:
    """A line for the outcome of an action (saved, warning, failed); empty until used."""
    from PySide6.QtCore import Qt  # here, not above: see the module docstring

    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def show_message(label: QLabel, kind: str, text: str) -> None:
    """Show ``text`` in ``label`` in the look of ``kind``: "ok", "warning" or "error"."""
    role, sign = MESSAGE_KINDS[kind]
    set_role(label, role if text else "")
    label.setText(sign + text if text else "")


def set_role(widget: QWidget, role: str) -> None:
    """Set the style role of ``widget`` and restyle it (a dynamic property needs a re-polish)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def release_tab(root: QWidget) -> None:
    """Let Tab leave every table and list under ``root`` (arrow keys still move inside)."""
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)


def action_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """A push button that Enter (as well as Space) presses when it has the focus."""
    button = QPushButton(text, parent)
    button.setAutoDefault(True)
    return button


def confirm(
    parent: QWidget | None,
    *,
    title: str,
    text: str,
    accept: str,
    reject: str = "",
    safe_default: bool = True,
) -> bool:
    """Ask before an action the clerk cannot simply undo; True when confirmed.

    ``text`` names the consequence; the buttons carry the action's own words.
    With ``safe_default`` Enter (and Esc) keep things as they are.
    """
    from PySide6.QtCore import Qt  # here, not above: see the module docstring

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(
        reject or QCoreApplication.translate("Widgets", "Quay lại"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(no if safe_default else yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def page_layout(widget: QWidget, title: str) -> QVBoxLayout:
    """The standard page frame: heading then content, with comfortable margins."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(16, 12, 16, 8)
    layout.setSpacing(8)
    layout.addWidget(title_label(title, widget))
    return layout


def hline(parent: QWidget | None = None) -> QFrame:
    """A thin horizontal separator."""
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def row(*widgets: QWidget, stretch_last: bool = False) -> QHBoxLayout:
    """Widgets side by side."""
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    if not stretch_last:
        layout.addStretch(1)
    return layout


def set_busy_cursor(widget: QWidget, busy: bool) -> None:
    """Show a wait cursor over ``widget`` while work runs in the background."""
    from PySide6.QtCore import Qt  # here, not above: see the module docstring

    if busy:
        widget.setCursor(Qt.CursorShape.BusyCursor)
    else:
        widget.unsetCursor()
