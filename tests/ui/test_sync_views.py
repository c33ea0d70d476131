"""Status bar and sync page rendering of the sync state (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commune_desk.ui.sync_status import SyncView, view_from_sync_status


def test_status_bar_shows_offline_pending_and_clock_warning(desktop: Any) -> None:
    bar = desktop.window.status
    bar.show_view(
        SyncView(
            state="offline",
            pending=12,
            quarantined=1,
            last_success_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
            clock_skew_seconds=-1800,
        )
    )
    assert "Mất kết nối" in bar.state_label.text()
    assert "12" in bar.pending_label.text() and "cần xử lý: 1" in bar.pending_label.text()
    assert bar.last_label.text() == "Đồng bộ lần cuối: 20/11/2026 08:00"  # office time, UTC+7
    assert "30 phút" in bar.clock_label.text()
    bar.show_view(SyncView(state="idle", pending=0))
    assert "Trực tuyến" in bar.state_label.text() and bar.clock_label.text() == ""


def test_engine_status_maps_to_the_view() -> None:
    from commune_desk.sync.status import SyncPhase, SyncStatus

    status = SyncStatus(
        phase=SyncPhase.OFFLINE,
        pending=3,
        quarantined=0,
        open_conflicts=2,
        error_kind="offline",
        clock_offset_seconds=20.0,
        clock_warning=True,
    )
    view = view_from_sync_status(status, configured=True)
    assert (view.state, view.pending, view.conflicts, view.clock_warning) == ("offline", 3, 2, True)
    local = view_from_sync_status(SyncStatus(error_kind="not_logged_in"), configured=False)
    assert local.state == "not_configured" and local.last_error is None


def test_sync_page_explains_errors_and_offers_resolution(desktop: Any, qtbot: Any) -> None:
    page = desktop.window.show_page("sync")
    page.show_view(SyncView(state="error", pending=5, last_error="session_expired"))
    assert page.error_label.text() == "Lỗi gần nhất: Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."
    from commune_desk.sync.inbox import ConflictField, ConflictItem
    from commune_desk.ui.pages.sync_page import ConflictDialog

    conflict = ConflictItem(
        id="c1",
        entity="dossier",
        entity_id="abcd1234",
        base_version=1,
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
        label="",
        fields=(
            ConflictField("applicant_phone", "0912345678", "0987654321"),
            ConflictField("co_handlers", ["A"], ["B"]),
        ),
    )
    dialog = ConflictDialog(conflict, page)
    phone = dialog.choice("applicant_phone")
    assert dialog.chosen()["applicant_phone"] == "0987654321"  # the server's value is proposed
    phone.local_choice.setChecked(True)
    assert dialog.chosen()["applicant_phone"] == "0912345678"
    phone.edit.setText("0911111111")
    phone.edit_choice.setChecked(True)
    assert dialog.chosen() == {"applicant_phone": "0911111111", "co_handlers": ["B"]}
    assert dialog.choice("co_handlers").edit.isHidden()  # lists are chosen, never typed
    dialog.close()
