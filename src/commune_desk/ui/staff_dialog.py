"""Cán bộ và phân quyền: the accounts of this PC, who may do the leader-only actions, the lock.

Everyone may look; changing anything needs the settings permission (a
leader by default). An office that has never been online creates its
accounts here; once it syncs, the accounts are the city server's and new
role rules are sent to the server first (the network is needed for that
one rare change; every change is audited on the PC and on the server).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.roles import Permission, Role, RoleRules
from commune_desk.ui import staff_api
from commune_desk.ui.context import UiContext
from commune_desk.ui.errors import message_for
from commune_desk.ui.ops import NetworkOp, StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.role_labels import permission_name, role_name
from commune_desk.ui.widgets import error_label, hint_label

#: Roles whose grants the office may change (leaders always hold every permission).
ADJUSTABLE = (Role.CLERK, Role.ADMIN)


class StaffDialog(QDialog):
    """Accounts, role rules and the idle lock of this PC.

    Signals:
        saved(object): the AccessPolicy after the rules were saved.
    """

    saved = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state: Any = None
        self.setWindowTitle(self.tr("Cán bộ và phân quyền"))
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        accounts = QGroupBox(self.tr("Tài khoản cán bộ dùng máy này"), self)
        a_layout = QVBoxLayout(accounts)
        self.table = QTableWidget(0, 5, accounts)
        self.table.setObjectName("staffTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Họ và tên"),
                self.tr("Tên đăng nhập"),
                self.tr("Vai trò"),
                self.tr("Nguồn"),
                self.tr("Trạng thái"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        a_layout.addWidget(self.table)
        self.source_hint = hint_label("", accounts)
        a_layout.addWidget(self.source_hint)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Thêm cán bộ…"), accounts)
        self.add_button.clicked.connect(self.add_clerk)
        self.password_button = QPushButton(self.tr("Đặt lại mật khẩu…"), accounts)
        self.password_button.clicked.connect(self.reset_password)
        self.lock_button = QPushButton(self.tr("Khoá / mở khoá tài khoản"), accounts)
        self.lock_button.clicked.connect(self.toggle_active)
        for button in (self.add_button, self.password_button, self.lock_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        a_layout.addLayout(buttons)
        layout.addWidget(accounts, 1)
        layout.addWidget(self._build_rules())
        bottom = QHBoxLayout()
        self.message = error_label(self)
        self.save_button = QPushButton(self.tr("Lưu phân quyền"), self)
        self.save_button.setObjectName("saveRules")
        self.save_button.clicked.connect(self.save_rules)
        close = QPushButton(self.tr("Đóng"), self)
        close.clicked.connect(self.accept)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.reload()

    def _build_rules(self) -> QGroupBox:
        box = QGroupBox(self.tr("Việc dành cho lãnh đạo (đơn vị có thể giao thêm)"), self)
        grid = QGridLayout(box)
        grid.addWidget(QLabel(f"<b>{self.tr('Việc')}</b>", box), 0, 0)
        for column, role in enumerate((Role.LEADER, *ADJUSTABLE), start=1):
            grid.addWidget(QLabel(f"<b>{role_name(role)}</b>", box), 0, column)
        self.grants: dict[tuple[Permission, Role], QCheckBox] = {}
        for row, permission in enumerate(Permission, start=1):
            grid.addWidget(QLabel(permission_name(permission), box), row, 0)
            leader = QCheckBox(box)
            leader.setChecked(True)
            leader.setEnabled(False)
            leader.setToolTip(self.tr("Lãnh đạo luôn có quyền này."))
            grid.addWidget(leader, row, 1, Qt.AlignmentFlag.AlignHCenter)
            for column, role in enumerate(ADJUSTABLE, start=2):
                check = QCheckBox(box)
                check.setObjectName(f"grant_{permission.value}_{role.value}")
                self.grants[(permission, role)] = check
                grid.addWidget(check, row, column, Qt.AlignmentFlag.AlignHCenter)
        self.lock_spin = QSpinBox(box)
        self.lock_spin.setObjectName("lockMinutes")
        self.lock_spin.setRange(0, 240)
        self.lock_spin.setSuffix(self.tr(" phút"))
        self.lock_spin.setSpecialValueText(self.tr("không tự khoá"))
        row = len(Permission) + 1
        grid.addWidget(QLabel(self.tr("Tự khoá máy khi không dùng sau"), box), row, 0)
        grid.addWidget(self.lock_spin, row, 1, 1, 2)
        return box

    # -- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the accounts and rules on the store thread."""
        StoreOp(self.ctx, staff_api.staff_state, parent=self).success(self.show_state).run_in_background()

    def show_state(self, state: Any) -> None:
        """Fill the table and the rules; editing only for people holding the settings permission."""
        self.state = state
        self.table.setRowCount(len(state.clerks))
        for n, clerk in enumerate(state.clerks):
            status = self.tr("Đang dùng") if clerk.active else self.tr("Đã khoá")
            if clerk.active and not clerk.has_password:
                status = self.tr("Chưa đăng nhập trên máy này")
            source = self.tr("Máy chủ") if clerk.source == "server" else self.tr("Máy này")
            for column, text in enumerate(
                (clerk.full_name, clerk.username, role_name(clerk.role), source, status)
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, clerk)
                self.table.setItem(n, column, item)
        rules: RoleRules = state.policy.rules
        for (permission, role), check in self.grants.items():
            check.setChecked(rules.allows(role, permission))
        self.lock_spin.setValue(state.policy.lock_after_minutes)
        server = state.policy.server_managed
        self.source_hint.setText(
            self.tr(
                "Tài khoản lấy từ máy chủ thành phố (cập nhật mỗi lần đồng bộ). Lãnh đạo "
                "thêm hoặc khoá tài khoản trên máy chủ; mỗi người đăng nhập lần đầu trên "
                "máy này khi có mạng."
            )
            if server
            else self.tr("Đơn vị chưa dùng máy chủ: tài khoản được tạo ngay trên máy này.")
        )
        may = self.ctx.session is not None and self.ctx.session.allows(Permission.SETTINGS)
        for button in (self.add_button, self.password_button, self.lock_button):
            button.setVisible(may and not server)
        for check in self.grants.values():
            check.setEnabled(may)
        self.lock_spin.setEnabled(may)
        self.save_button.setVisible(may)
        if not may:
            self.message.setText(self.tr("Chỉ người có quyền cài đặt (lãnh đạo) được thay đổi."))

    def selected(self) -> Any:
        """The account of the selected row, or None."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def chosen_rules(self) -> RoleRules:
        """The rules as ticked."""
        rules = RoleRules()
        for permission in Permission:
            roles = [role for role in ADJUSTABLE if self.grants[(permission, role)].isChecked()]
            rules = rules.with_grant(permission, roles)
        return rules

    # -- changing ----------------------------------------------------------------------

    def save_rules(self) -> None:
        """Save the rules and the idle time (the server first, when the office syncs)."""
        actor, rules, minutes = self.ctx.actor, self.chosen_rules(), self.lock_spin.value()
        if actor is None or self.state is None:
            return
        self.save_button.setEnabled(False)
        self.message.setText("")

        def save_here() -> None:
            StoreOp(self.ctx, lambda s: staff_api.save_policy(s, rules, minutes, actor), parent=self).success(
                self._saved
            ).finally_(lambda: self.save_button.setEnabled(True)).run_in_background()

        if self.state.policy.server_managed and rules != self.state.policy.rules:
            bridge = self.ctx.sync
            NetworkOp(self.ctx, lambda _s: staff_api.send_rules(bridge, rules, actor), parent=self).success(
                lambda _r: save_here()
            ).failure(self._send_failed).run_in_background()
        else:
            save_here()

    def _send_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        text = message_for(error)
        self.message.setText(
            self.tr(
                "Chưa lưu được: phân quyền của đơn vị dùng máy chủ phải được máy chủ ghi nhận trước. {reason}"
            ).format(reason=text or "")
        )

    def _saved(self, outcome: Any) -> None:
        self.message.setText(self.tr("Đã lưu phân quyền."))
        emit(self.saved, outcome.value)
        self.reload()

    def add_clerk(self) -> None:
        """Create a local account (offices that have never been online)."""
        dialog = NewClerkDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.create_clerk(*dialog.values())

    def create_clerk(self, username: str, full_name: str, role: Role, password: str) -> None:
        """Create the account on the store thread (the settings permission is checked there)."""
        actor = self.ctx.actor
        StoreOp(
            self.ctx,
            lambda s: staff_api.create_clerk(s, username, full_name, role, password, actor),
            parent=self,
        ).success(lambda _o: self.reload()).failure(self._failed).run_in_background()

    def reset_password(self) -> None:
        """Give the selected local account a new password."""
        clerk = self.selected()
        if clerk is None:
            self.message.setText(self.tr("Chọn một cán bộ trong danh sách."))
            return
        password, ok = QInputDialog.getText(
            self,
            self.tr("Đặt lại mật khẩu"),
            self.tr("Mật khẩu mới cho {name}:").format(name=clerk.full_name),
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self.set_password(clerk.username, password)

    def set_password(self, username: str, password: str) -> None:
        """Set a local account's password on the store thread."""
        actor = self.ctx.actor
        StoreOp(
            self.ctx, lambda s: s.set_clerk_password(username, password, actor=actor), parent=self
        ).success(lambda _o: self.message.setText(self.tr("Đã đặt mật khẩu mới."))).failure(
            self._failed
        ).run_in_background()

    def toggle_active(self) -> None:
        """Lock the selected account, or unlock it."""
        clerk = self.selected()
        if clerk is None:
            self.message.setText(self.tr("Chọn một cán bộ trong danh sách."))
            return
        actor = self.ctx.actor
        StoreOp(
            self.ctx, lambda s: s.set_clerk_active(clerk.username, not clerk.active, actor=actor), parent=self
        ).success(lambda _o: self.reload()).failure(self._failed).run_in_background()

    def _failed(self, error: BaseException) -> None:
        text = message_for(error)
        if text is None:
            self.ctx.errors.report(error, parent=self)
            return
        self.message.setText(text)


class NewClerkDialog(QDialog):
    """User name, full name, role and password of a new local account.

    Signals: the standard QDialog ones.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Thêm cán bộ"))
        form = QFormLayout(self)
        self.username = QLineEdit(self)
        self.username.setObjectName("clerkUsername")
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("clerkFullName")
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(role_name(role), role.value)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(QLabel(self.tr("Tên đăng nhập"), self), self.username)
        form.addRow(QLabel(self.tr("Họ và tên"), self), self.full_name)
        form.addRow(QLabel(self.tr("Vai trò"), self), self.role)
        form.addRow(QLabel(self.tr("Mật khẩu (ít nhất 6 ký tự)"), self), self.password)
        form.addRow(QLabel(self.tr("Nhập lại mật khẩu"), self), self.repeat)
        self.error = error_label(self)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Tạo tài khoản"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Huỷ"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error.setText(self.tr("Hai lần nhập mật khẩu không giống nhau."))
            return
        self.accept()

    def values(self) -> tuple[str, str, Role, str]:
        """(user name, full name, role, password) as typed."""
        return (
            self.username.text().strip(),
            self.full_name.text().strip(),
            Role(str(self.role.currentData())),
            self.password.text(),
        )
