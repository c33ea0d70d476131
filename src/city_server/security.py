"""Password hashing (argon2id) and opaque bearer tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

ACCESS_TOKEN_TTL = 15 * 60
REFRESH_TOKEN_TTL = 180 * 24 * 3600
"""Longer than the longest supported offline period; rotated on every refresh."""

_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)  # argon2id, 64 MiB, t=3
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
_DUMMY_HASH = _FAST_HASHER.hash("timing-equaliser")


def hash_password(password: str, *, fast: bool = False) -> str:
    """Hash with argon2id. ``fast`` lowers the cost for test fixtures only."""
    return (_FAST_HASHER if fast else _HASHER).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an unknown user still costs one verification."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh random bearer token (URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so a database leak yields no tokens."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
