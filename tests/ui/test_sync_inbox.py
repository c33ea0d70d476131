"""The sync page lists a real refused operation and a real conflict and resolves them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.ui.conftest import on_next_dialog
from tests.ui.inbox_setup import prepare_inbox

from commune_desk.store.models import AuditEntry, IncomingDocument


def test_sync_page_lists_and_resolves_what_waits(
    city: RunningServer, make_desktop: Any, qtbot: Any, idle: Any, tmp_path: Path, keys: Any
) -> None:
    inbox = prepare_inbox(city, tmp_path / "data")
    desktop = make_desktop()  # its accounts are the server's: nobody is signed in yet
    # Settling sync problems is a leader's: the leader signs in here for the first time, so
    # the city server confirms the password (typed with real key events) once.
    lock = desktop.session_ui.lock_screen
    qtbot.waitUntil(lambda: lock.clerk_list.count() == 2, timeout=10_000)
    names = [
        lock.clerk_list.item(i).data(Qt.ItemDataRole.UserRole).username
        for i in range(lock.clerk_list.count())
    ]
    lock.clerk_list.setCurrentRow(names.index("c01-leader"))
    keys(lock.password_edit, "secret-pass")
    QTest.keyClick(lock.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desktop.ctx.actor is not None, timeout=30_000)
    assert desktop.ctx.actor.username == "c01-leader"
    page = desktop.window.show_page("sync")
    qtbot.waitUntil(
        lambda: page.quarantine.rowCount() == 1 and page.conflicts.rowCount() == 2, timeout=30_000
    )
    reason = page.quarantine.item(0, 2).text()
    assert reason == "Máy chủ không có hồ sơ mà thay đổi này thuộc về."
    assert page.quarantine.item(0, 0).text() == "Bước xử lý hồ sơ"
    rows = {page.conflicts.item(r, 1).text(): r for r in range(2)}
    assert set(rows) == {"Người xử lý", "Thời điểm giao"}
    handler = rows["Người xử lý"]
    assert page.conflicts.item(handler, 0).text().startswith("Văn bản đến ")
    assert page.conflicts.item(handler, 2).text() == "Bà Lê Thị Yến"
    assert page.conflicts.item(handler, 3).text() == "Ông Trần Văn Xuân"
    assert page.lists_hint.text() == ""

    # The resolver shows every field of the conflict; keep this PC's handler.
    from commune_desk.ui.pages.sync_page import ConflictDialog

    page.conflicts.selectRow(handler)
    conflict = page._selected(page.conflicts)  # noqa: SLF001
    dialog = ConflictDialog(conflict, page)
    assert [c.field.name for c in dialog.choices] == ["assigned_at", "handler"]
    dialog.choice("handler").local_choice.setChecked(True)
    chosen = dialog.chosen()
    assert chosen["handler"] == "Bà Lê Thị Yến"
    assert chosen["assigned_at"] == conflict.fields[0].server_value
    dialog.close()
    page.resolve(conflict, chosen, "đã thống nhất với bộ phận văn thư")
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=10_000)

    page.quarantine.selectRow(0)
    # Setting a change aside for good asks first; Esc keeps it.
    asked = on_next_dialog(lambda box: QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Escape))
    page.discard_button.click()
    assert len(asked) == 1 and "không bao giờ được gửi" in asked[0].text()
    idle(desktop)
    assert page.quarantine.rowCount() == 1

    def discard(box: Any) -> None:
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "Bỏ qua thay đổi")
        QTest.keyClick(button, Qt.Key.Key_Space)

    on_next_dialog(discard)
    page.discard_button.click()
    qtbot.waitUntil(lambda: page.quarantine.rowCount() == 0, timeout=10_000)
    idle(desktop)
    store = desktop.app_context.store
    with store.read() as s:
        assert s.get(IncomingDocument, inbox.document_id).handler == "Bà Lê Thị Yến"
        actions = {(a.action, a.actor) for a in s.scalars(select(AuditEntry))}
    assert ("conflict_resolved", "c01-leader") in actions
    assert ("quarantine_discarded", "c01-leader") in actions
    assert ("clerk_signed_in_online", "c01-leader") in actions
