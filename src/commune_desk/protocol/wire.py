"""Wire types of the CommuneDesk sync protocol, version 1.

Shared by the desktop client and the reference city server (``city_server``)
through :mod:`commune_desk.protocol`. It depends only on pydantic, the standard
library and ``commune_desk.domain``, so the server imports it without the
store, Qt or requests. The prose specification is ``docs/protocol.md``; the
two must agree.

Conventions:

* Every path starts with :data:`API_PREFIX` (``/v1``).
* UUIDs are lower-case hyphenated text; times are ISO 8601 with a UTC offset.
* Errors (any non-2xx reply) carry an :class:`ErrorBody` with a
  machine-readable :class:`ErrorKind`; the client maps kinds to Vietnamese text.
* Per-operation outcomes of a push are :class:`OpResult` values, never HTTP
  errors: one rejected operation never blocks the rest of the batch.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from commune_desk.domain.roles import Role  # user roles: the domain's, one definition
from commune_desk.protocol.text import is_clean_text

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"

# ---------------------------------------------------------------------------
# Limits (the server advertises the values it enforces in the handshake).
# ---------------------------------------------------------------------------

MAX_PUSH_OPS = 500
"""Most operations accepted in one push request."""
MAX_BODY_BYTES = 4 * 1024 * 1024
"""Largest request body after gzip decompression (JSON endpoints)."""
DEFAULT_PULL_LIMIT = 500
MAX_PULL_LIMIT = 1000
BLOB_CHUNK_SIZE = 256 * 1024
"""Chunk size clients use when uploading a blob (deterministic chunking)."""
MAX_CHUNK_BYTES = 1024 * 1024
"""Largest single blob chunk the server accepts in one request."""
MAX_BLOB_BYTES = 200 * 1024 * 1024
CLOCK_WARNING_SECONDS = 300
"""Clock offset above which the handshake tells the client to warn the clerk."""
DEFAULT_LEASE_SIZE = 20
MAX_LEASE_SIZE = 500
MAX_NUMBER = 2**53 - 1
"""Largest seq, cursor or number on the wire (exact in every JSON reader)."""
MAX_REPORTED = 2000
"""Most leases or marks one handshake may report."""

GZIP_ENCODING = "gzip"

# Field names the server interprets (all other fields are opaque to it).
FIELD_CODE = "code"
"""dossier: the dossier code ``{unit}-{yyMMdd}-{NNNN}``."""
FIELD_SERIES = "series"
"""incoming_document / outgoing_document / number_void: register series name."""
FIELD_NUMBER = "number"
"""Register number (int), or null with ``provisional: true``."""
FIELD_PROVISIONAL = "provisional"
"""True when the number was not issued from a lease; the server assigns it."""
FIELD_DOSSIER_ID = "dossier_id"
"""dossier_event: the dossier the event belongs to."""
FIELD_EVENT_KIND = "kind"
"""dossier_event: an EventKind value of commune_desk.domain.dossier."""
FIELD_SHA256 = "sha256"
"""attachment: SHA-256 of the content blob (must be complete on the server)."""
FIELD_RESTORED = "restored"
"""Wire-only, on a create: a record the server held and lost with a restore of its
database, given back by a PC that has it (see docs/protocol.md, "Server epochs")."""


class Entity(StrEnum):
    """Kinds of synchronised records. ``conflict`` is written only by the server."""

    DOSSIER = "dossier"
    DOSSIER_EVENT = "dossier_event"
    ATTACHMENT = "attachment"
    INCOMING_DOCUMENT = "incoming_document"
    OUTGOING_DOCUMENT = "outgoing_document"
    NUMBER_VOID = "number_void"
    CONFLICT_RESOLUTION = "conflict_resolution"
    CONFLICT = "conflict"
    #: The office's working calendar (one record per commune: holidays, swaps, office hours).
    CALENDAR = "calendar"


CLIENT_ENTITIES = frozenset(Entity) - {Entity.CONFLICT}
"""Entities a client may push."""


class Action(StrEnum):
    """What an operation does to its record."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class OutboxState(StrEnum):
    """Where a local outbox operation is: ``pending`` → ``in_flight`` → ``done`` or ``quarantined``."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    QUARANTINED = "quarantined"
    RELAYED = "relayed"
    """Held by an office relay: sent again each round until the city's result comes back."""


