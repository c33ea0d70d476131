"""Clerks share one PC: signing in, Ctrl+L, the idle lock, switching, all with real key events.

Done when two clerks on one PC produce a log book and a history that name each
correctly — ``test_two_clerks_on_one_pc_are_each_named_in_the_log_book_and_history``.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from commune_desk.domain.dossier import EventKind
from commune_desk.store.models import AuditEntry, Dossier, DossierEvent, OutboxOp

PASSWORD = "mat-khau-thu"


def _enter(widget: Any) -> None:
    QTest.keyClick(widget, Qt.Key.Key_Return)


def _ctrl_l(desktop: Any) -> None:
    window = desktop.window
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def _staff(desktop: Any, signer: Any) -> None:
    """A leader (signed in by the fixture) creates two clerks; then the PC is locked."""
    signer(desktop, "lan.nt", "Nguyễn Thị Lan", "clerk")
    signer(desktop, "hung.pv", "Phạm Văn Hùng", "clerk")
    desktop.ctx.session.lock()


def _sign_in_with_keys(
    desktop: Any, qtbot: Any, keys: Any, username: str, password: str = PASSWORD, *, wait: bool = True
) -> None:
    """Arrow to ``username`` in the list from the password field, type the password, Enter;
    then (``wait``) until the PC is theirs."""
    lock = desktop.session_ui.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible() and lock.clerk_list.count() > 0, timeout=10_000)
    names = [
        lock.clerk_list.item(i).data(Qt.ItemDataRole.UserRole).username
        for i in range(lock.clerk_list.count())
    ]
    assert username in names, (names, lock.state)
    target = names.index(username)
    lock.password_edit.setFocus()
    step = Qt.Key.Key_Down if target > lock.clerk_list.currentRow() else Qt.Key.Key_Up
    for _ in range(len(names)):
        if lock.clerk_list.currentRow() == target:
            break
        QTest.keyClick(lock.password_edit, step)
    assert lock.clerk_list.currentRow() == target
    keys(lock.password_edit, password)
    _enter(lock.password_edit)
    if not wait:
        return
    qtbot.waitUntil(lambda: desktop.ctx.actor is not None, timeout=10_000)
    assert desktop.ctx.actor.username == username
    assert not lock.isVisible()


def test_first_leader_account_is_created_on_the_sign_in_screen(
    make_desktop: Any, qtbot: Any, keys: Any
) -> None:
    desktop = make_desktop(signed_in=False)
    lock = desktop.session_ui.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible() and lock.pages.currentIndex() == 1, timeout=10_000)
    assert desktop.ctx.actor is None
    assert desktop.session_ui.badge.text() == "Chưa đăng nhập"
    keys(lock.new_username, "minh.tv")
    keys(lock.new_name, "Trần Văn Minh")
    keys(lock.new_password, "ngan")
    keys(lock.new_repeat, "ngan")
    _enter(lock.new_repeat)
    qtbot.waitUntil(lambda: bool(lock.first_error.text()), timeout=10_000)
    assert lock.first_error.text() == "Mật khẩu cần ít nhất 6 ký tự."
    for edit in (lock.new_password, lock.new_repeat):
        edit.clear()
        keys(edit, "mật-khẩu-dài")
    _enter(lock.new_repeat)
    qtbot.waitUntil(lambda: desktop.ctx.actor is not None, timeout=10_000)
    assert (desktop.ctx.actor.name, desktop.ctx.actor.role) == ("Trần Văn Minh", "leader")
    assert desktop.session_ui.badge.text() == "Đang làm việc: Trần Văn Minh (Lãnh đạo)"
    assert not lock.isVisible()


def test_sign_in_lock_and_switch_with_the_keyboard(
    make_desktop: Any, qtbot: Any, keys: Any, signer: Any
) -> None:
    desktop = make_desktop()
    _staff(desktop, signer)
    lock = desktop.session_ui.lock_screen
    qtbot.waitUntil(lock.isVisible, timeout=10_000)
    # A wrong password: told so, still locked.
    qtbot.waitUntil(lambda: lock.clerk_list.count() == 3, timeout=10_000)
    keys(lock.password_edit, "sai-roi")
    _enter(lock.password_edit)
    qtbot.waitUntil(lambda: bool(lock.error.text()), timeout=10_000)
    assert lock.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert desktop.ctx.actor is None and lock.isVisible()
    lock.password_edit.clear()
    _sign_in_with_keys(desktop, qtbot, keys, "lan.nt")
    assert desktop.session_ui.badge.text() == "Đang làm việc: Nguyễn Thị Lan (Cán bộ, công chức)"
    # Ctrl+L locks at once; the next clerk signs in without the network.
    _ctrl_l(desktop)
    qtbot.waitUntil(lock.isVisible, timeout=5_000)
    assert desktop.ctx.actor is None
    # While locked, the window's own shortcuts do nothing.
    page = desktop.window.rail.currentRow()
    QTest.keyClick(desktop.window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert desktop.window.rail.currentRow() == page
    qtbot.waitUntil(
        lambda: lock.title_label.text().startswith("Máy đang khoá. Nguyễn Thị Lan"), timeout=10_000
    )
    _sign_in_with_keys(desktop, qtbot, keys, "hung.pv")
    with desktop.app_context.store.read() as s:
        signed = [
            a.actor
            for a in s.scalars(
                select(AuditEntry).where(AuditEntry.action == "clerk_signed_in").order_by(AuditEntry.id)
            )
        ]
    assert signed[-2:] == ["lan.nt", "hung.pv"]


def test_the_pc_locks_itself_after_the_idle_time(make_desktop: Any, idle: Any, idle_lock: Any) -> None:
    desktop = make_desktop()
    intake = desktop.window.show_page("intake")
    idle(desktop)
    assert desktop.ctx.session.lock_after_ms == 10 * 60_000  # the office's default: ten minutes
    idle_lock(desktop, intake.name_edit)


def test_two_clerks_on_one_pc_are_each_named_in_the_log_book_and_history(
    make_desktop: Any, qtbot: Any, keys: Any, signer: Any, idle: Any
) -> None:
    desktop = make_desktop()
    _staff(desktop, signer)
    window = desktop.window

    def receive(name: str, id_number: str) -> Any:
        intake = window.show_page("intake")
        intake.slip_action = "none"
        idle(desktop)
        keys(intake.procedure_search, "chung thuc chu ky")
        _enter(intake.procedure_search)  # choose the highlighted procedure
        keys(intake.name_edit, name)
        keys(intake.id_edit, id_number)
        intake.last_slip = None
        _enter(intake.name_edit)
        qtbot.waitUntil(lambda: intake.last_slip is not None, timeout=10_000)
        return intake.last_slip

    _sign_in_with_keys(desktop, qtbot, keys, "lan.nt")
    lan_slip = receive("Đặng Thị Đào", "001190012345")
    _ctrl_l(desktop)
    _sign_in_with_keys(desktop, qtbot, keys, "hung.pv")
    hung_slip = receive("Lò Văn Páo", "001090012345")
    assert dict(lan_slip.lines)["Cán bộ tiếp nhận"] == "Nguyễn Thị Lan"
    assert dict(hung_slip.lines)["Cán bộ tiếp nhận"] == "Phạm Văn Hùng"
    # Hùng hands Lan's dossier on (a step of its history).
    page = window.show_page("dossiers")
    with desktop.app_context.store.read() as s:
        lan_dossier = s.scalar(select(Dossier.id).where(Dossier.applicant_name == "Đặng Thị Đào"))
    detail = page.detail
    detail.slip_action = "none"
    detail.show_dossier(lan_dossier)
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.detail.summary.id == lan_dossier, timeout=10_000
    )
    detail.record(EventKind.ASSIGNED, "Tư pháp")
    qtbot.waitUntil(lambda: detail.history.rowCount() == 2, timeout=10_000)
    # Each row: "time\nwho" then "step\nreason".
    history = [
        (detail.history.item(r, 1).text().split("\n")[0], detail.history.item(r, 0).text().split("\n")[1])
        for r in range(2)
    ]
    assert history == [("Tiếp nhận", "Nguyễn Thị Lan"), ("Chuyển xử lý", "Phạm Văn Hùng")]
    detail.produce_slip("06")
    qtbot.waitUntil(lambda: detail.last_slip is not None and detail.last_slip.form == "06", timeout=10_000)
    assert [row[3] for row in detail.last_slip.table_rows] == ["Nguyễn Thị Lan", "Phạm Văn Hùng"]
    # The log book (form 07) names who received each dossier.
    page.last_slip = None
    page.produce_log_book(date.today() - timedelta(days=1), date.today() + timedelta(days=1), preview=False)
    qtbot.waitUntil(lambda: page.last_slip is not None, timeout=10_000)
    clerks = {row[2]: row[7] for row in page.last_slip.table_rows}
    assert clerks == {"Đặng Thị Đào": "Nguyễn Thị Lan", "Lò Văn Páo": "Phạm Văn Hùng"}
    # ... and so do the store, its outbox operations (what the server checks) and the audit.
    with desktop.app_context.store.read() as s:
        events = [
            (e.kind, e.actor)
            for e in s.scalars(
                select(DossierEvent)
                .where(DossierEvent.dossier_id == lan_dossier)
                .order_by(DossierEvent.local_order)
            )
        ]
        ops = {(o.entity, o.actor) for o in s.scalars(select(OutboxOp))}
    assert events == [("received", "Nguyễn Thị Lan"), ("assigned", "Phạm Văn Hùng")]
    assert {("dossier", "lan.nt"), ("dossier", "hung.pv"), ("dossier_event", "hung.pv")} <= ops
    # A slip the law requires for a step (02: supplement) names the clerk who took it ...
    detail.last_slip = None
    detail.record(EventKind.SUPPLEMENT_REQUESTED, "Thiếu bản sao giấy khai sinh")
    qtbot.waitUntil(lambda: detail.last_slip is not None, timeout=10_000)
    assert (detail.last_slip.form, dict(detail.last_slip.lines)["Cán bộ thực hiện"]) == (
        "02",
        "Phạm Văn Hùng",
    )
    # ... and the monthly report names who prepared it.
    reports = window.show_page("reports")
    idle(desktop)
    assert ("Người lập báo cáo", "Phạm Văn Hùng") in reports.pdf_slip().lines


def test_work_queued_before_a_switch_stays_the_previous_clerks(
    make_desktop: Any, qtbot: Any, keys: Any, signer: Any, idle: Any
) -> None:
    desktop = make_desktop()
    _staff(desktop, signer)
    _sign_in_with_keys(desktop, qtbot, keys, "lan.nt")
    intake = desktop.window.show_page("intake")
    intake.slip_action = "none"
    idle(desktop)
    keys(intake.procedure_search, "chung thuc chu ky")
    _enter(intake.procedure_search)  # choose the highlighted procedure
    keys(intake.name_edit, "Vũ Thị Ngọc Ánh")
    keys(intake.id_edit, "001190012345")
    # The store thread is busy with something slow when Lan presses Enter ...
    release = threading.Event()
    desktop.tasks.run_on_store(lambda: release.wait(10), lambda _r, _e: None)
    _enter(intake.name_edit)
    # ... and she hands the PC over before the save has run.
    _ctrl_l(desktop)
    _sign_in_with_keys(desktop, qtbot, keys, "hung.pv", wait=False)
    release.set()  # the save runs first, then Hùng's sign-in (one store thread, in order)
    qtbot.waitUntil(lambda: desktop.ctx.actor is not None, timeout=10_000)
    assert desktop.ctx.actor.username == "hung.pv"
    qtbot.waitUntil(lambda: intake.last_slip is not None, timeout=10_000)
    assert dict(intake.last_slip.lines)["Cán bộ tiếp nhận"] == "Nguyễn Thị Lan"
    # A half-typed form survives a switch too.
    keys(intake.name_edit, "Hà Thị Nở")
    _ctrl_l(desktop)
    _sign_in_with_keys(desktop, qtbot, keys, "lan.nt")
    assert intake.name_edit.text() == "Hà Thị Nở"
