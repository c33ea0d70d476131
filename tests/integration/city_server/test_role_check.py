"""The server refuses leader-only changes from anyone the commune's rules do not allow.

Real HTTP against the real server (SQLite, and PostgreSQL when configured).
Each pushed operation names the person signed in on the PC who made it
(``actor``); without one, the device's own user answers for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.helpers.city_server import RunningServer, SyncDevice

from city_server.models import SecurityEvent
from commune_desk.protocol.text import is_clean_text

SERIES = "outgoing/2041"


def _leader_ops(dev: SyncDevice, dossier_id: str, actor: str | None) -> list[dict[str, Any]]:
    """One operation of each leader-only kind (valid otherwise), made by ``actor``."""
    ops = [
        dev.op("number_void", fields={"series": SERIES, "number": 1, "reason": "in hỏng"}),
        dev.op("conflict_resolution", fields={"conflict_id": str(uuid.uuid4()), "chosen": {}}),
        dev.op(
            "dossier_event",
            fields={
                "dossier_id": dossier_id,
                "kind": "extended",
                "data": {"appointment_at": "2026-04-01T08:00:00+07:00"},
            },
        ),
        dev.op(
            "outgoing_document",
            fields={"series": SERIES, "number": 2, "state": "issued", "summary": "Quyết định"},
        ),
    ]
    for op in ops:
        op["actor"] = actor
    return ops


def _only(dev: SyncDevice, ops: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """One of ``ops``, sent alone: it takes the first one's seq (a device's seqs run without gaps)."""
    op = ops[index]
    op["seq"] = ops[0]["seq"]
    dev.seq = int(str(op["seq"]))
    return op


def _dossier(dev: SyncDevice) -> str:
    dossier_id = str(uuid.uuid4())
    assert dev.push_one(dev.op("dossier", dossier_id, fields={"notes": "x"}))["status"] == "applied"
    received = dev.op("dossier_event", fields={"dossier_id": dossier_id, "kind": "received"})
    assert dev.push_one(received)["status"] == "applied"
    return dossier_id


def test_a_clerk_cannot_do_a_leaders_work_even_from_a_leaders_pc(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    clerk_pc, leader_pc = device("C01"), device("C01", "leader")
    for pc in (clerk_pc, leader_pc):
        pc.lease(SERIES, size=5)
    dossier = _dossier(clerk_pc)
    clerk = server.user("C01").username
    leader = server.user("C01", "leader").username
    # The clerk's own PC, nobody named: the device's user (a clerk) answers for it.
    refused = clerk_pc.push(*_leader_ops(clerk_pc, dossier, None))
    assert [(r["status"], r["kind"]) for r in refused] == [("rejected", "role_forbidden")] * 4
    # The leader's PC, but the clerk was the one signed in: still refused.
    refused = leader_pc.push(*_leader_ops(leader_pc, dossier, clerk))
    assert {r["kind"] for r in refused} == {"role_forbidden"}
    # A shared PC logged in by the clerk, where the leader signed in: allowed.
    done = clerk_pc.push(*_leader_ops(clerk_pc, dossier, leader))
    assert [r["kind"] for r in done] == [None, "unknown_conflict", None, None]
    assert done[0]["status"] == done[2]["status"] == done[3]["status"] == "applied"
    # A refusal is stored like any outcome: replaying it gives the same answer.
    refused_op = _only(clerk_pc, _leader_ops(clerk_pc, dossier, None), 0)
    assert clerk_pc.push(refused_op)[0]["kind"] == "role_forbidden"
    assert clerk_pc.push(refused_op)[0]["replayed"] is True
    # Everyday work stays open to the clerk.
    assigned = clerk_pc.op("dossier_event", fields={"dossier_id": dossier, "kind": "assigned"})
    assigned["actor"] = clerk
    assert clerk_pc.push_one(assigned)["status"] == "applied"


def test_only_active_users_of_the_commune_count(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    pc = device("C01")
    dossier = _dossier(pc)
    other_leader = server.user("C02", "leader").username
    gone = server.add_user("C01", "leader")
    with server._sessions() as session:  # type: ignore[operator]
        from city_server.models import User

        session.scalar(select(User).where(User.username == gone.username)).active = False
        session.commit()
    for actor in (other_leader, gone.username, "ai-do-khong-co-that"):
        result = pc.push_one(_only(pc, _leader_ops(pc, dossier, actor), 2))
        assert (result["status"], result["kind"]) == ("rejected", "role_forbidden"), actor


def test_an_office_adjusts_its_rules_and_it_is_audited(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    pc = device("C02")
    pc.lease("outgoing/2042", size=3)
    clerk, leader = server.user("C02").username, server.user("C02", "leader").username
    issue = pc.op(
        "outgoing_document",
        fields={"series": "outgoing/2042", "number": 1, "state": "issued", "summary": "Công văn"},
    )
    issue["actor"] = clerk
    assert pc.push_one(issue)["kind"] == "role_forbidden"
    refused = pc.http.put("/v1/office/rules", json={"rules": {"sign_outgoing": ["clerk"]}, "actor": clerk})
    assert (refused.status_code, refused.json()["kind"]) == (403, "forbidden")
    changed = pc.http.put("/v1/office/rules", json={"rules": {"sign_outgoing": ["clerk"]}, "actor": leader})
    assert changed.status_code == 200
    assert changed.json()["rules"]["sign_outgoing"] == ["clerk", "leader"]
    issue = pc.op(
        "outgoing_document",
        fields={"series": "outgoing/2042", "number": 2, "state": "issued", "summary": "Công văn"},
    )
    issue["actor"] = clerk
    assert pc.push_one(issue)["status"] == "applied"
    with server._sessions() as session:  # type: ignore[operator]
        audit = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "role_rules_changed")).all()
    assert [(a.actor, a.commune_id is not None, a.detail["changes"]) for a in audit] == [
        (leader, True, {"sign_outgoing": [["leader"], ["clerk", "leader"]]})
    ]
    # Back to the defaults (the server fixture is shared by the module).
    pc.http.put("/v1/office/rules", json={"rules": {}, "actor": leader})


def test_staff_list_and_first_sign_in(device: Callable[..., SyncDevice], server: RunningServer) -> None:
    named = server.add_user("C01", "clerk", username=f"lan-{uuid.uuid4().hex[:4]}")
    with server._sessions() as session:  # type: ignore[operator]
        from city_server.models import User

        session.scalar(select(User).where(User.username == named.username)).full_name = "Nguyễn Thị Lan"
        session.commit()
    pc = device("C01")
    reply = pc.http.get("/v1/office/staff")
    assert "argon2" not in reply.text and "password" not in reply.text
    members = {m["username"]: m for m in reply.json()["members"]}
    assert members[named.username] == {
        "username": named.username,
        "full_name": "Nguyễn Thị Lan",
        "role": "clerk",
        "active": True,
    }
    assert reply.json()["rules"]["settings"] == ["admin", "leader"]
    good = pc.http.post("/v1/office/verify", json={"username": named.username, "password": named.password})
    assert good.status_code == 200 and good.json()["full_name"] == "Nguyễn Thị Lan"
    bad = pc.http.post("/v1/office/verify", json={"username": named.username, "password": "x"})
    assert (bad.status_code, bad.json()["kind"]) == (401, "invalid_credentials")
    # Guessing from a PC is no faster than guessing at login: the same windows fill up.
    for _ in range(4):
        pc.http.post("/v1/office/verify", json={"username": named.username, "password": "x"})
    locked = pc.http.post("/v1/office/verify", json={"username": named.username, "password": named.password})
    assert (locked.status_code, locked.json()["kind"]) == (429, "rate_limited")
    with server._sessions() as session:  # type: ignore[operator]
        kinds = [
            e.kind
            for e in session.scalars(select(SecurityEvent).where(SecurityEvent.username == named.username))
        ]
    assert kinds.count("first_sign_in") == 1 and kinds.count("first_sign_in_failed") == 5


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actor=st.text(max_size=100).filter(lambda t: "\x00" not in t)
    | st.sampled_from(["c01-leader", "c01-clerk", "c02-leader", "C01-LEADER", " c01-leader"])
)
def test_any_actor_is_refused_unless_an_active_leader_of_the_commune(
    device: Callable[..., SyncDevice],
    actor: str,
) -> None:
    pc = device("C01")
    result = pc.push_one(
        pc.op("conflict_resolution", fields={"conflict_id": str(uuid.uuid4()), "chosen": {}})
        | {"actor": actor}
    )
    if not is_clean_text(actor):
        # The wire refuses a name no database could store before any role is looked up.
        expected = "invalid_operation"
    elif actor == "c01-leader":
        expected = "unknown_conflict"
    else:
        expected = "role_forbidden"
    assert (result["status"], result["kind"]) == ("rejected", expected), actor