#: States of an operation the city server has not settled yet.
OPEN_OUTBOX_STATES = (OutboxState.PENDING, OutboxState.IN_FLIGHT, OutboxState.RELAYED)
#: Open operations that have not reached any server yet (or whose reply was lost).
SENDABLE_OUTBOX_STATES = (OutboxState.PENDING, OutboxState.IN_FLIGHT)


class OpStatus(StrEnum):
    """Outcome of one pushed operation."""

    APPLIED = "applied"
    """The change was applied; ``version`` is the record's new version."""
    DUPLICATE = "duplicate"
    """The server already held exactly this state (no new version)."""
    CONFLICT = "conflict"
    """Non-conflicting fields were applied; the rest are in a conflict record."""
    REJECTED = "rejected"
    """Nothing was applied; ``kind`` says why. The client quarantines the op."""
    RELAYED = "relayed"
    """An office relay holds the op for the city; ``version`` is the version it predicts.

    Only a relay answers this. The client keeps the op open (state ``relayed``)
    and sends it again in later rounds until the city's own result comes back.
    """


class ErrorKind(StrEnum):
    """Machine-readable reasons, for HTTP errors and for rejected/conflicting ops."""

    # HTTP-level: authentication and scope
    INVALID_CREDENTIALS = "invalid_credentials"
    UNAUTHENTICATED = "unauthenticated"
    TOKEN_EXPIRED = "token_expired"
    DEVICE_REVOKED = "device_revoked"
    DEVICE_MISMATCH = "device_mismatch"
    DEVICE_KEY_REQUIRED = "device_key_required"
    DEVICE_KEY_MISMATCH = "device_key_mismatch"
    CHALLENGE_EXPIRED = "challenge_expired"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    # HTTP-level: request shape and transport
    INVALID_REQUEST = "invalid_request"
    BODY_TOO_LARGE = "body_too_large"
    BAD_ENCODING = "bad_encoding"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    # Blobs
    OFFSET_MISMATCH = "offset_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    SIZE_MISMATCH = "size_mismatch"
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable"
    # Leases
    UNKNOWN_SERIES = "unknown_series"
    NO_FREE_SLOT = "no_free_slot"
    RECOVERING = "recovering"
    # Per-operation reasons (OpResult.kind)
    SEQ_REUSED = "seq_reused"
    SEQ_GAP = "seq_gap"
    DEVICE_CLONED = "device_cloned"
    OP_ID_REUSED = "op_id_reused"
    ENTITY_NOT_ALLOWED = "entity_not_allowed"
    UNKNOWN_ENTITY = "unknown_entity"
    INVALID_OPERATION = "invalid_operation"
    INVALID_FIELDS = "invalid_fields"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_CHARACTERS = "invalid_characters"
    TEXT_TOO_LONG = "text_too_long"
    UNKNOWN_RECORD = "unknown_record"
    RECORD_DELETED = "record_deleted"
    APPEND_ONLY = "append_only"
    UNKNOWN_DOSSIER = "unknown_dossier"
    UNKNOWN_EVENT_KIND = "unknown_event_kind"
    ILLEGAL_TRANSITION = "illegal_transition"
    FIELD_CONFLICT = "field_conflict"
    DELETE_CONFLICT = "delete_conflict"
    NUMBER_OUTSIDE_LEASE = "number_outside_lease"
    NUMBER_TAKEN = "number_taken"
    NUMBER_IMMUTABLE = "number_immutable"
    NO_NUMBER_AVAILABLE = "no_number_available"
    BLOB_INCOMPLETE = "blob_incomplete"
    UNKNOWN_CONFLICT = "unknown_conflict"
    CONFLICT_ALREADY_RESOLVED = "conflict_already_resolved"
    ROLE_FORBIDDEN = "role_forbidden"
    """The operation's actor is not a user of the commune whose role allows it."""
    # Office relay (docs/relay.md)
    BAD_SIGNATURE = "bad_signature"
    NOT_A_RELAY = "not_a_relay"


