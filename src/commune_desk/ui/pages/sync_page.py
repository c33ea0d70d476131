"""Đồng bộ: the sync state, queue counts, errors in plain words, quarantine and conflicts.

A thin adapter over the sync engine's status (``ui/sync_status.py``): when no
server is configured the page says so and shows what waits locally.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_datetime
from commune_desk.ui.ops import NetworkOp, StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.sync_status import SyncView, read_sync_view
from commune_desk.ui.widgets import hint_label, page_layout


class SyncPage(QWidget):
    """Sync status and the lists the clerk must resolve.

    Signals: none of its own (listens to ``ctx.events``).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView()
        layout = page_layout(self, self.tr("Đồng bộ với máy chủ"))
        state_box = QGroupBox(self.tr("Tình trạng"), self)
        state_layout = QVBoxLayout(state_box)
        self.state_label = QLabel(state_box)
        self.state_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.counts_label = QLabel(state_box)
        self.last_label = QLabel(state_box)
        self.error_label = QLabel(state_box)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.clock_label = QLabel(state_box)
        self.clock_label.setStyleSheet("color: #b00020;")
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("Đồng bộ ngay"), state_box)
        self.sync_button.clicked.connect(self.sync_now)
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        for widget in (self.state_label, self.counts_label, self.last_label, self.error_label,
                       self.clock_label):
            state_layout.addWidget(widget)
        state_layout.addLayout(buttons)
        layout.addWidget(state_box)

        lists = QHBoxLayout()
        quarantine_box = QGroupBox(self.tr("Thay đổi bị máy chủ từ chối (cần xử lý)"), self)
        q_layout = QVBoxLayout(quarantine_box)
        self.quarantine = QTableWidget(0, 3, quarantine_box)
        self.quarantine.setHorizontalHeaderLabels(
            [self.tr("Loại"), self.tr("Bản ghi"), self.tr("Lý do")]
        )
        self.quarantine.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        q_layout.addWidget(self.quarantine)
        conflicts_box = QGroupBox(self.tr("Xung đột dữ liệu (hai máy cùng sửa)"), self)
        c_layout = QVBoxLayout(conflicts_box)
        self.conflicts = QTableWidget(0, 4, conflicts_box)
        self.conflicts.setHorizontalHeaderLabels(
            [self.tr("Bản ghi"), self.tr("Trường"), self.tr("Giá trị trên máy"),
             self.tr("Giá trị trên máy chủ")]
        )
        self.conflicts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        c_layout.addWidget(self.conflicts)
        lists.addWidget(quarantine_box)
        lists.addWidget(conflicts_box)
        layout.addLayout(lists, 1)
        layout.addWidget(
            hint_label(
                self.tr("Mọi dữ liệu nhập khi mất mạng được lưu trên máy và tự gửi lên máy chủ "
                        "khi có mạng trở lại. Không cần nhập lại."),
                self,
            )
        )
        ctx.events.sync_status_changed.connect(lambda _s: self.refresh())
        ctx.events.store_changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Read the status on the store thread."""
        engine = self.ctx.sync_engine
        StoreOp(self.ctx, lambda s: read_sync_view(s, engine), parent=self).success(
            self.show_view
        ).failure(lambda _e: None).run_in_background()

    def show_view(self, view: SyncView) -> None:
        """Render the status."""
        self.view = view
        states = {
            "not_configured": self.tr("Chưa cấu hình máy chủ – phần mềm đang làm việc độc lập "
                                      "trên máy này."),
            "idle": self.tr("Đã kết nối máy chủ."),
            "syncing": self.tr("Đang đồng bộ…"),
            "offline": self.tr("Mất kết nối máy chủ. Dữ liệu vẫn được lưu trên máy và sẽ tự gửi "
                               "khi có mạng."),
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
        self.error_label.setText(
            self.tr("Lỗi gần nhất: {e}").format(e=view.last_error) if view.last_error else ""
        )
        self.clock_label.setText(
            self.tr("Đồng hồ máy tính lệch nhiều so với máy chủ: hãy chỉnh lại giờ.")
            if view.clock_warning
            else ""
        )
        self.sync_button.setEnabled(self.ctx.sync_engine is not None)
        if self.ctx.sync_engine is None:
            self.sync_button.setToolTip(self.tr("Nhập địa chỉ máy chủ trong Cài đặt để đồng bộ."))

    def sync_now(self) -> None:
        """Run one sync round on the network thread."""
        engine: Any = self.ctx.sync_engine
        if engine is None:
            return
        self.sync_button.setEnabled(False)
        runner = getattr(engine, "sync_once", None) or getattr(engine, "run_round", None)
        NetworkOp(self.ctx, lambda _s: runner(), parent=self).success(
            lambda _r: emit(self.ctx.events.sync_status_changed, None)
        ).finally_(lambda: self.sync_button.setEnabled(True)).run_in_background()
