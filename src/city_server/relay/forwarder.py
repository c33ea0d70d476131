"""The relay's link to the city: one cycle every few seconds while the link is up.

A cycle, each step its own transaction (killed at any instant, the next cycle
simply starts again):

1. handshake (the city's instance id, key and clock);
2. office facts: devices, keys, users, leases (``GET /v1/relay/office``);
3. top up the relay's own register leases and report new sub-leases;
4. upload the blobs pending attachments need;
5. forward pending operations in arrival order, at most one per record per
   batch, with the device's own rebase proof; store the city's results;
6. pull the commune's changes into the mirror (page and cursor together);
7. rebuild the office view of every record touched.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from city_server.blobs import _read_range  # noqa: PLC2701  (same package family: the bytes of a blob)
from city_server.models import Blob
from city_server.relay import office as office_mod
from city_server.relay.upstream import upstream_client
from city_server.relay.view import rebuild
from city_server.relay_models import OP_DONE, OP_PENDING, MirrorRecord, RelayOp, RelayState, SubLease
from commune_desk import protocol as p
from commune_desk.domain.calendar import VN_TZ
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind

log = logging.getLogger(__name__)

FORWARD_BATCH = 200
MAX_BACKOFF = 60.0
#: An idle relay asks the city less and less often (a push from a counter wakes it at once).
MAX_IDLE_INTERVAL = 30.0
#: Office facts (devices, keys, leases) are fetched at least this often.
OFFICE_EVERY = 60.0


class Forwarder:
    """Runs cycles on a daemon thread until stopped; ``wake`` starts one at once."""

    def __init__(
        self, sessions: sessionmaker[Session], *, wake: threading.Event | None = None, interval: float = 2.0
    ) -> None:
        self.sessions = sessions
        self.wake = wake or threading.Event()
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.office_needed = threading.Event()
        """Set when a counter the relay does not know asked for a session."""

    def start(self) -> None:
        """Start the background thread."""
        self._thread = threading.Thread(target=self._loop, name="relay-forwarder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current step."""
        self._stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        failures = idle = 0
        office_at = 0.0
        while not self._stop.is_set():
            try:
                office = self.office_needed.is_set() or time.monotonic() - office_at > OFFICE_EVERY
                self.office_needed.clear()
                busy = cycle(self.sessions, office=office)
                if office:
                    office_at = time.monotonic()
                failures = 0
                idle = 0 if busy else idle + 1
                delay = min(MAX_IDLE_INTERVAL, self.interval * 2 ** min(idle, 5))
            except SyncError as exc:
                failures += 1
                delay = min(MAX_BACKOFF, self.interval * 2 ** min(failures, 6)) * random.uniform(0.5, 1.0)
                log.info("city link: %s (retry in %.0f s)", exc.kind, delay)
                _note(self.sessions, error=exc.kind.value)
            except Exception:  # a bug must not kill the relay: log, back off, go on
                failures += 1
                delay = MAX_BACKOFF / 2
                log.exception("relay cycle crashed")
            self.wake.wait(delay)
            self.wake.clear()


def _note(sessions: sessionmaker[Session], *, error: str | None) -> None:
    with sessions() as session:
        state = _state(session)
        state.last_error = error
        if error is None:
            state.last_ok_at = datetime.now(UTC)
        session.commit()


def _state(session: Session) -> RelayState:
    state = session.get(RelayState, 1)
    if state is None:
        state = RelayState(id=1, city_cursor=0)
        session.add(state)
        session.flush()
    return state


def cycle(sessions: sessionmaker[Session], *, office: bool = True) -> bool:
    """One full exchange with the city; True when anything moved (raises SyncError when the link fails)."""
    client, relay_device = upstream_client(sessions)
    try:
        _handshake(sessions, client)
        if office:
            _office(sessions, client)
        _leases(sessions, client, relay_device)
        settled: set[tuple[str, str]] = set()
        while True:
            done = _forward(sessions, client)
            if not done:
                break
            settled |= done
        touched = _pull(sessions, client)
        with sessions() as session:
            rebuild(session, touched | settled)
            session.commit()
    finally:
        client.close()
    _note(sessions, error=None)
    return bool(settled or touched)


def _handshake(sessions: sessionmaker[Session], client: SyncClient) -> None:
    hs = client.handshake(
        p.HandshakeRequest(protocol_version=p.PROTOCOL_VERSION, client_time=datetime.now(UTC))
    )
    with sessions() as session:
        state = _state(session)
        if state.city_source_id not in (None, hs.source_id):
            log.warning("the city server is another instance now: mirror pulled again from 0")
            state.city_cursor = 0
        state.city_source_id, state.city_key = hs.source_id, hs.server_key
        session.commit()


def _office(sessions: sessionmaker[Session], client: SyncClient) -> None:
    office = client.relay_office()
    with sessions() as session:
        office_mod.mirror_office(session, office)
        session.commit()


def _leases(sessions: sessionmaker[Session], client: SyncClient, relay_device: str) -> None:
    """Report sub-leases (before any operation using them goes), then top up the relay's blocks."""
    with sessions() as session:
        subs = [
            (s.id, s.series, s.first, s.last, s.device_id)
            for s in session.scalars(
                select(SubLease).where(SubLease.reported.is_(False)).order_by(SubLease.id)
            )
        ]
    for sub_id, series, first, last, device_id in subs:
        client.lease_transfer(
            p.LeaseTransfer(series=series, first=first, last=last, device_id=uuid.UUID(device_id))
        )
        with sessions() as session:
            row = session.get(SubLease, sub_id)
            if row is not None:
                row.reported = True
            session.commit()
    year = datetime.now(VN_TZ).year
    with sessions() as session:
        short = [
            s
            for s in office_mod.wanted_series(session, year)
            if len(office_mod.free_numbers(session, relay_device, s)) < office_mod.HELD_LOW_WATER
        ]
    for series in short:
        try:
            client.lease(p.LeaseRequest(series=series, size=office_mod.HELD_BLOCK))
        except SyncError as exc:
            if exc.detail != p.ErrorKind.RECOVERING:
                raise
            # The city grants no new block while it recovers from a restore: the
            # counters' operations still go (they are what it recovers from).
            log.warning("no new %s block for the relay: the city is recovering", series)
    if subs or short:
        _office(sessions, client)


