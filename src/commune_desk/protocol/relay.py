"""Wire types of the office relay and of carry bundles (see docs/relay.md).

A relay is the reference server run for one commune in an office; it speaks
protocol v1 to the counters and these few extra calls to the city server.
A carry bundle is the same operations and results, on a USB stick.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from commune_desk.protocol.wire import (
    MAX_PUSH_OPS,
    SHA256_PATTERN,
    Change,
    DeviceProof,
    Lease,
    LeaseRequest,
    Operation,
    OpResult,
    Role,
    Text,
    _Wire,
)

#: Service type a relay advertises on the LAN (zeroconf / DNS-SD).
RELAY_SERVICE_TYPE = "_communedesk._tcp.local."
#: Domain of the signature over a carry manifest.
CARRY_DOMAIN = b"CommuneDesk carry v1"
CARRY_MANIFEST = "manifest.json"
CARRY_SIGNATURE = "manifest.sig"
CARRY_BLOBS = "blobs/"


class RelaySessionRequest(_Wire):
    """A counter opens a session on its office relay with a device proof (purpose ``relay``)."""

    device_id: UUID
    proof: DeviceProof


class SignedOperation(_Wire):
    """An operation with its device's signature of ``op_signing_bytes(op)``."""

    op: Operation
    signature: Text = Field(min_length=1, max_length=200)


class RelayedOperation(_Wire):
    """One counter's operation, forwarded unchanged with the counter's signature.

    ``rebase_on`` is the same device's previous operation on the same record,
    made on the same base (signed too). The city then applies the device's own
    rebase rule: the operation is based on the version that previous operation
    produced, exactly as the counter would have sent it after seeing that
    result. Nothing else about an operation can be changed on the way.
    """

    op: Operation
    signature: Text = Field(min_length=1, max_length=200)
    rebase_on: SignedOperation | None = None


class RelayPushRequest(_Wire):
    """Operations of the commune's counters in the order the relay received them."""

    ops: list[RelayedOperation] = Field(max_length=MAX_PUSH_OPS)


class RelayRegisterRequest(_Wire):
    """A leader marks the calling device as the commune's office relay."""

    name: Text = Field(default="", max_length=200)


class OfficeDevice(_Wire):
    """A device of the relay's commune, as the relay needs to know it."""

    device_id: UUID
    public_key: str | None
    revoked: bool
    last_seq: int
    user_id: int
    username: str
    role: Role
    leases: list[Lease]


class OfficeState(_Wire):
    """What a relay mirrors about its commune's devices (``GET /v1/relay/office``)."""

    commune_code: str
    commune_name: str
    devices: list[OfficeDevice]


class LeaseTransfer(_Wire):
    """Move numbers ``first..last`` of one of the relay's leases to a counter (idempotent)."""

    series: Text = Field(min_length=1, max_length=80)
    first: int = Field(ge=1, le=2**62)
    last: int = Field(ge=1, le=2**62)
    device_id: UUID


class CarryBlob(_Wire):
    """An attachment's bytes in a bundle (``blobs/<sha256>``)."""

    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)


class CarryExport(_Wire):
    """Manifest of a bundle a PC writes for the city (``commune-desk carry export``)."""

    kind: Literal["export"] = "export"
    format: int = 1
    bundle_id: UUID
    created_at: datetime
    device_id: UUID
    commune_code: str
    source_id: str | None = Field(description="The city instance the PC's cursor belongs to.")
    cursor: int = Field(ge=0, description="Changes after this are sent back in the reply.")
    last_seq: int = Field(ge=0)
    ops: list[SignedOperation]
    blobs: list[CarryBlob] = Field(default_factory=list)
    lease_wishes: list[LeaseRequest] = Field(default_factory=list)
    transfers: list[LeaseTransfer] = Field(
        default_factory=list, description="An office relay's sub-leases the city has not heard of."
    )


class CarryReply(_Wire):
    """Manifest of the reply the city writes (``city-server carry import``)."""

    kind: Literal["reply"] = "reply"
    format: int = 1
    bundle_id: UUID
    export_sha256: str = Field(pattern=SHA256_PATTERN)
    created_at: datetime
    device_id: UUID
    commune_code: str
    source_id: str
    results: list[OpResult]
    changes: list[Change]
    cursor: int
    last_seq: int
    leases: list[Lease]


__all__ = [
    "CARRY_BLOBS",
    "CARRY_DOMAIN",
    "CARRY_MANIFEST",
    "CARRY_SIGNATURE",
    "CarryBlob",
    "CarryExport",
    "CarryReply",
    "LeaseTransfer",
    "OfficeDevice",
    "OfficeState",
    "RELAY_SERVICE_TYPE",
    "RelayPushRequest",
    "RelayRegisterRequest",
    "RelaySessionRequest",
    "RelayedOperation",
    "SignedOperation",
]
