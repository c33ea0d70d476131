"""Credentials of the sync account: refresh token in the OS keyring, offline verifier.

The refresh token is a bearer secret: it lives only in the operating system's
keyring (Windows Credential Manager on office PCs), never in a file. What is
kept on disk is the account's public facts and a salted, memory-hard
*password verifier* (scrypt) so the clerk can unlock the application while the
network is down; the verifier cannot be turned back into the password cheaply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors

from commune_desk.sync.errors import SyncError, SyncErrorKind

#: Keyring service name; the keyring "username" is ``{server_url}|{device_id}``.
KEYRING_SERVICE = "CommuneDesk sync"

# scrypt cost: ~16 MiB and a few tens of milliseconds on an old office PC.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32


@dataclass(frozen=True)
class PasswordVerifier:
    """A salted scrypt hash of the clerk's password (safe to store in the local store)."""

    salt: bytes
    digest: bytes
    n: int = _SCRYPT_N
    r: int = _SCRYPT_R
    p: int = _SCRYPT_P

    @classmethod
    def create(cls, password: str) -> PasswordVerifier:
        """Derive a verifier for ``password`` with a fresh random salt."""
        salt = os.urandom(_SALT_BYTES)
        return cls(salt=salt, digest=_scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P))

    def check(self, password: str) -> bool:
        """Whether ``password`` is the one this verifier was made from (constant time)."""
        candidate = _scrypt(password, self.salt, self.n, self.r, self.p)
        return hmac.compare_digest(candidate, self.digest)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form for the store's settings."""
        return {
            "alg": "scrypt",
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "digest": base64.b64encode(self.digest).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PasswordVerifier:
        """Parse the form written by :meth:`to_json`."""
        if data.get("alg") != "scrypt":
            raise ValueError(f"unknown verifier algorithm: {data.get('alg')!r}")
        return cls(
            salt=base64.b64decode(data["salt"]),
            digest=base64.b64decode(data["digest"]),
            n=int(data["n"]),
            r=int(data["r"]),
            p=int(data["p"]),
        )


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=64 * 1024 * 1024,
        dklen=_KEY_BYTES,
    )


class TokenVault:
    """Refresh tokens in the OS keyring, one per (server, device).

    Every keyring failure becomes a :class:`SyncError` of kind
    ``keyring_unavailable`` so the UI can tell the clerk what to do. A backend
    that silently drops secrets (the "null" keyring) is detected on write.
    """

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    @staticmethod
    def _account(server_url: str, device_id: str) -> str:
        return f"{server_url.rstrip('/')}|{device_id}"

    def save(self, server_url: str, device_id: str, refresh_token: str) -> None:
        """Store (or replace) the refresh token; verify the keyring really kept it."""
        account = self._account(server_url, device_id)
        try:
            keyring.set_password(self.service, account, refresh_token)
            kept = keyring.get_password(self.service, account)
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc
        if kept != refresh_token:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, "the keyring backend did not keep the token")

    def load(self, server_url: str, device_id: str) -> str | None:
        """The stored refresh token, or None when there is none."""
        try:
            return keyring.get_password(self.service, self._account(server_url, device_id))
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc

    def delete(self, server_url: str, device_id: str) -> None:
        """Forget the refresh token (logout, revoked device); no error when absent."""
        try:
            keyring.delete_password(self.service, self._account(server_url, device_id))
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise SyncError(SyncErrorKind.KEYRING_UNAVAILABLE, str(exc)) from exc
