"""This PC's device key: an Ed25519 key pair that proves to the city server which PC is calling.

The private key is made at the first login and kept with the other secrets
(:class:`~commune_desk.sync.credentials.TokenVault`: the OS keyring, or the
insecure-storage file when IT chose it). The server keeps the public key;
every login and refresh signs a fresh server nonce with the private key, so
knowing a device id is not enough to act as that device.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING

from commune_desk import protocol as p

if TYPE_CHECKING:  # cryptography is imported when a key is first made, read or checked
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass(frozen=True)
class DeviceKey:
    """An Ed25519 private key with the operations the protocol needs."""

    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> DeviceKey:
        """A new random key pair."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> DeviceKey:
        """Parse the form written by :meth:`to_text` (base64 of the 32 raw private bytes)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True)))

    def to_text(self) -> str:
        """The private key as base64 text, for the keyring (a secret: never log it)."""
        from cryptography.hazmat.primitives import serialization

        raw = self.private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return base64.b64encode(raw).decode("ascii")

    @property
    def public_key(self) -> str:
        """The public key as the server stores it (base64 of 32 raw bytes)."""
        from cryptography.hazmat.primitives import serialization

        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """What a leader compares before re-binding this PC (``ABCD-EF01-...``)."""
        return p.key_fingerprint(self.public_key)

    def sign_operation(self, op: p.Operation) -> str:
        """Base64 signature of one operation (an office relay forwards it to the city)."""
        return base64.b64encode(self.private.sign(p.op_signing_bytes(op))).decode("ascii")

    def sign(self, message: bytes) -> str:
        """Base64 signature of ``message`` (carry bundles)."""
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    def prove(self, purpose: str, device_id: str, nonce: str) -> p.DeviceProof:
        """Sign the server's ``nonce`` for ``purpose`` (login or refresh)."""
        signature = self.private.sign(p.proof_message(purpose, device_id, nonce))
        return p.DeviceProof(nonce=nonce, signature=base64.b64encode(signature).decode("ascii"))


def signature_valid(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is ``public_key``'s Ed25519 signature of ``message``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        raw = base64.b64decode(signature, validate=True)
        if base64.b64encode(raw).decode("ascii") != signature:
            return False  # one text per signature: no other spelling of the same bytes is accepted
        key.verify(raw, message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True