RETRYABLE_HTTP_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def is_retryable_status(status_code: int) -> bool:
    """Whether an HTTP status means "keep the work queued and retry with backoff".

    Network errors and timeouts (no status at all) are retryable too. Any
    other 4xx is a rejection: retrying the same request cannot succeed.
    """
    return status_code in RETRYABLE_HTTP_STATUSES or status_code >= 500


def _line(value: str) -> str:
    if not is_clean_text(value):
        raise ValueError("control character or lone surrogate in text")
    return value


def _note(value: str) -> str:
    if not is_clean_text(value, multiline=True):
        raise ValueError("control character or lone surrogate in text")
    return value


Text = Annotated[str, AfterValidator(_line)]
"""One line of text every database and JSON writer can store (see ``protocol.text``)."""
Note = Annotated[str, AfterValidator(_note)]
"""Text that may hold line breaks and tabs, otherwise as clean as :data:`Text`."""

#: Largest integer on the wire (seq, versions, numbers): every JSON reader reads it exactly.
MAX_SAFE_INTEGER = 2**53 - 1


class _Wire(BaseModel):
    """Base of all wire types: unknown fields are ignored (forward compatible)."""

    model_config = ConfigDict(extra="ignore", frozen=False, allow_inf_nan=False)


class ErrorBody(_Wire):
    """Body of every non-2xx reply."""

    kind: str = Field(description="An ErrorKind value (clients treat unknown kinds by status).")
    message: str = Field(description="English text for logs; never shown to the clerk as-is.")
    retryable: bool = Field(description="True for 408/425/429/5xx replies.")
    details: dict[str, Any] = Field(default_factory=dict)


# ---------------------------------------------------------------------------
# Authentication and devices
# ---------------------------------------------------------------------------


#: Seconds a device-proof challenge stays usable (it is usable once).
CHALLENGE_TTL_SECONDS = 120
#: Purposes a device proof is made for (part of the signed message).
PROOF_LOGIN = "login"
PROOF_REFRESH = "refresh"
PROOF_RELAY = "relay"
_PROOF_DOMAIN = b"CommuneDesk device proof v1"
_OP_DOMAIN = b"CommuneDesk operation v1"

PublicKeyText = Annotated[str, Field(min_length=40, max_length=64, pattern=r"^[A-Za-z0-9+/=]+$")]
"""An Ed25519 public key: its 32 raw bytes in standard base64."""


def proof_message(purpose: str, device_id: UUID | str, nonce: str) -> bytes:
    """The bytes a device signs to prove it holds its key.

    Binding the purpose and the device id stops a signature made for one use
    (or one device) from being replayed for another; the nonce is single-use.
    """
    return b"\x00".join((_PROOF_DOMAIN, purpose.encode(), str(device_id).lower().encode(), nonce.encode()))


def key_fingerprint(public_key: str) -> str:
    """A short, human-comparable fingerprint of a public key (read aloud by a leader)."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = public_key.encode()
    digest = hashlib.sha256(raw).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def canonical_json(value: Any) -> bytes:
    """One byte form of a JSON value: sorted keys, no spaces, UTF-8 (what is signed)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def op_signing_bytes(op: Operation) -> bytes:
    """The bytes a device signs for one operation (forwarded by a relay, carried on a stick).

    Everything of the operation is covered, ``base_version`` included: a relay
    may only *lower* the base it forwards (``RelayedOperation.relay_base``).
    """
    return b"\x00".join((_OP_DOMAIN, canonical_json(op.model_dump(mode="json"))))


class ChallengeRequest(_Wire):
    """Ask for a nonce to sign before a login or a refresh from ``device_id``."""

    device_id: UUID


class Challenge(_Wire):
    """A single-use nonce for :func:`proof_message` (any device id gets one)."""

    nonce: str
    expires_in: int = Field(description="Seconds the nonce stays usable.")


class DeviceProof(_Wire):
    """A signature by the device key over ``proof_message(purpose, device_id, nonce)``."""

    nonce: Text = Field(min_length=1, max_length=100)
    signature: Text = Field(min_length=1, max_length=200, description="Ed25519 signature, standard base64.")


