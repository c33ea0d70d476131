"""The status bar: connection, pending changes, last sync, clock warning."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_datetime
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.sync_status import SyncView, read_sync_view

REFRESH_MS = 15_000


class SyncStatusBar(QStatusBar):
    """Always shows the sync state; refreshes on store changes, sync news and a timer.

    Signals: none of its own (listens to ``ctx.events``).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView()
        self.state_label = QLabel(self)
        self.pending_label = QLabel(self)
        self.last_label = QLabel(self)
        self.clock_label = QLabel(self)
        self.clock_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.busy_label = QLabel(self)
        for label in (self.state_label, self.pending_label, self.last_label):
            self.addWidget(label)
        self.addWidget(self.clock_label)
        self.addPermanentWidget(self.busy_label)
        ctx.events.store_changed.connect(lambda _changes: self.refresh())
        ctx.events.sync_status_changed.connect(self._on_sync_status)
        ctx.tasks.busy_changed.connect(self._on_busy)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._in_flight = False
        self.show_view(self.view)
        # While the store is still opening (it opens after the first paint) there is
        # nothing to read: the opening announces itself with ``sync_status_changed``.
        if ctx.services is not None:
            self.refresh()

    def stop(self) -> None:
        """Stop polling (window closing)."""
        self._timer.stop()

    def refresh(self) -> None:
        """Ask the store thread for the current sync view."""
        if self._in_flight:
            return
        self._in_flight = True
        bridge = self.ctx.sync
        StoreOp(self.ctx, lambda s: read_sync_view(s, bridge), parent=self).success(self.show_view).failure(
            lambda _e: None
        ).finally_(self._done).run_in_background()

    def _done(self) -> None:
        self._in_flight = False

    def _on_sync_status(self, status: object) -> None:
        if isinstance(status, SyncView):
            self.show_view(status)
        elif status is not None and self.ctx.sync is not None:
            self.show_view(self.ctx.sync.view(status))
        else:
            self.refresh()

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("Đang xử lý…") if busy else "")

    def show_view(self, view: SyncView) -> None:
        """Render ``view`` into the labels."""
        self.view = view
        states = {
            "not_configured": self.tr("● Chưa cấu hình máy chủ (làm việc trên máy)"),
            "idle": self.tr("● Trực tuyến"),
            "syncing": self.tr("● Đang đồng bộ…"),
            "offline": self.tr("● Mất kết nối – dữ liệu vẫn lưu trên máy"),
            "error": self.tr("● Lỗi đồng bộ"),
        }
        colours = {
            "not_configured": "#555555",
            "idle": "#2e7d32",
            "syncing": "#1565c0",
            "offline": "#ef6c00",
            "error": "#b00020",
        }
        self.state_label.setText(states.get(view.state, states["error"]))
        style = f"color: {colours.get(view.state, '#b00020')};"
        if self.state_label.styleSheet() != style:  # restyling is costly on old PCs
            self.state_label.setStyleSheet(style)
        if view.pending is None:
            pending = self.tr("Chờ gửi: chưa rõ")
        else:
            pending = self.tr("Chờ gửi: {n} thay đổi").format(n=view.pending)
        if view.quarantined:
            pending += self.tr(" · cần xử lý: {n}").format(n=view.quarantined)
        self.pending_label.setText(pending)
        if view.last_success_at is not None:
            self.last_label.setText(
                self.tr("Đồng bộ lần cuối: {when}").format(when=format_datetime(view.last_success_at))
            )
        else:
            self.last_label.setText(self.tr("Chưa đồng bộ lần nào"))
        if view.clock_warning:
            minutes = round(abs(view.clock_skew_seconds or 0) / 60)
            self.clock_label.setText(
                self.tr("⚠ Đồng hồ máy tính lệch {n} phút so với máy chủ").format(n=minutes)
            )
            self.clock_label.show()
        else:
            self.clock_label.clear()
            self.clock_label.hide()
