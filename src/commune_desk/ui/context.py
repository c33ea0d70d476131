"""The explicit context handed to every widget (instead of a global main window)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from commune_desk.paths import AppPaths
from commune_desk.ui.errors import ErrorReporter
from commune_desk.ui.i18n import Translations
from commune_desk.ui.taskman import TaskManager


class StoreEvents(QObject):
    """Application-wide broadcasts; views listen and refresh themselves.

    Signals:
        store_changed(object): a service write committed; carries its ``Changes`` value.
        sync_status_changed(object): the sync engine (or the local stand-in) has a new status.
        settings_changed(): office identity, language or other settings were saved.
    """

    store_changed = Signal(object)
    sync_status_changed = Signal(object)
    settings_changed = Signal()


class FirstGlance:
    """The store's first glance (``commune_desk.glance``), for whoever asks, before or
    after it was read (GUI thread only).

    The desktop reads it on the store thread just before the store opens; pages ask for
    it while they wait for the services' answers, which replace it.
    """

    def __init__(self) -> None:
        self._read = False
        self._value: Any = None
        self._waiting: list[Callable[[Any], None]] = []

    def when_read(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(glance)`` once the glance is read (now, if it is); never when
        there is none (no store yet, another schema, an error)."""
        if not self._read:
            self._waiting.append(callback)
        elif self._value is not None:
            callback(self._value)

    def deliver(self, value: Any) -> None:
        """The glance was read (``None``: there is none); call whoever waits for it."""
        self._read, self._value = True, value
        waiting, self._waiting = self._waiting, []
        if value is not None:
            for callback in waiting:
                callback(value)


@dataclass
class UiContext:
    """Everything a page needs: the services (only ever called on the store thread), the
    task manager, the broadcast hub, the error reporter and the paths."""

    paths: AppPaths
    services: Any
    tasks: TaskManager
    events: StoreEvents
    errors: ErrorReporter
    translations: Translations
    app_context: Any = None
    #: The SyncBridge (engine + worker), or None when sync is unavailable.
    sync: Any = None
    #: The ClerkSession: who is signed in, the office's rules, the lock.
    session: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    #: What the first screen shows, read before the store opens (see ``FirstGlance``).
    first_glance: FirstGlance = field(default_factory=FirstGlance)
    #: Called before each store task is queued; the app uses it to queue the opening of
    #: the store first (it is deferred until the window has painted).
    before_store: Callable[[], None] = field(default=lambda: None)

    @property
    def actor(self) -> Any:
        """The person signed in now (an ``Actor``), or None while the PC is locked.

        Read it when the clerk acts and pass it to the service call: work queued
        before a switch of clerk stays the previous clerk's.
        """
        return self.session.actor if self.session is not None else None

    @property
    def clerk(self) -> str:
        """The full name of the person signed in ("" while locked), for display and filters."""
        actor = self.actor
        return actor.name if actor is not None else ""
