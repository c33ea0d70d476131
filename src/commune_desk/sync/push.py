"""Push: drain the outbox in seq order, in batches, exactly once.

Rules (see docs/protocol.md, "Client rules"):

- Operations go in seq order. A batch never holds two operations of the same
  record, so an update is always sent with the version its create produced
  (``base_version`` is filled in from the record when the service had none).
- Before an attachment operation, its blob is uploaded completely.
- Operations are marked ``in_flight`` before sending; after a cut they are
  sent again unchanged (same op_id and seq): the server returns the stored
  result, so a reply lost after the server committed never duplicates.
- ``applied``/``duplicate``/``conflict`` mark the operation done and record
  the version; the record stays dirty while it has other open operations
  (edited while in flight). ``rejected`` moves it to the quarantine with the
  reason and the queue goes on. ``blob_incomplete`` stays queued.
- An illegal dossier transition comes back as a conflict: the event is not
  in the server's history, so it is removed locally (the conflict record
  keeps it for the clerk) and the status is derived again.
- A provisional register number gets the number the server assigned.
- ``relayed`` (an office relay holds the operation for the city): the
  operation stays open in state ``relayed``; a create's record takes version
  1 as its base. Each round first sends the relayed operations again (same
  op_id and seq) to learn the city's result, through the relay or directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store import Store
from commune_desk.store.audit import audit
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import (
    Attachment,
    DossierEvent,
    IncomingDocument,
    IssuedNumber,
    OutboxOp,
    OutgoingDocument,
    QuarantinedOp,
)
from commune_desk.store.outbox import OUTBOX_SEQ, bump_counter, counter_value
from commune_desk.sync.blobs import ChunkSizer, OnBytes, upload_blob
from commune_desk.sync.client import SyncClient
from commune_desk.sync.derive import derive_dossier
from commune_desk.sync.errors import SyncError, SyncErrorKind
from commune_desk.sync.index import index_record
from commune_desk.sync.pull import OPEN_STATES
from commune_desk.sync.records import ENTITY_MODELS

#: Operation kinds the server answers with "try again later" rather than "never".
_STAY_QUEUED = {p.ErrorKind.BLOB_INCOMPLETE}
_REGISTERS = {p.Entity.INCOMING_DOCUMENT.value, p.Entity.OUTGOING_DOCUMENT.value}


@dataclass
class PushReport:
    """What one push pass did."""

    sent: int = 0
    applied: int = 0
    conflicts: int = 0
    quarantined: int = 0
    requeued: int = 0
    relayed: int = 0
    errors: list[str] = field(default_factory=list)


def _to_wire(op: OutboxOp, base: int | None) -> p.Operation:
    fields = dict(op.fields or {})
    if (
        op.entity in _REGISTERS
        and op.action == p.Action.CREATE
        and fields.get(p.FIELD_NUMBER) is None
        and p.FIELD_SERIES in fields
    ):
        # No number from a lease: the server assigns the next one (finalised on reply).
        fields[p.FIELD_PROVISIONAL] = True
    return p.Operation(
        op_id=uuid.UUID(op.op_id),
        device_id=uuid.UUID(op.device_id),
        seq=op.seq,
        entity=p.Entity(op.entity),
        entity_id=uuid.UUID(op.entity_id),
        action=p.Action(op.action),
        base_version=base,
        fields=fields,
        actor=op.actor,
    )


def _record(session: Session, entity: str, entity_id: str) -> Any:
    model = ENTITY_MODELS.get(entity)
    return session.get(model, entity_id) if model is not None else None


def _one_per_record(ops: Iterable[OutboxOp]) -> Iterator[OutboxOp]:
    """Operations in seq order up to the first that touches a record already in the batch."""
    seen: set[str] = set()
    for op in ops:
        if op.entity_id in seen:
            return
        seen.add(op.entity_id)
        yield op


def take_relayed(session: Session, after_seq: int, limit: int) -> list[p.Operation]:
    """Relayed operations after ``after_seq`` (one per record), sent again for their result."""
    ops = session.scalars(
        select(OutboxOp)
        .where(OutboxOp.state == p.OutboxState.RELAYED, OutboxOp.seq > after_seq)
        .order_by(OutboxOp.seq)
        .limit(limit)
    )
    return [_to_wire(op, op.base_version) for op in _one_per_record(ops)]


def take_batch(session: Session, limit: int) -> list[p.Operation]:
    """Next batch of open operations (one per record), marked in flight."""
    ops = list(
        session.scalars(
            select(OutboxOp)
            .where(OutboxOp.state.in_(p.SENDABLE_OUTBOX_STATES))
            .order_by(OutboxOp.seq)
            .limit(limit)
        )
    )
    batch: list[p.Operation] = []
    for op in _one_per_record(ops):
        base = op.base_version
        if op.action != p.Action.CREATE and base is None:
            rec = _record(session, op.entity, op.entity_id)
            base = rec.server_version if rec is not None else None
            if base is None:
                # Its create is not open (an open one would come earlier in seq order and
                # have stopped the batch above): it was refused. So is this change.
                quarantine(
                    session,
                    op.op_id,
                    p.ErrorKind.UNKNOWN_RECORD.value,
                    "the record's creation was refused by the server",
                )
                continue
            op.base_version = base
        if op.state != p.OutboxState.IN_FLIGHT:
            op.state = p.OutboxState.IN_FLIGHT
            op.attempts += 1
        batch.append(_to_wire(op, base))
    return batch


class Pusher:
    """Sends the outbox of one device to the server."""

    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        client: SyncClient,
        *,
        batch_size: int = 200,
        sizer: ChunkSizer | None = None,
        on_bytes: OnBytes | None = None,
        on_batch: Callable[[PushReport], None] | None = None,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.client = client
        self.batch_size = batch_size
        self.sizer = sizer or ChunkSizer()
        self.on_bytes = on_bytes
        self.on_batch = on_batch

    def run(self) -> PushReport:
        """Push until the outbox has no open operation that can go now."""
        report = PushReport()
        self._settle_relayed(report)
        while True:
            with self.store.write.begin() as session:
                batch = take_batch(session, self.batch_size)
            if not batch:
                return report
            batch = self._upload_blobs(batch, report)
            if not batch:
                continue
            response = self.client.push(batch)
            if len(response.results) != len(batch):
                raise SyncError(SyncErrorKind.BAD_RESPONSE, "push reply does not match the batch")
            with self.store.write.begin() as session:
                stuck = self._apply_results(session, batch, response.results, report)
            report.sent += len(batch)
            if self.on_batch is not None:
                self.on_batch(report)
            if stuck:
                return report

    def _settle_relayed(self, report: PushReport) -> None:
        """Send relayed operations again (in seq order) to learn the city's results."""
        after = 0
        while True:
            with self.store.read() as session:
                batch = take_relayed(session, after, self.batch_size)
            if not batch:
                return
            after = batch[-1].seq
            batch = self._upload_blobs(batch, report)
            if not batch:
                continue
            response = self.client.push(batch)
            if len(response.results) != len(batch):
                raise SyncError(SyncErrorKind.BAD_RESPONSE, "push reply does not match the batch")
            with self.store.write.begin() as session:
                self._apply_results(session, batch, response.results, report)

    def _upload_blobs(self, batch: list[p.Operation], report: PushReport) -> list[p.Operation]:
        """Upload the blobs the batch's attachments reference; cut the batch at a missing one."""
        for i, op in enumerate(batch):
            sha = op.fields.get(p.FIELD_SHA256)
            if op.entity is not p.Entity.ATTACHMENT or not isinstance(sha, str):
                continue
            try:
                upload_blob(self.client, self.blobs, sha, sizer=self.sizer, on_bytes=self.on_bytes)
            except SyncError as exc:
                if exc.kind is not SyncErrorKind.BLOB_MISSING:
                    raise
                with self.store.write.begin() as session:
                    quarantine(session, str(op.op_id), exc.kind.value, exc.message)
                report.quarantined += 1
                return batch[:i]
        return batch

    def _apply_results(
        self,
        session: Session,
        batch: list[p.Operation],
        results: list[p.OpResult],
        report: PushReport,
    ) -> bool:
        """Record each result; True when an operation must wait (stop this pass)."""
        stuck = False
        now = datetime.now(UTC)
        for wire, result in zip(batch, results, strict=True):
            op = session.get(OutboxOp, str(wire.op_id))
            if op is None or op.state not in OPEN_STATES:
                continue
            if result.status is p.OpStatus.REJECTED:
                if result.kind == p.ErrorKind.SEQ_REUSED:
                    # The server holds another op under this seq (the store was restored
                    # from a backup older than what was pushed): same op, next free seq.
                    op.seq = bump_counter(session, OUTBOX_SEQ)
                    op.state = p.OutboxState.PENDING
                    report.requeued += 1
                    continue
                if result.kind in _STAY_QUEUED:
                    op.state, op.last_error = p.OutboxState.PENDING, result.kind
                    stuck = True
                    continue
                quarantine(session, op.op_id, result.kind or "rejected", result.message or "")
                report.quarantined += 1
                continue
            if result.status is p.OpStatus.RELAYED:
                self._relayed(session, op, result)
                report.relayed += 1
                continue
            op.state, op.last_error = p.OutboxState.DONE, None
            if result.status is p.OpStatus.CONFLICT:
                report.conflicts += 1
            else:
                report.applied += 1
            self._acknowledge(session, op, wire, result, now)
        return stuck

    @staticmethod
    def _relayed(session: Session, op: OutboxOp, result: p.OpResult) -> None:
        """The relay holds the op for the city: keep it open; a create's record is at version 1.

        Later operations are not rebased here (the city's result is not known
        yet): the relay or the city applies the device's rebase rule when it
        is (docs/relay.md).
        """
        op.state, op.last_error = p.OutboxState.RELAYED, None
        rec = _record(session, op.entity, op.entity_id)
        if rec is not None and result.version is not None and rec.server_version is None:
            rec.server_version = result.version

    def _acknowledge(
        self,
        session: Session,
        op: OutboxOp,
        wire: p.Operation,
        result: p.OpResult,
        now: datetime,
    ) -> None:
        rec = _record(session, op.entity, op.entity_id)
        if result.kind == p.ErrorKind.ILLEGAL_TRANSITION and isinstance(rec, DossierEvent):
            dossier_id = rec.dossier_id
            audit(
                session,
                "dossier_event_refused",
                actor="sync",
                entity=p.Entity.DOSSIER_EVENT,
                entity_id=rec.id,
                details={"dossier_id": dossier_id, "kind": rec.kind, "conflict_id": str(result.conflict_id)},
                at=now,
            )
            session.delete(rec)
            session.flush()
            derive_dossier(session, dossier_id)
            return
        if rec is None:
            return
        if result.version is not None:
            rec.server_version = max(rec.server_version or 0, result.version)
        if isinstance(rec, Attachment):
            rec.uploaded = True
        if result.assigned_number is not None and isinstance(rec, IncomingDocument | OutgoingDocument):
            _finalise_number(session, rec, op.entity, result.assigned_number, now)
            index_record(session, op.entity, rec)
        later = list(
            session.scalars(
                select(OutboxOp).where(
                    OutboxOp.entity_id == op.entity_id,
                    OutboxOp.state.in_(OPEN_STATES),
                    OutboxOp.seq > op.seq,
                )
            )
        )
        for other in later:
            if other.base_version is None or other.base_version == wire.base_version:
                other.base_version = rec.server_version
        rec.dirty = bool(later)