class LoginRequest(_Wire):
    """Log a user in from one device; the tokens are bound to that device.

    A new device registers ``public_key``; a known device proves it holds the
    key it registered. ``proof`` is required in both cases.
    """

    username: Text = Field(min_length=1, max_length=100)
    password: Text = Field(min_length=1, max_length=1000)
    device_id: UUID
    device_name: Text = Field(default="", max_length=200)
    public_key: PublicKeyText | None = None
    proof: DeviceProof | None = None


class RefreshRequest(_Wire):
    """Exchange a refresh token for the next token pair, proving the device key.

    ``public_key`` is only read for a device registered before device keys
    existed: the refresh binds it.
    """

    refresh_token: Text = Field(min_length=1, max_length=200)
    device_id: UUID
    public_key: PublicKeyText | None = None
    proof: DeviceProof | None = None


class TokenResponse(_Wire):
    """A fresh access token (short-lived) and refresh token (rotated on use)."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    access_expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires.")
    device_id: UUID
    username: str
    role: Role
    commune_code: str
    commune_name: str


class DeviceInfo(_Wire):
    """A device registered in the caller's commune."""

    device_id: UUID
    name: str
    username: str
    registered_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    drain_until: datetime | None = Field(default=None, description="Revoked with a drain open until then.")
    drained_at: datetime | None = Field(default=None, description="When the revoked device said it drained.")
    key_fingerprint: str | None = Field(default=None, description="Fingerprint of the registered device key.")
    pending_public_key: str | None = Field(
        default=None, description="A key the device offered at a refused login (to re-bind)."
    )
    pending_key_fingerprint: str | None = None


class DeviceRebindRequest(_Wire):
    """Accept a new device key for a device (its old key was lost): audited."""

    public_key: PublicKeyText


class DeviceList(_Wire):
    """Devices of the caller's commune."""

    devices: list[DeviceInfo]


class RevokeRequest(_Wire):
    """How to revoke a device.

    ``drain`` (the default) lets the device still deliver the operations it made
    before it learnt of the revocation, for ``drain_days``; its leases stay held
    until it has drained (or the window ends), so nobody else is given numbers
    it may have printed. ``drain: false`` (a stolen PC) refuses it at once.
    """

    drain: bool = True
    drain_days: int = Field(default=30, ge=1, le=365)


# ---------------------------------------------------------------------------
# Handshake and number-series leases
# ---------------------------------------------------------------------------


class LeaseRequest(_Wire):
    """Ask for a counter slot (dossier-code series) or a block (register books).

    For a dossier-code series the server returns the slot this device already
    holds, or the lowest free one; ``size`` is ignored. For a register book it
    returns a new block of ``size`` consecutive numbers.
    """

    series: Text = Field(min_length=1, max_length=80)
    size: int = Field(default=DEFAULT_LEASE_SIZE, ge=1, le=MAX_LEASE_SIZE)


class Lease(_Wire):
    """Numbers ``first..last`` (inclusive) of ``series`` reserved for one device."""

    lease_id: int
    series: str
    device_id: UUID
    first: int
    last: int
    slot: int | None = Field(default=None, description="Counter slot k for dossier codes.")
    granted_at: datetime
    marks: dict[str, int] = Field(
        default_factory=dict,
        description="A counter slot just granted: the highest number used in it per code day "
        "(recent days, by an earlier holder): the new holder continues above.",
    )


class LeaseList(_Wire):
    """The leases a device holds."""

    leases: list[Lease]


class HeldLease(_Wire):
    """A lease as the PC holds it (reported in the handshake so a restored server can rebuild)."""

    series: Text = Field(min_length=1, max_length=80)
    first: int = Field(ge=1, le=MAX_NUMBER)
    last: int = Field(ge=1, le=MAX_NUMBER)
    slot: int | None = Field(default=None, ge=1, le=9)


class DeviceReport(_Wire):
    """What this PC holds and has issued, reported in every handshake.

    A server restored from an older backup rebuilds each series' next number
    and each counter slot's high-water marks from these reports, so it never
    hands out a number or code a PC has already used.
    """

    leases: list[HeldLease] = Field(default_factory=list, max_length=MAX_REPORTED)
    codes: dict[Text, int] = Field(
        default_factory=dict,
        max_length=MAX_REPORTED,
        description="Code-day series ``dossier-code/{unit}/{yyMMdd}`` -> highest daily number issued.",
    )
    numbers: dict[Text, int] = Field(
        default_factory=dict,
        max_length=MAX_REPORTED,
        description="Register series -> highest number issued by this PC.",
    )


