"""A clerk is not offered a leader's actions (and the services refuse them anyway); the staff
dialog, the diagnostics panel and the support archive from the settings page."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from commune_desk.domain.dossier import EventKind
from commune_desk.domain.roles import Permission
from commune_desk.ui import api

PASSWORD = "mat-khau-thu"


def _accepted_dossier(desktop: Any) -> Any:
    from commune_desk.services.values import NewDossier

    return desktop.call_on_store(
        lambda: desktop.ctx.services.register_dossier(
            NewDossier(
                procedure_code="HT-GH",
                applicant_name="Lò Văn Páo",
                applicant_id_number="001090012345",
            ),
            actor=desktop.ctx.actor,
        )
    ).value.summary


def _offered(desktop: Any, qtbot: Any, idle: Any, dossier_id: str) -> dict[str, bool]:
    """What the person signed in is offered on each page."""
    window = desktop.window
    outgoing = window.show_page("outgoing")
    sync = window.show_page("sync")
    settings = window.show_page("settings")
    detail = window.show_page("dossiers").detail
    detail.show_dossier(dossier_id)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    idle(desktop)
    return {
        "issue": outgoing.issue_button.isVisibleTo(outgoing),
        "signed_now": outgoing.signed_check.isVisibleTo(outgoing),
        "resolve": sync.resolve_button.isVisibleTo(sync),
        "requeue": sync.requeue_button.isVisibleTo(sync),
        "save_settings": settings.save_button.isVisibleTo(settings),
        "extend": "extended" in detail.action_buttons,
        "assign": "assigned" in detail.action_buttons,
    }


def test_a_clerk_is_not_offered_a_leaders_actions_and_cannot_reach_them(
    make_desktop: Any, qtbot: Any, idle: Any, signer: Any
) -> None:
    desktop = make_desktop()  # Nguyễn Thu Hà, a leader
    dossier = _accepted_dossier(desktop)
    leader = _offered(desktop, qtbot, idle, dossier.id)
    assert all(leader.values()), leader
    clerk = signer(desktop, "lan.nt", "Nguyễn Thị Lan", "clerk")
    offered = _offered(desktop, qtbot, idle, dossier.id)
    assert offered == {
        "issue": False,
        "signed_now": False,
        "resolve": False,
        "requeue": False,
        "save_settings": False,
        "extend": False,
        "assign": True,
    }
    settings = desktop.window.page("settings")
    assert settings.message.text().startswith("Chỉ lãnh đạo")
    # Going round the screens does not help: the services say no.
    services = desktop.ctx.services
    from commune_desk.services.values import NewOutgoingDocument

    attempts = [
        lambda: api.record_event(
            services,
            dossier.id,
            EventKind.EXTENDED,
            "chậm",
            {"appointment_at": "2030-01-01T08:00:00+07:00"},
            clerk,
        ),
        lambda: api.create_outgoing(
            services, NewOutgoingDocument(symbol="QĐ-UBND", summary="x"), True, clerk
        ),
        lambda: api.update_settings(services, services.get_settings(), clerk),
        lambda: services.require_permission(clerk, Permission.RESOLVE_CONFLICT),
    ]
    for attempt in attempts:
        with pytest.raises(Exception) as denied:  # noqa: PT011 - the kind is checked below
            desktop.call_on_store(attempt)
        assert getattr(denied.value, "kind", None) == "permission_denied"


def test_the_leader_manages_staff_and_rules_and_the_clerk_gets_what_is_granted(
    make_desktop: Any, qtbot: Any, idle: Any, keys: Any, signer: Any
) -> None:
    desktop = make_desktop()
    settings = desktop.window.show_page("settings")
    idle(desktop)
    dialog = settings.staff_box.open_staff()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert dialog.add_button.isVisibleTo(dialog)
    from commune_desk.ui.staff_dialog import NewClerkDialog

    new = NewClerkDialog(dialog)
    keys(new.username, "lan.nt")
    keys(new.full_name, "Nguyễn Thị Lan")
    keys(new.password, PASSWORD)
    keys(new.repeat, PASSWORD)
    username, full_name, role, password = new.values()
    dialog.create_clerk(username, full_name, role, password)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    # The office lets its clerks number signed outgoing documents (văn thư).
    dialog.grants[(Permission.SIGN_OUTGOING, "clerk")].setChecked(True)
    dialog.lock_spin.setValue(5)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].rules.allows("clerk", Permission.SIGN_OUTGOING)
    assert saved.args[0].lock_after_minutes == 5
    dialog.close()
    signer(desktop, "lan.nt", "Nguyễn Thị Lan", "clerk", password=PASSWORD)
    idle(desktop)
    assert desktop.ctx.session.lock_after_ms == 5 * 60_000
    outgoing = desktop.window.show_page("outgoing")
    assert outgoing.issue_button.isVisibleTo(outgoing)
    assert not desktop.window.page("settings").save_button.isVisibleTo(settings)
    # The clerk may look at the staff dialog but change nothing.
    dialog = desktop.window.page("settings").staff_box.open_staff()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    assert not dialog.save_button.isVisibleTo(dialog)
    assert not dialog.add_button.isVisibleTo(dialog)
    assert all(not c.isEnabled() for c in dialog.grants.values())
    dialog.close()


def test_diagnostics_and_the_support_archive_from_the_settings_page(
    make_desktop: Any, qtbot: Any, idle: Any, tmp_path: Any
) -> None:
    desktop = make_desktop(demo=30)
    settings = desktop.window.show_page("settings")
    idle(desktop)
    with qtbot.waitSignal(settings.staff_box.diagnostics_button.clicked, timeout=1_000):
        QTest.mouseClick(settings.staff_box.diagnostics_button, Qt.MouseButton.LeftButton)
    panel = settings.staff_box.dialog
    qtbot.waitUntil(lambda: panel.report is not None, timeout=20_000)
    shown = {
        w.objectName(): w.text()
        for w in panel.rows_widget.findChildren(type(panel.status))
        if w.objectName().startswith("check_")
    }
    assert set(shown) == {
        "check_versions",
        "check_database",
        "check_sync",
        "check_clock",
        "check_disk",
        "check_backup",
        "check_log",
    }
    assert "Chưa có bản sao lưu nào" in shown["check_backup"]
    assert "Cách xử lý:" in shown["check_backup"]
    panel.save(str(tmp_path / "usb"))
    qtbot.waitUntil(lambda: "last_support_zip" in desktop.ctx.extras, timeout=20_000)
    archive = desktop.ctx.extras["last_support_zip"]
    assert "Đã lưu" in panel.status.text()
    with desktop.app_context.store.read() as s:
        from sqlalchemy import text

        names = [n for (n,) in s.execute(text("SELECT applicant_name FROM dossiers"))]
    with zipfile.ZipFile(archive) as z:
        content = "".join(z.read(n).decode() for n in z.namelist())
    assert names and not any(name in content for name in names)
    panel.close()
