"""Password hashing (argon2id), opaque bearer tokens, device-key proofs, sealed successors."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from commune_desk.protocol import proof_message

ACCESS_TOKEN_TTL = 15 * 60
REFRESH_TOKEN_TTL = 180 * 24 * 3600
"""Longer than the longest supported offline period; rotated on every refresh."""
REFRESH_GRACE_SECONDS = 3600
"""How long a rotated refresh token still returns the pair it was exchanged for (lost reply)."""

PRODUCTION_PARAMETERS = RFC_9106_LOW_MEMORY
_HASHER = PasswordHasher.from_parameters(PRODUCTION_PARAMETERS)  # argon2id, 64 MiB, t=3, p=4
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


@functools.cache
def dummy_hash() -> str:
    """Verified for an unknown user, so its reply costs what a wrong password costs.

    It is made with the production parameters: argon2 verification costs what the
    hash's own parameters say, so a cheap dummy would tell unknown users apart.
    """
    return _HASHER.hash("timing-equaliser")


def hash_password(password: str, *, fast: bool = False) -> str:
    """Hash with argon2id. ``fast`` lowers the cost for test fixtures only."""
    return (_FAST_HASHER if fast else _HASHER).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an unknown user still costs one production-cost verification."""
    try:
        return _HASHER.verify(password_hash or dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh random bearer token (URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, so a database leak yields no tokens."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def public_key_valid(public_key: str) -> bool:
    """Whether ``public_key`` is a base64 Ed25519 public key (32 raw bytes)."""
    try:
        raw = base64.b64decode(public_key, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        return False
    return True


def signature_valid(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is ``public_key``'s Ed25519 signature of ``message``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        raw = base64.b64decode(signature, validate=True)
        if base64.b64encode(raw).decode("ascii") != signature:
            return False  # one text per signature: no other spelling of the same bytes is accepted
        key.verify(raw, message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def verify_proof(public_key: str, purpose: str, device_id: str, nonce: str, signature: str) -> bool:
    """Whether ``signature`` is the device key's signature of the proof message."""
    return signature_valid(public_key, proof_message(purpose, device_id, nonce), signature)


def _successor_key(refresh_token: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"CommuneDesk refresh successor v1"
    ).derive(refresh_token.encode())


def seal_successor(old_refresh_token: str, pair: dict[str, str]) -> bytes:
    """Encrypt the pair a refresh token was rotated to, under a key only its holder has."""
    nonce = os.urandom(12)
    data = json.dumps(pair, sort_keys=True).encode()
    return nonce + AESGCM(_successor_key(old_refresh_token)).encrypt(nonce, data, None)


def open_successor(old_refresh_token: str, box: bytes) -> dict[str, str] | None:
    """The pair sealed by :func:`seal_successor`, or None when the box does not open."""
    try:
        data = AESGCM(_successor_key(old_refresh_token)).decrypt(box[:12], box[12:], None)
    except (InvalidTag, ValueError):
        return None
    pair = json.loads(data)
    return pair if isinstance(pair, dict) else None