def continue_after(session: Session, last_seq: int) -> None:
    """Make new operations continue above the highest seq the server has from this device.

    After a restore from a backup, the local counter can be behind the server;
    without this, every new operation would collide with one already pushed.
    """
    current = counter_value(session, OUTBOX_SEQ)
    if current < last_seq:
        bump_counter(session, OUTBOX_SEQ, step=last_seq - current)


def _finalise_number(session: Session, rec: Any, entity: str, number: int, now: datetime) -> None:
    """Give a provisional register entry the number the server assigned."""
    rec.number = number
    exists = session.scalar(
        select(IssuedNumber).where(IssuedNumber.series == rec.series, IssuedNumber.number == number)
    )
    if exists is None:
        session.add(
            IssuedNumber(
                id=str(uuid.uuid4()),
                series=rec.series,
                number=number,
                entity=entity,
                entity_id=rec.id,
                voided=False,
                void_reason="",
                at=now,
            )
        )
    audit(
        session,
        "provisional_number_finalised",
        actor="sync",
        entity=entity,
        entity_id=rec.id,
        details={"series": rec.series, "number": number},
        at=now,
    )


def quarantine(session: Session, op_id: str, kind: str, message: str) -> None:
    """Move an operation to the quarantine (visible to the clerk, never blocks the queue)."""
    op = session.get(OutboxOp, op_id)
    if op is None:
        return
    op.state, op.last_error = p.OutboxState.QUARANTINED, kind
    if session.scalar(select(QuarantinedOp).where(QuarantinedOp.op_id == op_id)) is None:
        session.add(
            QuarantinedOp(
                id=str(uuid.uuid4()),
                op_id=op_id,
                kind=kind[:40],
                message=message,
                created_at=datetime.now(UTC),
            )
        )
