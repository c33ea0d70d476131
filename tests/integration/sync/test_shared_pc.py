"""One PC, several people, the real city server: accounts come from the server, the first
sign-in is confirmed there, every pushed change names its person, and the server holds the
role rules even when a PC's own copy says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import make_clerk, server_snapshot

from city_server.models import User
from commune_desk.domain.dossier import EventKind
from commune_desk.domain.roles import Permission, RoleRules
from commune_desk.services import NewDossier, NewOutgoingDocument, SignInError
from commune_desk.store.models import ClerkAccount, QuarantinedOp
from commune_desk.store.settings import ROLE_RULES, put_setting
from commune_desk.sync.account import load_account
from commune_desk.sync.errors import SyncError, SyncErrorKind
from commune_desk.sync.resolution import requeue_quarantined
from commune_desk.sync.staff import verify_online


def _first_sign_in(pc: object, username: str, password: str) -> object:
    """A person's first sign-in on this PC: the server confirms, the PC keeps a verifier."""
    engine, services = pc.engine, pc.services  # type: ignore[attr-defined]
    with pytest.raises(SignInError) as first:
        services.sign_in(username, password)
    assert first.value.kind == "needs_online_sign_in"
    client = engine.open_client(load_account(pc.ctx.store))  # type: ignore[attr-defined]
    try:
        with pytest.raises(SyncError) as wrong:
            verify_online(pc.ctx.store, client, username, "not-the-password")  # type: ignore[attr-defined]
        assert wrong.value.kind is SyncErrorKind.INVALID_CREDENTIALS
        verify_online(pc.ctx.store, client, username, password)  # type: ignore[attr-defined]
    finally:
        client.close()
    return services.accept_online_sign_in(username, password)


def test_two_people_on_a_clerks_pc_and_the_servers_rules(tmp_path: Path, city: RunningServer) -> None:
    clerk_user, leader_user = city.user("C01"), city.user("C01", "leader")
    with city._sessions() as session:  # type: ignore[operator]
        session.scalar(select(User).where(User.username == leader_user.username)).full_name = "Trần Văn Minh"
        session.commit()
    pc = make_clerk(tmp_path, "pc", city.base_url, clerk_user)  # the PC was logged in by a clerk
    try:
        s = pc.services
        accounts = {c.username: c for c in s.list_clerks()}
        assert set(accounts) == {"c01-clerk", "c01-leader"}  # the commune's users, not C02's
        assert accounts["c01-clerk"].has_password and not accounts["c01-leader"].has_password
        clerk = s.sign_in("c01-clerk", clerk_user.password)  # verifier kept at the PC's login
        leader = _first_sign_in(pc, "c01-leader", leader_user.password)
        assert (leader.name, leader.role) == ("Trần Văn Minh", "leader")
        assert s.sign_in("c01-leader", leader_user.password) == leader  # offline from now on

        dossier = s.register_dossier(
            NewDossier(
                procedure_code=s.list_procedures()[0].code,
                applicant_name="Đặng Thị Đào",
                applicant_id_number="001190012345",
            ),
            actor=clerk,
        ).value.summary.id
        s.record_event(
            dossier,
            EventKind.EXTENDED,
            actor=leader,
            note="chờ xác minh",
            data={"appointment_at": "2030-01-02T08:00:00+07:00", "fault": "one_stop"},
        )
        s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="Quyết định"), actor=leader)
        result = pc.engine.sync_once()
        assert result.ok and result.quarantined == 0 and result.pending == 0, result
        records = {c["entity_id"]: c["fields"] for c in server_snapshot(city, "C01")}
        assert records[dossier]["received_by"] == "c01-clerk"
        events = sorted((f["kind"], f["actor"]) for f in records.values() if f.get("dossier_id") == dossier)
        assert events == [("extended", "Trần Văn Minh"), ("received", "c01-clerk")]

        # This PC's copy of the rules is changed behind the server's back: the clerk may void.
        with pc.ctx.store.write.begin() as session:
            put_setting(
                session, ROLE_RULES, RoleRules().with_grant(Permission.VOID_NUMBER, ["clerk"]).to_json()
            )
        (issued,) = s.list_outgoing()
        s.void_number(issued.series, issued.number, reason="in hỏng", actor=clerk)
        result = pc.engine.sync_once()
        assert result.ok and result.quarantined == 2, result  # the server said no (void, document)
        with pc.ctx.store.read() as session:
            refused = list(session.scalars(select(QuarantinedOp)))
        assert {q.kind for q in refused} == {"role_forbidden"}
        # The leader looks at them and sends them again as theirs: now they are accepted. The
        # round also brought the server's rules back.
        for op in refused:
            requeue_quarantined(
                pc.ctx.store,
                device_id=pc.ctx.device_id,
                op_id=op.op_id,
                actor=leader.username,
                username=leader.username,
            )
        result = pc.engine.sync_once()
        assert result.ok and result.quarantined == 0 and result.pending == 0, result
        assert not s.access_policy().rules.allows("clerk", Permission.VOID_NUMBER)

        # A new clerk on the server appears at the next round; locked there, locked here.
        hoa = city.add_user("C01", "clerk", username="c01-hoa")
        assert pc.engine.sync_once().ok
        assert "c01-hoa" in {c.username for c in s.list_clerks()}
        with city._sessions() as session:  # type: ignore[operator]
            session.scalar(select(User).where(User.username == hoa.username)).active = False
            session.commit()
        assert pc.engine.sync_once().ok
        with pc.ctx.store.read() as session:
            assert session.get(ClerkAccount, "c01-hoa").active is False
        with pytest.raises(SignInError):
            s.sign_in("c01-hoa", hoa.password)
    finally:
        pc.close()
