"""Salted, memory-hard password verifiers (scrypt): check a password with no network.

A verifier is safe to keep in the local store: it cannot be turned back into
the password cheaply. The sync account's offline unlock and every clerk
account of a shared PC use one; no password hash ever comes from the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

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
