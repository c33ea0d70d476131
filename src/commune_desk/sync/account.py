"""The sync account of this installation: who logged in, to which server, from which device.

Public facts (server URL, user name, commune, device id, where the secrets
are) and the offline password verifier are kept in the store's ``settings``
table under ``sync.account`` (``store.settings.SYNC_ACCOUNT``); the refresh
token, the current access token and the private device key live in the OS
keyring, or in the insecure-storage file when IT chose it
(:class:`~commune_desk.sync.credentials.TokenVault`).
"""

from __future__ import annotations

import json
import platform
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete

from commune_desk import protocol as p
from commune_desk.store.identity import is_demo_store
from commune_desk.store.models import NumberLease, Setting
from commune_desk.store.opening import Store
from commune_desk.store.settings import SYNC_ACCOUNT, ensure_device_id, merge_office, put_setting
from commune_desk.sync.client import SyncClient
from commune_desk.sync.credentials import (
    STORAGE_FILE,
    STORAGE_KEYRING,
    FileBackend,
    PasswordVerifier,
    TokenVault,
    insecure_file,
)
from commune_desk.sync.device_key import DeviceKey
from commune_desk.sync.errors import SyncError, SyncErrorKind
from commune_desk.sync.installation import renew_identity_if_forked
from commune_desk.sync.leases import adopt_local_numbers, renew_leases, store_server_leases
from commune_desk.sync.recovery import handshake_request, reconcile
from commune_desk.sync.relay_link import remember_city_key
from commune_desk.sync.staff import adopt_after_login

#: Refresh the access token this many seconds before it expires.
ACCESS_MARGIN_SECONDS = 60

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    """Who this installation syncs as."""

    server_url: str
    username: str
    device_id: str
    commune_code: str
    commune_name: str
    role: str
    verifier: dict[str, object]
    secret_storage: str = STORAGE_KEYRING
    """``keyring`` (the OS keyring) or ``file`` (``--insecure-storage``)."""

    def check_password(self, password: str) -> bool:
        """Offline unlock: whether ``password`` matches the verifier saved at login."""
        return PasswordVerifier.from_json(dict(self.verifier)).check(password)


def device_id(store: Store) -> str:
    """This installation's device UUID, created on first use in the same transaction."""
    with store.write.begin() as session:
        return ensure_device_id(session)


def load_account(store: Store) -> Account | None:
    """The saved account, or None before the first login."""
    with store.read() as session:
        row = session.get(Setting, SYNC_ACCOUNT.key)
        if row is None or not row.value:
            return None
        data = row.value if isinstance(row.value, dict) else json.loads(row.value)
        return Account(**data)


def save_account(store: Store, account: Account) -> None:
    """Replace the saved account."""
    with store.write.begin() as session:
        put_setting(session, SYNC_ACCOUNT, asdict(account))


def vault_for(
    store: Store, account: Account | None = None, *, insecure_storage: bool | None = None
) -> TokenVault:
    """The vault holding this installation's secrets (the account says where)."""
    if insecure_storage is None:
        account = account or load_account(store)
        insecure_storage = account is not None and account.secret_storage == STORAGE_FILE
    if insecure_storage:
        return TokenVault(backend=FileBackend(insecure_file(store.path.parent)))
    return TokenVault()


def device_key(vault: TokenVault, dev: str) -> DeviceKey:
    """This PC's device key, made and kept on first use."""
    text = vault.load_device_key(dev)
    if text:
        return DeviceKey.from_text(text)
    key = DeviceKey.generate()
    vault.save_device_key(dev, key.to_text())
    return key


def with_proof(
    client: SyncClient, key: DeviceKey, purpose: str, dev: str, call: Callable[[p.DeviceProof], T]
) -> T:
    """Run ``call`` with a fresh signed challenge; once more if the challenge expired."""
    for attempt in (0, 1):
        proof = key.prove(purpose, dev, client.challenge(dev).nonce)
        try:
            return call(proof)
        except SyncError as exc:
            if exc.detail != p.ErrorKind.CHALLENGE_EXPIRED or attempt:
                raise
    raise AssertionError("unreachable")


