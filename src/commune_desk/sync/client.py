"""HTTP client of the sync protocol v1, on ``requests``.

Every request has a (connect, read) timeout; JSON bodies above a small size
are gzip-compressed; replies are parsed into the shared wire types of
:mod:`commune_desk.protocol`. Transport failures of any sort (refused,
reset, timeout, truncated or undecodable reply) become
``SyncError(OFFLINE)``; HTTP errors become a kind from the server's
``ErrorBody``. An expired access token is refreshed once through the
``authenticate`` callback and the request retried.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import pydantic
from pydantic_core import PydanticSerializationError

from commune_desk import protocol as p
from commune_desk.protocol import jsontext
from commune_desk.protocol.validation import checked_page
from commune_desk.sync.errors import SyncError, SyncErrorKind

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

M = TypeVar("M", bound=pydantic.BaseModel)

#: Bodies at least this large are sent gzip-compressed.
GZIP_MIN_BYTES = 1024
DEFAULT_TIMEOUT = (5.0, 30.0)

#: Called with ``force=True`` after a 401 to get a fresh access token.
Authenticate = Callable[[bool], str]
#: Signs one operation with the device key (``op_signing_bytes``), base64.
Signer = Callable[[p.Operation], str]


@cache
def _transport_errors() -> tuple[type[Exception], ...]:
    """What a dropped or broken connection raises (``requests`` is imported on first use:
    a PC that never syncs, or has not yet, does not pay for the HTTP stack)."""
    import requests

    return (
        requests.ConnectionError,
        requests.Timeout,
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    )


def _request_error() -> type[Exception]:
    import requests

    return requests.RequestException


_AUTH_RETRY_KINDS = {p.ErrorKind.TOKEN_EXPIRED, p.ErrorKind.UNAUTHENTICATED}


class SyncClient:
    """Typed calls to one city server. Not thread-safe: one per worker thread."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        authenticate: Authenticate | None = None,
        session: requests.Session | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.authenticate = authenticate
        self.signer = signer
        if session is None:
            import requests

            session = requests.Session()
        self.http = session
        self.http.headers["Accept-Encoding"] = "gzip"
        self.http.headers["User-Agent"] = "CommuneDesk-sync/1"

    def close(self) -> None:
        """Close pooled connections."""
        self.http.close()

    # -- auth ------------------------------------------------------------------------

    def login(self, req: p.LoginRequest) -> p.TokenResponse:
        """Exchange user name and password for tokens bound to this device."""
        return self._json("POST", "/auth/login", req, p.TokenResponse, auth=False)

    def refresh(self, req: p.RefreshRequest) -> p.TokenResponse:
        """Rotate the refresh token and get a new access token."""
        return self._json("POST", "/auth/refresh", req, p.TokenResponse, auth=False)

    def challenge(self, device_id: str) -> p.Challenge:
        """A single-use nonce to sign with the device key (before a login or a refresh)."""
        return self._json(
            "POST", "/auth/challenge", p.ChallengeRequest(device_id=UUID(device_id)), p.Challenge, auth=False
        )

    # -- devices (leaders) -----------------------------------------------------------

    def devices(self) -> p.DeviceList:
        """The devices of the commune (leaders and admins)."""
        return self._json("GET", "/devices", None, p.DeviceList)

    def revoke_device(self, device_id: str) -> p.DeviceInfo:
        """Revoke a device of the commune (leaders and admins)."""
        return self._json("POST", f"/devices/{device_id}/revoke", None, p.DeviceInfo)

    def rebind_device(self, device_id: str, public_key: str) -> p.DeviceInfo:
        """Accept a new key for a device of the commune (leaders and admins)."""
        return self._json(
            "POST", f"/devices/{device_id}/rebind", p.DeviceRebindRequest(public_key=public_key), p.DeviceInfo
        )

    # -- sync ------------------------------------------------------------------------

    def handshake(self, req: p.HandshakeRequest) -> p.HandshakeResponse:
        """First call of a round: versions, clock, last applied seq, leases, limits."""
        return self._json("POST", "/handshake", req, p.HandshakeResponse)

    def push(self, ops: list[p.Operation], *, skip_to: int | None = None) -> p.PushResponse:
        """Send a batch of operations in seq order (declaring undeliverable seqs below ``skip_to``).

        Each operation is signed when the client has a signer.
        """
        signatures = [self.signer(op) for op in ops] if self.signer is not None else None
        request = p.PushRequest(ops=ops, skip_to=skip_to, signatures=signatures)
        return self._json("POST", "/push", request, p.PushResponse)

    def drained(self) -> None:
        """Tell the server this revoked device has delivered its work."""
        self._send("POST", "/devices/self/drained", headers={"Accept": "application/json"})

    def pull(self, after: int, limit: int) -> p.PullResponse:
        """Changes of the commune after ``after`` (one page).

        A change that breaks the protocol's rules (a server of another version,
        a damaged row) is skipped and logged, never applied; the cursor still
        moves past it, so one record never stops the pull.
        """
        page = self._json("GET", "/pull", None, p.ReceivedPull, params={"after": after, "limit": limit})
        checked, refused = checked_page(page)
        for refusal in refused:
            log.warning("pull: change skipped (%s): %s", refusal.kind, refusal.message)
        return checked

    def lease(self, req: p.LeaseRequest) -> p.Lease:
        """Obtain a dossier-code slot or a block of register numbers."""
        return self._json("POST", "/leases", req, p.Lease)

    # -- staff -----------------------------------------------------------------------

    def staff(self) -> p.StaffList:
        """The commune's users (for the shared PC's accounts) and its role rules."""
        return self._json("GET", "/office/staff", None, p.StaffList)

    def verify_user(self, req: p.VerifyUserRequest) -> p.StaffMember:
        """Confirm a person's password (their first sign-in on this PC)."""
        return self._json("POST", "/office/verify", req, p.StaffMember)

    def put_rules(self, req: p.RulesUpdate) -> p.StaffList:
        """Change the commune's role rules (the actor needs the settings permission)."""
        return self._json("PUT", "/office/rules", req, p.StaffList)

    # -- office relay (docs/relay.md) -------------------------------------------------

    def relay_session(self, req: p.RelaySessionRequest) -> p.TokenResponse:
        """A counter's session on its office relay, opened with a device proof."""
        return self._json("POST", "/relay/session", req, p.TokenResponse, auth=False)

    def relay_register(self, name: str) -> p.DeviceInfo:
        """Mark this device as the commune's relay (a leader's token)."""
        return self._json("POST", "/relay/register", p.RelayRegisterRequest(name=name), p.DeviceInfo)

    def relay_office(self) -> p.OfficeState:
        """The commune's devices, keys, last seqs and leases (relay only)."""
        return self._json("GET", "/relay/office", None, p.OfficeState)

    def relay_push(self, ops: list[p.RelayedOperation]) -> p.PushResponse:
        """Forward counters' signed operations (relay only)."""
        return self._json("POST", "/relay/push", p.RelayPushRequest(ops=ops), p.PushResponse)

    def lease_transfer(self, req: p.LeaseTransfer) -> p.Lease:
        """Hand a sub-leased range of the relay's numbers over to a counter (relay only)."""
        return self._json("POST", "/relay/leases/transfer", req, p.Lease)

    # -- blobs -----------------------------------------------------------------------

    def blob_start(self, sha256: str, size: int) -> p.BlobStatus:
        """Announce (or look up) an upload; ``received`` is where to resume."""
        return self._json("POST", f"/blobs/{sha256}", p.BlobStartRequest(size=size), p.BlobStatus)

    def blob_chunk(self, sha256: str, offset: int, data: bytes) -> p.BlobStatus:
        """Send bytes ``offset .. offset+len(data)`` of a blob."""
        resp = self._send(
            "PUT",
            f"/blobs/{sha256}",
            data=data,
            params={"offset": offset},
            headers={"Content-Type": "application/octet-stream"},
        )
        return self._parse(resp, p.BlobStatus)

    def blob_download(
        self, sha256: str, start: int, out: IO[bytes], on_bytes: Callable[[int], None] | None = None
    ) -> int:
        """Stream the blob from byte ``start`` into ``out``; return the bytes written."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        resp = self._send("GET", f"/blobs/{sha256}", headers=headers, stream=True)
        written = 0
        try:
            for chunk in resp.iter_content(64 * 1024):
                out.write(chunk)
                written += len(chunk)
                if on_bytes is not None:
                    on_bytes(len(chunk))
        except _transport_errors() as exc:
            raise SyncError(SyncErrorKind.OFFLINE, f"download cut: {exc}") from exc
        finally:
            resp.close()
        return written

    def snapshot(
        self,
        out: IO[bytes],
        *,
        start: int = 0,
        etag: str | None = None,
        on_reply: Callable[[SnapshotReply], None] | None = None,
    ) -> SnapshotReply:
        """Stream the commune's snapshot into ``out`` (``docs/protocol.md``, "Snapshot").

        With ``start`` and ``etag`` the download resumes: a 206 reply continues
        the same file at ``start``; a 200 reply is a newer file from byte 0
        (``out`` is truncated first). ``on_reply`` sees the headers before the body.
        """
        headers = {"Accept-Encoding": "identity"}
        if start and etag:
            headers.update({"Range": f"bytes={start}-", "If-Range": f'"{etag}"'})
        resp = self._send("GET", "/snapshot", headers=headers, stream=True)
        try:
            reply = SnapshotReply(
                sha256=resp.headers.get("X-Snapshot-Sha256", "").lower(),
                cursor=int(resp.headers.get("X-Snapshot-Cursor", "-1")),
                resumed=resp.status_code == 206,
                size=int(resp.headers.get("Content-Length", "-1")),
            )
            if not reply.resumed:
                out.seek(0)
                out.truncate()
            if on_reply is not None:
                on_reply(reply)
            for chunk in resp.iter_content(256 * 1024):
                out.write(chunk)
        except ValueError as exc:
            raise SyncError(SyncErrorKind.BAD_RESPONSE, f"snapshot reply: {exc}") from exc
        except _transport_errors() as exc:
            raise SyncError(SyncErrorKind.OFFLINE, f"snapshot download cut: {exc}") from exc
        finally:
            resp.close()
        return reply

    # -- plumbing --------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        body: pydantic.BaseModel | None,
        model: type[M],
        *,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> M:
        data: bytes | None = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = _body_bytes(body)
            headers["Content-Type"] = "application/json"
            if len(data) >= GZIP_MIN_BYTES:
                data = gzip.compress(data, compresslevel=6)
                headers["Content-Encoding"] = p.GZIP_ENCODING
        resp = self._send(method, path, data=data, params=params, headers=headers, auth=auth)
        return self._parse(resp, model)

    def _send(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
        stream: bool = False,
    ) -> requests.Response:
        url = f"{self.base_url}{p.API_PREFIX}{path}"
        for attempt in (0, 1):
            h = dict(headers or {})
            if auth and self.authenticate is not None:
                h["Authorization"] = f"Bearer {self.authenticate(attempt > 0)}"
            try:
                resp = self.http.request(
                    method,
                    url,
                    data=data,
                    params=params,
                    headers=h,
                    timeout=self.timeout,
                    stream=stream,
                )
            except _transport_errors() as exc:
                raise SyncError(SyncErrorKind.OFFLINE, f"{method} {path}: {exc}") from exc
            except _request_error() as exc:
                raise SyncError(SyncErrorKind.BAD_RESPONSE, f"{method} {path}: {exc}") from exc
            if resp.status_code < 400:
                return resp
            kind, message, details = _error_of(resp)
            retry_auth = auth and attempt == 0 and self.authenticate is not None
            if resp.status_code == 401 and kind in _AUTH_RETRY_KINDS and retry_auth:
                continue
            error = _sync_error(resp.status_code, kind, f"{method} {path}: {message}")
            error.retry_after = _retry_after(resp, details)
            if kind == p.ErrorKind.RATE_LIMITED and path == "/auth/login":
                error.kind = SyncErrorKind.LOGIN_LOCKED
            raise error
        raise AssertionError("unreachable")

    @staticmethod
    def _parse(resp: requests.Response, model: type[M]) -> M:
        try:
            content = resp.content
        except _transport_errors() as exc:
            raise SyncError(SyncErrorKind.OFFLINE, f"reply cut: {exc}") from exc
        try:
            return model.model_validate_json(content)
        except pydantic.ValidationError as exc:
            try:
                # Python's reader takes what the strict one refuses (a lone surrogate, NaN);
                # the lenient models then let each bad item be skipped on its own.
                return model.model_validate(jsontext.loads(content))
            except ValueError:
                pass
            raise SyncError(SyncErrorKind.BAD_RESPONSE, f"unexpected reply ({len(content)} bytes)") from exc


@dataclass(frozen=True)
class SnapshotReply:
    """Headers of a snapshot reply: the file's digest and cursor; 206 or a whole file."""

    sha256: str
    cursor: int
    resumed: bool
    size: int