#: City answers that say "not now" for this op, which the relay keeps to forward again.
_NOT_SETTLED = frozenset({p.ErrorKind.BLOB_INCOMPLETE, p.ErrorKind.SEQ_GAP})


def _next_batch(session: Session) -> list[RelayOp]:
    rows = session.scalars(
        select(RelayOp).where(RelayOp.state == OP_PENDING).order_by(RelayOp.id).limit(FORWARD_BATCH)
    )
    batch: list[RelayOp] = []
    seen: set[str] = set()
    for row in rows:
        if row.entity_id in seen:
            break
        seen.add(row.entity_id)
        batch.append(row)
    return batch


def _rebase_proof(session: Session, row: RelayOp, op: p.Operation) -> p.SignedOperation | None:
    """The same device's previous, settled operation on this record made on the same base."""
    prev = session.scalar(
        select(RelayOp)
        .where(
            RelayOp.device_id == row.device_id,
            RelayOp.entity_id == row.entity_id,
            RelayOp.seq < row.seq,
            RelayOp.state == OP_DONE,
        )
        .order_by(RelayOp.seq.desc())
        .limit(1)
    )
    if prev is None or prev.op.get("base_version") != op.base_version or not prev.result:
        return None
    if prev.result.get("status") == p.OpStatus.REJECTED.value or prev.result.get("version") is None:
        return None
    return p.SignedOperation(op=p.Operation.model_validate(prev.op), signature=prev.signature)


def _forward(sessions: sessionmaker[Session], client: SyncClient) -> set[tuple[str, str]]:
    """Forward one batch; the records whose operations the city settled (empty: stop)."""
    with sessions() as session:
        batch = _next_batch(session)
        if not batch:
            return set()
        items: list[p.RelayedOperation] = []
        for row in batch:
            op = p.Operation.model_validate(row.op)
            items.append(
                p.RelayedOperation(op=op, signature=row.signature, rebase_on=_rebase_proof(session, row, op))
            )
        blobs = {
            str(i.op.fields.get(p.FIELD_SHA256))
            for i in items
            if i.op.entity is p.Entity.ATTACHMENT and isinstance(i.op.fields.get(p.FIELD_SHA256), str)
        }
    for sha in sorted(blobs):
        _upload_blob(sessions, client, sha)
    response = client.relay_push(items)
    if len(response.results) != len(items):
        raise SyncError(SyncErrorKind.BAD_RESPONSE, "relay push reply does not match")
    settled: set[tuple[str, str]] = set()
    with sessions() as session:
        for item, result in zip(items, response.results, strict=True):
            stored = session.scalar(select(RelayOp).where(RelayOp.op_id == str(item.op.op_id)))
            if stored is None:
                continue
            if result.status is p.OpStatus.REJECTED and result.kind in _NOT_SETTLED:
                continue  # its blob is uploaded again, or an earlier op goes first: next cycle
            stored.state, stored.result = OP_DONE, result.model_dump(mode="json", exclude={"replayed"})
            settled.add((stored.entity, stored.entity_id))
        session.commit()
    return settled


def _upload_blob(sessions: sessionmaker[Session], client: SyncClient, sha: str) -> None:
    """Send a complete blob of the relay to the city, resuming from the city's offset."""
    with sessions() as session:
        blob = session.scalar(
            select(Blob).where(Blob.commune_id == office_mod.COMMUNE_ID, Blob.sha256 == sha)
        )
        if blob is None or not blob.complete:
            return
        size = blob.size
    status = client.blob_start(sha, size)
    offset = status.received
    while not status.complete and offset < size:
        with sessions() as session:
            blob = session.scalars(select(Blob).where(Blob.sha256 == sha)).one()
            data = _read_range(session, blob, offset, min(size, offset + p.BLOB_CHUNK_SIZE) - 1)
        status = client.blob_chunk(sha, offset, data)
        offset = status.received


def store_mirror_page(session: Session, changes: list[p.Change], cursor: int) -> set[tuple[str, str]]:
    """Write a page of the city's changes into the mirror with its cursor (caller commits)."""
    touched: set[tuple[str, str]] = set()
    for change in changes:
        key = (change.entity.value, str(change.entity_id))
        row = session.get(MirrorRecord, key)
        values: dict[str, Any] = {
            "version": change.version,
            "deleted": change.deleted,
            "fields": change.fields,
            "city_seq": change.seq,
        }
        if row is None:
            session.add(MirrorRecord(entity=key[0], entity_id=key[1], **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
        touched.add(key)
    state = _state(session)
    state.city_cursor = max(state.city_cursor, cursor)
    return touched


def _pull(sessions: sessionmaker[Session], client: SyncClient) -> set[tuple[str, str]]:
    """Pull the commune's changes into the mirror; return the records touched."""
    touched: set[tuple[str, str]] = set()
    with sessions() as session:
        after = _state(session).city_cursor
        session.commit()
    while True:
        page = client.pull(after, p.MAX_PULL_LIMIT)
        with sessions() as session:
            touched |= store_mirror_page(session, page.changes, page.cursor)
            session.commit()
        after = page.cursor
        if not page.has_more:
            return touched