class HighWaterMarks(_Wire):
    """What the server knows this device (or its slot) has used: counters continue above."""

    codes: dict[str, int] = Field(
        default_factory=dict,
        description="Code-day series ``dossier-code/{unit}/{yyMMdd}`` -> highest number used in "
        "the device's counter slot that day (by any holder of the slot).",
    )
    numbers: dict[str, int] = Field(
        default_factory=dict, description="Register series -> highest number used in the device's blocks."
    )


class HandshakeRequest(_Wire):
    """First call of every sync round."""

    protocol_version: int = Field(ge=1)
    client_time: datetime
    app_version: Text = Field(default="", max_length=50)
    epoch: Text | None = Field(
        default=None, max_length=64, description="The commune epoch this PC last synced in (null: never)."
    )
    seen_cursor: int = Field(default=0, ge=0, le=MAX_NUMBER, description="Highest change seq pulled.")
    confirmed_seq: int = Field(
        default=0, ge=0, le=MAX_NUMBER, description="Highest op seq of this device the server confirmed."
    )
    report: DeviceReport | None = None
    marks_days: int = Field(
        default=3,
        ge=1,
        le=400,
        description="How many recent days of dossier-code marks to return (a restored PC asks for more).",
    )


class ServerLimits(_Wire):
    """Limits the server enforces; clients size their requests to fit."""

    max_push_ops: int = MAX_PUSH_OPS
    max_body_bytes: int = MAX_BODY_BYTES
    max_pull_limit: int = MAX_PULL_LIMIT
    blob_chunk_size: int = BLOB_CHUNK_SIZE
    max_chunk_bytes: int = MAX_CHUNK_BYTES
    max_blob_bytes: int = MAX_BLOB_BYTES


class HandshakeResponse(_Wire):
    """Server facts a client needs before pushing and pulling."""

    protocol_version: int
    server_time: datetime
    clock_offset_seconds: float = Field(description="server_time - client_time, in seconds.")
    clock_warning: bool = Field(description="True when |offset| > CLOCK_WARNING_SECONDS.")
    device_id: UUID
    last_seq: int = Field(description="Highest op seq of this device the server has recorded.")
    cursor: int = Field(description="Latest change seq of the commune.")
    commune_code: str
    leases: list[Lease]
    limits: ServerLimits
    epoch: str = Field(
        default="",
        description="Changes whenever the server's database is restored or replaced: the PC then "
        "pulls again from zero and re-sends its confirmed operations above ``last_seq``.",
    )
    marks: HighWaterMarks = Field(default_factory=lambda: HighWaterMarks())
    drain_until: datetime | None = Field(
        default=None,
        description="Set when the device was revoked with a drain: it may only push the operations "
        "it made before, until this time, then says ``drained``.",
    )
    source_id: str | None = Field(
        default=None,
        description="Identity of the answering server instance (city or relay); a cursor "
        "is valid only with the source that issued it.",
    )
    relay: bool = Field(default=False, description="True when an office relay answers.")
    server_key: str | None = Field(
        default=None, description="The city server's Ed25519 public key (signs carry replies)."
    )


# ---------------------------------------------------------------------------
# Push
# ---------------------------------------------------------------------------


class Operation(_Wire):
    """One outbox operation. ``(device_id, seq)`` and ``op_id`` identify it."""

    op_id: UUID
    device_id: UUID
    seq: int = Field(ge=1, le=MAX_SAFE_INTEGER, description="Positive, below 2**53.")
    entity: Entity
    entity_id: UUID
    action: Action
    base_version: int | None = Field(default=None, ge=0, le=MAX_SAFE_INTEGER)
    fields: dict[str, Any] = Field(default_factory=dict)
    actor: Text | None = Field(
        default=None,
        max_length=100,
        description="User name of the person signed in on the PC who made the change "
        "(null: the device's own user). Leader-only changes are checked against it.",
    )


