"""Pull paging, resume from any cursor, tombstones; per-field merge and conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from tests.helpers.city_server import SyncDevice

from commune_desk.protocol import RECORDS, Entity, FieldType


def _state(changes: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    state: dict[str, dict[str, object]] = {}
    for c in changes:
        state[str(c["entity_id"])] = c
    return state


def test_pull_pages_and_resumes_from_every_cursor(device: Callable[..., SyncDevice]) -> None:
    # Own commune C02 so other modules' records do not interfere with counts.
    writer, reader = device("C02"), device("C02")
    _, start = reader.pull_all()
    ids = [uuid.uuid4() for _ in range(12)]
    writer.push(*[writer.op("dossier", i, fields={"notes": str(k)}) for k, i in enumerate(ids)])
    writer.push(
        *[writer.op("dossier", i, "update", {"notes": str(100 + k)}, 1) for k, i in enumerate(ids[:4])]
    )
    writer.push(writer.op("dossier", ids[5], "delete", base_version=1))
    full, head = reader.pull_all(after=start, limit=1000)
    seqs = [c["seq"] for c in full]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len(full) == 12  # one current state per record
    expected = _state(full)
    cursors = [start, *seqs]
    for cursor in cursors:
        for limit in (1, 3, 5):
            got, end = reader.pull_all(after=int(cursor), limit=limit)
            assert end == head
            assert [c["seq"] for c in got] == [s for s in seqs if s > int(cursor)]
            for c in got:
                assert c == expected[str(c["entity_id"])]
    # Pages have the requested size and has_more is accurate.
    reply = reader.http.get("/v1/pull", params={"after": start, "limit": 5}).json()
    assert len(reply["changes"]) == 5 and reply["has_more"] is True
    assert reply["cursor"] == reply["changes"][-1]["seq"]
    empty = reader.http.get("/v1/pull", params={"after": head}).json()
    assert empty == {"changes": [], "cursor": head, "has_more": False}


def test_tombstones_are_delivered(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    rid = uuid.uuid4()
    dev.push(dev.op("incoming_document", rid, fields={"summary": "x"}))
    _, cursor = dev.pull_all()
    result = dev.push_one(dev.op("incoming_document", rid, "delete", base_version=1))
    assert (result["status"], result["version"]) == ("applied", 2)
    changes, _ = dev.pull_all(after=cursor)
    assert changes == [
        {
            "seq": changes[0]["seq"],
            "entity": "incoming_document",
            "entity_id": str(rid),
            "version": 2,
            "deleted": True,
            "fields": {},
        }
    ]
    assert dev.push_one(dev.op("incoming_document", rid, "delete", base_version=2))["status"] == "duplicate"
    late = dev.push_one(dev.op("incoming_document", rid, "update", {"summary": "y"}, 1))
    assert (late["status"], late["kind"]) == ("rejected", "record_deleted")


def test_per_field_merge_and_field_conflict(device: Callable[..., SyncDevice]) -> None:
    a, b = device(), device()
    rid = uuid.uuid4()
    a.push(
        a.op(
            "dossier", rid, fields={"applicant_name": "An", "applicant_phone": "1", "applicant_address": "x"}
        )
    )
    # Both edited version 1 offline.
    r1 = a.push_one(a.op("dossier", rid, "update", {"applicant_phone": "2", "applicant_address": "y"}, 1))
    assert (r1["status"], r1["version"]) == ("applied", 2)
    r2 = b.push_one(
        b.op(
            "dossier",
            rid,
            "update",
            {"applicant_name": "Ân", "applicant_phone": "3", "applicant_address": "y"},
            1,
        )
    )
    # name merges; addr equal on both sides; phone conflicts.
    assert (r2["status"], r2["kind"], r2["version"]) == ("conflict", "field_conflict", 3)
    changes, _ = b.pull_all()
    state = _state(changes)
    assert state[str(rid)]["fields"] == {
        "applicant_name": "Ân",
        "applicant_phone": "2",
        "applicant_address": "y",
    }
    conflict = state[r2["conflict_id"]]
    assert conflict["entity"] == "conflict"
    assert conflict["fields"]["fields"] == {"applicant_phone": {"server": "2", "client": "3"}}
    assert conflict["fields"]["status"] == "open"
    # A later edit based on the new version does not conflict.
    r3 = b.push_one(b.op("dossier", rid, "update", {"applicant_phone": "4"}, 3))
    assert (r3["status"], r3["version"]) == ("applied", 4)
    # Same values as the server: duplicate, no new version.
    r4 = a.push_one(a.op("dossier", rid, "update", {"applicant_phone": "4"}, 2))
    assert (r4["status"], r4["version"]) == ("duplicate", 4)


def test_resolving_a_conflict_applies_the_choice_and_is_audited(
    device: Callable[..., SyncDevice],
) -> None:
    a, b = device(), device(role="leader")  # settling a conflict is a leader's
    rid = uuid.uuid4()
    a.push(a.op("dossier", rid, fields={"applicant_phone": "1"}))
    a.push(a.op("dossier", rid, "update", {"applicant_phone": "2"}, 1))
    conflict_id = b.push_one(b.op("dossier", rid, "update", {"applicant_phone": "3"}, 1))["conflict_id"]
    res = b.op(
        "conflict_resolution",
        fields={"conflict_id": conflict_id, "chosen": {"applicant_phone": "3"}, "note": "called"},
    )
    assert b.push_one(res)["status"] == "applied"
    state = _state(b.pull_all()[0])
    assert state[str(rid)]["fields"]["applicant_phone"] == "3"
    assert state[conflict_id]["fields"]["status"] == "resolved"
    assert state[conflict_id]["fields"]["resolved_by"] == "c01-leader"
    assert state[res["entity_id"]]["fields"]["resolved_by"] == "c01-leader"
    again = b.op("conflict_resolution", fields={"conflict_id": conflict_id, "chosen": {}})
    assert b.push_one(again)["kind"] == "conflict_already_resolved"
    unknown = b.op("conflict_resolution", fields={"conflict_id": str(uuid.uuid4())})
    assert b.push_one(unknown)["kind"] == "unknown_conflict"


def test_delete_after_concurrent_update_is_a_conflict(device: Callable[..., SyncDevice]) -> None:
    a, b = device(), device()
    rid = uuid.uuid4()
    a.push(a.op("outgoing_document", rid, fields={"summary": "v1"}))
    a.push(a.op("outgoing_document", rid, "update", {"summary": "v2"}, 1))
    result = b.push_one(b.op("outgoing_document", rid, "delete", base_version=1))
    assert (result["status"], result["kind"]) == ("conflict", "delete_conflict")
    state = _state(b.pull_all()[0])
    assert state[str(rid)]["deleted"] is False


def test_dossier_events_follow_the_state_machine(device: Callable[..., SyncDevice]) -> None:
    a, b = device(), device()
    did = uuid.uuid4()
    a.push(a.op("dossier", did, fields={"applicant_name": "B"}))

    def event(dev: SyncDevice, kind: str) -> dict[str, object]:
        return dev.push_one(dev.op("dossier_event", fields={"dossier_id": str(did), "kind": kind}))

    assert event(a, "received")["status"] == "applied"
    assert event(b, "handed_over")["status"] == "applied"  # commutes
    assert event(a, "result_ready")["status"] == "applied"
    illegal = event(b, "supplement_requested")  # not allowed once the result is ready
    assert (illegal["status"], illegal["kind"]) == ("conflict", "illegal_transition")
    state = _state(b.pull_all()[0])
    conflict = state[illegal["conflict_id"]]["fields"]
    assert conflict["fields"]["status"] == {"server": 9, "client": "supplement_requested"}
    assert conflict["target_entity_id"] == str(did)
    events = [
        c for c in state.values() if c["entity"] == "dossier_event" and c["fields"]["dossier_id"] == str(did)
    ]
    assert sorted(e["fields"]["kind"] for e in events) == ["handed_over", "received", "result_ready"]
    assert event(a, "no_such_kind")["kind"] == "unknown_event_kind"
    orphan = a.push_one(a.op("dossier_event", fields={"dossier_id": str(uuid.uuid4()), "kind": "received"}))
    assert orphan["kind"] == "unknown_dossier"
    a.seq -= 1  # "not yet" (the dossier may come later) is not recorded: the seq stays free
    ev = a.op("dossier_event", fields={"dossier_id": str(did), "kind": "note"})
    a.push(ev)
    edit = a.push_one(a.op("dossier_event", ev["entity_id"], "update", {"kind": "x"}, 1))
    assert edit["kind"] == "append_only"


def test_conflict_on_many_long_field_names_is_stored(device: Callable[..., SyncDevice]) -> None:
    """The result message names the fields; it must fit its column however many there are."""
    a, b = device(), device()
    rid = uuid.uuid4()
    names = [
        n
        for n, r in RECORDS[Entity.INCOMING_DOCUMENT].fields.items()
        if r.type is FieldType.MULTILINE or (r.type is FieldType.TEXT and n != "series")
    ]
    a.push(a.op("incoming_document", rid, fields=dict.fromkeys(names, "0")))
    a.push(a.op("incoming_document", rid, "update", dict.fromkeys(names, "1"), 1))
    result = b.push_one(b.op("incoming_document", rid, "update", dict.fromkeys(names, "2"), 1))
    assert (result["status"], result["kind"]) == ("conflict", "field_conflict")
    assert len(result["message"]) <= 500
