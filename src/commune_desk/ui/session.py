"""Who is signed in on this PC, the lock (Ctrl+L, idle time), and what each role is offered.

``ClerkSession`` is created with the application and handed to every page
through ``ctx.session``. Pages read ``ctx.actor`` at the moment a clerk acts
and pass it explicitly to the service call, so work queued before a switch
stays the previous clerk's. Locking never touches the pages: a half-typed
form is still there when someone signs in again, and everything saved is
already in the store.

Leader-only actions are offered only to people the office's rules allow:
pages register those widgets with :meth:`ClerkSession.guard` (hidden for
everyone else) or ask :meth:`ClerkSession.allows` when they build buttons.
The services and the city server check the same rules again.
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from commune_desk.domain.roles import Permission, RoleRules, permission_for_event
from commune_desk.ui.qt_compat import emit

log = logging.getLogger(__name__)

#: Input that counts as someone using the PC (resets the idle countdown).
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
#: How often the idle countdown is checked at most (milliseconds).
MAX_CHECK_MS = 5_000


class ClerkSession(QObject):
    """The signed-in person, the office's rules, and the idle lock.

    Signals:
        changed(object): the Actor now signed in, or None when the PC locked.
        policy_changed(object): the AccessPolicy now in force.
        lock_requested(): someone pressed Ctrl+L or the idle time ran out.
    """

    changed = Signal(object)
    policy_changed = Signal(object)
    lock_requested = Signal()

    def __init__(self, parent: QObject | None = None, *, watch_input: bool = True) -> None:
        super().__init__(parent)
        self.actor: Any = None
        #: The last person who signed in (preselected on the lock screen).
        self.previous: Any = None
        self.rules = RoleRules()
        self.lock_after_ms = 0
        self._last_activity = time.monotonic()
        self._guards: list[tuple[weakref.ref[QWidget], Permission]] = []
        self._idle = QTimer(self)
        self._idle.timeout.connect(self._check_idle)
        self._watching = False
        if watch_input:
            self.watch_input()

    def watch_input(self) -> None:
        """Start noting keyboard and mouse use (idempotent).

        The desktop app calls it once its window has painted: an application-wide filter
        sees every event of every widget in Python, and before the first paint that
        made Qt build the Python types of every widget class on the way (about 150
        enum types, tens of milliseconds of start-up). Nobody can type before then.
        """
        app = QApplication.instance()
        if app is not None and not self._watching:
            self._watching = True
            self._last_activity = time.monotonic()
            app.installEventFilter(self)

    # -- who is signed in --------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        """Whether someone is signed in (the PC is not locked)."""
        return self.actor is not None

    def sign_in(self, actor: Any) -> None:
        """``actor`` has just proved their password: they are now the one working."""
        self.actor = self.previous = actor
        self._last_activity = time.monotonic()
        log.info("signed in: %s (%s)", actor.username, actor.role)
        self._apply_guards()
        self._restart_idle()
        emit(self.changed, actor)

    def update_actor(self, actor: Any) -> None:
        """The signed-in person's name or role changed (on the server, by a leader)."""
        if self.actor is None or actor.username != self.actor.username:
            return
        self.actor = self.previous = actor
        self._apply_guards()
        emit(self.changed, actor)

    def lock(self) -> None:
        """Lock the PC (the work on screen and in the store stays as it is)."""
        if self.actor is not None:
            log.info("locked: %s", self.actor.username)
        self.actor = None
        self._idle.stop()
        self._apply_guards()
        emit(self.changed, None)
        emit(self.lock_requested)

    # -- rules -------------------------------------------------------------------------

    def set_policy(self, policy: Any) -> None:
        """Adopt the office's rules and idle time (read from the store)."""
        self.rules = policy.rules
        self.lock_after_ms = max(0, int(policy.lock_after_minutes)) * 60_000
        self._apply_guards()
        self._restart_idle()
        emit(self.policy_changed, policy)

    def allows(self, permission: Permission) -> bool:
        """Whether the person signed in holds ``permission``."""
        return self.actor is not None and self.rules.allows(self.actor.role, permission)

    def allows_event(self, kind: Any) -> bool:
        """Whether the person signed in may record a dossier event of ``kind``."""
        permission = permission_for_event(kind)
        return permission is None or self.allows(permission)

    def guard(self, widget: QWidget, permission: Permission) -> None:
        """Show ``widget`` only to people holding ``permission`` (a checkable button is also
        unticked for the others)."""
        self._guards.append((weakref.ref(widget), permission))
        self._apply_guard(widget, permission)

    def _apply_guards(self) -> None:
        alive = []
        for ref, permission in self._guards:
            widget = ref()
            if widget is None:
                continue
            try:
                self._apply_guard(widget, permission)
            except RuntimeError:  # the C++ widget is gone
                continue
            alive.append((ref, permission))
        self._guards = alive

    def _apply_guard(self, widget: QWidget, permission: Permission) -> None:
        allowed = self.allows(permission)
        if isinstance(widget, QAbstractButton) and widget.isCheckable() and not allowed:
            widget.setChecked(False)
        widget.setVisible(allowed)

    # -- idle lock ---------------------------------------------------------------------

    def set_lock_after_ms(self, milliseconds: int) -> None:
        """Change the idle time (tests; the office sets minutes in the staff dialog)."""
        self.lock_after_ms = max(0, milliseconds)
        self._restart_idle()

    def _restart_idle(self) -> None:
        self._idle.stop()
        if self.actor is not None and self.lock_after_ms > 0:
            self._idle.setInterval(max(20, min(MAX_CHECK_MS, self.lock_after_ms // 4)))
            self._idle.start()

    def _check_idle(self) -> None:
        idle_ms = (time.monotonic() - self._last_activity) * 1000
        if self.actor is not None and self.lock_after_ms and idle_ms >= self.lock_after_ms:
            self.lock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Note any keyboard or mouse use (the idle countdown starts again)."""
        if event.type() in ACTIVITY_EVENTS:
            self._last_activity = time.monotonic()
        return False

    def stop(self) -> None:
        """Stop watching input (application closing)."""
        self._idle.stop()
        app = QApplication.instance()
        if app is not None and self._watching:
            self._watching = False
            app.removeEventFilter(self)
