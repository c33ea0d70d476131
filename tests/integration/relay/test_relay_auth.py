"""What the city accepts from a relay, and what a relay accepts from a counter (R2, R9).

The city applies a forwarded operation only when its own device's key signed
it, the device is of the relay's commune, and the caller is the commune's
registered relay; a relay can change nothing of an operation except by the
device's own rebase rule, proven by the device's previous signed operation.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.relay import run_relay

from commune_desk import protocol as p


def _relay(city: RunningServer, commune: str = "C01") -> httpx.Client:
    """A leader's device registered as the commune's relay."""
    tokens = city.login(city.user(commune, p.Role.LEADER))
    http = city.client(tokens)
    assert http.post("/v1/relay/register", json={"name": "box"}).status_code == 200
    return http


def _signed(device: SyncDevice, op: dict[str, Any]) -> dict[str, Any]:
    wire = p.Operation.model_validate(op)
    return {"op": op, "signature": device.server.key(device.id).sign_operation(wire)}


def test_only_a_registered_relay_may_forward(city: RunningServer) -> None:
    clerk = SyncDevice(city, city.user("C01"))
    op = _signed(clerk, clerk.op("dossier", fields={"applicant_name": "Lê Văn A"}))
    for path, body in (("/v1/relay/push", {"ops": [op]}), ("/v1/relay/office", None)):
        reply = clerk.http.request("POST" if body else "GET", path, json=body)
        assert reply.status_code == 403 and reply.json()["kind"] == "not_a_relay"
    assert clerk.http.post("/v1/relay/register", json={}).json()["kind"] == "forbidden"
    relay = _relay(city)
    office = relay.get("/v1/relay/office").json()
    assert str(clerk.id) in {d["device_id"] for d in office["devices"]}


def test_forwarded_operations_are_applied_once_for_their_own_device(city: RunningServer) -> None:
    relay = _relay(city)
    clerk = SyncDevice(city, city.user("C01"))
    foreign = SyncDevice(city, city.user("C02"))
    op = clerk.op("dossier", fields={"applicant_name": "Phạm B"})
    first = relay.post("/v1/relay/push", json={"ops": [_signed(clerk, op)]}).json()["results"][0]
    assert first["status"] == "applied" and not first["replayed"]
    again = relay.post("/v1/relay/push", json={"ops": [_signed(clerk, op)]}).json()["results"][0]
    assert again["status"] == "applied" and again["replayed"]
    # The device itself gets the same stored result: identity is preserved end to end.
    assert clerk.push_one(op)["replayed"] is True
    other = foreign.op("dossier", fields={"applicant_name": "x"})
    result = relay.post("/v1/relay/push", json={"ops": [_signed(foreign, other)]}).json()["results"][0]
    assert result["status"] == "rejected" and result["kind"] == "device_mismatch"


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s),
    change=st.sampled_from(["fields", "base", "seq", "entity_id", "device"]),
)
def test_a_relay_cannot_change_an_operation(city: RunningServer, name: str, change: str) -> None:
    """Any change to a signed operation makes the city refuse it (nothing stored)."""
    relay = _relay(city)
    clerk = SyncDevice(city, city.user("C01"))
    other = SyncDevice(city, city.user("C01"))
    record = str(uuid.uuid4())
    created = clerk.push_one(clerk.op("dossier", record, fields={"applicant_name": "gốc"}))
    op = clerk.op("dossier", record, "update", {"applicant_name": name}, base_version=1)
    item = _signed(clerk, op)
    forged = dict(op)
    if change == "fields":
        forged["fields"] = {"applicant_name": name + "!"}
    elif change == "base":
        forged["base_version"] = 5
    elif change == "seq":
        forged["seq"] = op["seq"] + 7
    elif change == "entity_id":
        forged["entity_id"] = str(uuid.uuid4())
    else:
        forged["device_id"] = str(other.id)
    result = relay.post("/v1/relay/push", json={"ops": [{**item, "op": forged}]}).json()["results"][0]
    assert created["status"] == "applied"
    assert result["status"] == "rejected" and result["kind"] == "bad_signature", result
    assert clerk.push_one(op)["replayed"] is False  # nothing was stored under its seq


def test_a_rebase_only_as_the_device_itself_would(city: RunningServer) -> None:
    """R9: a true rebase proof raises the base; a false one leaves the conflict for a person."""
    relay = _relay(city)
    a = SyncDevice(city, city.user("C01"))
    b = SyncDevice(city, city.user("C01"))
    record = str(uuid.uuid4())
    a.push_one(a.op("dossier", entity_id=record, fields={"applicant_name": "v1", "applicant_phone": "1"}))
    # A edits twice while offline behind the relay, both on version 1 (the relay held the first).
    op1 = a.op("dossier", record, "update", {"applicant_name": "v2"}, base_version=1)
    op2 = a.op("dossier", record, "update", {"applicant_name": "v3"}, base_version=1)
    r1 = relay.post("/v1/relay/push", json={"ops": [_signed(a, op1)]}).json()["results"][0]
    assert r1["status"] == "applied" and r1["version"] == 2, r1
    proof = _signed(a, op1)
    r2 = relay.post("/v1/relay/push", json={"ops": [{**_signed(a, op2), "rebase_on": proof}]}).json()[
        "results"
    ][0]
    assert r2["status"] == "applied" and r2["version"] == 3  # A's own second edit is no conflict
    # B changed the phone meanwhile; A's edit of it, "proven" by an unrelated op, still conflicts.
    b.push_one(b.op("dossier", record, "update", {"applicant_phone": "2"}, base_version=3))
    other = str(uuid.uuid4())
    relay.post(
        "/v1/relay/push",
        json={"ops": [_signed(a, a.op("dossier", other, "create", {"applicant_phone": "0"}))]},
    )
    for base in (1, 2, 3):  # A's own edits of another record; the last was made on version 3
        prev = a.op("dossier", other, "update", {"applicant_phone": str(base)}, base_version=base)
        relay.post("/v1/relay/push", json={"ops": [_signed(a, prev)]})
    op3 = a.op("dossier", record, "update", {"applicant_phone": "3"}, base_version=3)
    fake = {**_signed(a, op3), "rebase_on": _signed(a, prev)}  # would lift the base to 4
    r3 = relay.post("/v1/relay/push", json={"ops": [fake]}).json()["results"][0]
    assert r3["status"] == "conflict", r3


def test_a_relay_session_needs_the_counters_own_key(tmp_path: Path, city: RunningServer) -> None:
    leader = city.user("C01", p.Role.LEADER)
    clerk = SyncDevice(city, city.user("C01"))
    stranger = SyncDevice(city, city.user("C02"))
    with run_relay(tmp_path, city.base_url, leader.username, leader.password) as relay:
        relay.cycle()

        def session(device: SyncDevice, key: Any = None) -> httpx.Response:
            nonce = httpx.post(
                f"{relay.base_url}/v1/auth/challenge", json={"device_id": str(device.id)}
            ).json()["nonce"]
            proof = (key or city.key(device.id)).prove(p.PROOF_RELAY, str(device.id), nonce)
            return httpx.post(
                f"{relay.base_url}/v1/relay/session",
                json={"device_id": str(device.id), "proof": proof.model_dump()},
            )

        assert session(clerk).status_code == 200
        assert session(clerk, key=city.key(uuid.uuid4())).status_code == 401
        assert session(stranger).status_code == 401  # another commune's device is unknown here
        tokens = p.TokenResponse.model_validate(session(clerk).json())
        http = httpx.Client(
            base_url=relay.base_url, headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
        op = clerk.op("dossier", fields={"applicant_name": "C"})
        unsigned = http.post("/v1/push", json={"ops": [op]})
        assert unsigned.status_code == 422
        wire = p.Operation.model_validate(op)
        bad = http.post(
            "/v1/push", json={"ops": [op], "signatures": [city.key(uuid.uuid4()).sign_operation(wire)]}
        )
        assert bad.json()["results"][0]["kind"] == "bad_signature"
        good = http.post(
            "/v1/push", json={"ops": [op], "signatures": [city.key(clerk.id).sign_operation(wire)]}
        )
        assert good.json()["results"][0]["status"] == "relayed"
        http.close()


def test_forwarded_runs_keep_the_devices_seq_order(city: RunningServer) -> None:
    """Seqs run without gaps at the city: a hole below a forwarded run is the device's declared
    skip (it sent nothing above a seq it had not delivered or set aside); a run is applied in order."""
    relay = _relay(city)
    clerk = SyncDevice(city, city.user("C01"))
    assert clerk.push_one(clerk.op("dossier", fields={"notes": "1"}))["status"] == "applied"
    clerk.op("dossier", fields={"notes": "set aside"})  # seq 2: quarantined on the PC, never sent
    three, four = (clerk.op("dossier", fields={"notes": n}) for n in ("3", "4"))
    clerk.op("dossier", fields={"notes": "set aside"})  # seq 5, the same
    six = clerk.op("dossier", fields={"notes": "6"})
    items = [_signed(clerk, op) for op in (three, four, six)]
    results = relay.post("/v1/relay/push", json={"ops": items}).json()["results"]
    assert [(r["seq"], r["status"]) for r in results] == [(3, "applied"), (4, "applied"), (6, "applied")]
    # The skipped seqs are holes for good: the device renumbers whatever it still has there.
    late = {**clerk.op("dossier", fields={"notes": "late"}), "seq": 5}
    assert clerk.push_one(late)["kind"] == "seq_reused"
    assert clerk.push_one({**late, "seq": 7})["status"] == "applied"