class PushRequest(_Wire):
    """A batch of operations of the calling device, in seq order."""

    ops: list[Operation] = Field(max_length=MAX_PUSH_OPS)
    skip_to: int | None = Field(
        default=None,
        ge=1,
        le=MAX_NUMBER,
        description="The device declares that the seqs it never delivered below this one will never "
        "come (lost by a restore of its store, or set aside before sending); the server records it.",
    )
    signatures: list[Text] | None = Field(
        default=None,
        max_length=MAX_PUSH_OPS,
        description="One Ed25519 signature of op_signing_bytes(op) per op (required by a relay).",
    )


class ReceivedPush(_Wire):
    """A push as the server reads it: each operation on its own.

    An operation that is not well formed stays a JSON object and is answered
    ``rejected`` (``invalid_operation``, ``unknown_entity``) while the others
    are applied; the batch as a whole is refused only when it is not a list of
    JSON objects.
    """

    ops: list[Annotated[Operation | dict[str, Any], Field(union_mode="left_to_right")]] = Field(
        max_length=MAX_PUSH_OPS
    )
    skip_to: int | None = Field(default=None, ge=1, le=MAX_NUMBER, description="As in PushRequest.")


class OpResult(_Wire):
    """Outcome of one operation; a replay returns the stored result."""

    op_id: UUID
    seq: int
    status: OpStatus
    kind: str | None = Field(default=None, description="ErrorKind for conflict/rejected.")
    message: str | None = None
    version: int | None = Field(default=None, description="Record version after the op.")
    assigned_number: int | None = Field(
        default=None, description="Number given to a provisional register entry."
    )
    conflict_id: UUID | None = None
    replayed: bool = Field(default=False, description="True when this is a stored result.")
    expected_seq: int | None = Field(default=None, description="With ``seq_gap``: the seq expected next.")


class PushResponse(_Wire):
    """One result per pushed operation, in request order."""

    results: list[OpResult]
    cursor: int = Field(description="Latest change seq of the commune after the push.")


# ---------------------------------------------------------------------------
# Pull
# ---------------------------------------------------------------------------


class Change(_Wire):
    """Current state of one record as of change ``seq`` (full field snapshot)."""

    seq: int
    entity: Entity
    entity_id: UUID
    version: int
    deleted: bool = Field(description="Tombstone: the record was deleted; fields are empty.")
    fields: dict[str, Any]


class PullResponse(_Wire):
    """A page of changes after the request's cursor, in seq order."""

    changes: list[Change]
    cursor: int = Field(description="Store this and send it as ``after`` next time.")
    has_more: bool


class ReceivedPull(_Wire):
    """A pull page as the client reads it: a change it cannot read stays a JSON object.

    ``protocol.validation.checked_page`` keeps the changes that pass the rules;
    the others are skipped (logged), and the cursor still moves past them.
    """

    changes: list[Annotated[Change | dict[str, Any], Field(union_mode="left_to_right")]]
    cursor: int
    has_more: bool


# ---------------------------------------------------------------------------
# Conflicts (records of entity ``conflict``, delivered by pull)
# ---------------------------------------------------------------------------


class FieldConflict(_Wire):
    """Both values of one field changed on both sides."""

    server: Any = None
    client: Any = None


class ConflictFields(_Wire):
    """The ``fields`` of a ``conflict`` record."""

    kind: str = Field(description="field_conflict, delete_conflict or illegal_transition.")
    target_entity: Entity
    target_entity_id: UUID
    op_id: UUID
    device_id: UUID
    base_version: int | None
    server_version: int | None
    fields: dict[str, FieldConflict] = Field(default_factory=dict)
    status: str = Field(default="open", description="open or resolved.")
    resolution_id: UUID | None = None
    resolved_by: str | None = None


class ConflictResolutionFields(_Wire):
    """``fields`` of a ``conflict_resolution`` create op.

    ``chosen`` holds the value picked by the clerk for each conflicting field;
    the server applies them to the target record as a new version and marks
    the conflict resolved. For an illegal transition ``chosen`` is empty: the
    rejected event stays out of the history and the clerk records a legal
    event instead.
    """

    conflict_id: UUID
    chosen: dict[str, Any] = Field(default_factory=dict)
    note: Note = Field(default="", max_length=2000)


