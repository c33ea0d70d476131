"""Small reusable widgets and helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from commune_desk.ui.qt_compat import emit


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
    if busy:
        widget.setCursor(Qt.CursorShape.BusyCursor)
    else:
        widget.unsetCursor()
