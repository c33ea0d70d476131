"""Commune isolation over every route of the app and of ``docs/openapi.json``.

``CASES`` maps each (method, path) to a hand-written check in which a clerk or
leader of commune C01 goes after commune C02's objects by their real IDs.
``test_every_route_has_a_case`` enumerates the app's routes and the checked-in
OpenAPI document, so adding an endpoint without a case here fails the suite.

The generated tests need no case: for every operation of ``docs/openapi.json``
they build a request from its schema, aimed at C02's objects, and require 401
without a token, and with a C01 token either 403/404 or a reply
indistinguishable from the one for an ID that does not exist at all (and no
C02 object in any reply).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from tests.helpers import openapi_requests as oa
from tests.helpers.city_server import RunningServer, SyncDevice

from city_server.app import create_app
from city_server.db import make_engine
from commune_desk import protocol as p
from commune_desk.sync.device_key import DeviceKey


@dataclass
class World:
    """C02's objects and a C01 attacker with both roles."""

    server: RunningServer
    victim: SyncDevice
    victim_leader: SyncDevice
    attacker: SyncDevice
    attacker_leader: SyncDevice
    dossier_id: str
    conflict_id: str
    sha: str
    blob: bytes
    partial_sha: str
    series: str


@pytest.fixture
def world(server: RunningServer, device: Callable[..., SyncDevice]) -> World:
    victim, victim_leader = device("C02"), device("C02", "leader")
    dossier_id = str(uuid.uuid4())
    victim.push(victim.op("dossier", dossier_id, fields={"notes": "C02 only", "applicant_phone": "1"}))
    victim.push(victim.op("dossier", dossier_id, "update", {"applicant_phone": "2"}, 1))
    conflict_id = victim_leader.push_one(
        victim_leader.op("dossier", dossier_id, "update", {"applicant_phone": "3"}, 1)
    )["conflict_id"]
    blob = os.urandom(3000)
    sha = hashlib.sha256(blob).hexdigest()
    victim.http.post(f"/v1/blobs/{sha}", json={"size": len(blob)})
    victim.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=blob)
    partial = os.urandom(3000)
    partial_sha = hashlib.sha256(partial).hexdigest()
    victim.http.post(f"/v1/blobs/{partial_sha}", json={"size": len(partial)})
    victim.http.put(f"/v1/blobs/{partial_sha}", params={"offset": 0}, content=partial[:1000])
    series = f"incoming/{2100 + uuid.uuid4().int % 800}"
    victim.lease(series, size=5)
    victim.push(victim.op("incoming_document", fields={"series": series, "number": 3}))
    return World(
        server,
        victim,
        victim_leader,
        device("C01"),
        device("C01", "leader"),
        dossier_id,
        conflict_id,
        sha,
        blob,
        partial_sha,
        series,
    )


def _victim_dossier(w: World) -> dict[str, object]:
    changes, _ = w.victim.pull_all()
    return next(c for c in changes if c["entity_id"] == w.dossier_id)


def case_login(w: World) -> None:
    """A C01 user cannot take over a C02 device: without its key nothing of it changes."""
    victim_leases = w.victim.http.get("/v1/leases").json()
    reply = w.server.login_reply(w.attacker.user, w.victim.id, key=DeviceKey.generate())
    assert (reply.status_code, reply.json()["kind"]) == (401, "device_key_mismatch")
    # Even holding the key, a device of C02 stays C02's.
    reply = w.server.login_reply(w.attacker.user, w.victim.id)
    assert (reply.status_code, reply.json()["kind"]) == (403, "device_mismatch")
    assert w.victim.http.get("/v1/leases").json() == victim_leases  # its tokens still work


def case_challenge(w: World) -> None:
    """Any device id gets a nonce: a challenge says nothing about which ids exist."""
    replies = [
        httpx.post(f"{w.server.base_url}/v1/auth/challenge", json={"device_id": str(d)})
        for d in (w.victim.id, uuid.uuid4())
    ]
    assert [r.status_code for r in replies] == [200, 200]
    assert [sorted(r.json()) for r in replies] == [["expires_in", "nonce"]] * 2


def case_refresh(w: World) -> None:
    reply = w.server.refresh_reply(w.victim.tokens.refresh_token, w.attacker.id)
    assert (reply.status_code, reply.json()["kind"]) == (401, "device_mismatch")


