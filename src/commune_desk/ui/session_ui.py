"""Puts the clerk session on the main window: sign-in screen, Ctrl+L, and who is signed in.

The main window is not edited for this: :func:`attach_session` adds the lock
screen, an application-wide Ctrl+L shortcut and a status-bar badge naming
the person signed in, and keeps the session's rules in step with the store.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QToolButton

from commune_desk.ui import session_api
from commune_desk.ui.context import UiContext
from commune_desk.ui.lock_screen import LockScreen
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.role_labels import role_name

#: Entities whose change may alter the accounts or the rules.
_ACCESS_ENTITIES = frozenset({"clerk", "settings"})


class SessionUi(QObject):
    """The lock screen and badge of one main window.

    Signals: none of its own (see ``ClerkSession`` and ``LockScreen``).
    """

    def __init__(self, ctx: UiContext, window: QMainWindow) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        session = ctx.session
        self.lock_screen = LockScreen(ctx, window)
        self.lock_screen.signed_in.connect(self._signed_in)
        if ctx.extras.get("demo"):
            self.lock_screen.hint.setText(
                self.lock_screen.hint.text()
                + " "
                + self.tr("Dữ liệu mẫu: mật khẩu của mọi cán bộ là «demo123».")
            )
        self.badge = QLabel(window)
        self.badge.setObjectName("clerkBadge")
        self.badge.setStyleSheet("font-weight: bold; color: #1f3b5a; padding: 0 6px;")
        self.lock_button = QToolButton(window)
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setText(self.tr("Khoá máy (Ctrl+L)"))
        self.lock_button.setToolTip(
            self.tr("Khoá máy khi rời bàn hoặc để cán bộ khác đăng nhập; công việc vẫn được giữ.")
        )
        self.lock_button.clicked.connect(session.lock)
        window.statusBar().addPermanentWidget(self.badge)
        window.statusBar().addPermanentWidget(self.lock_button)
        self.shortcut = QShortcut(QKeySequence("Ctrl+L"), window)
        self.shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.shortcut.activated.connect(session.lock)
        session.changed.connect(self._on_session_changed)
        session.lock_requested.connect(self.lock_screen.open_over)
        ctx.events.store_changed.connect(self._on_store_changed)
        self._show_badge(session.actor)
        self.reload_policy()
        if not session.signed_in:
            self.lock_screen.open_over()

    def _signed_in(self, actor: Any) -> None:
        self.ctx.session.sign_in(actor)
        self.reload_policy()

    def _on_session_changed(self, actor: Any) -> None:
        self._show_badge(actor)
        if actor is not None and self.lock_screen.isVisible():
            self.lock_screen.hide()

    def _show_badge(self, actor: Any) -> None:
        if actor is None:
            self.badge.setText(self.tr("Chưa đăng nhập"))
        else:
            self.badge.setText(
                self.tr("Đang làm việc: {name} ({role})").format(name=actor.name, role=role_name(actor.role))
            )

    def reload_policy(self) -> None:
        """Read the rules, the idle time and the signed-in person's account from the store."""
        actor = self.ctx.session.actor
        username = actor.username if actor is not None else None
        StoreOp(self.ctx, lambda s: session_api.access_state(s, username), parent=self.window).success(
            self._apply_access
        ).failure(lambda _e: None).run_in_background()

    def _apply_access(self, state: tuple[Any, Any]) -> None:
        policy, account = state
        session = self.ctx.session
        session.set_policy(policy)
        actor = session.actor
        if actor is None or account is None or account.username != actor.username:
            return
        if not account.active:
            session.lock()  # the account was locked (here or on the server)
        elif account.role != actor.role or account.full_name != actor.name:
            session.update_actor(account.actor())

    def _on_store_changed(self, changes: Any) -> None:
        if _ACCESS_ENTITIES & set(getattr(changes, "entities", ())):
            self.reload_policy()
            if self.lock_screen.isVisible():
                self.lock_screen.reload()

    def close(self) -> None:
        """The application is closing: let the lock screen go."""
        self.lock_screen.dismiss()


def attach_session(ctx: UiContext, window: QMainWindow) -> SessionUi:
    """Add the sign-in screen, Ctrl+L and the clerk badge to ``window``."""
    return SessionUi(ctx, window)