# ---------------------------------------------------------------------------
# Blobs
# ---------------------------------------------------------------------------

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class BlobStartRequest(_Wire):
    """Announce an upload: total size in bytes of the blob with this SHA-256."""

    size: int = Field(ge=0, le=MAX_BLOB_BYTES)


class BlobStatus(_Wire):
    """Upload state: resume by sending bytes from ``received``."""

    sha256: str
    size: int
    received: int
    complete: bool


# ---------------------------------------------------------------------------
# Number gaps
# ---------------------------------------------------------------------------


class Gap(_Wire):
    """A number of a register series below its highest used number, never used nor voided."""

    series: str
    number: int
    leased_to: UUID | None = Field(description="Device holding the number's lease, if any.")


class GapReport(_Wire):
    """All gaps of the caller's commune (register books)."""

    gaps: list[Gap]


# ---------------------------------------------------------------------------
# Staff of the commune: accounts for the shared PCs, role rules
# ---------------------------------------------------------------------------


class StaffMember(_Wire):
    """A user of the caller's commune (never a password or its hash)."""

    username: str
    full_name: str = ""
    role: Role
    active: bool = True


class StaffList(_Wire):
    """The commune's users and its role rules ``{permission: [roles]}``."""

    members: list[StaffMember]
    rules: dict[str, list[str]] = Field(default_factory=dict)


class VerifyUserRequest(_Wire):
    """A person's first sign-in on a PC: is this the password of this user of the commune?"""

    username: Text = Field(min_length=1, max_length=100)
    password: Text = Field(min_length=1, max_length=1000)


class RulesUpdate(_Wire):
    """New role rules of the commune, decided by ``actor`` (who needs the settings permission)."""

    rules: dict[str, list[Text]]
    actor: Text = Field(min_length=1, max_length=100)


__all__ = [
    "PROOF_RELAY",
    "SENDABLE_OUTBOX_STATES",
    "canonical_json",
    "op_signing_bytes",
    "API_PREFIX",
    "Action",
    "BLOB_CHUNK_SIZE",
    "BlobStartRequest",
    "BlobStatus",
    "CHALLENGE_TTL_SECONDS",
    "CLIENT_ENTITIES",
    "CLOCK_WARNING_SECONDS",
    "Challenge",
    "ChallengeRequest",
    "Change",
    "ConflictFields",
    "ConflictResolutionFields",
    "DEFAULT_LEASE_SIZE",
    "DEFAULT_PULL_LIMIT",
    "DeviceInfo",
    "DeviceList",
    "DeviceProof",
    "DeviceRebindRequest",
    "DeviceReport",
    "Entity",
    "ErrorBody",
    "ErrorKind",
    "FIELD_CODE",
    "FIELD_DOSSIER_ID",
    "FIELD_EVENT_KIND",
    "FIELD_NUMBER",
    "FIELD_PROVISIONAL",
    "FIELD_RESTORED",
    "FIELD_SERIES",
    "FIELD_SHA256",
    "FieldConflict",
    "GZIP_ENCODING",
    "Gap",
    "GapReport",
    "HandshakeRequest",
    "HandshakeResponse",
    "HeldLease",
    "HighWaterMarks",
    "Lease",
    "LeaseList",
    "LeaseRequest",
    "LoginRequest",
    "MAX_BLOB_BYTES",
    "MAX_BODY_BYTES",
    "MAX_CHUNK_BYTES",
    "MAX_LEASE_SIZE",
    "MAX_NUMBER",
    "MAX_PULL_LIMIT",
    "MAX_PUSH_OPS",
    "MAX_REPORTED",
    "MAX_SAFE_INTEGER",
    "Note",
    "OPEN_OUTBOX_STATES",
    "OpResult",
    "OpStatus",
    "Operation",
    "OutboxState",
    "PROOF_LOGIN",
    "PROOF_REFRESH",
    "PROTOCOL_VERSION",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "RETRYABLE_HTTP_STATUSES",
    "ReceivedPull",
    "ReceivedPush",
    "RefreshRequest",
    "RevokeRequest",
    "RulesUpdate",
    "Role",
    "SHA256_PATTERN",
    "ServerLimits",
    "StaffList",
    "StaffMember",
    "Text",
    "TokenResponse",
    "VerifyUserRequest",
    "is_retryable_status",
    "key_fingerprint",
    "proof_message",
]
