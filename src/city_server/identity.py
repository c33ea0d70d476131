"""This server instance's identity and signing key (``server_meta``).

``instance_id`` is the ``source_id`` of the handshake: a client's pull cursor
belongs to the instance that issued it (a city server, or an office relay).
The Ed25519 key signs carry replies; its public half is in every handshake so
PCs can check a reply that arrives on a USB stick.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from city_server.models import ServerMeta, utcnow
from city_server.security import signature_valid


@dataclass(frozen=True)
class ServerIdentity:
    """Instance id and signing key of this server."""

    instance_id: str
    private: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        """The public key as base64 of its 32 raw bytes."""
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode("ascii")

    def sign(self, message: bytes) -> str:
        """Base64 Ed25519 signature of ``message``."""
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def server_identity(session: Session) -> ServerIdentity:
    """The instance's identity, created once (concurrent first calls agree on one row)."""
    row = session.get(ServerMeta, 1)
    if row is None:
        raw = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(
            dialect.insert(ServerMeta)
            .values(
                id=1,
                instance_id=str(uuid.uuid4()),
                signing_key=base64.b64encode(raw).decode("ascii"),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[ServerMeta.id])
        )
        session.commit()
        row = session.scalars(select(ServerMeta).where(ServerMeta.id == 1)).one()
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(row.signing_key))
    return ServerIdentity(instance_id=row.instance_id, private=key)


__all__ = ["ServerIdentity", "server_identity", "signature_valid"]
