"""Login, refresh rotation, expiry and device revocation over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import update
from tests.helpers.city_server import RunningServer, ServerUser, SyncDevice

from city_server.models import AuthToken, utcnow
from city_server.security import token_hash
from commune_desk.protocol import Role

HANDSHAKE = {"protocol_version": 1, "client_time": "2026-03-01T08:00:00+07:00"}


def _login(server: RunningServer, username: str, password: str, device_id: uuid.UUID) -> httpx.Response:
    user = ServerUser(username, password, "", Role.CLERK)
    return server.login_reply(user, device_id)


def test_wrong_password_and_unknown_user(server: RunningServer) -> None:
    for user, pw in (("c01-clerk", "nope"), ("nobody", "secret-pass")):
        reply = _login(server, user, pw, uuid.uuid4())
        assert reply.status_code == 401
        assert reply.json() == {
            "kind": "invalid_credentials",
            "message": "wrong username or password",
            "retryable": False,
            "details": {},
        }


def test_stored_password_is_argon2id(server: RunningServer) -> None:
    from sqlalchemy import select

    from city_server.models import User

    with server._sessions() as session:  # type: ignore[operator]
        hashes = session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_refresh_rotates_and_is_bound_to_the_device(
    server: RunningServer, device: Callable[..., SyncDevice]
) -> None:
    dev = device()
    old = dev.tokens
    other = uuid.uuid4()
    server.login(server.user("C01"), other)  # a real device, with its own key and tokens
    reply = server.refresh_reply(old.refresh_token, other)
    assert (reply.status_code, reply.json()["kind"]) == (401, "device_mismatch")
    reply = server.refresh_reply(old.refresh_token, dev.id)
    assert reply.status_code == 200
    new = reply.json()
    assert new["refresh_token"] != old.refresh_token
    stale = dev.http.post("/v1/handshake", json=HANDSHAKE)  # old access token died
    assert stale.status_code == 401
    fresh = httpx.post(
        f"{server.base_url}/v1/handshake",
        json=HANDSHAKE,
        headers={"Authorization": f"Bearer {new['access_token']}"},
    )
    assert fresh.status_code == 200
    # Once the new refresh token has been used, the old one is dead for good.
    newer = server.refresh_reply(new["refresh_token"], dev.id)
    assert newer.status_code == 200
    again = server.refresh_reply(old.refresh_token, dev.id)
    assert (again.status_code, again.json()["kind"]) == (401, "unauthenticated")


def test_expired_access_token(server: RunningServer, device: Callable[..., SyncDevice]) -> None:
    dev = device()
    with server._sessions() as session:  # type: ignore[operator]
        session.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == token_hash(dev.tokens.access_token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    reply = dev.http.post("/v1/handshake", json=HANDSHAKE)
    assert (reply.status_code, reply.json()["kind"]) == (401, "token_expired")
    assert reply.json()["retryable"] is False
    assert reply.headers["www-authenticate"] == "Bearer"


def test_missing_or_garbage_token(server: RunningServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic x"}):
        reply = httpx.get(f"{server.base_url}/v1/pull", headers=headers)
        assert (reply.status_code, reply.json()["kind"]) == (401, "unauthenticated")


def test_revoked_device_gets_a_distinct_error_everywhere(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    clerk_dev, leader_dev = device(), device(role="leader")
    forbidden = clerk_dev.http.post(f"/v1/devices/{leader_dev.id}/revoke")
    assert (forbidden.status_code, forbidden.json()["kind"]) == (403, "forbidden")
    listed = leader_dev.http.get("/v1/devices").json()["devices"]
    assert str(clerk_dev.id) in {d["device_id"] for d in listed}
    # Without a drain (a stolen PC): refused at once, everywhere.
    reply = leader_dev.http.post(f"/v1/devices/{clerk_dev.id}/revoke", json={"drain": False})
    assert reply.status_code == 200 and reply.json()["revoked_at"] is not None
    for call in (
        lambda: clerk_dev.http.post("/v1/handshake", json=HANDSHAKE),
        lambda: clerk_dev.http.get("/v1/pull"),
    ):
        r = call()
        assert (r.status_code, r.json()["kind"]) == (401, "device_revoked")
    relog = _login(server, "c01-clerk", "secret-pass", clerk_dev.id)
    assert (relog.status_code, relog.json()["kind"]) == (401, "device_revoked")
    refresh = server.refresh_reply(clerk_dev.tokens.refresh_token, clerk_dev.id)
    assert (refresh.status_code, refresh.json()["kind"]) == (401, "device_revoked")


def test_device_revoked_in_the_database_is_refused(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    """Revocation checked on every request, whoever set it (CLI, another server process)."""
    dev = device()
    from city_server.models import Device

    with server._sessions() as session:  # type: ignore[operator]
        session.execute(update(Device).where(Device.id == str(dev.id)).values(revoked_at=utcnow()))
        session.commit()
    reply = dev.http.post("/v1/handshake", json=HANDSHAKE)
    assert (reply.status_code, reply.json()["kind"]) == (401, "device_revoked")


def test_handshake_reports_clock_offset(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    now = utcnow()
    ok = dev.http.post("/v1/handshake", json={"protocol_version": 1, "client_time": now.isoformat()}).json()
    assert abs(ok["clock_offset_seconds"]) < 60 and ok["clock_warning"] is False
    skewed = (now - timedelta(hours=2)).isoformat()
    off = dev.http.post("/v1/handshake", json={"protocol_version": 1, "client_time": skewed}).json()
    assert off["clock_warning"] is True and 7000 < off["clock_offset_seconds"] < 7300
    bad = dev.http.post("/v1/handshake", json={"protocol_version": 2, "client_time": skewed})
    assert (bad.status_code, bad.json()["kind"]) == (400, "unsupported_protocol")


def test_nul_in_credentials_is_invalid_not_a_server_error(server: RunningServer) -> None:
    reply = _login(server, "c01-clerk\x00", "secret-pass", uuid.uuid4())
    assert (reply.status_code, reply.json()["kind"]) == (422, "invalid_request")
