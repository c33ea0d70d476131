"""Number series: slot and block leases, enforcement, voids, provisional numbers, gaps."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from tests.helpers.city_server import RunningServer, SyncDevice

from city_server.cli import main as city_server_main


def _doc(dev: SyncDevice, series: str, number: int | None, **extra: object) -> dict[str, object]:
    fields: dict[str, object] = {"series": series, "number": number, "summary": "s", **extra}
    return dev.push_one(dev.op("incoming_document", fields=fields))


def test_dossier_code_slots(device: Callable[..., SyncDevice]) -> None:
    unit = f"U{uuid.uuid4().hex[:6].upper()}"
    a, b = device(), device()
    la, lb = a.lease(f"dossier-code/{unit}"), b.lease(f"dossier-code/{unit}")
    assert (la["slot"], la["first"], la["last"]) == (1, 1001, 1999)
    assert (lb["slot"], lb["first"], lb["last"]) == (2, 2001, 2999)
    assert a.lease(f"dossier-code/{unit}")["lease_id"] == la["lease_id"]  # same slot again
    ok = a.push_one(a.op("dossier", fields={"code": f"{unit}-260105-1001"}))
    assert ok["status"] == "applied"
    outside = a.push_one(a.op("dossier", fields={"code": f"{unit}-260105-2001"}))
    assert (outside["status"], outside["kind"]) == ("rejected", "number_outside_lease")
    taken = a.push_one(a.op("dossier", fields={"code": f"{unit}-260105-1001"}))
    assert taken["kind"] == "number_taken"
    next_day = a.push_one(a.op("dossier", fields={"code": f"{unit}-260106-1001"}))
    assert next_day["status"] == "applied"  # numbers restart every day
    assert b.push_one(b.op("dossier", fields={"code": f"{unit}-260105-2001"}))["status"] == "applied"
    bad = a.push_one(a.op("dossier", fields={"code": "not a code"}))
    assert bad["kind"] == "invalid_fields"
    for _ in range(7):
        device().lease(f"dossier-code/{unit}")
    full = device().http.post("/v1/leases", json={"series": f"dossier-code/{unit}"})
    assert (full.status_code, full.json()["kind"]) == (409, "no_free_slot")


def test_register_blocks_uniqueness_and_immutability(device: Callable[..., SyncDevice]) -> None:
    series = "incoming/2031"
    a, b = device("C02", "leader"), device("C02")  # numbering a signed document is a leader's
    la, lb = a.lease(series, size=5), b.lease(series, size=5)
    assert (la["first"], la["last"], lb["first"], lb["last"]) == (1, 5, 6, 10)
    assert _doc(a, series, 1)["status"] == "applied"
    assert _doc(a, series, 6)["kind"] == "number_outside_lease"
    assert _doc(b, series, 6)["status"] == "applied"
    assert _doc(a, series, 1)["kind"] == "number_taken"
    assert _doc(a, "outgoing/2031", 2)["kind"] == "invalid_fields"  # wrong book for entity
    assert _doc(a, "incoming/2031", 0)["kind"] == "invalid_fields"
    draft = a.op("outgoing_document", fields={"summary": "draft"})
    assert a.push_one(draft)["status"] == "applied"
    lo = a.lease("outgoing/2031", size=2)
    numbered = a.push_one(
        a.op(
            "outgoing_document",
            draft["entity_id"],
            "update",
            {"series": "outgoing/2031", "number": lo["first"]},
            1,
        )
    )
    assert numbered["status"] == "applied"
    renumber = a.push_one(a.op("outgoing_document", draft["entity_id"], "update", {"number": lo["last"]}, 2))
    assert renumber["kind"] == "number_immutable"


def test_voids_provisional_numbers_and_gaps(device: Callable[..., SyncDevice], server: RunningServer) -> None:
    series = "outgoing-secret/2032"
    a, b = device(role="leader"), device()  # signed documents and voids are a leader's
    lease = a.lease(series, size=5)  # 1..5
    b.lease(series, size=3)  # 6..8, b stays "offline"
    assert (
        a.push_one(a.op("outgoing_document", fields={"series": series, "number": 1}))["status"] == "applied"
    )
    assert (
        a.push_one(a.op("outgoing_document", fields={"series": series, "number": 3}))["status"] == "applied"
    )
    void = a.push_one(a.op("number_void", fields={"series": series, "number": 4, "reason": "spoilt form"}))
    assert void["status"] == "applied"
    assert (
        a.push_one(a.op("outgoing_document", fields={"series": series, "number": 4}))["kind"]
        == "number_taken"
    )
    assert (
        a.push_one(a.op("number_void", fields={"series": series, "number": 7}))["kind"]
        == "number_outside_lease"
    )
    prov = a.push_one(
        a.op("outgoing_document", fields={"series": series, "number": None, "provisional": True})
    )
    assert (prov["status"], prov["assigned_number"]) == ("applied", 9)  # after every lease
    prov2 = a.push_one(
        a.op("outgoing_document", fields={"series": series, "number": None, "provisional": True})
    )
    assert prov2["assigned_number"] == 10
    assert lease["last"] == 5
    gaps = a.http.get("/v1/numbers/gaps").json()["gaps"]
    mine = [(g["number"], g["leased_to"]) for g in gaps if g["series"] == series]
    assert mine == [(2, str(a.id)), (5, str(a.id)), (6, str(b.id)), (7, str(b.id)), (8, str(b.id))]
    # The admin CLI reports the same gaps.
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = city_server_main(["gaps", "--db", server.db_url, "--commune", "C01", "--json"])
    assert rc == 1
    cli = [(g["number"], g["leased_to"]) for g in json.loads(out.getvalue()) if g["series"] == series]
    assert cli == mine
    # Revoking b (with a drain) keeps its lease while b may still deliver what it made;
    # once b says it drained, the lease is released: its numbers stay gaps, leased to nobody.
    leader = device(role="leader")
    assert leader.http.post(f"/v1/devices/{b.id}/revoke").status_code == 200
    gaps = a.http.get("/v1/numbers/gaps").json()["gaps"]
    assert [g["leased_to"] for g in gaps if g["series"] == series][2:] == [str(b.id)] * 3
    assert b.http.post("/v1/devices/self/drained").status_code == 204
    assert b.http.get("/v1/pull").json()["kind"] == "device_revoked"
    gaps = a.http.get("/v1/numbers/gaps").json()["gaps"]
    assert [(g["number"], g["leased_to"]) for g in gaps if g["series"] == series][2:] == [
        (6, None),
        (7, None),
        (8, None),
    ]


def test_unknown_series_is_refused(device: Callable[..., SyncDevice]) -> None:
    reply = device().http.post("/v1/leases", json={"series": "receipts/2026"})
    assert (reply.status_code, reply.json()["kind"]) == (400, "unknown_series")


def test_out_of_range_numbers_are_rejected_not_server_errors(
    device: Callable[..., SyncDevice],
) -> None:
    dev = device(role="leader")  # voids are a leader's (a clerk is refused before any check)
    for number in (2**63, -1, True, "7", 1.5):
        result = _doc(dev, "incoming/2033", number)  # type: ignore[arg-type]
        assert (result["status"], result["kind"]) == ("rejected", "invalid_fields")
        void = dev.push_one(dev.op("number_void", fields={"series": "incoming/2033", "number": number}))
        assert (void["status"], void["kind"]) == ("rejected", "invalid_fields")