def case_list_devices(w: World) -> None:
    listed = w.attacker_leader.http.get("/v1/devices").json()["devices"]
    ids = {d["device_id"] for d in listed}
    assert str(w.attacker.id) in ids
    assert str(w.victim.id) not in ids and str(w.victim_leader.id) not in ids


def case_revoke(w: World) -> None:
    reply = w.attacker_leader.http.post(f"/v1/devices/{w.victim.id}/revoke")
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    assert w.victim.http.get("/v1/leases").status_code == 200


def case_rebind(w: World) -> None:
    key = w.server.key(uuid.uuid4()).public_key
    reply = w.attacker_leader.http.post(f"/v1/devices/{w.victim.id}/rebind", json={"public_key": key})
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    assert w.victim.http.get("/v1/leases").status_code == 200


def case_handshake(w: World) -> None:
    hs = w.attacker.http.post(
        "/v1/handshake", json={"protocol_version": 1, "client_time": "2026-01-01T00:00:00Z"}
    ).json()
    assert hs["commune_code"] == "C01" and hs["leases"] == []


def case_push(w: World) -> None:
    a = w.attacker

    def one(op: dict[str, object]) -> dict[str, object]:
        result = a.push_one(op)
        if result["kind"] in ("unknown_record", "unknown_dossier", "blob_incomplete"):
            a.seq -= 1  # "not yet" is not recorded: the seq stays free
        return result

    results = [
        one(a.op("dossier", w.dossier_id, "update", {"notes": "stolen"}, 2)),
        one(a.op("dossier", w.dossier_id, "delete", base_version=2)),
        one(a.op("dossier_event", fields={"dossier_id": w.dossier_id, "kind": "received"})),
        one(a.op("attachment", fields={"sha256": w.sha})),
        one(a.op("incoming_document", fields={"series": w.series, "number": 3})),
    ]
    assert [r["kind"] for r in results] == [
        "unknown_record",
        "unknown_record",
        "unknown_dossier",
        "blob_incomplete",
        "number_outside_lease",
    ]
    # Settling a conflict is a leader's: C01's leader still cannot see C02's conflict.
    lead = w.attacker_leader
    resolution = lead.push_one(
        lead.op("conflict_resolution", fields={"conflict_id": w.conflict_id, "chosen": {"notes": "stolen"}})
    )
    assert resolution["kind"] == "unknown_conflict"
    # A create with the victim's ID makes a record in C01 only.
    assert a.push_one(a.op("dossier", w.dossier_id, fields={"notes": "mine"}))["status"] == "applied"
    assert _victim_dossier(w)["fields"]["notes"] == "C02 only"


def case_pull(w: World) -> None:
    w.attacker.push(w.attacker.op("dossier", fields={"notes": "1"}))
    changes, _ = w.attacker.pull_all()
    victim_ids = {c["entity_id"] for c in w.victim.pull_all()[0]}
    assert changes and not victim_ids & {c["entity_id"] for c in changes}


