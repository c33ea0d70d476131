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


#: Static functions returning nothing that PySide 6.12 hands back ``None`` from without a
#: reference (each call from Python drops one; the interpreter aborts when None's count
#: reaches zero, after some thousands of waits in a test run). The Qt event loop itself
#: (``exec``) is not affected, only calls made from Python.
_VOID_STATICS = {
    "QCoreApplication": ("processEvents",),
    "QTest": (
        "qWait",
        "keyClick",
        "keyClicks",
        "keyPress",
        "keyRelease",
        "keyEvent",
        "mouseClick",
        "mousePress",
        "mouseRelease",
        "mouseDClick",
        "mouseMove",
    ),
}


def compensate_none_returns(*owners: Any) -> None:
    """Wrap the void static functions of ``owners`` (``QCoreApplication``, ``QTest``) so each
    call gives back the reference to ``None`` PySide drops; a no-op once PySide is fixed."""
    if not _drops_none():
        return
    for owner in owners:
        for name in _VOID_STATICS.get(owner.__name__, ()):
            original = getattr(owner, name, None)
            if original is None or getattr(original, "_none_compensated", False):
                continue
            setattr(owner, name, staticmethod(_compensated(original)))


def _drops_none() -> bool:
    """Whether a void static call from Python loses a reference to None (measured once)."""
    import sys

    from PySide6.QtCore import QCoreApplication

    probe = getattr(QCoreApplication.processEvents, "__wrapped__", QCoreApplication.processEvents)

    def once() -> None:
        probe()

    before = sys.getrefcount(None)
    for _ in range(20):
        once()
    drops = sys.getrefcount(None) <= before - 20
    if drops:
        for _ in range(20):
            _incref(None)
    return drops


def _compensated(original: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if result is None:
            _incref(None)
        return result

    call._none_compensated = True  # type: ignore[attr-defined]
    call.__wrapped__ = original  # type: ignore[attr-defined]
    return call
