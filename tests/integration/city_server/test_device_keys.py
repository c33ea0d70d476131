"""Device identity: a known device id without its key gets nothing; proofs are single-use;
leaders re-bind a PC that lost its key; a new device's first logins may race."""

from __future__ import annotations

import base64
import functools
import uuid
from collections.abc import Callable

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.concurrency import run_together

from city_server.models import Device, SecurityEvent
from commune_desk.protocol import PROOF_LOGIN, PROOF_REFRESH
from commune_desk.sync.device_key import DeviceKey

HANDSHAKE = {"protocol_version": 1, "client_time": "2026-03-01T08:00:00+07:00"}


def _events(server: RunningServer, device_id: object) -> list[str]:
    with server._sessions() as session:  # type: ignore[operator]
        return list(
            session.scalars(
                select(SecurityEvent.kind)
                .where(SecurityEvent.device_id == str(device_id))
                .order_by(SecurityEvent.id)
            )
        )


def _login_json(
    server: RunningServer, user: object, device_id: object, key: DeviceKey, proof: dict[str, object] | None
) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/v1/auth/login",
        timeout=30,
        json={
            "username": user.username,
            "password": user.password,  # type: ignore[attr-defined]
            "device_id": str(device_id),
            "public_key": key.public_key,
            "proof": proof,
        },
    )