def case_snapshot(w: World) -> None:
    """The attacker's snapshot holds its own commune's records and nothing of the victim's."""
    w.attacker.push(w.attacker.op("dossier", fields={"notes": "1"}))
    reply = w.attacker.http.get("/v1/snapshot")
    assert reply.status_code == 200
    body = gzip.decompress(reply.content)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.sqlite3"
        path.write_bytes(body)
        conn = sqlite3.connect(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            ids = {r[0] for r in conn.execute("SELECT id FROM dossier")}
            ids |= {json.loads(r[0])["entity_id"] for r in conn.execute("SELECT body FROM change")}
        finally:
            conn.close()
    assert meta["commune_code"] == w.attacker.user.commune_code
    victim_ids = {c["entity_id"] for c in w.victim.pull_all()[0]}
    assert ids and not victim_ids & ids
    assert w.dossier_id.encode() not in body


def case_request_lease(w: World) -> None:
    lease = w.attacker.lease(w.series, size=5)
    assert lease["first"] == 1  # C02's leases and numbers do not exist for C01


def case_list_leases(w: World) -> None:
    assert w.attacker.http.get("/v1/leases").json() == {"leases": []}


def case_gaps(w: World) -> None:
    assert w.victim.http.get("/v1/numbers/gaps").json()["gaps"]  # C02 has 1, 2 missing
    gaps = w.attacker.http.get("/v1/numbers/gaps").json()["gaps"]
    assert all(g["series"] != w.series for g in gaps)


def case_blob_start(w: World) -> None:
    status = w.attacker.http.post(f"/v1/blobs/{w.partial_sha}", json={"size": 3000}).json()
    assert status["received"] == 0 and status["complete"] is False
    victim = w.victim.http.get(f"/v1/blobs/{w.partial_sha}/status").json()
    assert victim["received"] == 1000


def case_blob_status(w: World) -> None:
    for sha in (w.sha, w.partial_sha):
        reply = w.attacker.http.get(f"/v1/blobs/{sha}/status")
        assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")


def case_blob_chunk(w: World) -> None:
    reply = w.attacker.http.put(f"/v1/blobs/{w.partial_sha}", params={"offset": 1000}, content=b"poison")
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    assert w.victim.http.get(f"/v1/blobs/{w.partial_sha}/status").json()["received"] == 1000


def case_blob_download(w: World) -> None:
    reply = w.attacker.http.get(f"/v1/blobs/{w.sha}")
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    assert w.victim.http.get(f"/v1/blobs/{w.sha}").content == w.blob


def case_drained(w: World) -> None:
    """ "Drained" speaks only for the caller's own device: C02's devices keep working."""
    assert w.attacker.http.post("/v1/devices/self/drained").status_code == 204
    assert w.victim.http.get("/v1/pull").status_code == 200
    assert w.attacker.http.get("/v1/pull").status_code == 200  # not revoked: a no-op


def _registered_relay(w: World) -> SyncDevice:
    relay = w.attacker_leader
    assert relay.http.post("/v1/relay/register", json={"name": "box"}).status_code == 200
    return relay


def case_relay_register(w: World) -> None:
    """A C01 leader's relay is C01's only: its office lists no C02 device."""
    relay = _registered_relay(w)
    office = relay.http.get("/v1/relay/office").json()
    assert office["commune_code"] == "C01"


def case_relay_office(w: World) -> None:
    office = _registered_relay(w).http.get("/v1/relay/office").json()
    ids = {d["device_id"] for d in office["devices"]}
    assert str(w.attacker.id) in ids
    assert not ids & {str(w.victim.id), str(w.victim_leader.id)}


def case_relay_push(w: World) -> None:
    """C02's operation, even signed with its own key, is not applied through C01's relay."""
    relay = _registered_relay(w)
    op = w.victim.op("dossier", w.dossier_id, "update", {"notes": "stolen"}, 2)
    signature = w.server.key(w.victim.id).sign_operation(p.Operation.model_validate(op))
    reply = relay.http.post("/v1/relay/push", json={"ops": [{"op": op, "signature": signature}]})
    assert reply.json()["results"][0]["kind"] == "device_mismatch"
    assert _victim_dossier(w)["fields"]["notes"] == "C02 only"
    assert w.victim.push_one(op)["replayed"] is False  # nothing was stored under the victim's seq


def case_relay_transfer(w: World) -> None:
    relay = _registered_relay(w)
    lease = relay.lease("incoming/2099", size=10)
    before = w.victim.http.get("/v1/leases").json()
    body = {
        "series": "incoming/2099",
        "first": lease["first"],
        "last": lease["first"],
        "device_id": str(w.victim.id),
    }
    reply = relay.http.post("/v1/relay/leases/transfer", json=body)
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    assert w.victim.http.get("/v1/leases").json() == before


def case_staff(w: World) -> None:
    """A commune's staff list names its own users only."""
    names = {m["username"] for m in w.attacker.http.get("/v1/office/staff").json()["members"]}
    assert w.attacker.user.username in names
    assert w.victim.user.username not in names and w.victim_leader.user.username not in names


def case_verify(w: World) -> None:
    """A C01 PC cannot confirm (so cannot probe) the password of a C02 user."""
    good = {"username": w.victim.user.username, "password": w.victim.user.password}
    reply = w.attacker.http.post("/v1/office/verify", json=good)
    assert (reply.status_code, reply.json()["kind"]) == (401, "invalid_credentials")
    assert w.victim.http.post("/v1/office/verify", json=good).status_code == 200


def case_rules(w: World) -> None:
    """C02's leader named as the actor on a C01 PC is refused; C01's rules change C01 only."""
    rules = {"sign_outgoing": ["clerk", "leader"]}
    reply = w.attacker_leader.http.put(
        "/v1/office/rules", json={"rules": rules, "actor": w.victim_leader.user.username}
    )
    assert (reply.status_code, reply.json()["kind"]) == (403, "forbidden")
    reply = w.attacker_leader.http.put(
        "/v1/office/rules", json={"rules": rules, "actor": w.attacker_leader.user.username}
    )
    assert reply.status_code == 200
    assert reply.json()["rules"]["sign_outgoing"] == ["clerk", "leader"]
    victim = w.victim.http.get("/v1/office/staff").json()["rules"]
    assert victim["sign_outgoing"] == ["leader"]


CASES: dict[tuple[str, str], Callable[[World], None]] = {
    ("POST", "/v1/relay/register"): case_relay_register,
    ("GET", "/v1/relay/office"): case_relay_office,
    ("POST", "/v1/relay/push"): case_relay_push,
    ("POST", "/v1/relay/leases/transfer"): case_relay_transfer,
    ("POST", "/v1/auth/login"): case_login,
    ("POST", "/v1/auth/refresh"): case_refresh,
    ("POST", "/v1/auth/challenge"): case_challenge,
    ("POST", "/v1/devices/{device_id}/rebind"): case_rebind,
    ("GET", "/v1/devices"): case_list_devices,
    ("POST", "/v1/devices/{device_id}/revoke"): case_revoke,
    ("POST", "/v1/devices/self/drained"): case_drained,
    ("POST", "/v1/handshake"): case_handshake,
    ("POST", "/v1/push"): case_push,
    ("GET", "/v1/pull"): case_pull,
    ("GET", "/v1/snapshot"): case_snapshot,
    ("POST", "/v1/leases"): case_request_lease,
    ("GET", "/v1/leases"): case_list_leases,
    ("GET", "/v1/numbers/gaps"): case_gaps,
    ("POST", "/v1/blobs/{sha256}"): case_blob_start,
    ("GET", "/v1/blobs/{sha256}/status"): case_blob_status,
    ("PUT", "/v1/blobs/{sha256}"): case_blob_chunk,
    ("GET", "/v1/blobs/{sha256}"): case_blob_download,
    ("GET", "/v1/office/staff"): case_staff,
    ("POST", "/v1/office/verify"): case_verify,
    ("PUT", "/v1/office/rules"): case_rules,
}
PUBLIC = {("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh"), ("POST", "/v1/auth/challenge")}


def _app_routes() -> Iterator[tuple[str, str]]:
    """Every (method, path) the app serves: its OpenAPI paths, plus any API route hidden
    from the schema (walked through included routers)."""
    app = create_app(engine=make_engine("sqlite://"), run_migrations=False)
    for path, item in app.openapi()["paths"].items():
        for method in item:
            yield method.upper(), path

    def walk(routes: list[object], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                    yield method, prefix + route.path
            inner = getattr(route, "original_router", None)
            if inner is not None:
                ctx = getattr(route, "include_context", None)
                yield from walk(inner.routes, prefix + str(getattr(ctx, "prefix", "") or ""))

    yield from walk(app.routes, "")


def test_every_route_has_a_case() -> None:
    routes = set(_app_routes())
    documented = {op.key for op in oa.operations(oa.load())}
    assert documented == routes, "docs/openapi.json is stale: city-server openapi > it"
    assert {op.key for op in oa.operations(oa.load()) if not op.needs_token} == PUBLIC
    missing = routes - CASES.keys()
    assert not missing, f"routes without a commune-isolation case: {sorted(missing)}"
    assert not CASES.keys() - routes, "stale isolation cases"


@pytest.mark.parametrize("route", sorted(CASES), ids=lambda r: f"{r[0]} {r[1]}")
def test_commune_isolation(route: tuple[str, str], world: World) -> None:
    CASES[route](world)


DOCUMENT = oa.load()
OPERATIONS = {op.key: op for op in oa.operations(DOCUMENT)}
# A device id is global (a PC keeps its id whatever commune it serves), so a login or
# refresh naming a taken id cannot look like one naming a free id; the device key (login)
# and the refresh token (refresh) protect those, proven by case_login and case_refresh.
GLOBAL_IDS = {("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh")}
# Values that differ between any two calls, whatever the scope.
VOLATILE = {
    "nonce",
    "server_time",
    "clock_offset_seconds",
    "lease_id",
    "granted_at",
    "registered_at",
    "last_seen_at",
    "access_token",
    "refresh_token",
    "cursor",
}


def _ids(w: World, *, foreign: bool) -> dict[str, object]:
    """Field and path values aimed at C02's objects (``foreign``) or at nothing that exists."""
    fresh = uuid.uuid4()
    return {
        "device_id": str(w.victim.id) if foreign else str(fresh),
        "sha256": w.partial_sha if foreign else hashlib.sha256(fresh.bytes).hexdigest(),
        "entity_id": w.dossier_id if foreign else str(fresh),
        "dossier_id": w.dossier_id if foreign else str(fresh),
        "conflict_id": w.conflict_id if foreign else str(fresh),
        "public_key": w.server.key(w.attacker.id).public_key,
        "series": w.series,
        "size": 3000,
        "protocol_version": 1,
    }


def _send(w: World, op: oa.Operation, ids: dict[str, object], token: str | None) -> httpx.Response:
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", str(ids[name]))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs: dict[str, object] = {}
    if op.body_type == "application/json":
        kwargs["json"] = oa.example(op.body_schema or {}, DOCUMENT, ids)
    elif op.body_type:
        kwargs["content"] = b"chunk"
    return httpx.request(
        op.method, w.server.base_url + path, params=dict(op.query), headers=headers, timeout=30, **kwargs
    )  # type: ignore[arg-type]


def _normalised(reply: httpx.Response, ids: dict[str, object]) -> object:
    """The reply with the request's own IDs and per-call values blanked out."""
    text = reply.text
    for value in ids.values():
        if isinstance(value, str):
            text = text.replace(value, "<id>")
    try:
        body = json.loads(text)
    except ValueError:
        return reply.status_code, text

    def blank(value: object) -> object:
        if isinstance(value, dict):
            return {k: "<volatile>" if k in VOLATILE else blank(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        return value

    return reply.status_code, blank(body)


def _victim_markers(w: World) -> list[str]:
    return [
        str(w.victim.id),
        str(w.victim_leader.id),
        w.dossier_id,
        w.conflict_id,
        w.sha,
        w.partial_sha,
        "C02 only",
        w.victim.tokens.access_token,
    ]


@pytest.mark.parametrize("route", sorted(OPERATIONS.keys() - PUBLIC), ids=" ".join)
def test_generated_route_requires_a_token(route: tuple[str, str], world: World) -> None:
    """Every non-public operation of docs/openapi.json, with a valid request, answers 401."""
    for token in (None, "not-a-token"):
        reply = _send(world, OPERATIONS[route], _ids(world, foreign=True), token)
        assert (reply.status_code, reply.json()["kind"]) == (401, "unauthenticated"), reply.text


@pytest.mark.parametrize("route", sorted(OPERATIONS.keys() - GLOBAL_IDS), ids=" ".join)
def test_generated_foreign_ids_reveal_nothing(route: tuple[str, str], world: World) -> None:
    """C02's IDs in any operation get 403/404, or exactly the reply a non-existent ID gets."""
    op = OPERATIONS[route]
    before = world.victim.pull_all()[0], world.victim.http.get(f"/v1/blobs/{world.partial_sha}/status").json()
    for attacker in (world.attacker, world.attacker_leader):
        token = attacker.tokens.access_token if op.needs_token else None
        foreign_ids = _ids(world, foreign=True)
        foreign = _send(world, op, foreign_ids, token)
        assert foreign.status_code < 500, foreign.text
        assert not any(m in foreign.text for m in _victim_markers(world) if m not in foreign_ids.values()), (
            foreign.text
        )
        if foreign.status_code not in (403, 404):
            fresh_ids = _ids(world, foreign=False)
            fresh = _send(world, op, fresh_ids, token)
            assert _normalised(foreign, foreign_ids) == _normalised(fresh, fresh_ids)
    after = world.victim.pull_all()[0], world.victim.http.get(f"/v1/blobs/{world.partial_sha}/status").json()
    assert after == before, "C01's requests changed C02's data"


def test_op_ids_are_unique_per_commune_only(device: Callable[..., SyncDevice]) -> None:
    """A device of one commune cannot probe whether an op_id exists in another commune."""
    c02, c01, c01_other = device("C02"), device("C01"), device("C01")
    op = c02.op("dossier", fields={"notes": "1"})
    assert c02.push_one(op)["status"] == "applied"
    probe = c01.op("dossier", fields={"notes": "2"})
    probe["op_id"] = op["op_id"]
    assert c01.push_one(probe)["status"] == "applied"  # not op_id_reused: C02 is invisible
    assert c02.push_one(op)["replayed"] is True  # each commune keeps its own outcome
    again = c01_other.op("dossier", fields={"notes": "3"})
    again["op_id"] = op["op_id"]
    assert c01_other.push_one(again)["kind"] == "op_id_reused"  # still unique within C01
