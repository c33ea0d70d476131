"""Work-arounds for bugs of the PySide6 version in use.

PySide6 6.12: ``SignalInstance.emit()`` called from Python returns its bool
without taking a reference, so every emit drops one reference to ``True`` or
``False``; after a few hundred emits the interpreter aborts with
"Fatal Python error: bool_dealloc". Every emit in ``ui/`` goes through
:func:`emit`, which gives the reference back. An extra reference to a bool
singleton is harmless, so this stays correct once PySide is fixed.
"""

from __future__ import annotations

import ctypes
from typing import Any

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def _emit_returns_borrowed_bool() -> bool:
    """Detect the bug once at import (the first emit costs one reference; give it back)."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    result: Any = probe.ping.emit()  # type: ignore[func-returns-value]
    del result
    after = sys.getrefcount(True) + sys.getrefcount(False)
    buggy = after < before
    if buggy:
        _incref(True)
    probe.deleteLater()
    return buggy


_BUGGY = _emit_returns_borrowed_bool()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, compensating for the reference PySide 6.12 drops."""
    result: Any = signal.emit(*args)  # type: ignore[func-returns-value]
    if _BUGGY and isinstance(result, bool):
        _incref(result)
