"""Push: drain the outbox in seq order, in batches, exactly once.

Rules (see docs/protocol.md, "Client rules"):

- Operations go in seq order, in batches of consecutive seqs: the server
  applies a device's operations only in order, without gaps. When the first
  operation of a batch is above the seq the server expects (operations the
  PC lost with a restore of its store, or set aside before sending), the
  batch declares it (``skip_to``): the server records the skip.
- A batch never holds two operations of the same record, so an update is
  always sent with the version its own create produced.
- Before an attachment operation, its blob is uploaded completely.
- Operations are marked ``in_flight`` before sending; after a cut they are
  sent again unchanged (same op_id and seq): the server returns the stored
  result, so a reply lost after the server committed never duplicates. The
  witness beside the store is written first (see ``installation``).
- ``applied``/``duplicate``/``conflict`` mark the operation done (see
  ``acknowledge``). ``rejected`` moves it to the quarantine with the reason
  and the queue goes on; ``blob_incomplete`` stays queued.
- ``seq_reused`` (a seq the server has as a hole): the operation and every
  later one are renumbered above, in their order. ``device_cloned`` (another
  installation used this device id and seq): the round stops and the PC
  needs a new identity.
- A batch the server keeps answering with a server error is split in halves
  until the one operation that triggers it is found; it goes to the
  quarantine (``server_error``) and the queue behind it flows.
- ``relayed`` (an office relay holds the operation for the city): the
  operation stays open in state ``relayed``; a create's record takes version
  1 as its base. Relayed operations are sent again (same op_id and seq, in
  their place in the seq order) to learn the city's result, through the
  relay or directly; a relayed result never counts as confirmed by the city.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import OutboxOp
from commune_desk.store.opening import Store
from commune_desk.store.outbox import OUTBOX_SEQ, bump_counter, counter_value
from commune_desk.sync.acknowledge import acknowledge, local_record
from commune_desk.sync.blobs import ChunkSizer, OnBytes, upload_blob
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind
from commune_desk.sync.installation import counters_witness, mark_forked, write_witness
from commune_desk.sync.state import load_state, quarantine

log = logging.getLogger(__name__)

OPEN_STATES = p.OPEN_OUTBOX_STATES
#: Operation kinds the server answers with "try again later" rather than "never".
_STAY_QUEUED = {p.ErrorKind.BLOB_INCOMPLETE}
#: Refusals the server does not record (the seq stays free for the operation).
_UNSTORED = {
    p.ErrorKind.SEQ_GAP,
    p.ErrorKind.SEQ_REUSED,
    p.ErrorKind.DEVICE_CLONED,
    p.ErrorKind.OP_ID_REUSED,
    p.ErrorKind.DEVICE_MISMATCH,
    p.ErrorKind.BLOB_INCOMPLETE,
    p.ErrorKind.UNKNOWN_DOSSIER,
    p.ErrorKind.UNKNOWN_RECORD,
}
#: An operation sent again after the server was restored may refer to a record another
#: PC has not sent back yet: it waits (this many tries) instead of going to the quarantine.
_WAIT_FOR_OTHERS = {p.ErrorKind.UNKNOWN_DOSSIER, p.ErrorKind.UNKNOWN_RECORD}
REQUEUED_AFTER_RESTORE = "requeued_after_restore"
MAX_WAITS = 8
_REGISTERS = {p.Entity.INCOMING_DOCUMENT.value, p.Entity.OUTGOING_DOCUMENT.value}
#: The kind of an operation quarantined because the server kept failing on it.
SERVER_ERROR = p.ErrorKind.SERVER_ERROR.value


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


@dataclass
class Batch:
    """Operations of consecutive seqs, and the skip they declare."""

    ops: list[p.Operation]
    skip_to: int | None = None


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


def take_batch(
    session: Session,
    limit: int,
    *,
    device_id: str,
    expected: int,
    max_seq: int | None = None,
    relayed_upto: int = 0,
) -> Batch:
    """Next batch of open operations (consecutive seqs, one per record).

    Pending ones are marked in flight; relayed ones stay ``relayed`` (they are
    sent again for their result, once a round: those up to ``relayed_upto``
    were answered ``relayed`` again in this round).
    """
    query = select(OutboxOp).where(
        OutboxOp.device_id == device_id,
        OutboxOp.state.in_(OPEN_STATES),
        or_(OutboxOp.state != p.OutboxState.RELAYED, OutboxOp.seq > relayed_upto),
    )
    if max_seq is not None:
        query = query.where(OutboxOp.seq <= max_seq)
    ops = list(session.scalars(query.order_by(OutboxOp.seq).limit(limit)))
    batch: list[p.Operation] = []
    seen: set[str] = set()
    for op in ops:
        if op.entity_id in seen or (batch and op.seq != batch[-1].seq + 1):
            break
        seen.add(op.entity_id)
        if op.state == p.OutboxState.RELAYED:
            batch.append(_to_wire(op, op.base_version))
            continue
        base = op.base_version
        if op.action != p.Action.CREATE and base is None:
            rec = local_record(session, op.entity, op.entity_id)
            # No version yet: its create was refused (an open one would have come first).
            # Sent on version 0, the server refuses it for what it is.
            base = rec.server_version if rec is not None and rec.server_version is not None else 0
            op.base_version = base
        if op.state != p.OutboxState.IN_FLIGHT:
            op.state = p.OutboxState.IN_FLIGHT
            op.attempts += 1
        batch.append(_to_wire(op, base))
    skip_to = batch[0].seq if batch and batch[0].seq > expected else None
    return Batch(batch, skip_to)


def renumber_from(session: Session, device_id: str, seq: int) -> int:
    """Give the open operations from ``seq`` on new seqs above every one used, in their order."""
    ops = list(
        session.scalars(
            select(OutboxOp)
            .where(OutboxOp.device_id == device_id, OutboxOp.state.in_(OPEN_STATES), OutboxOp.seq >= seq)
            .order_by(OutboxOp.seq)
        )
    )
    for op in ops:
        op.seq = bump_counter(session, OUTBOX_SEQ)
        op.state = p.OutboxState.PENDING
        session.flush()
    return len(ops)


class Pusher:
    """Sends the outbox of one device to the server."""

    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        client: SyncClient,
        *,
        device_id: str,
        expected_seq: int = 1,
        max_seq: int | None = None,
        batch_size: int = 200,
        sizer: ChunkSizer | None = None,
        on_bytes: OnBytes | None = None,
        on_batch: Callable[[PushReport], None] | None = None,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.client = client
        self.device_id = device_id
        self.expected = expected_seq
        self.max_seq = max_seq
        #: Relayed operations up to this seq were answered ``relayed`` again in this run.
        self.relayed_upto = 0
        self.batch_size = batch_size
        self.sizer = sizer or ChunkSizer()
        self.on_bytes = on_bytes
        self.on_batch = on_batch

    def run(self) -> PushReport:
        """Push until the outbox has no open operation that can go now."""
        report = PushReport()
        stalls = 0
        while True:
            with self.store.write.begin() as session:
                batch = take_batch(
                    session,
                    self.batch_size,
                    device_id=self.device_id,
                    expected=self.expected,
                    max_seq=self.max_seq,
                    relayed_upto=self.relayed_upto,
                )
            if not batch.ops:
                return report
            batch.ops = self._upload_blobs(batch.ops, report)
            if not batch.ops:
                continue
            with self.store.read() as session:
                witness = counters_witness(session, self.device_id, batch.ops[-1].seq)
            write_witness(self.store, witness)
            answered = self._send(batch.ops, batch.skip_to)
            with self.store.write.begin() as session:
                stuck, progressed, cloned = self._apply_results(session, answered, report)
            if cloned:
                mark_forked(self.store)
                raise SyncError(
                    SyncErrorKind.DEVICE_CLONED, "another installation uses this device id and its seqs"
                )
            report.sent += len(batch.ops)
            if self.on_batch is not None:
                self.on_batch(report)
            stalls = 0 if progressed else stalls + 1
            if stuck or stalls >= 3:
                return report

    # -- sending, and finding the operation a server error comes from ----------------------

    def _send(self, ops: list[p.Operation], skip_to: int | None) -> list[tuple[p.Operation, p.OpResult]]:
        """Push ``ops``; a batch that keeps failing with a server error is bisected."""
        for attempt in (1, 2):
            try:
                response = self.client.push(ops, skip_to=skip_to)
            except SyncError as exc:
                if exc.detail != p.ErrorKind.SERVER_ERROR:
                    raise
                log.warning("push of %d operations failed with a server error (try %d)", len(ops), attempt)
                continue
            if len(response.results) != len(ops):
                raise SyncError(SyncErrorKind.BAD_RESPONSE, "push reply does not match the batch")
            return list(zip(ops, response.results, strict=True))
        if len(ops) == 1:
            op = ops[0]
            log.error("operation %s (seq %s) makes the server fail: quarantined", op.op_id, op.seq)
            refused = p.OpResult(
                op_id=op.op_id,
                seq=op.seq,
                status=p.OpStatus.REJECTED,
                kind=SERVER_ERROR,
                message="the server fails every time it receives this operation",
            )
            return [(op, refused)]
        middle = len(ops) // 2
        first = self._send(ops[:middle], skip_to)
        return first + self._send(ops[middle:], None)

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

    # -- results -----------------------------------------------------------------------

    def _apply_results(
        self, session: Session, answered: list[tuple[p.Operation, p.OpResult]], report: PushReport
    ) -> tuple[bool, bool, bool]:
        """Record each result; (an operation must wait, something moved on, the device is cloned)."""
        stuck = progressed = False
        cloned = False
        now = datetime.now(UTC)
        top_stored = top_relayed = 0
        for wire, result in answered:
            op = session.get(OutboxOp, str(wire.op_id))
            if op is None or op.state not in OPEN_STATES or op.seq != wire.seq:
                continue
            kind = result.kind
            if result.status is p.OpStatus.RELAYED:
                top_relayed = max(top_relayed, wire.seq)  # held by the relay, not yet the city's
            elif result.status is not p.OpStatus.REJECTED or kind not in _UNSTORED:
                top_stored = max(top_stored, wire.seq)
            if result.status is p.OpStatus.REJECTED:
                if kind == p.ErrorKind.SEQ_GAP:
                    op.state = p.OutboxState.PENDING
                    if result.expected_seq is not None and result.expected_seq < wire.seq:
                        self.expected = result.expected_seq  # the next batch declares the skip
                        progressed = True
                    continue
                if kind == p.ErrorKind.SEQ_REUSED:
                    report.requeued += renumber_from(session, self.device_id, wire.seq)
                    progressed = True
                    continue
                if kind == p.ErrorKind.DEVICE_CLONED:
                    op.state = p.OutboxState.PENDING
                    cloned = True
                    continue
                if kind in _STAY_QUEUED:
                    op.state, op.last_error = p.OutboxState.PENDING, kind
                    stuck = True
                    continue
                waiting = op.last_error == REQUEUED_AFTER_RESTORE or (op.last_error or "").startswith("wait:")
                if kind in _WAIT_FOR_OTHERS and waiting and op.attempts < MAX_WAITS:
                    op.state, op.last_error = p.OutboxState.PENDING, f"wait:{kind}"
                    stuck = True
                    continue
                if kind == p.ErrorKind.OP_ID_REUSED:
                    # The server holds this very operation under another seq (it was sent
                    # before a renumbering): it is applied; its record comes back by pull.
                    op.state, op.last_error = p.OutboxState.DONE, kind
                    progressed = True
                    continue
                quarantine(session, op.op_id, kind or "rejected", result.message or "")
                report.quarantined += 1
                progressed = True
                continue
            if result.status is p.OpStatus.RELAYED:
                self._relayed(session, op, result)
                report.relayed += 1
                progressed = True
                continue
            op.state, op.last_error = p.OutboxState.DONE, None
            progressed = True
            if result.status is p.OpStatus.CONFLICT:
                report.conflicts += 1
            else:
                report.applied += 1
            acknowledge(session, op, wire, result, now)
        if top_relayed:
            self.expected = max(self.expected, top_relayed + 1)
            self.relayed_upto = max(self.relayed_upto, top_relayed)
        if top_stored:
            state = load_state(session, self.device_id)
            state.confirmed_seq = max(state.confirmed_seq, top_stored)
            state.seq_floor = max(state.seq_floor, top_stored)
            self.expected = max(self.expected, top_stored + 1)
        return stuck, progressed, cloned

    @staticmethod
    def _relayed(session: Session, op: OutboxOp, result: p.OpResult) -> None:
        """The relay holds the op for the city: keep it open; a create's record is at version 1.

        Later operations are not rebased here (the city's result is not known
        yet): the relay or the city applies the device's rebase rule when it
        is (docs/relay.md).
        """
        op.state, op.last_error = p.OutboxState.RELAYED, None
        rec = local_record(session, op.entity, op.entity_id)
        if rec is not None and result.version is not None and rec.server_version is None:
            rec.server_version = result.version


def continue_after(session: Session, last_seq: int) -> None:
    """Make new operations continue above the highest seq the server has from this device
    (a carry reply's ``last_seq``); the handshake's rules are in ``recovery.reconcile``."""
    current = counter_value(session, OUTBOX_SEQ)
    if current < last_seq:
        bump_counter(session, OUTBOX_SEQ, step=last_seq - current)
