"""Voiding a register number reaches the city server and no pull undoes it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk import protocol as p
from commune_desk.services import NewOutgoingDocument
from commune_desk.store.models import IssuedNumber, OutboxOp, OutgoingDocument


def _voided(clerk, series: str) -> dict[int, str]:  # type: ignore[no-untyped-def]
    with clerk.ctx.store.read() as s:
        return {
            r.number: r.void_reason
            for r in s.scalars(select(IssuedNumber).where(IssuedNumber.series == series))
            if r.voided
        }


def test_a_voided_number_is_pushed_and_survives_every_pull(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01", "leader")  # signing and voiding numbers are a leader's
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        assert a.engine.sync_once().ok  # leases
        doc = a.services.register_outgoing(
            NewOutgoingDocument(symbol="QĐ-UBND", summary="Quyết định khen thưởng")
        ).value
        assert a.engine.sync_once().ok
        series, number = doc.series, doc.number
        assert number is not None
        a.services.void_number(series, number, reason="In sai trích yếu", actor="Văn thư")
        with a.ctx.store.read() as s:  # the void and the document's new state, queued together
            queued = {
                (o.entity, o.action) for o in s.scalars(select(OutboxOp).where(OutboxOp.state == "pending"))
            }
        assert ("number_void", "create") in queued and ("outgoing_document", "update") in queued
        # a number of the lease never used, voided ahead (a spoiled blank form)
        spare = number + 3
        a.services.void_number(series, spare, reason="Hỏng phôi", actor="Văn thư")
        for clerk in (a, b, a, b):
            assert clerk.engine.sync_once().ok
        for clerk in (a, b):
            assert _voided(clerk, series) == {number: "In sai trích yếu", spare: "Hỏng phôi"}
            with clerk.ctx.store.read() as s:
                assert s.get(OutgoingDocument, doc.id).state == "voided"
        # a pull from scratch (a new PC) still sees the void
        assert a.engine.sync_once().ok
        assert _voided(a, series)[number] == "In sai trích yếu"
        leader = SyncDevice(city, city.user("C01", p.Role.LEADER))
        try:
            changes, _ = leader.pull_all()
            gaps = leader.http.get("/v1/numbers/gaps").json()["gaps"]
        finally:
            leader.close()
        voids = {c["fields"]["number"] for c in changes if c["entity"] == "number_void"}
        assert voids == {number, spare}
        docs = [c for c in changes if c["entity"] == "outgoing_document"]
        assert docs[0]["fields"]["state"] == "voided"
        assert not [g for g in gaps if g["series"] == series and g["number"] in (number, spare)]
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def test_a_tool_voiding_on_a_clerks_pc_is_told_before_the_city_refuses(
    tmp_path: Path, city: RunningServer
) -> None:
    """A plain name acts as the PC's sync account: a clerk's PC may not void, said at once."""
    from commune_desk.domain.roles import PermissionDenied
    from commune_desk.messages import render
    from commune_desk.services import Actor
    from commune_desk.store.models import ClerkAccount

    clerk_user = city.user("C01")
    leader_user = city.user("C01", p.Role.LEADER)
    a = make_clerk(tmp_path, "a", city.base_url, clerk_user)
    try:
        assert a.engine.sync_once().ok  # leases and the commune's staff list
        with a.ctx.store.read() as s:
            assert s.get(ClerkAccount, clerk_user.username) is not None
        doc = a.incoming(1)
        assert a.engine.sync_once().ok
        before = a.open_ops()
        try:
            a.services.void_number(doc.series, doc.number, reason="Vào sổ nhầm", actor="Văn thư")
        except PermissionDenied as exc:
            assert exc.kind == "sync_user_forbidden"
            assert clerk_user.username in render(exc.kind, exc.params)
        else:
            raise AssertionError("the void was queued for a refusal by the city")
        assert a.open_ops() == before and _voided(a, doc.series) == {}
        # The commune's leader, signed in on the same PC, voids it; the city agrees.
        leader = Actor(username=leader_user.username, name="Lãnh đạo", role=p.Role.LEADER)
        a.services.void_number(doc.series, doc.number, reason="Vào sổ nhầm", actor=leader)
        result = a.engine.sync_once()
        assert result.ok and result.quarantined == 0, result
        assert _voided(a, doc.series) == {doc.number: "Vào sổ nhầm"}
    finally:
        a.close()