def test_a_known_device_id_without_its_key_gets_nothing(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    """The takeover of the finding: another clerk logs in with the victim's device id."""
    victim = device()
    slot = victim.lease("dossier-code/C01U")["slot"]
    victim.push(victim.op("dossier", fields={"notes": "1"}), victim.op("dossier", fields={"notes": "2"}))
    intruder = server.add_user("C01")
    reply = server.login_reply(intruder, victim.id, key=DeviceKey.generate())
    assert (reply.status_code, reply.json()["kind"]) == (401, "device_key_mismatch")
    # The victim's tokens, leases, seq and user are untouched.
    hs = victim.http.post("/v1/handshake", json=HANDSHAKE).json()
    assert hs["last_seq"] == 2 and [lease["slot"] for lease in hs["leases"]] == [slot]
    assert victim.push_one(victim.op("dossier", fields={"notes": "3"}))["status"] == "applied"
    with server._sessions() as session:  # type: ignore[operator]
        dev = session.get_one(Device, str(victim.id))
        assert dev.pending_public_key is not None  # shown to leaders, not adopted
    assert _events(server, victim.id)[-1] == "device_proof_failed"


def test_another_clerk_on_the_same_pc_proves_the_key_and_keeps_its_state(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    """A shared counter PC: the next clerk signs with the PC's key and carries on."""
    pc = device()
    pc.lease("dossier-code/C01S")
    pc.push(pc.op("dossier", fields={"notes": "1"}))
    colleague = server.add_user("C01")
    tokens = server.login(colleague, pc.id)
    assert tokens.username == colleague.username
    with server.client(tokens) as http:
        hs = http.post("/v1/handshake", json=HANDSHAKE).json()
    assert hs["last_seq"] == 1 and len(hs["leases"]) == 1


def test_proofs_are_single_use_and_bound_to_purpose_and_device(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    pc = device()
    key = server.key(pc.id)
    user = server.user("C01")
    assert _login_json(server, user, pc.id, key, None).json()["kind"] == "device_key_required"
    proof = server.proof(pc.id)
    assert _login_json(server, user, pc.id, key, proof).status_code == 200
    replayed = _login_json(server, user, pc.id, key, proof)
    assert (replayed.status_code, replayed.json()["kind"]) == (401, "challenge_expired")
    # A signature made for a refresh does not open a login, nor one for another device.
    wrong_purpose = _login_json(server, user, pc.id, key, server.proof(pc.id, PROOF_REFRESH))
    assert (wrong_purpose.status_code, wrong_purpose.json()["kind"]) == (401, "device_key_mismatch")
    other = uuid.uuid4()
    nonce = httpx.post(f"{server.base_url}/v1/auth/challenge", json={"device_id": str(other)}).json()["nonce"]
    foreign_nonce = key.prove(PROOF_LOGIN, str(pc.id), nonce).model_dump()
    reply = _login_json(server, user, pc.id, key, foreign_nonce)
    assert (reply.status_code, reply.json()["kind"]) == (401, "challenge_expired")
    refresh = httpx.post(
        f"{server.base_url}/v1/auth/refresh",
        json={"refresh_token": pc.tokens.refresh_token, "device_id": str(pc.id)},
    )
    assert (refresh.status_code, refresh.json()["kind"]) == (401, "device_key_required")


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    signature=st.one_of(
        st.binary(max_size=80).map(lambda b: base64.b64encode(b).decode()), st.text(min_size=1, max_size=120)
    ),
    public_key=st.one_of(
        st.none(), st.binary(min_size=30, max_size=40).map(lambda b: base64.b64encode(b).decode())
    ),
)
def test_forged_proofs_never_log_in_nor_fail_the_server(
    server: RunningServer,
    signature: str,
    public_key: str | None,
) -> None:
    victim_id = uuid.UUID(int=0xC01)
    server.key(victim_id)
    if not server.keys.get("registered"):
        server.login(server.user("C01"), victim_id)
        server.keys["registered"] = server.key(victim_id)
    nonce = httpx.post(f"{server.base_url}/v1/auth/challenge", json={"device_id": str(victim_id)}).json()[
        "nonce"
    ]
    user = server.user("C01")
    reply = httpx.post(
        f"{server.base_url}/v1/auth/login",
        timeout=30,
        json={
            "username": user.username,
            "password": user.password,
            "device_id": str(victim_id),
            "public_key": public_key,
            "proof": {"nonce": nonce, "signature": signature},
        },
    )
    assert reply.status_code in (401, 422), reply.text


def test_a_leader_rebinds_a_pc_that_lost_its_key(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    pc, leader, clerk = device(), device(role="leader"), device()
    pc.push(pc.op("dossier", fields={"notes": "1"}))
    new_key = DeviceKey.generate()  # the keyring was wiped: the PC made a new key
    refused = server.login_reply(pc.user, pc.id, key=new_key)
    assert refused.json()["kind"] == "device_key_mismatch"
    listed = {d["device_id"]: d for d in leader.http.get("/v1/devices").json()["devices"]}
    mine = listed[str(pc.id)]
    assert mine["pending_public_key"] == new_key.public_key
    assert mine["pending_key_fingerprint"] == new_key.fingerprint != mine["key_fingerprint"]
    body = {"public_key": new_key.public_key}
    forbidden = clerk.http.post(f"/v1/devices/{pc.id}/rebind", json=body)
    assert (forbidden.status_code, forbidden.json()["kind"]) == (403, "forbidden")
    assert leader.http.post(f"/v1/devices/{pc.id}/rebind", json={"public_key": "A" * 44}).status_code == 422
    # Revoked meanwhile: the re-bind lifts it (the leader has checked the PC).
    assert leader.http.post(f"/v1/devices/{pc.id}/revoke").status_code == 200
    rebound = leader.http.post(f"/v1/devices/{pc.id}/rebind", json=body)
    assert rebound.status_code == 200, rebound.text
    assert rebound.json()["key_fingerprint"] == new_key.fingerprint
    assert rebound.json()["revoked_at"] is None and rebound.json()["pending_public_key"] is None
    assert pc.http.post("/v1/handshake", json=HANDSHAKE).status_code == 401  # old tokens gone
    server.keys[str(pc.id)] = new_key
    tokens = server.login(pc.user, pc.id)
    with server.client(tokens) as http:
        assert http.post("/v1/handshake", json=HANDSHAKE).json()["last_seq"] == 1
    assert server.login_reply(pc.user, pc.id, key=DeviceKey.generate()).status_code == 401
    kinds = _events(server, pc.id)
    assert kinds.index("device_revoked") < kinds.index("device_rebound")


def test_first_logins_of_a_new_device_may_arrive_together(server: RunningServer) -> None:
    """Item 5 of the sync findings: the PostgreSQL unique violation became a 500."""
    user = server.user("C01")
    for _ in range(3):
        device_id = uuid.uuid4()
        key = server.key(device_id)
        proofs = [server.proof(device_id) for _ in range(6)]
        replies = run_together(
            [functools.partial(_login_json, server, user, device_id, key, p) for p in proofs]
        )
        assert sorted(r.status_code for r in replies) == [200] * 6, [r.text for r in replies]
        assert _events(server, device_id).count("device_registered") == 1


def test_a_race_for_a_new_id_with_two_keys_registers_one(server: RunningServer) -> None:
    device_id = uuid.uuid4()
    keys = [DeviceKey.generate(), DeviceKey.generate()]
    calls = [
        functools.partial(
            _login_json, server, server.user("C01"), device_id, k, server.proof(device_id, key=k)
        )
        for k in keys
    ]
    assert sorted(r.status_code for r in run_together(calls)) == [200, 401]


def test_a_device_registered_before_keys_binds_one_at_refresh_or_by_its_own_user(
    server: RunningServer, device: Callable[..., SyncDevice]
) -> None:
    old, older = device(), device()
    with server._sessions() as session:  # type: ignore[operator]
        session.execute(
            update(Device).where(Device.id.in_([str(old.id), str(older.id)])).values(public_key=None)
        )
        session.commit()
    key = DeviceKey.generate()
    # A colleague cannot bind a key to someone else's keyless device...
    intruder = server.add_user("C01")
    assert server.login_reply(intruder, old.id, key=key).json()["kind"] == "device_key_mismatch"
    # ...its refresh token vouches for the key it binds at its next refresh,
    bound = httpx.post(
        f"{server.base_url}/v1/auth/refresh",
        json={
            "refresh_token": old.tokens.refresh_token,
            "device_id": str(old.id),
            "public_key": key.public_key,
            "proof": server.proof(old.id, PROOF_REFRESH, key),
        },
    )
    assert bound.status_code == 200, bound.text
    assert server.login_reply(old.user, old.id, key=key).status_code == 200
    assert server.login_reply(old.user, old.id, key=DeviceKey.generate()).status_code == 401
    # ...and its own user binds one at login.
    assert server.login_reply(older.user, older.id, key=DeviceKey.generate()).status_code == 200
    assert _events(server, old.id).count("device_key_bound") == 1