def _body_bytes(body: pydantic.BaseModel) -> bytes:
    """A request body as JSON; a value UTF-8 cannot carry (a lone surrogate left by an
    older version) is sent escaped, so the server refuses that operation alone."""
    try:
        return body.model_dump_json().encode("utf-8")
    except PydanticSerializationError:
        return json.dumps(body.model_dump(mode="json"), separators=(",", ":")).encode("ascii")


def _error_of(resp: requests.Response) -> tuple[str, str, dict[str, Any]]:
    """The ``ErrorBody`` kind, message and details of an error reply (best effort)."""
    unreadable: tuple[type[Exception], ...] = (ValueError, AttributeError, *_transport_errors())
    try:
        body = json.loads(resp.content)
        details = body.get("details")
        return (
            str(body.get("kind", "")),
            str(body.get("message", "")),
            details if isinstance(details, dict) else {},
        )
    except unreadable:
        return "", f"HTTP {resp.status_code}", {}


def _retry_after(resp: requests.Response, details: dict[str, Any]) -> int | None:
    """Seconds to wait from ``Retry-After`` (or ``details.retry_after``), if the server said."""
    for value in (resp.headers.get("Retry-After"), details.get("retry_after")):
        try:
            if value is not None and int(value) >= 0:
                return int(value)
        except (TypeError, ValueError):
            continue
    return None


def _sync_error(status: int, kind: str, message: str) -> SyncError:
    """Map an HTTP error to the engine's error kinds."""
    if kind == p.ErrorKind.DEVICE_REVOKED:
        return SyncError(SyncErrorKind.DEVICE_REVOKED, message, detail=kind)
    if kind == p.ErrorKind.INVALID_CREDENTIALS:
        return SyncError(SyncErrorKind.INVALID_CREDENTIALS, message, detail=kind)
    if kind in (p.ErrorKind.DEVICE_KEY_MISMATCH, p.ErrorKind.DEVICE_KEY_REQUIRED):
        return SyncError(SyncErrorKind.DEVICE_KEY_MISMATCH, message, detail=kind)
    if status == 401:
        return SyncError(SyncErrorKind.SESSION_EXPIRED, message, detail=kind)
    if kind == p.ErrorKind.UNSUPPORTED_PROTOCOL:
        return SyncError(SyncErrorKind.PROTOCOL_MISMATCH, message, detail=kind)
    if p.is_retryable_status(status):
        return SyncError(SyncErrorKind.SERVER_UNAVAILABLE, message, detail=kind)
    return SyncError(SyncErrorKind.REQUEST_REFUSED, message, detail=kind or str(status))
