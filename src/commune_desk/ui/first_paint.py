"""Run something once a widget has painted for the first time.

Start-up work (building the first page, opening the store on its thread) is
started from the window's first paint rather than after a fixed delay from its
creation: on a slow or busy PC the window's creation alone can outlast any such
delay, and work started then would compete with the first paint for the CPU
and the interpreter lock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject


class _FirstPaint(QObject):
    """Event filter that calls its callback at the watched widget's first paint, then leaves."""

    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Call back on the first paint event; never consumes the event."""
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            self.deleteLater()
            callback()
        return False


def after_first_paint(widget: QObject, callback: Callable[[], None]) -> None:
    """Call ``callback()`` (on the GUI thread) when ``widget`` first receives a paint event."""
    _FirstPaint(widget, callback)