def login(
    store: Store,
    *,
    server_url: str,
    username: str,
    password: str,
    vault: TokenVault | None = None,
    insecure_storage: bool = False,
    timeout: tuple[float, float] = (5.0, 30.0),
) -> Account:
    """Log in online once: secrets to the vault, account + verifier to the store.

    Refuses with ``keyring_unavailable`` before talking to the server when the
    vault cannot keep secrets (no OS keyring and no ``insecure_storage``), and a
    demo store with ``demo_store`` before anything is sent. When the server has
    seen this device id used by another installation (``device_cloned``), this
    PC first becomes a new device.
    """
    refuse_demo_store(store)
    vault = vault or vault_for(store, insecure_storage=insecure_storage)
    vault.check()
    server_url = server_url.rstrip("/")
    renew_identity_if_forked(store)
    dev = device_id(store)
    key = device_key(vault, dev)
    client = SyncClient(server_url, timeout=timeout)
    try:
        tokens = with_proof(
            client,
            key,
            p.PROOF_LOGIN,
            dev,
            lambda proof: client.login(
                p.LoginRequest(
                    username=username,
                    password=password,
                    device_id=uuid.UUID(dev),
                    device_name=platform.node()[:200],
                    public_key=key.public_key,
                    proof=proof,
                )
            ),
        )
        TokenCache(vault, server_url, dev).store(tokens)
        _become_server_numbered(store, server_url)
        # Lease the counter slot and register blocks now, while the link is up:
        # everything the clerk registers from here on is numbered from them.
        client.authenticate = lambda _force: tokens.access_token
        handshake = client.handshake(handshake_request(store, dev))
        with store.write.begin() as session:
            store_server_leases(session, handshake.leases, _utcnow())
            reconcile(session, dev, handshake)
            remember_city_key(session, handshake)
        adopt_local_numbers(store, client, handshake)
        renew_leases(store, client, handshake)
        verifier = PasswordVerifier.create(password).to_json()
        adopt_after_login(store, client, tokens, verifier)
    finally:
        client.close()
    account = Account(
        server_url=server_url,
        username=tokens.username,
        device_id=dev,
        commune_code=tokens.commune_code,
        commune_name=tokens.commune_name,
        role=str(tokens.role),
        verifier=verifier,
        secret_storage=vault.storage,
    )
    save_account(store, account)
    return account


def refuse_demo_store(store: Store) -> None:
    """Raise ``SyncError(DEMO_STORE)`` when the store holds demo data (it never syncs)."""
    with store.read() as session:
        if is_demo_store(session):
            raise SyncError(SyncErrorKind.DEMO_STORE, "demo data never syncs")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _become_server_numbered(store: Store, server_url: str) -> None:
    """From now on numbers come from server leases: drop the PC's own unused leases."""
    with store.write.begin() as session:
        merge_office(session, server_url=server_url)
        session.execute(delete(NumberLease).where(NumberLease.source == "local"))


def unlock_offline(store: Store, username: str, password: str) -> Account:
    """Check the clerk's password against the local verifier (no network)."""
    account = load_account(store)
    if account is None:
        raise SyncError(SyncErrorKind.NOT_LOGGED_IN, "no account on this PC")
    if account.username != username or not account.check_password(password):
        raise SyncError(SyncErrorKind.WRONG_PASSWORD, "password does not match")
    return account


class TokenCache:
    """The access token (keyring, with its expiry) and refresh-on-demand.

    The access token is kept in the keyring too, so a restarted process does
    not have to rotate the refresh token: every rotation whose reply is lost on
    a bad link would otherwise log the clerk out.
    """

    def __init__(self, vault: TokenVault, server_url: str, device_id: str) -> None:
        self.vault = vault
        self.server_url = server_url
        self.device_id = device_id
        self._access_key = f"{server_url}#access"

    def store(self, tokens: p.TokenResponse) -> None:
        """Keep a new token pair (refresh token first: it is the one that matters)."""
        self.vault.save(self.server_url, self.device_id, tokens.refresh_token)
        expires = time.time() + tokens.access_expires_in - ACCESS_MARGIN_SECONDS
        self.vault.save(self._access_key, self.device_id, f"{expires:.0f} {tokens.access_token}")

    def access_token(self, client: SyncClient, *, force: bool) -> str:
        """A valid access token, refreshing through ``client`` when needed."""
        if not force:
            cached = self.vault.load(self._access_key, self.device_id)
            if cached and " " in cached:
                expires, token = cached.split(" ", 1)
                if float(expires) > time.time():
                    return token
        refresh_token = self.vault.load(self.server_url, self.device_id)
        if not refresh_token:
            raise SyncError(SyncErrorKind.NOT_LOGGED_IN, "no refresh token in the keyring")
        key = device_key(self.vault, self.device_id)
        # A lost reply leaves the old refresh token in the vault: sending it again within
        # the server's grace period returns the same new pair.
        tokens = with_proof(
            client,
            key,
            p.PROOF_REFRESH,
            self.device_id,
            lambda proof: client.refresh(
                p.RefreshRequest(
                    refresh_token=refresh_token,
                    device_id=uuid.UUID(self.device_id),
                    public_key=key.public_key,
                    proof=proof,
                )
            ),
        )
        self.store(tokens)
        return tokens.access_token

    def forget(self) -> None:
        """Drop both tokens (revoked device, logout)."""
        self.vault.delete(self.server_url, self.device_id)
        self.vault.delete(self._access_key, self.device_id)
