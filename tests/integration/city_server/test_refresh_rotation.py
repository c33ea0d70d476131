"""The refresh rule: row-locked rotation, the same pair again for a lost reply, then death."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.concurrency import run_together
from tests.helpers.fault_proxy import FaultProxy

from city_server.models import AuthToken, utcnow
from city_server.security import REFRESH_GRACE_SECONDS, token_hash

HANDSHAKE = {"protocol_version": 1, "client_time": "2026-03-01T08:00:00+07:00"}


def _valid_refresh_tokens(server: RunningServer, device_id: object) -> int:
    with server._sessions() as session:  # type: ignore[operator]
        return int(
            session.scalar(
                select(func.count())
                .select_from(AuthToken)
                .where(
                    AuthToken.device_id == str(device_id),
                    AuthToken.kind == "refresh",
                    AuthToken.rotated_at.is_(None),
                )
            )
            or 0
        )


def _works(server: RunningServer, access_token: str) -> bool:
    return (
        httpx.post(
            f"{server.base_url}/v1/handshake",
            json=HANDSHAKE,
            headers={"Authorization": f"Bearer {access_token}"},
        ).status_code
        == 200
    )


def test_a_lost_refresh_reply_is_answered_again_with_the_same_pair(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    with FaultProxy("127.0.0.1", server.port) as proxy:
        proxy.set(drop_reply=True, match=b"POST /v1/auth/refresh", times=1)
        proof = server.proof(dev.id, "refresh")
        try:
            httpx.post(
                f"{proxy.url}/v1/auth/refresh",
                timeout=30,
                json={"refresh_token": dev.tokens.refresh_token, "device_id": str(dev.id), "proof": proof},
            )
            raise AssertionError("the reply should have been dropped")
        except httpx.TransportError:
            pass
    assert not _works(server, dev.tokens.access_token)  # the server did rotate
    again = server.refresh_reply(dev.tokens.refresh_token, dev.id)
    assert again.status_code == 200, again.text
    first = again.json()
    assert _works(server, first["access_token"])
    assert 0 < first["access_expires_in"] <= 15 * 60
    # Asked again, still the same pair: nothing else was issued.
    assert (
        server.refresh_reply(dev.tokens.refresh_token, dev.id).json()["refresh_token"]
        == first["refresh_token"]
    )
    assert _valid_refresh_tokens(server, dev.id) == 1
    # The new refresh token is used: the grace of the old one ends there.
    assert server.refresh_reply(first["refresh_token"], dev.id).status_code == 200
    dead = server.refresh_reply(dev.tokens.refresh_token, dev.id)
    assert (dead.status_code, dead.json()["kind"]) == (401, "unauthenticated")


def test_the_grace_period_ends(server: RunningServer, device: Callable[..., SyncDevice]) -> None:
    dev = device()
    assert server.refresh_reply(dev.tokens.refresh_token, dev.id).status_code == 200
    with server._sessions() as session:  # type: ignore[operator]
        session.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == token_hash(dev.tokens.refresh_token))
            .values(rotated_at=utcnow() - timedelta(seconds=REFRESH_GRACE_SECONDS + 1))
        )
        session.commit()
    late = server.refresh_reply(dev.tokens.refresh_token, dev.id)
    assert (late.status_code, late.json()["kind"]) == (401, "unauthenticated")


def test_concurrent_refreshes_with_one_token_leave_one_valid_pair(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    """On PostgreSQL six concurrent refreshes used to succeed with four valid pairs left."""
    dev = device()
    proofs = [server.proof(dev.id, "refresh") for _ in range(6)]
    replies = run_together(
        [
            functools.partial(
                httpx.post,
                f"{server.base_url}/v1/auth/refresh",
                timeout=60,
                json={"refresh_token": dev.tokens.refresh_token, "device_id": str(dev.id), "proof": p},
            )
            for p in proofs
        ]
    )
    assert [r.status_code for r in replies] == [200] * 6, [r.text for r in replies]
    pairs = {(r.json()["access_token"], r.json()["refresh_token"]) for r in replies}
    assert len(pairs) == 1
    assert _valid_refresh_tokens(server, dev.id) == 1
    access, refresh = pairs.pop()
    assert _works(server, access)
    assert server.refresh_reply(refresh, dev.id).status_code == 200


def test_a_login_ends_the_grace_of_earlier_tokens(
    server: RunningServer,
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    assert server.refresh_reply(dev.tokens.refresh_token, dev.id).status_code == 200
    server.login(dev.user, dev.id)
    late = server.refresh_reply(dev.tokens.refresh_token, dev.id)
    assert (late.status_code, late.json()["kind"]) == (401, "unauthenticated")
