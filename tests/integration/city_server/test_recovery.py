"""The server's recovery rules over raw HTTP: seq order, declared skips, epochs, reports, drains."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.city_server import RunningServer, SyncDevice

from city_server.cli import main as city_server_main

HANDSHAKE = {"protocol_version": 1, "client_time": "2026-01-01T00:00:00+07:00"}


def _handshake(dev: SyncDevice, **extra: object) -> dict[str, object]:
    reply = dev.http.post("/v1/handshake", json={**HANDSHAKE, **extra})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_seqs_run_without_gaps_and_skips_are_declared(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    first = dev.op("dossier", fields={"notes": "1"})
    assert dev.push_one(first)["status"] == "applied"
    dev.seq += 2  # seqs 2 and 3 never come
    late = dev.op("dossier", fields={"notes": "4"})
    result = dev.push_one(late)
    assert (result["status"], result["kind"], result["expected_seq"]) == ("rejected", "seq_gap", 2)
    assert _handshake(dev)["last_seq"] == 1  # nothing recorded
    reply = dev.http.post("/v1/push", json={"ops": [late], "skip_to": 4})
    assert reply.json()["results"][0]["status"] == "applied"
    assert _handshake(dev)["last_seq"] == 4
    # A seq the device declared lost can never be used afterwards.
    lost = {**dev.op("dossier", fields={"notes": "2"}), "seq": 2}
    assert dev.push_one(lost)["kind"] == "seq_reused"
    # Replays of what was recorded still answer with the stored result.
    assert dev.push_one(first)["replayed"] is True


def test_blob_incomplete_is_not_recorded(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    sha = "ab" * 32
    attach = dev.op("attachment", fields={"sha256": sha, "filename": "x.pdf", "size": 3})
    after = dev.op("dossier", fields={"notes": "1"})
    results = dev.push(attach, after)
    assert [r["kind"] for r in results] == ["blob_incomplete", "seq_gap"]
    blob = b"abc"
    import hashlib

    sha = hashlib.sha256(blob).hexdigest()
    attach["fields"] = {"sha256": sha, "filename": "x.pdf", "size": 3}
    dev.http.post(f"/v1/blobs/{sha}", json={"size": 3})
    dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=blob)
    assert [r["status"] for r in dev.push(attach, after)] == ["applied", "applied"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.sampled_from(["next", "gap", "again", "fork", "skip"]), min_size=1, max_size=12))
def test_recorded_seqs_stay_gapless_whatever_the_device_sends(
    device: Callable[..., SyncDevice], plan: list[str]
) -> None:
    """Whatever order a device sends in, what the server records runs 1..last_seq."""
    dev = device()
    recorded: dict[int, str] = {}
    skipped: set[int] = set()
    top = 0
    for step in plan:
        if step == "skip":
            target = top + 3
            reply = dev.http.post("/v1/push", json={"ops": [], "skip_to": target})
            assert reply.status_code == 200
            skipped |= set(range(top + 1, target))
            top = target - 1
            continue
        seq = {"next": top + 1, "gap": top + 2, "again": max(top, 1), "fork": max(top, 1)}[step]
        op = {**dev.op("dossier", fields={"notes": str(step)}), "seq": seq}
        if step == "again" and seq in recorded:
            op["op_id"] = recorded[seq]
        result = dev.push_one(op)
        if result["status"] != "rejected" or result["kind"] not in ("seq_gap", "seq_reused", "device_cloned"):
            recorded[seq] = str(op["op_id"])
            top = max(top, seq)
    assert _handshake(dev)["last_seq"] == top
    assert set(recorded) | skipped == set(range(1, top + 1))


def test_a_device_that_saw_more_starts_a_new_epoch(
    server: RunningServer, device: Callable[..., SyncDevice]
) -> None:
    dev = device()
    first = _handshake(dev)
    epoch = first["epoch"]
    assert epoch and _handshake(dev, epoch=epoch, seen_cursor=first["cursor"])["epoch"] == epoch
    # A PC of this epoch has seen changes the server does not have: it was restored.
    renewed = _handshake(dev, epoch=epoch, seen_cursor=first["cursor"] + 50)
    assert renewed["epoch"] != epoch
    # New slots and blocks wait while the PCs report what they hold.
    reply = dev.http.post("/v1/leases", json={"series": "incoming/2030", "size": 5})
    assert (reply.status_code, reply.json()["kind"]) == (409, "recovering")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert city_server_main(["end-recovery", "--db", server.db_url, "--commune", "C01"]) == 0
    assert dev.http.post("/v1/leases", json={"series": "incoming/2030", "size": 5}).status_code == 200


def test_reports_rebuild_numbering_and_give_back_lost_leases(
    server: RunningServer, device: Callable[..., SyncDevice]
) -> None:
    a, b = device(), device()
    series = f"incoming/{2100 + uuid.uuid4().int % 800}"
    today = datetime.now(UTC).strftime("%y%m%d")
    # A reports a block and a slot the server does not know (lost in a restore).
    report = {
        "leases": [
            {"series": series, "first": 1, "last": 40},
            {"series": "dossier-code/000.00.00.H26", "first": 4001, "last": 4999, "slot": 4},
        ],
        "codes": {f"dossier-code/000.00.00.H26/{today}": 4007},
        "numbers": {series: 12},
    }
    hs = _handshake(a, report=report)
    held = {(x["series"], x["first"], x["last"], x["slot"]) for x in hs["leases"]}
    assert (series, 1, 40, None) in held and ("dossier-code/000.00.00.H26", 4001, 4999, 4) in held
    assert hs["marks"]["codes"] == {f"dossier-code/000.00.00.H26/{today}": 4007}
    # Nobody else is handed those numbers.
    block = b.lease(series, size=5)
    assert block["first"] == 41
    slot = b.lease("dossier-code/000.00.00.H26")
    assert slot["slot"] != 4


def test_a_draining_device_may_only_deliver(server: RunningServer, device: Callable[..., SyncDevice]) -> None:
    dev, leader = device(), device(role="leader")
    lease = dev.lease("dossier-code/000.00.00.H26")
    assert leader.http.post(f"/v1/devices/{dev.id}/revoke").json()["drain_until"]
    assert _handshake(dev)["drain_until"]
    assert dev.push_one(dev.op("dossier", fields={"notes": "1"}))["status"] == "applied"
    for method, path in (("GET", "/v1/pull"), ("POST", "/v1/leases"), ("GET", "/v1/numbers/gaps")):
        reply = dev.http.request(method, path, json={"series": "incoming/2030"} if method == "POST" else None)
        assert (reply.status_code, reply.json()["kind"]) == (401, "device_revoked"), path
    refreshed = server.refresh_reply(dev.tokens.refresh_token, dev.id)
    assert refreshed.status_code == 200  # it may keep its session to finish delivering
    other = device()
    assert other.lease("dossier-code/000.00.00.H26")["slot"] != lease["slot"]  # still held
    dev.http.headers["Authorization"] = f"Bearer {refreshed.json()['access_token']}"
    assert dev.http.post("/v1/devices/self/drained").status_code == 204
    assert dev.http.post("/v1/handshake", json=HANDSHAKE).json()["kind"] == "device_revoked"
