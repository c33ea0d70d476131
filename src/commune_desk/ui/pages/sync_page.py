"""Đồng bộ: the sync state, queue counts, recent rounds, quarantine and conflicts.

A thin adapter over the sync engine (``ui/sync_bridge.py``): when this PC has
not logged in to a server the page says so and shows what waits locally.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.roles import Permission
from commune_desk.ui import api
from commune_desk.ui.context import UiContext
from commune_desk.ui.errors import message_for
from commune_desk.ui.format import format_datetime, now_utc
from commune_desk.ui.ops import NetworkOp, StoreOp
from commune_desk.ui.sync_labels import (
    entity_name,
    field_name,
    format_value,
    record_title,
    refusal_reason,
)
from commune_desk.ui.sync_status import SyncView, read_sync_view
from commune_desk.ui.widgets import confirm, hint_label, page_layout, plain_label

MAX_ROUNDS_SHOWN = 10


def _kind_message(kind: str | None) -> str:
    """The clerk's sentence for a sync error kind ("" for none)."""
    if not kind:
        return ""
    return message_for(SimpleNamespace(kind=kind)) or kind  # type: ignore[arg-type]


def _table(parent: QWidget, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


class SyncPage(QWidget):
    """Sync status and the lists a person must resolve.

    Signals: none of its own (listens to ``ctx.events``).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView()
        self.rounds: list[tuple[datetime, Any]] = []
        layout = page_layout(self, self.tr("Đồng bộ với máy chủ"))
        top = QHBoxLayout()
        layout.addLayout(top)
        state_box = QGroupBox(self.tr("Tình trạng"), self)
        state_layout = QVBoxLayout(state_box)
        self.state_label = QLabel(state_box)
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.counts_label = QLabel(state_box)
        self.last_label = QLabel(state_box)
        self.error_label = QLabel(state_box)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.clock_label = QLabel(state_box)
        self.clock_label.setStyleSheet("color: #b00020;")
        self.sync_button = QPushButton(self.tr("Đồng bộ ngay"), state_box)
        self.sync_button.clicked.connect(self.sync_now)
        for widget in (
            self.state_label,
            self.counts_label,
            self.last_label,
            self.error_label,
            self.clock_label,
        ):
            state_layout.addWidget(widget)
        state_layout.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignLeft)
        top.addWidget(state_box, 1)
        rounds_box = QGroupBox(self.tr("Các lần đồng bộ gần đây"), self)
        rounds_layout = QVBoxLayout(rounds_box)
        self.rounds_table = _table(
            rounds_box,
            [self.tr("Thời gian"), self.tr("Kết quả"), self.tr("Đã gửi"), self.tr("Đã nhận")],
            1,
        )
        self.rounds_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        rounds_layout.addWidget(self.rounds_table)
        top.addWidget(rounds_box, 1)

        lists = QHBoxLayout()
        quarantine_box = QGroupBox(self.tr("Thay đổi bị máy chủ từ chối (cần xử lý)"), self)
        q_layout = QVBoxLayout(quarantine_box)
        self.quarantine = _table(quarantine_box, [self.tr("Loại"), self.tr("Bản ghi"), self.tr("Lý do")], 2)
        self.quarantine.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        q_buttons = QHBoxLayout()
        self.requeue_button = QPushButton(self.tr("Gửi lại"), quarantine_box)
        self.requeue_button.clicked.connect(lambda: self._quarantine_action("requeue"))
        self.discard_button = QPushButton(self.tr("Bỏ qua thay đổi"), quarantine_box)
        self.discard_button.clicked.connect(lambda: self._quarantine_action("discard"))
        q_buttons.addWidget(self.requeue_button)
        q_buttons.addWidget(self.discard_button)
        q_buttons.addStretch(1)
        q_layout.addWidget(self.quarantine)
        q_layout.addLayout(q_buttons)
        conflicts_box = QGroupBox(self.tr("Xung đột dữ liệu (hai máy cùng sửa)"), self)
        c_layout = QVBoxLayout(conflicts_box)
        self.conflicts = _table(
            conflicts_box,
            [
                self.tr("Bản ghi"),
                self.tr("Trường"),
                self.tr("Giá trị trên máy"),
                self.tr("Giá trị trên máy chủ"),
            ],
            2,
        )
        self.conflicts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.resolve_button = QPushButton(self.tr("Xử lý xung đột…"), conflicts_box)
        self.resolve_button.clicked.connect(self.resolve_selected)
        c_layout.addWidget(self.conflicts)
        c_layout.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignLeft)
        lists.addWidget(quarantine_box)
        lists.addWidget(conflicts_box)
        layout.addLayout(lists, 1)
        self.lists_hint = hint_label("", self)
        layout.addWidget(self.lists_hint)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Mọi dữ liệu nhập khi mất mạng được lưu trên máy và tự gửi lên máy chủ "
                    "khi có mạng trở lại. Không cần nhập lại."
                ),
                self,
            )
        )
        ctx.events.sync_status_changed.connect(self._on_status)
        ctx.events.store_changed.connect(lambda _c: self.refresh())
        if ctx.session is not None:  # settling sync problems is offered to those allowed only
            for button in (self.requeue_button, self.discard_button, self.resolve_button):
                ctx.session.guard(button, Permission.RESOLVE_CONFLICT)
        self.refresh()

    # -- status ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read counts and lists on the store thread."""
        bridge = self.ctx.sync
        StoreOp(self.ctx, lambda s: read_sync_view(s, bridge), parent=self).success(self.show_view).failure(
            lambda _e: None
        ).run_in_background()
        StoreOp(
            self.ctx,
            lambda _s: (api.list_quarantined(bridge), api.list_conflicts(bridge)),
            parent=self,
        ).success(self._show_lists).failure(lambda _e: None).run_in_background()

    def _on_status(self, status: Any) -> None:
        if status is not None and self.ctx.sync is not None and not isinstance(status, SyncView):
            self.show_view(self.ctx.sync.view(status))
            worker = getattr(self.ctx.sync, "worker", None)
            result = getattr(worker, "last_result", None)
            if result is not None and (not self.rounds or self.rounds[0][1] is not result):
                self._add_round(result)
        else:
            self.refresh()

    def show_view(self, view: SyncView) -> None:
        """Render the status."""
        self.view = view
        states = {
            "not_configured": self.tr("Chưa cấu hình máy chủ – phần mềm đang làm việc độc lập trên máy này."),
            "idle": self.tr("Đã kết nối máy chủ."),
            "syncing": self.tr("Đang đồng bộ…"),
            "offline": self.tr(
                "Mất kết nối máy chủ. Dữ liệu vẫn được lưu trên máy và sẽ tự gửi khi có mạng."
            ),
            "error": self.tr("Đồng bộ gặp lỗi."),
        }
        self.state_label.setText(states.get(view.state, states["error"]))
        pending = self.tr("chưa rõ") if view.pending is None else str(view.pending)
        self.counts_label.setText(
            self.tr("Chờ gửi: {p} · Bị từ chối: {q} · Xung đột: {c}").format(
                p=pending, q=view.quarantined, c=view.conflicts
            )
        )
        self.last_label.setText(
            self.tr("Đồng bộ thành công lần cuối: {when}").format(
                when=format_datetime(view.last_success_at) or self.tr("chưa có")
            )
        )
        if view.last_error:
            self.error_label.setText(self.tr("Lỗi gần nhất: {e}").format(e=_kind_message(view.last_error)))
        else:  # a recovery the clerk should know about, said calmly
            self.error_label.setText(_kind_message(view.notice))
        self.clock_label.setText(
            self.tr("Đồng hồ máy tính lệch nhiều so với máy chủ: hãy chỉnh lại giờ.")
            if view.clock_warning
            else ""
        )
        configured = self.ctx.sync is not None and view.state != "not_configured"
        self.sync_button.setEnabled(configured)
        self.sync_button.setToolTip(
            ""
            if configured
            else self.tr("Cán bộ CNTT đăng nhập máy chủ một lần (lệnh commune-desk login) để bật đồng bộ.")
        )
        if view.quarantined or view.conflicts:
            if not self.quarantine.rowCount() and not self.conflicts.rowCount():
                self.lists_hint.setText(
                    self.tr(
                        "Có thay đổi cần xử lý; danh sách chi tiết chưa đọc được trên "
                        "máy này – hãy báo cán bộ CNTT."
                    )
                )
        else:
            self.lists_hint.clear()

    # -- rounds ------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Run one round on the network thread (or wake the background worker)."""
        bridge = self.ctx.sync
        if bridge is None:
            return
        self.sync_button.setEnabled(False)
        NetworkOp(self.ctx, lambda _s: bridge.sync_now(), parent=self).success(
            lambda result: self._add_round(result) if result is not None else None
        ).finally_(lambda: self.sync_button.setEnabled(True)).run_in_background()

    def _add_round(self, result: Any) -> None:
        self.rounds.insert(0, (now_utc(), result))
        del self.rounds[MAX_ROUNDS_SHOWN:]
        self.rounds_table.setRowCount(len(self.rounds))
        for n, (when, r) in enumerate(self.rounds):
            outcome = self.tr("Thành công") if r.ok else _kind_message(r.error_kind)
            cells = (format_datetime(when), outcome, str(r.pushed), str(r.pulled))
            for column, text in enumerate(cells):
                self.rounds_table.setItem(n, column, QTableWidgetItem(text))
        self.refresh()

    # -- quarantine and conflicts ------------------------------------------------------

    def _show_lists(self, lists: tuple[list[Any], list[Any]]) -> None:
        quarantined, conflicts = lists
        self.quarantine.setRowCount(len(quarantined))
        for n, q in enumerate(quarantined):
            cells = (
                entity_name(q.entity),
                q.label or q.entity_id[:8],
                refusal_reason(q.kind),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, q)
                item.setToolTip(text)
                self.quarantine.setItem(n, column, item)
        # One row per conflicting field, so both values are readable side by side.
        rows = [(c, f) for c in conflicts for f in c.fields]
        self.conflicts.setRowCount(len(rows))
        for n, (c, f) in enumerate(rows):
            texts = (
                record_title(c.entity, c.entity_id, c.label),
                field_name(f.name),
                format_value(f.local_value),
                format_value(f.server_value),
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c)
                item.setToolTip(text)
                self.conflicts.setItem(n, column, item)
        has_lists = bool(quarantined or conflicts)
        self.requeue_button.setEnabled(bool(quarantined))
        self.discard_button.setEnabled(bool(quarantined))
        self.resolve_button.setEnabled(bool(conflicts))
        if has_lists:
            self.lists_hint.clear()

    def _selected(self, table: QTableWidget) -> Any:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _quarantine_action(self, action: str) -> None:
        chosen = self._selected(self.quarantine)
        bridge = self.ctx.sync
        actor = self.ctx.actor
        if chosen is None or bridge is None or actor is None:
            return
        if action == "discard" and not confirm(
            self,
            title=self.tr("Bỏ qua thay đổi?"),
            text=self.tr(
                "Thay đổi này sẽ không bao giờ được gửi lên máy chủ nữa. Việc bỏ qua được ghi vào "
                "nhật ký cùng tên cán bộ."
            ),
            accept=self.tr("Bỏ qua thay đổi"),
        ):
            return
        StoreOp(
            self.ctx,
            lambda s: api.handle_quarantined(bridge, chosen.op_id, action, actor, s),
            parent=self,
        ).success(lambda _r: self.refresh()).run_in_background()

    def resolve_selected(self) -> None:
        """Open the side-by-side resolver for the selected conflict."""
        conflict = self._selected(self.conflicts)
        if conflict is None:
            return
        dialog = ConflictDialog(conflict, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.resolve(conflict, dialog.chosen(), dialog.note.text().strip())

    def resolve(self, conflict: Any, chosen: dict[str, Any], note: str) -> None:
        """Record the person's choice (audited by the sync layer) on the store thread."""
        bridge = self.ctx.sync
        actor = self.ctx.actor
        if actor is None:
            return
        StoreOp(
            self.ctx,
            lambda s: api.resolve_conflict(bridge, conflict.id, chosen, actor, note, s),
            parent=self,
        ).success(lambda _r: self.refresh()).run_in_background()


class _FieldChoice:
    """The three choices for one conflicting field (a helper of ConflictDialog; no signals)."""

    def __init__(
        self, dialog: QDialog, grid: QGridLayout, row: int, field: Any, captions: tuple[str, ...]
    ) -> None:
        self.field = field
        self.group = QButtonGroup(dialog)
        title = QLabel(f"<b>{field_name(field.name)}</b>", dialog)
        keep_local, use_server, edit = captions
        self.local_choice = QRadioButton(keep_local, dialog)
        self.server_choice = QRadioButton(use_server, dialog)
        self.edit_choice = QRadioButton(edit, dialog)
        for button in (self.local_choice, self.server_choice, self.edit_choice):
            self.group.addButton(button)
        self.server_choice.setChecked(True)
        self.edit = QLineEdit("" if field.server_value is None else str(field.server_value), dialog)
        self.edit.textEdited.connect(lambda _t: self.edit_choice.setChecked(True))
        # Only plain text can be typed back safely; times, lists and numbers are chosen.
        editable = all(
            v is None or (isinstance(v, str) and format_value(v) == v)
            for v in (field.local_value, field.server_value)
        )
        self.edit_choice.setVisible(editable)
        self.edit.setVisible(editable)
        grid.addWidget(title, row, 0, 1, 2)
        grid.addWidget(self.local_choice, row + 1, 0)
        grid.addWidget(plain_label(format_value(field.local_value), dialog), row + 1, 1)
        grid.addWidget(self.server_choice, row + 2, 0)
        grid.addWidget(plain_label(format_value(field.server_value), dialog), row + 2, 1)
        grid.addWidget(self.edit_choice, row + 3, 0)
        grid.addWidget(self.edit, row + 3, 1)

    def value(self) -> Any:
        """The value chosen for this field."""
        if self.local_choice.isChecked():
            return self.field.local_value
        if self.server_choice.isChecked():
            return self.field.server_value
        return self.edit.text()


class ConflictDialog(QDialog):
    """Every conflicting field of one record with both values side by side; keep one, or
    type the right value.

    Signals: the standard QDialog ones.
    """

    def __init__(self, conflict: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(self.tr("Xử lý xung đột dữ liệu"))
        grid = QGridLayout(self)
        grid.addWidget(
            plain_label(
                self.tr("{record} đã bị sửa ở hai nơi với giá trị khác nhau.").format(
                    record=record_title(conflict.entity, conflict.entity_id, conflict.label)
                ),
                self,
            ),
            0,
            0,
            1,
            2,
        )
        captions = (
            self.tr("Giữ giá trị trên máy này"),
            self.tr("Dùng giá trị trên máy chủ"),
            self.tr("Sửa thành"),
        )
        self.choices = [
            _FieldChoice(self, grid, 1 + 4 * n, field, captions) for n, field in enumerate(conflict.fields)
        ]
        row = 1 + 4 * len(self.choices)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Ghi chú (được lưu vào nhật ký)"))
        grid.addWidget(self.note, row, 0, 1, 2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Ghi nhận"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Huỷ"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, row + 1, 0, 1, 2)

    def choice(self, field: str) -> _FieldChoice:
        """The choice widgets of one field."""
        return next(c for c in self.choices if c.field.name == field)

    def chosen(self) -> dict[str, Any]:
        """The value the person chose for each field."""
        return {c.field.name: c.value() for c in self.choices}
