"""The relay's own session at the city: its device key, refresh token, and registration.

``city-server relay login`` registers the relay once (a leader's password,
online): a device key is made, the leader's login binds it, the device is
marked as the commune's relay, and the refresh token and key are kept in the
relay database. Every cycle gets an access token from that refresh token with
a device proof, like a counter does (rotation with the city's grace period
covers a reply lost on a bad link).
"""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy.orm import Session, sessionmaker

from city_server.relay import office as office_mod
from city_server.relay_models import RelayIdentity
from commune_desk import protocol as p
from commune_desk.sync.client import DEFAULT_TIMEOUT, SyncClient
from commune_desk.sync.device_key import DeviceKey
from commune_desk.sync.errors import SyncError, SyncErrorKind

_TOKENS: dict[int, tuple[str, float]] = {}
_LOCK = threading.Lock()


def _proof(client: SyncClient, key: DeviceKey, purpose: str, device_id: str) -> p.DeviceProof:
    return key.prove(purpose, device_id, client.challenge(device_id).nonce)


def register_relay(
    sessions: sessionmaker[Session],
    *,
    city_url: str,
    username: str,
    password: str,
    name: str = "",
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> RelayIdentity:
    """Log in as a leader from a new relay device, mark it as the relay, keep its secrets."""
    city_url = city_url.rstrip("/")
    key = DeviceKey.generate()
    device_id = str(uuid.uuid4())
    with sessions() as session:
        old = office_mod.identity(session)
        if old is not None:
            key, device_id = DeviceKey.from_text(old.private_key), old.device_id
    client = SyncClient(city_url, timeout=timeout)
    try:
        tokens = client.login(
            p.LoginRequest(
                username=username,
                password=password,
                device_id=uuid.UUID(device_id),
                device_name=name or "relay",
                public_key=key.public_key,
                proof=_proof(client, key, p.PROOF_LOGIN, device_id),
            )
        )
        client.authenticate = lambda _force: tokens.access_token
        client.relay_register(name or "relay")
    finally:
        client.close()
    with sessions() as session:
        row = session.get(RelayIdentity, 1) or RelayIdentity(id=1)
        row.city_url, row.device_id, row.private_key = city_url, device_id, key.to_text()
        row.refresh_token, row.username, row.commune_code = (
            tokens.refresh_token,
            tokens.username,
            tokens.commune_code,
        )
        session.merge(row)
        office_mod.ensure_commune(session, tokens.commune_code, tokens.commune_name)
        session.commit()
    with _LOCK:
        _TOKENS.pop(id(sessions), None)
    with sessions() as session:
        return session.get_one(RelayIdentity, 1)


def upstream_client(
    sessions: sessionmaker[Session], *, timeout: tuple[float, float] = DEFAULT_TIMEOUT
) -> tuple[SyncClient, str]:
    """A client for the city, authenticated as the relay; and the relay's device id."""
    with sessions() as session:
        ident = office_mod.identity(session)
        if ident is None:
            raise SyncError(SyncErrorKind.NOT_LOGGED_IN, "run city-server relay login first")
        city_url, device_id = ident.city_url, ident.device_id
        key = DeviceKey.from_text(ident.private_key)

    def authenticate(force: bool) -> str:
        with _LOCK:
            cached = _TOKENS.get(id(sessions))
            if cached and not force and cached[1] > time.time():
                return cached[0]
            with sessions() as session:
                refresh_token = session.get_one(RelayIdentity, 1).refresh_token
            tokens = client.refresh(
                p.RefreshRequest(
                    refresh_token=refresh_token,
                    device_id=uuid.UUID(device_id),
                    proof=_proof(client, key, p.PROOF_REFRESH, device_id),
                )
            )
            with sessions() as session:
                session.get_one(RelayIdentity, 1).refresh_token = tokens.refresh_token
                session.commit()
            _TOKENS[id(sessions)] = (tokens.access_token, time.time() + tokens.access_expires_in - 60)
            return tokens.access_token

    client = SyncClient(city_url, timeout=timeout, authenticate=authenticate)
    return client, device_id
