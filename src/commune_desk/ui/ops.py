"""Background operations in the style of Anki's ``CollectionOp``.

    StoreOp(ctx, lambda s: s.receive_dossier(...), parent=self)
        .success(self._on_saved)
        .failure(self._on_failed)      # optional; default: error dialog
        .run_in_background()

The callable gets the services facade and runs on the single store thread.
Its result comes back on the GUI thread; when the result is (or carries) a
``Changes`` value it is broadcast once on ``ctx.events.store_changed``.
An unhandled failure becomes an error dialog, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget

from commune_desk.ui.context import UiContext
from commune_desk.ui.qt_compat import emit

T = TypeVar("T")
log = logging.getLogger(__name__)


def changes_of(result: Any) -> Any | None:
    """The ``Changes`` value a service write returned: bare, or an ``Outcome``'s ``.changes``.

    Compared by class name so this module does not import the services package (and
    SQLAlchemy with it) on the GUI thread before the window has painted.
    """
    if type(result).__name__ == "Changes":
        return result
    inner = getattr(result, "changes", None)
    return inner if type(inner).__name__ == "Changes" else None


class _Op(Generic[T]):
    _network = False

    def __init__(self, ctx: UiContext, op: Callable[[Any], T], *, parent: QWidget | None = None) -> None:
        self._ctx = ctx
        self._op = op
        self._parent = parent
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._finally: Callable[[], None] | None = None

    def success(self, callback: Callable[[T], None]) -> _Op[T]:
        """Call ``callback(result)`` on the GUI thread when the operation succeeds."""
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> _Op[T]:
        """Handle the error yourself instead of the default error dialog."""
        self._failure = callback
        return self

    def finally_(self, callback: Callable[[], None]) -> _Op[T]:
        """Call ``callback()`` after success or failure (e.g. re-enable a button)."""
        self._finally = callback
        return self

    def run_in_background(self) -> None:
        """Queue the operation; callbacks run later on the GUI thread."""
        ctx = self._ctx
        if not self._network:
            ctx.before_store()
        runner = ctx.tasks.run_on_network if self._network else ctx.tasks.run_on_store
        # ``ctx.services`` is read when the task runs: the store is opened by the first
        # task of the store thread, so it is set by then.
        runner(lambda: self._op(ctx.services), self._done)

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _done(self, result: Any, error: BaseException | None) -> None:
        try:
            if error is not None:
                if self._failure is not None and self._parent_alive():
                    self._failure(error)
                else:
                    self._ctx.errors.report(error, parent=self._parent if self._parent_alive() else None)
                return
            changes = changes_of(result)
            try:
                if self._success is not None and self._parent_alive():
                    self._success(result)
            finally:
                if changes is not None:
                    emit(self._ctx.events.store_changed, changes)
        except Exception as exc:  # noqa: BLE001 - a bug in a callback must not crash the app
            self._ctx.errors.report(exc)
        finally:
            if self._finally is not None and self._parent_alive():
                self._finally()


class StoreOp(_Op[T]):
    """A service call on the store thread (reads and writes)."""


class NetworkOp(_Op[T]):
    """Work on the network thread (sync rounds, login); gets the same argument as StoreOp."""

    _network = True
