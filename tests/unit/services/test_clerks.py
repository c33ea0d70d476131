"""Accounts of a shared PC, offline sign-in, the role rules, and every write naming its clerk."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.helpers.store_fixtures import new_dossier

from commune_desk.app import AppContext
from commune_desk.domain.dossier import EventKind
from commune_desk.domain.errors import DomainError, ValidationError
from commune_desk.domain.roles import Permission, PermissionDenied, Role, RoleRules
from commune_desk.services import (
    Actor,
    NewClerk,
    NewIncomingDocument,
    NewOutgoingDocument,
    OfficeSettings,
    ServiceError,
    SignInError,
)
from commune_desk.store.models import AuditEntry, ClerkAccount, DossierEvent, OutboxOp
from commune_desk.store.settings import SYNC_ACCOUNT, put_setting

PASSWORD = "mat-khau-1"


def _staff(ctx: AppContext) -> tuple[Actor, Actor]:
    """A leader and a clerk, both signed in."""
    s = ctx.services
    s.create_clerk(NewClerk("minh.tv", "Trần Văn Minh", Role.LEADER, PASSWORD))
    leader = s.sign_in("minh.tv", PASSWORD)
    s.create_clerk(NewClerk("lan.nt", "Nguyễn Thị Lan", Role.CLERK, PASSWORD), actor=leader)
    return leader, s.sign_in("lan.nt", PASSWORD)


def _audit(ctx: AppContext, action: str) -> list[AuditEntry]:
    with ctx.store.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_first_account_is_a_leader_and_signing_in_needs_no_network(ctx: AppContext) -> None:
    s = ctx.services
    with pytest.raises(ValidationError) as first:
        s.create_clerk(NewClerk("lan.nt", "Nguyễn Thị Lan", Role.CLERK, PASSWORD))
    assert first.value.kind == "first_account_leader"
    leader, clerk = _staff(ctx)
    assert (leader.username, leader.name, leader.role) == ("minh.tv", "Trần Văn Minh", Role.LEADER)
    assert (clerk.name, clerk.role) == ("Nguyễn Thị Lan", Role.CLERK)
    with pytest.raises(SignInError) as wrong:
        s.sign_in("lan.nt", "mat-khau-2")
    assert wrong.value.kind == "invalid_credentials"
    with pytest.raises(SignInError) as unknown:
        s.sign_in("nobody", PASSWORD)
    assert unknown.value.kind == "invalid_credentials"
    assert [a.actor for a in _audit(ctx, "clerk_sign_in_failed")] == ["lan.nt", "nobody"]
    assert {a.actor for a in _audit(ctx, "clerk_signed_in")} == {"minh.tv", "lan.nt"}
    # The store keeps a salted verifier, never the password.
    assert PASSWORD.encode() not in ctx.paths.db_path.read_bytes()
    with ctx.store.read() as session:
        verifier = session.get(ClerkAccount, "lan.nt").verifier
    assert verifier["alg"] == "scrypt" and PASSWORD not in str(verifier)


def test_five_wrong_passwords_pause_signing_in(ctx: AppContext) -> None:
    _staff(ctx)
    for _ in range(5):
        with pytest.raises(SignInError):
            ctx.services.sign_in("lan.nt", "wrong-one")
    with pytest.raises(SignInError) as paused:
        ctx.services.sign_in("lan.nt", PASSWORD)
    assert paused.value.kind == "too_many_attempts"
    assert ctx.services.sign_in("minh.tv", PASSWORD).username == "minh.tv"  # others unaffected


def test_accounts_are_a_leaders_business(ctx: AppContext) -> None:
    leader, clerk = _staff(ctx)
    s = ctx.services
    with pytest.raises(PermissionDenied):
        s.create_clerk(NewClerk("hoa.pt", "Phạm Thị Hoa", Role.CLERK, PASSWORD), actor=clerk)
    with pytest.raises(ValidationError) as taken:
        s.create_clerk(NewClerk("lan.nt", "Lan khác", Role.CLERK, PASSWORD), actor=leader)
    assert taken.value.kind == "username_taken"
    with pytest.raises(ValidationError) as short:
        s.create_clerk(NewClerk("hoa.pt", "Phạm Thị Hoa", Role.CLERK, "12345"), actor=leader)
    assert short.value.kind == "password_too_short"
    with pytest.raises(ValidationError) as last:
        s.set_clerk_active("minh.tv", False, actor=leader)
    assert last.value.kind == "cannot_lock_self"
    s.set_clerk_active("lan.nt", False, actor=leader)
    with pytest.raises(SignInError):
        s.sign_in("lan.nt", PASSWORD)
    s.set_clerk_active("lan.nt", True, actor=leader)
    s.set_clerk_password("lan.nt", "mat-khau-moi", actor=clerk, old_password=PASSWORD)
    assert s.sign_in("lan.nt", "mat-khau-moi").username == "lan.nt"
    with pytest.raises(PermissionDenied):
        s.set_clerk_password("minh.tv", "chiem-quyen", actor=clerk)
    assert [a.actor for a in _audit(ctx, "clerk_created")] == ["minh.tv", "minh.tv"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=60), full_name=st.text(max_size=80))
def test_any_typed_account_is_created_cleanly_or_refused_with_a_kind(
    ctx: AppContext, username: str, full_name: str
) -> None:
    s = ctx.services
    if not s.list_clerks(include_inactive=True):
        s.create_clerk(NewClerk("boss.vn", "Lãnh Đạo", Role.LEADER, PASSWORD))
    leader = s.sign_in("boss.vn", PASSWORD)
    before = len(s.list_clerks(include_inactive=True))
    try:
        info = s.create_clerk(NewClerk(username, full_name, Role.CLERK, PASSWORD), actor=leader).value
    except DomainError as exc:
        assert exc.kind in ("invalid_username", "full_name_required", "username_taken")
        assert len(s.list_clerks(include_inactive=True)) == before
        return
    assert info.username == username.strip().lower() and info.full_name.strip()
    assert s.sign_in(info.username, PASSWORD).username == info.username


def test_no_local_accounts_once_the_office_syncs(ctx: AppContext) -> None:
    leader, _ = _staff(ctx)
    with ctx.store.write.begin() as s:
        put_setting(s, SYNC_ACCOUNT, {"server_url": "https://city.example"})
    with pytest.raises(ServiceError) as refused:
        ctx.services.create_clerk(NewClerk("hoa.pt", "Phạm Thị Hoa", Role.CLERK, PASSWORD), actor=leader)
    assert refused.value.kind == "accounts_from_server"


def test_leader_only_actions_are_refused_to_a_clerk(ctx: AppContext) -> None:
    leader, clerk = _staff(ctx)
    s = ctx.services
    dossier = s.register_dossier(new_dossier(), actor=clerk).value.summary.id
    s.record_event(dossier, EventKind.ASSIGNED, actor=clerk)  # everyday work is open
    new_date = {"appointment_at": "2026-03-20T09:00:00+07:00", "fault": "one_stop"}
    refused = [
        lambda: s.record_event(dossier, EventKind.EXTENDED, actor=clerk, note="chậm", data=new_date),
        lambda: s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="x"), actor=clerk),
        lambda: s.update_settings(
            OfficeSettings(unit_name="UBND xã A", unit_code="000.00.00.H26"), actor=clerk
        ),
        lambda: s.set_role_rules(RoleRules().with_grant(Permission.VOID_NUMBER, ["clerk"]), actor=clerk),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied) as denied:
            action()
        assert denied.value.kind == "permission_denied"
    draft = s.register_outgoing(
        NewOutgoingDocument(symbol="QĐ-UBND", summary="x"), issue=False, actor=clerk
    ).value
    with pytest.raises(PermissionDenied):
        s.issue_outgoing(draft.id, actor=clerk)
    issued = s.issue_outgoing(draft.id, actor=leader).value
    with pytest.raises(PermissionDenied):
        s.void_number(issued.series, issued.number, reason="in hỏng", actor=clerk)
    s.void_number(issued.series, issued.number, reason="in hỏng", actor=leader)
    s.record_event(dossier, EventKind.EXTENDED, actor=leader, note="chậm", data=new_date)
    # The office gives numbering to its clerk (văn thư): audited, and the clerk may now.
    s.set_role_rules(RoleRules().with_grant(Permission.SIGN_OUTGOING, ["clerk"]), actor=leader)
    assert (
        s.issue_outgoing(
            s.register_outgoing(
                NewOutgoingDocument(symbol="QĐ-UBND", summary="y"), issue=False, actor=clerk
            ).value.id,
            actor=clerk,
        ).value.number
        is not None
    )
    (changed,) = _audit(ctx, "role_rules_changed")
    assert changed.actor == "minh.tv"
    assert changed.details["changes"] == {"sign_outgoing": [["leader"], ["clerk", "leader"]]}


def test_the_role_is_the_accounts_role_now_not_the_one_claimed(ctx: AppContext) -> None:
    leader, clerk = _staff(ctx)
    s = ctx.services
    posing = Actor(clerk.username, clerk.name, Role.LEADER)  # a stale or forged role
    with pytest.raises(PermissionDenied):
        s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="x"), actor=posing)
    s.create_clerk(NewClerk("pho.ct", "Phó Chủ tịch", Role.LEADER, PASSWORD), actor=leader)
    deputy = s.sign_in("pho.ct", PASSWORD)
    s.require_permission(deputy, Permission.SETTINGS)
    s.set_clerk_active("pho.ct", False, actor=leader)
    with pytest.raises(PermissionDenied):  # a locked account holds nothing, even a leader's
        s.require_permission(deputy, Permission.SETTINGS)


def test_every_write_records_the_clerk_who_did_it(ctx: AppContext) -> None:
    leader, clerk = _staff(ctx)
    s = ctx.services
    dossier = s.register_dossier(new_dossier(received_by="Ai đó gõ tay"), actor=clerk).value
    assert dossier.summary.received_by == "Nguyễn Thị Lan"
    s.record_event(dossier.summary.id, EventKind.ASSIGNED, actor=leader, note="giao")
    doc = s.register_incoming(NewIncomingDocument(author="Sở Tư pháp", summary="Công văn"), actor=clerk).value
    s.assign_incoming(doc.id, handler="Bà Yến", deadline=date(2026, 3, 20), actor=leader)
    s.add_attachment("dossier", dossier.summary.id, source=b"%PDF scan", filename="scan.pdf", actor=clerk)
    with ctx.store.read() as session:
        events = {e.kind: e.actor for e in session.scalars(select(DossierEvent))}
        ops = [(o.entity, o.actor) for o in session.scalars(select(OutboxOp).order_by(OutboxOp.seq))]
        audit = [(a.action, a.actor) for a in session.scalars(select(AuditEntry))]
    assert events == {"received": "Nguyễn Thị Lan", "assigned": "Trần Văn Minh"}
    assert ops == [
        ("dossier", "lan.nt"),
        ("dossier_event", "lan.nt"),
        ("dossier_event", "minh.tv"),
        ("incoming_document", "lan.nt"),
        ("incoming_document", "minh.tv"),
        ("attachment", "lan.nt"),
    ]
    assert ("dossier_assigned", "minh.tv") in audit
    assert ("incoming_registered", "lan.nt") in audit and ("incoming_assigned", "minh.tv") in audit
    assert ("attachment_added", "lan.nt") in audit
