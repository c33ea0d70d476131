"""Errors of the sync engine, each with a machine-readable kind.

The engine raises; the UI and the CLI translate :class:`SyncErrorKind` values
into Vietnamese. ``retryable`` says whether the background worker should try
again later (with backoff) or stop and wait for a person.
"""

from __future__ import annotations

from enum import StrEnum


class SyncErrorKind(StrEnum):
    """Why a sync round stopped."""

    OFFLINE = "offline"
    """No connection, a cut, a timeout or a truncated reply: retried with backoff."""
    SERVER_UNAVAILABLE = "server_unavailable"
    """The server answered 5xx/429: retried with backoff."""
    NOT_LOGGED_IN = "not_logged_in"
    """No account or no refresh token on this PC: log in once online."""
    INVALID_CREDENTIALS = "invalid_credentials"
    """Wrong user name or password at login."""
    SESSION_EXPIRED = "session_expired"
    """The refresh token was refused (expired or rotated away): log in again."""
    DEVICE_REVOKED = "device_revoked"
    """The administrator revoked this PC: no retry until someone logs in again."""
    DEVICE_DRAINING = "device_draining"
    """Revoked with a drain: the PC still delivers what it made before, then stops."""
    DEVICE_CLONED = "device_cloned"
    """Another installation uses this PC's device id: log in again to get a new one."""
    PROTOCOL_MISMATCH = "protocol_mismatch"
    """Server and client speak different protocol versions: update the app."""
    KEYRING_UNAVAILABLE = "keyring_unavailable"
    """The OS keyring cannot store or read the token (``--insecure-storage`` is the way out)."""
    LOGIN_LOCKED = "login_locked"
    """Too many failed logins for this user name or address: wait ``retry_after`` seconds."""
    DEVICE_KEY_MISMATCH = "device_key_mismatch"
    """The server knows this PC by another device key (keyring wiped): a leader re-binds it."""
    BAD_RESPONSE = "bad_response"
    """The server answered something that is not the protocol (wrong URL, proxy page)."""
    REQUEST_REFUSED = "request_refused"
    """A 4xx reply that retrying cannot fix (a bug or a limit)."""
    BLOB_MISSING = "blob_missing"
    """An attachment's file is missing locally and cannot be uploaded."""
    HASH_MISMATCH = "hash_mismatch"
    """A downloaded attachment did not match its SHA-256."""
    WRONG_PASSWORD = "wrong_password"
    """Offline unlock: the password does not match the local verifier."""
    DEMO_STORE = "demo_store"
    """The store holds demo data: it never logs in or syncs (use a real data folder)."""
    INTERNAL_ERROR = "internal_error"
    """An unexpected failure (a bug, a locked or full disk): logged, retried with backoff."""


RETRYABLE_KINDS = frozenset({SyncErrorKind.OFFLINE, SyncErrorKind.SERVER_UNAVAILABLE})
#: Kinds after which the background worker tries again later (with backoff) on its own.
RETRY_LATER_KINDS = RETRYABLE_KINDS | {SyncErrorKind.INTERNAL_ERROR, SyncErrorKind.DEVICE_DRAINING}


class SyncError(Exception):
    """A sync failure with a kind the UI can translate."""

    def __init__(
        self,
        kind: SyncErrorKind,
        message: str = "",
        *,
        detail: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(f"{kind}: {message}" if message else str(kind))
        self.kind = kind
        self.message = message
        self.detail = detail
        self.retry_after = retry_after
        """Seconds the server asked to wait (``login_locked``)."""

    @property
    def retryable(self) -> bool:
        """Whether trying again later can succeed without a person acting."""
        return self.kind in RETRYABLE_KINDS
