"""The sign-in screen: who works at this PC now. Shown at start, on Ctrl+L and when idle.

A frameless, application-modal window over the main window: while it is up
nothing behind it takes a key or a click (Qt's modality, shortcuts included),
and a dialog left open behind it keeps its content for whoever signs in.

Switching clerk: Ctrl+L, arrow to your name (or type its first letters),
your password, Enter. The password is checked against this PC's verifier, so
the network is never needed — except for a person's very first sign-in on
this PC when the office syncs, which the city server confirms once.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from commune_desk.ui import session_api
from commune_desk.ui.context import UiContext
from commune_desk.ui.errors import error_kind, message_for
from commune_desk.ui.ops import NetworkOp, StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.role_labels import role_name
from commune_desk.ui.widgets import error_label, hint_label

_STYLE = """
LockScreen { background: #1f3b5a; }
QFrame#lockCard { background: #ffffff; border-radius: 8px; }
QLabel#lockOffice { font-size: 15pt; font-weight: bold; color: #1f3b5a; }
QLabel#lockTitle { font-size: 12pt; color: #333333; }
QListWidget#clerkList { font-size: 11pt; }
QListWidget#clerkList::item { padding: 6px; }
QListWidget#clerkList::item:selected { background: #c62828; color: #ffffff; }
"""


class LockScreen(QDialog):
    """Covers the main window until someone signs in.

    Signals:
        signed_in(object): the Actor who just signed in (the screen then closes).
    """

    signed_in = Signal(object)

    def __init__(self, ctx: UiContext, window: QWidget) -> None:
        super().__init__(window, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.ctx = ctx
        self.window_ = window
        self.state: session_api.SignInScreen | None = None
        self.busy = False
        self._reads = 0  # only the latest read of the accounts is shown
        self._glanced = False  # the screen shows the store's first glance, not its answer
        self._moved = False
        self._filling = False
        self.setObjectName("lockScreen")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(self.tr("Đăng nhập – CommuneDesk"))
        self.setStyleSheet(_STYLE)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame(self)
        card.setObjectName("lockCard")
        card.setFixedWidth(540)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 22, 28, 22)
        self.office_label = QLabel("", card)
        self.office_label.setObjectName("lockOffice")
        self.office_label.setWordWrap(True)
        self.title_label = QLabel(self.tr("Đăng nhập để làm việc"), card)
        self.title_label.setObjectName("lockTitle")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.office_label)
        layout.addWidget(self.title_label)
        self.pages = QStackedWidget(card)
        self.pages.addWidget(self._build_sign_in(card))
        self.pages.addWidget(self._build_first_account(card))
        layout.addWidget(self.pages)
        window.installEventFilter(self)

    # -- building ----------------------------------------------------------------------

    def _build_sign_in(self, parent: QWidget) -> QWidget:
        page = QWidget(parent)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(QLabel(self.tr("Cán bộ"), page))
        self.clerk_list = QListWidget(page)
        self.clerk_list.setObjectName("clerkList")
        self.clerk_list.setMaximumHeight(190)
        self.clerk_list.currentItemChanged.connect(lambda _c, _p: self._on_clerk_changed())
        self.clerk_list.itemActivated.connect(lambda _i: self._focus_password())
        layout.addWidget(self.clerk_list)
        self.username_edit = QLineEdit(page)
        self.username_edit.setObjectName("lockUsername")
        self.username_edit.setPlaceholderText(self.tr("Tên đăng nhập trên máy chủ"))
        layout.addWidget(self.username_edit)
        layout.addWidget(QLabel(self.tr("Mật khẩu"), page))
        self.password_edit = QLineEdit(page)
        self.password_edit.setObjectName("lockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self.submit)
        self.password_edit.installEventFilter(self)
        layout.addWidget(self.password_edit)
        self.error = error_label(page)
        layout.addWidget(self.error)
        self.sign_in_button = QPushButton(self.tr("Đăng nhập (Enter)"), page)
        self.sign_in_button.setObjectName("lockSignIn")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        layout.addWidget(self.sign_in_button)
        self.hint = hint_label(
            self.tr(
                "Chọn tên của mình bằng phím mũi tên, nhập mật khẩu rồi nhấn Enter. "
                "Khi rời bàn, nhấn Ctrl+L để khoá máy: công việc đang làm vẫn được giữ."
            ),
            page,
        )
        layout.addWidget(self.hint)
        return page

    def _build_first_account(self, parent: QWidget) -> QWidget:
        page = QWidget(parent)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Máy này chưa có tài khoản nào. Hãy tạo tài khoản của lãnh đạo đơn vị "
                    "(người sẽ tạo tài khoản cho các cán bộ khác trong phần Cài đặt). "
                    "Nếu đơn vị dùng máy chủ thành phố, hãy nhờ cán bộ CNTT đăng nhập máy "
                    "với máy chủ trước: tài khoản sẽ lấy từ máy chủ."
                ),
                page,
            )
        )
        form = QFormLayout()
        self.new_username = QLineEdit(page)
        self.new_username.setObjectName("newUsername")
        self.new_username.setPlaceholderText(self.tr("ví dụ: minh.tv"))
        self.new_name = QLineEdit(page)
        self.new_name.setObjectName("newFullName")
        self.new_name.setPlaceholderText(self.tr("Họ và tên, in trên giấy tờ"))
        self.new_password = QLineEdit(page)
        self.new_password.setObjectName("newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_repeat = QLineEdit(page)
        self.new_repeat.setObjectName("newPasswordRepeat")
        self.new_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_repeat.returnPressed.connect(self.create_first)
        form.addRow(QLabel(self.tr("Tên đăng nhập"), page), self.new_username)
        form.addRow(QLabel(self.tr("Họ và tên"), page), self.new_name)
        form.addRow(QLabel(self.tr("Mật khẩu (ít nhất 6 ký tự)"), page), self.new_password)
        form.addRow(QLabel(self.tr("Nhập lại mật khẩu"), page), self.new_repeat)
        layout.addLayout(form)
        self.first_error = error_label(page)
        layout.addWidget(self.first_error)
        self.create_button = QPushButton(self.tr("Tạo tài khoản và đăng nhập"), page)
        self.create_button.setObjectName("lockCreate")
        self.create_button.clicked.connect(self.create_first)
        layout.addWidget(self.create_button)
        return page

    # -- showing -----------------------------------------------------------------------

    def open_over(self) -> None:
        """Cover the main window and read the accounts (store thread)."""
        self.cover()
        self._moved = False  # nobody has picked a name on this opening yet
        self._select(self._previous_username())
        self.password_edit.clear()
        self.error.clear()
        self.show()
        self.raise_()
        self.activateWindow()
        self.password_edit.setFocus()
        self.reload()

    def cover(self) -> None:
        """Take the main window's place on screen."""
        self.setGeometry(self.window_.frameGeometry())

    def reload(self) -> None:
        """Read the accounts again (after the staff list changed, for instance).

        Before the store has answered once, the store's first glance fills the screen
        (``commune_desk.glance``): the clerk can pick a name while the store opens.
        """
        self._reads += 1
        read = self._reads
        if self.state is None:
            self.ctx.first_glance.when_read(self._show_glance)
        StoreOp(self.ctx, session_api.sign_in_screen, parent=self).success(
            lambda state: self._show_read(state) if read == self._reads else None
        ).run_in_background()

    def _show_glance(self, glance: Any) -> None:
        if self.state is None and shiboken6.isValid(self):
            self._glanced = True
            self.show_state(session_api.sign_in_screen_of(glance))

    def _show_read(self, state: session_api.SignInScreen) -> None:
        """The store's answer; the same as the glance shown (the usual case): nothing moves."""
        glanced, self._glanced = self._glanced, False
        if not (glanced and state == self.state):
            self.show_state(state)

    def show_state(self, state: session_api.SignInScreen) -> None:
        """Fill the screen from what the store says."""
        self.state = state
        self.office_label.setText(state.office_name)
        previous = self.ctx.session.previous if self.ctx.session is not None else None
        if state.first_account:
            self.title_label.setText(self.tr("Thiết lập tài khoản đầu tiên"))
            self.pages.setCurrentIndex(1)
            self.new_username.setFocus()
            return
        self.pages.setCurrentIndex(0)
        if previous is not None:
            self.title_label.setText(
                self.tr("Máy đang khoá. {name} hoặc cán bộ khác đăng nhập để làm việc.").format(
                    name=previous.name
                )
            )
        else:
            self.title_label.setText(self.tr("Đăng nhập để làm việc"))
        # A name the person has already picked stays picked when the list is read again.
        keep = self.selected_username() if self._moved else self._previous_username()
        self._filling = True
        self.clerk_list.clear()
        for clerk in state.clerks:
            text = f"{clerk.full_name} — {role_name(clerk.role)}"
            if not clerk.has_password:
                text += " " + self.tr("(lần đầu trên máy này)")
            item = QListWidgetItem(text, self.clerk_list)
            item.setData(Qt.ItemDataRole.UserRole, clerk)
        self._filling = False
        self._select(keep)
        self.username_edit.setVisible(state.server_managed)
        self.username_edit.setPlaceholderText(
            self.tr("Tên đăng nhập trên máy chủ (nếu không có tên trong danh sách)")
        )
        self.password_edit.setFocus()

    def selected_username(self) -> str:
        """The typed server user name, else the account chosen in the list."""
        typed = self.username_edit.text().strip()
        if typed and self.username_edit.isVisible():
            return typed
        item = self.clerk_list.currentItem()
        clerk = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return clerk.username if clerk is not None else ""

    def _focus_password(self) -> None:
        self.password_edit.setFocus()

    def _previous_username(self) -> str | None:
        previous = self.ctx.session.previous if self.ctx.session is not None else None
        return previous.username if previous is not None else None

    def _select(self, username: str | None) -> None:
        """Select ``username`` in the list (the first name when absent), as the program does."""
        self._filling = True
        rows = [
            self.clerk_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.clerk_list.count())
        ]
        names = [c.username for c in rows]
        if names:
            self.clerk_list.setCurrentRow(names.index(username) if username in names else 0)
        self._filling = False

    def _on_clerk_changed(self) -> None:
        if not self._filling:
            self._moved = True
        self.error.clear()
        self.username_edit.clear()

    # -- signing in --------------------------------------------------------------------

    def submit(self) -> None:
        """Check the password (offline); a server account's first sign-in asks the server."""
        if self.busy:
            return
        username, password = self.selected_username(), self.password_edit.text()
        if not username:
            self.error.setText(self.tr("Chọn tên của mình trong danh sách."))
            return
        if not password:
            self.error.setText(self.tr("Nhập mật khẩu."))
            return
        self._set_busy(True)
        StoreOp(self.ctx, lambda s: session_api.sign_in(s, username, password), parent=self).success(
            self._accepted
        ).failure(lambda e: self._offline_failed(e, username, password)).run_in_background()

    def _offline_failed(self, error: BaseException, username: str, password: str) -> None:
        kind = error_kind(error)
        known = self._clerk(username)
        # A first sign-in here, a server user not listed yet, or a password changed on the
        # server: the city server decides (once; the PC then keeps its own verifier).
        ask_server = (
            self.ctx.sync is not None
            and self._server()
            and (
                kind == "needs_online_sign_in"
                or (kind == "invalid_credentials" and (known is None or known.source == "server"))
            )
        )
        if not ask_server:
            self._show_error(error)
            return
        self.error.setText(self.tr("Đang hỏi máy chủ…"))
        bridge = self.ctx.sync
        NetworkOp(
            self.ctx, lambda _s: session_api.verify_online(bridge, username, password), parent=self
        ).success(lambda _r: self._confirmed(username, password)).failure(
            lambda e: self._online_failed(e, error)
        ).run_in_background()

    def _confirmed(self, username: str, password: str) -> None:
        StoreOp(self.ctx, lambda s: session_api.accept_online(s, username, password), parent=self).success(
            self._accepted
        ).failure(self._show_error).run_in_background()

    def _online_failed(self, error: BaseException, offline_error: BaseException) -> None:
        """The server could not be asked: say what the PC itself found; else the server's no."""
        unreachable = error_kind(error) in ("offline", "server_unavailable", "not_logged_in")
        self._show_error(offline_error if unreachable else error)

    def _show_error(self, error: BaseException) -> None:
        self._set_busy(False)
        text = message_for(error)
        if text is None:
            self.ctx.errors.report(error, parent=self)
            return
        self.error.setText(text)
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _accepted(self, actor: Any) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self.error.clear()
        self.hide()
        emit(self.signed_in, actor)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.sign_in_button.setEnabled(not busy)
        self.create_button.setEnabled(not busy)

    def _clerk(self, username: str) -> Any:
        clerks = self.state.clerks if self.state is not None else ()
        return next((c for c in clerks if c.username == username), None)

    def _server(self) -> bool:
        return self.state is not None and self.state.server_managed

    # -- first account -----------------------------------------------------------------

    def create_first(self) -> None:
        """Create the first (leader) account of a never-online PC and sign in with it."""
        if self.busy:
            return
        password = self.new_password.text()
        if password != self.new_repeat.text():
            self.first_error.setText(self.tr("Hai lần nhập mật khẩu không giống nhau."))
            return
        username, name = self.new_username.text().strip(), self.new_name.text().strip()
        self._set_busy(True)
        StoreOp(
            self.ctx, lambda s: session_api.create_first_leader(s, username, name, password), parent=self
        ).success(self._accepted).failure(self._first_failed).run_in_background()

    def _first_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        text = message_for(error)
        if text is None:
            self.ctx.errors.report(error, parent=self)
            return
        self.first_error.setText(text)

    # -- keeping the screen in place ---------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Follow the main window; Up/Down in the password field move the clerk list."""
        if watched is self.window_ and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            if self.isVisible():
                self.cover()
        elif watched is self.password_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                step = -1 if event.key() == Qt.Key.Key_Up else 1
                row = self.clerk_list.currentRow() + step
                if 0 <= row < self.clerk_list.count():
                    self.clerk_list.setCurrentRow(row)
                    self.password_edit.clear()
                return True
        return False

    def reject(self) -> None:
        """Escape does not unlock."""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Alt+F4 does not unlock either (the application closes through its own window)."""
        if (
            self.ctx.session is not None
            and not self.ctx.session.signed_in
            and not getattr(self, "_closing", False)
        ):
            event.ignore()
            return
        super().closeEvent(event)

    def dismiss(self) -> None:
        """Close for good (the application is shutting down)."""
        self._closing = True
        self.close()
