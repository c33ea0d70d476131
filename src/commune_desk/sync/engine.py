"""The sync engine: one round = handshake, leases, push, pull.

:class:`SyncEngine` runs rounds for one store (one at a time, on the caller's
thread; :class:`~commune_desk.sync.worker.SyncWorker` runs them in the
background). Its :attr:`SyncEngine.status` is an immutable
:class:`~commune_desk.sync.status.SyncStatus` snapshot that listeners receive
on every change; the UI adapter turns those calls into Qt signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from commune_desk import protocol as p
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import Attachment, Conflict, OutboxOp, QuarantinedOp
from commune_desk.store.opening import Store
from commune_desk.sync.account import (
    Account,
    TokenCache,
    device_key,
    load_account,
    refuse_demo_store,
    vault_for,
)
from commune_desk.sync.blobs import ChunkSizer, download_blob
from commune_desk.sync.client import DEFAULT_TIMEOUT, SyncClient
from commune_desk.sync.credentials import TokenVault
from commune_desk.sync.errors import RETRYABLE_KINDS, SyncError, SyncErrorKind
from commune_desk.sync.first_pull import SNAPSHOT_MIN_CHANGES, first_pull
from commune_desk.sync.leases import renew_leases, store_server_leases
from commune_desk.sync.pull import OPEN_STATES, drop_done_ops, pull_all
from commune_desk.sync.push import Pusher, PushReport
from commune_desk.sync.recovery import drain_boundary, handshake_request, reconcile
from commune_desk.sync.relay_link import RelaySession, adopt_source, discover_relay, relay_settings
from commune_desk.sync.staff import refresh_staff
from commune_desk.sync.state import get_clock, load_state, put_clock
from commune_desk.sync.status import Progress, SyncPhase, SyncStatus

log = logging.getLogger(__name__)

Listener = Callable[[SyncStatus], None]


@dataclass(frozen=True)
class RoundResult:
    """Outcome of one sync round."""

    ok: bool
    converged: bool
    error_kind: str | None = None
    error_message: str | None = None
    pushed: int = 0
    pulled: int = 0
    quarantined: int = 0
    conflicts: int = 0
    pending: int = 0
    notice: str | None = None
    """A calm sentence about a recovery this round made (``messages`` kind)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (``sync --once --json``)."""
        return dict(self.__dict__)


class SyncEngine:
    """Reconciles one local store with the city server it is logged in to."""

    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        *,
        vault: TokenVault | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        batch_size: int = 200,
        page_size: int = p.MAX_PULL_LIMIT,
        server_url: str | None = None,
        snapshot_min_changes: int = SNAPSHOT_MIN_CHANGES,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self._vault = vault
        self.timeout = timeout
        self.batch_size = batch_size
        self.page_size = page_size
        self.snapshot_min_changes = snapshot_min_changes
        """A first pull takes the server's snapshot from this many changes of the commune (0: never)."""
        self.server_url_override = server_url
        self.relay_url_override: str | None = None
        """Use this relay address instead of the settings' (tests, the relay PC itself)."""
        self._discovered: str | None = None
        self._relay_sessions: dict[str, RelaySession] = {}
        self.sizer = ChunkSizer()
        self._round_lock = threading.Lock()
        self._status_lock = threading.Lock()
        self._status = SyncStatus()
        self._listeners: list[Listener] = []
        self.refresh_counts()

    @property
    def vault(self) -> TokenVault:
        """Where the account's secrets are (the OS keyring, or the insecure-storage file)."""
        return self._vault or vault_for(self.store)

    # -- status ----------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        """The latest status snapshot."""
        with self._status_lock:
            return self._status

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(status)`` on every status change (from the syncing thread)."""
        self._listeners.append(listener)

    def _update(self, **changes: Any) -> None:
        with self._status_lock:
            self._status = replace(self._status, **changes)
            snapshot = self._status
        for listener in list(self._listeners):
            try:
                listener(snapshot)
            except Exception:  # a listener bug must never stop a sync round
                log.exception("sync status listener failed")

    def note_next_retry(self, seconds: float | None) -> None:
        """Show when the background worker will try again (None: not scheduled)."""
        self._update(next_retry_in=seconds)

    def counts(self) -> tuple[int, int, int]:
        """(pending operations, quarantined operations, open conflicts) in the store."""
        with self.store.read() as session:
            pending = session.scalar(
                select(func.count()).select_from(OutboxOp).where(OutboxOp.state.in_(OPEN_STATES))
            )
            quarantined = session.scalar(
                select(func.count()).select_from(QuarantinedOp).where(QuarantinedOp.resolved_at.is_(None))
            )
            conflicts = session.scalar(
                select(func.count()).select_from(Conflict).where(Conflict.resolved_at.is_(None))
            )
        return int(pending or 0), int(quarantined or 0), int(conflicts or 0)

    def refresh_counts(self) -> None:
        """Re-read the counts shown in the status (after a local write, for instance)."""
        pending, quarantined, conflicts = self.counts()
        account = load_account(self.store)
        with self.store.read() as session:
            state = load_state(session, account.device_id) if account else None
            last = state.last_success_at if state else None
            error = state.last_error if state else None
            notice = state.notice if state else None
            offset, warning = get_clock(session)
        changes: dict[str, Any] = {}
        if error and self.status.phase is not SyncPhase.SYNCING:
            retryable = error in {k.value for k in RETRYABLE_KINDS}
            changes = {"phase": SyncPhase.OFFLINE if retryable else SyncPhase.ERROR, "error_kind": error}
        self._update(
            pending=pending,
            quarantined=quarantined,
            open_conflicts=conflicts,
            last_success_at=last,
            clock_offset_seconds=offset,
            clock_warning=warning,
            notice=notice,
            **changes,
        )

    # -- a round ---------------------------------------------------------------------

    def _account(self) -> Account:
        refuse_demo_store(self.store)
        account = load_account(self.store)
        if account is None:
            raise SyncError(SyncErrorKind.NOT_LOGGED_IN, "log in to the city server first")
        return account

    def open_client(self, account: Account, *, relay_url: str | None = None) -> SyncClient:
        """An authenticated client for the account's server, or for the office relay at ``relay_url``."""
        url = relay_url or self.server_url_override or account.server_url
        holder: dict[str, SyncClient] = {}
        if relay_url:
            session = self._relay_sessions.get(relay_url)
            if session is None:
                session = RelaySession(device_key(self.vault, account.device_id), account.device_id)
                self._relay_sessions[relay_url] = session
            relay_session = session

            def authenticate(force: bool) -> str:
                return relay_session.access_token(holder["client"], force=force)

        else:
            tokens = TokenCache(self.vault, account.server_url, account.device_id)

            def authenticate(force: bool) -> str:
                return tokens.access_token(holder["client"], force=force)

        # A relay forwards each operation with its signature; the city needs none.
        sign = device_key(self.vault, account.device_id).sign_operation if relay_url else None
        client = SyncClient(url, timeout=self.timeout, authenticate=authenticate, signer=sign)
        holder["client"] = client
        return client

    def relay_url(self, account: Account) -> str | None:
        """The office relay to try first: the override, the setting, or one found on the LAN."""
        if self.relay_url_override:
            return self.relay_url_override
        with self.store.read() as session:
            settings = relay_settings(session)
        if settings.url:
            return settings.url
        if not settings.discovery:
            return None
        if self._discovered is None:
            try:
                self._discovered = discover_relay(account.commune_code)
            except Exception:  # no network stack for multicast: simply no relay
                log.warning("relay discovery failed", exc_info=True)
        return self._discovered

    def _connect(self, account: Account) -> tuple[SyncClient, p.HandshakeResponse]:
        """Handshake with the relay when there is one, else (or when it fails) the city server."""
        relay = self.relay_url(account)
        if relay:
            client = self.open_client(account, relay_url=relay)
            try:
                return client, self._handshake(client, account)
            except SyncError as exc:
                client.close()
                log.warning("office relay %s unusable (%s); trying the city server", relay, exc.kind)
                self._discovered = None
        client = self.open_client(account)
        try:
            return client, self._handshake(client, account)
        except BaseException:
            client.close()
            raise

    def _handshake(self, client: SyncClient, account: Account) -> p.HandshakeResponse:
        self._update(progress=Progress("handshake"))
        hs = client.handshake(handshake_request(self.store, account.device_id))
        if hs.protocol_version != p.PROTOCOL_VERSION:
            raise SyncError(SyncErrorKind.PROTOCOL_MISMATCH, f"server speaks v{hs.protocol_version}")
        return hs

    def sync_once(self) -> RoundResult:
        """Run one full round now (blocking); never raises for sync failures."""
        if not self._round_lock.acquire(blocking=False):
            return RoundResult(ok=False, converged=False, error_kind="busy")
        try:
            return self._round()
        finally:
            self._round_lock.release()

    def _round(self) -> RoundResult:
        started = datetime.now(UTC)
        self._update(phase=SyncPhase.SYNCING, last_attempt_at=started, progress=Progress("start"))
        report = PushReport()
        pulled = 0
        account: Account | None = None
        earlier_notice = self.status.notice
        try:
            account = self._account()
            client, hs = self._connect(account)
            try:
                report, pulled = self._run_steps(client, account, hs)
            finally:
                client.close()
        except SyncError as exc:
            return self._failed(exc, account, report, pulled)
        except Exception as exc:  # never let a bug or a disk error kill the caller's thread
            log.exception("sync round crashed")
            error = SyncError(SyncErrorKind.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
            return self._failed(error, account, report, pulled)
        finished = datetime.now(UTC)
        with self.store.write.begin() as session:
            state = load_state(session, account.device_id)
            state.last_success_at, state.last_attempt_at, state.last_error = finished, started, None
            if state.notice is not None and state.notice == earlier_notice:
                state.notice = None  # shown for a whole round already
            notice = state.notice
            drop_done_ops(session)
        pending, quarantined, conflicts = self.counts()
        log.info(
            "sync round done: pushed %d, pulled %d, pending %d, quarantined %d, conflicts %d",
            report.sent,
            pulled,
            pending,
            quarantined,
            conflicts,
        )
        self._update(
            phase=SyncPhase.IDLE,
            last_success_at=finished,
            error_kind=None,
            error_message=None,
            pending=pending,
            quarantined=quarantined,
            open_conflicts=conflicts,
            progress=Progress("done"),
            next_retry_in=None,
            notice=notice,
        )
        return RoundResult(
            ok=True,
            converged=pending == 0,
            pushed=report.sent,
            pulled=pulled,
            quarantined=quarantined,
            conflicts=conflicts,
            pending=pending,
            notice=notice,
        )

    def _run_steps(
        self, client: SyncClient, account: Account, hs: p.HandshakeResponse
    ) -> tuple[PushReport, int]:
        self._update(clock_offset_seconds=hs.clock_offset_seconds, clock_warning=hs.clock_warning)
        with self.store.write.begin() as session:
            store_server_leases(session, hs.leases, datetime.now(UTC))
            # The source first: a change of source restarts the cursor, never a sign of a rewind.
            adopt_source(session, account.device_id, hs)
            notice = reconcile(session, account.device_id, hs)
            put_clock(session, hs.clock_offset_seconds, hs.clock_warning)
            boundary = drain_boundary(session, account.device_id) if hs.drain_until else None
        if notice is not None:
            self._update(notice=notice)
        if boundary is not None:
            return self._drain(client, account, hs, boundary), 0
        self._update(progress=Progress("leases"))
        renew_leases(self.store, client, hs)
        report = self._pusher(client, account, hs).run()

        def on_page(done: int, cursor: int) -> None:
            self._update(progress=Progress("pull", done=done, total=None))

        seeded = 0
        if self.snapshot_min_changes > 0:
            self._update(progress=Progress("pull", done=0, total=None))
            seed = first_pull(
                self.store,
                client,
                device_id=account.device_id,
                hs=hs,
                min_changes=self.snapshot_min_changes,
            )
            seeded = seed.records if seed is not None else 0
        pulled = seeded + pull_all(
            self.store,
            client,
            device_id=account.device_id,
            page_size=min(self.page_size, hs.limits.max_pull_limit),
            on_page=on_page,
            has_blob=self.blobs.exists,
        )
        refresh_staff(self.store, client)
        return report, pulled

    def _pusher(
        self, client: SyncClient, account: Account, hs: p.HandshakeResponse, max_seq: int | None = None
    ) -> Pusher:
        sent_bytes = [0]
        with self.store.read() as session:
            to_upload = int(
                session.scalar(
                    select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.uploaded.is_(False))
                )
                or 0
            )

        def on_bytes(n: int) -> None:
            sent_bytes[0] += n
            self._update(
                progress=Progress("upload", done=sent_bytes[0], total=to_upload, bytes_sent=sent_bytes[0])
            )

        pending = self.counts()[0]

        def on_batch(r: PushReport) -> None:
            self._update(progress=Progress("push", done=r.sent, total=pending, bytes_sent=sent_bytes[0]))

        self.sizer.maximum = min(hs.limits.blob_chunk_size, hs.limits.max_chunk_bytes)
        self.sizer.size = min(self.sizer.size, self.sizer.maximum)
        self.sizer.request_max = hs.limits.max_chunk_bytes
        return Pusher(
            self.store,
            self.blobs,
            client,
            device_id=account.device_id,
            expected_seq=hs.last_seq + 1,
            max_seq=max_seq,
            batch_size=min(self.batch_size, hs.limits.max_push_ops),
            sizer=self.sizer,
            on_bytes=on_bytes,
            on_batch=on_batch,
        )

    def _drain(
        self, client: SyncClient, account: Account, hs: p.HandshakeResponse, boundary: int
    ) -> PushReport:
        """Revoked with a drain: deliver what was made before, then tell the server and stop."""
        self._pusher(client, account, hs, max_seq=boundary).run()
        with self.store.read() as session:
            remaining = session.scalar(
                select(func.count())
                .select_from(OutboxOp)
                .where(
                    OutboxOp.device_id == account.device_id,
                    OutboxOp.state.in_(OPEN_STATES),
                    OutboxOp.seq <= boundary,
                )
            )
        if remaining:
            raise SyncError(SyncErrorKind.DEVICE_DRAINING, f"{remaining} operations still to deliver")
        client.drained()
        raise SyncError(
            SyncErrorKind.DEVICE_REVOKED, "revoked; its earlier work was delivered", detail="drained"
        )

    def _failed(
        self, exc: SyncError, account: Account | None, report: PushReport, pulled: int
    ) -> RoundResult:
        log.warning("sync round failed: %s", exc)
        if exc.kind is SyncErrorKind.DEVICE_REVOKED and account is not None:
            TokenCache(self.vault, account.server_url, account.device_id).forget()
        if account is not None:
            with self.store.write.begin() as session:
                state = load_state(session, account.device_id)
                state.last_attempt_at, state.last_error = datetime.now(UTC), exc.kind.value
        pending, quarantined, conflicts = self.counts()
        phase = SyncPhase.OFFLINE if exc.retryable else SyncPhase.ERROR
        self._update(
            phase=phase,
            error_kind=exc.kind.value,
            error_message=exc.message,
            pending=pending,
            quarantined=quarantined,
            open_conflicts=conflicts,
        )
        return RoundResult(
            ok=False,
            converged=False,
            error_kind=exc.kind.value,
            error_message=exc.message,
            pushed=report.sent,
            pulled=pulled,
            quarantined=quarantined,
            conflicts=conflicts,
            pending=pending,
        )

    # -- on demand -------------------------------------------------------------------

    def fetch_attachment(self, sha256: str) -> Path:
        """Download an attachment's bytes from the server (hash-verified) if not local."""
        if self.blobs.exists(sha256):
            return self.blobs.path_for(sha256)
        client, _hs = self._connect(self._account())
        try:
            return download_blob(client, self.blobs, sha256)
        finally:
            client.close()
