"""The client's side of recovery: what the handshake reports, and what its answer repairs.

Each handshake reports the leases this PC holds and the highest numbers it
issued (a restored server rebuilds its numbering from these), the epoch it
last synced in, the highest change it pulled and the highest op seq the
server confirmed. The answer is reconciled before anything is pushed:

- **Server rewound** (a new epoch, or the server's cursor or ``last_seq`` below
  what this PC saw): the confirmed operations above the server's ``last_seq``
  go back to the queue with their op ids and seqs (nothing applies twice), the
  cursor goes back to zero, and the pull from zero ends by giving back the
  synced records the server no longer has (marked ``restored``: whoever holds
  them gives them back, a second copy is a plain duplicate). The clerk sees
  one calm sentence.
- **Store rewound** (restored from a backup): the operation seq continues
  above the server's ``last_seq``.
- **High-water marks**: each day's dossier-code counter and each register's
  numbers continue above what the server knows this device (or its counter
  slot) used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commune_desk import __version__
from commune_desk import protocol as p
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.codes import is_unit_code
from commune_desk.domain.numbers import SeriesKind, dossier_code_series
from commune_desk.protocol.records import fields_to_wire, synced_columns
from commune_desk.store.audit import audit
from commune_desk.store.models import (
    IssuedNumber,
    LocalCounter,
    NumberLease,
    OutboxOp,
    SyncState,
)
from commune_desk.store.opening import Store
from commune_desk.store.outbox import (
    DOSSIER_COUNTER_PREFIX,
    OUTBOX_SEQ,
    add_op,
    bump_counter,
    counter_value,
)
from commune_desk.store.settings import UNIT_CODE, merge_office, office_value
from commune_desk.sync.installation import NO_SLOT, apply_marks
from commune_desk.sync.push import REQUEUED_AFTER_RESTORE, renumber_from
from commune_desk.sync.records import ENTITY_MODELS
from commune_desk.sync.relay_link import source_facts
from commune_desk.sync.state import load_state

log = logging.getLogger(__name__)

#: Series of counter slots (``dossier-code/{unit}``).
SLOT_SERIES_PREFIX = f"{SeriesKind.DOSSIER_CODE.value}/"
#: Days of dossier-code counters reported, and of marks asked for.
MARK_DAYS = 31
#: Calm sentences (``messages`` kinds) the clerk sees after a recovery.
SERVER_RESTORED = "server_restored"
STORE_REWOUND = "store_rewound"


def handshake_request(store: Store, device_id: str) -> p.HandshakeRequest:
    """The handshake of one round: clock, epoch, what was seen, and the PC's report."""
    with store.read() as session:
        state = load_state(session, device_id) if _has_state(session, device_id) else None
        report = device_report(session)
        # A cursor an office relay issued counts the relay's changes, not the city's: it
        # says nothing of what the city had (and would look like a rewound city).
        city_cursor = not source_facts(session).get("relay", False)
    return p.HandshakeRequest(
        protocol_version=p.PROTOCOL_VERSION,
        client_time=datetime.now(UTC),
        app_version=__version__,
        epoch=state.epoch if state else None,
        seen_cursor=state.cursor if state and city_cursor else 0,
        confirmed_seq=state.confirmed_seq if state else 0,
        report=report,
        marks_days=MARK_DAYS,
    )


def _has_state(session: Session, device_id: str) -> bool:
    return session.get(SyncState, device_id) is not None


def device_report(session: Session) -> p.DeviceReport:
    """The leases this PC holds and the highest numbers it issued (recent days for codes)."""
    unit = str(office_value(session, UNIT_CODE))
    leases = []
    for row in session.scalars(select(NumberLease).where(NumberLease.source == "server")):
        if not 1 <= row.start <= row.end:
            continue
        slot = row.start // 1000 if row.series.startswith(SLOT_SERIES_PREFIX) else None
        leases.append(p.HeldLease(series=row.series, first=row.start, last=row.end, slot=slot))
    codes: dict[str, int] = {}
    since = datetime.now(VN_TZ).date() - timedelta(days=MARK_DAYS)
    if is_unit_code(unit):
        for name, value in session.execute(
            select(LocalCounter.name, LocalCounter.value).where(
                LocalCounter.name.startswith(DOSSIER_COUNTER_PREFIX)
            )
        ):
            day = _counter_day(name)
            if day is not None and day >= since and value:
                key = f"{dossier_code_series(unit)}/{day:%y%m%d}"
                codes[key] = max(codes.get(key, 0), int(value))
    # Numbers issued from server leases only: a PC that numbered on its own before it
    # logged in has those numbers adopted (or refused) through its pushes.
    numbers_issued: dict[str, int] = {}
    for held in leases:
        if held.slot is not None:
            continue
        top = session.scalar(
            select(func.max(IssuedNumber.number)).where(
                IssuedNumber.series == held.series,
                IssuedNumber.number.between(held.first, held.last),
            )
        )
        if top:
            numbers_issued[held.series] = max(numbers_issued.get(held.series, 0), int(top))
    limit = p.MAX_REPORTED
    return p.DeviceReport(
        leases=leases[-limit:],
        codes=dict(sorted(codes.items())[-limit:]),
        numbers=dict(list(numbers_issued.items())[:limit]),
    )


def _counter_day(name: str) -> datetime | None:
    """The day of a ``dossier/{yyyymmdd}/{slot}`` counter."""
    parts = name.split("/")
    if len(parts) != 3:
        return None
    try:
        return datetime.strptime(parts[1], "%Y%m%d").date()  # type: ignore[return-value]
    except ValueError:
        return None


def reconcile(session: Session, device_id: str, hs: p.HandshakeResponse) -> str | None:
    """Repair this PC's state from the handshake's answer; return a notice for the clerk."""
    state = load_state(session, device_id)
    notice: str | None = None
    if hs.relay:
        return _reconcile_with_relay(session, state, hs)
    server_rewound = (
        (state.epoch is not None and bool(hs.epoch) and hs.epoch != state.epoch)
        or hs.cursor < state.cursor
        or hs.last_seq < state.confirmed_seq
    )
    if server_rewound:
        _requeue_what_the_server_lost(session, state, hs)
        notice = SERVER_RESTORED
    elif counter_value(session, OUTBOX_SEQ) < hs.last_seq:
        notice = STORE_REWOUND  # restored from a backup the witness did not cover
    if hs.epoch:
        state.epoch = hs.epoch
    if _continue_above(session, device_id, hs.last_seq, renumber=not server_rewound):
        notice = notice or STORE_REWOUND
    state.seq_floor = max(state.seq_floor, hs.last_seq)
    state.confirmed_seq = hs.last_seq if server_rewound else max(state.confirmed_seq, hs.last_seq)
    # The server's list is the truth: a slot or block it no longer gives this PC (lost in
    # a restore and held by another PC since) is never issued from again.
    listed = [f"server-{lease.lease_id}" for lease in hs.leases]
    session.execute(
        delete(NumberLease).where(NumberLease.source == "server", NumberLease.lease_id.not_in(listed))
    )
    apply_marks(session, hs.marks)
    if notice is not None:
        state.notice = notice
    return notice


def _reconcile_with_relay(session: Session, state: SyncState, hs: p.HandshakeResponse) -> str | None:
    """An office relay answers: its numbers are its own, not the city's.

    The relay has no epoch, its cursor is its own (``adopt_source`` restarted the
    pull at 0 when the source changed) and its ``last_seq`` counts operations it
    holds for the city: none of them says the city was rewound, so the epoch,
    the confirmed seq and the city's list of leases are left as they are. New
    operations still continue above every seq the relay knows of.
    """
    notice = STORE_REWOUND if counter_value(session, OUTBOX_SEQ) < hs.last_seq else None
    if _continue_above(session, state.device_id, hs.last_seq, renumber=True):
        notice = STORE_REWOUND
    state.seq_floor = max(state.seq_floor, hs.last_seq)
    apply_marks(session, hs.marks)
    if notice is not None:
        state.notice = notice
    return notice


def _requeue_what_the_server_lost(session: Session, state: SyncState, hs: p.HandshakeResponse) -> None:
    """The server was rewound: confirmed operations above its ``last_seq`` go back to the
    queue (same op ids and seqs) and the pull starts again from zero."""
    lost = list(
        session.scalars(
            select(OutboxOp).where(
                OutboxOp.device_id == state.device_id,
                OutboxOp.state == p.OutboxState.DONE,
                OutboxOp.seq > hs.last_seq,
            )
        )
    )
    for op in lost:
        op.state, op.last_error = p.OutboxState.PENDING, REQUEUED_AFTER_RESTORE
    audit(
        session,
        "server_rewound",
        actor="sync",
        entity="device",
        entity_id=state.device_id,
        details={
            "old_epoch": state.epoch,
            "new_epoch": hs.epoch,
            "server_cursor": hs.cursor,
            "seen_cursor": state.cursor,
            "server_last_seq": hs.last_seq,
            "confirmed_seq": state.confirmed_seq,
            "requeued": len(lost),
        },
        at=datetime.now(UTC),
    )
    log.warning("server rewound: %s operations re-queued, pulling again from zero", len(lost))
    state.cursor, state.resync = 0, True
    state.confirmed_seq = state.seq_floor = hs.last_seq


def _continue_above(session: Session, device_id: str, last_seq: int, *, renumber: bool) -> bool:
    """New operations continue above the server's ``last_seq``; True when some had to move.

    Operations made after a restore the witness did not cover got seqs the
    server already holds; never sent, they simply move above, in their order.
    """
    current = counter_value(session, OUTBOX_SEQ)
    if current < last_seq:
        bump_counter(session, OUTBOX_SEQ, step=last_seq - current)
    if not renumber:
        return False
    stale = session.scalar(
        select(func.min(OutboxOp.seq)).where(
            OutboxOp.device_id == device_id,
            OutboxOp.state.in_(p.OPEN_OUTBOX_STATES),
            OutboxOp.attempts == 0,
            OutboxOp.seq <= last_seq,
        )
    )
    if stale is None:
        return False
    renumber_from(session, device_id, stale)
    return True


def drain_boundary(session: Session, device_id: str) -> int:
    """The seq up to which a revoked PC still delivers (set once, when it learns of it)."""
    state = load_state(session, device_id)
    if state.drain_boundary is None:
        state.drain_boundary = counter_value(session, OUTBOX_SEQ)
        # Nothing is numbered any more: the slot and blocks go to another PC once drained.
        session.execute(delete(NumberLease).where(NumberLease.source == "server"))
        merge_office(session, counter_slot=NO_SLOT)
        audit(
            session,
            "device_revoked_draining",
            actor="sync",
            entity="device",
            entity_id=device_id,
            details={"boundary": state.drain_boundary},
            at=datetime.now(UTC),
        )
    return state.drain_boundary


def give_back_after_resync(
    session: Session, seen: set[str], device_id: str, has_blob: Callable[[str], bool]
) -> int:
    """After a pull from zero: give back the synced records the restored server lost.

    A record this PC holds as synced (no unsent change) that the server no
    longer has was lost with the server's restore; its owner may be unable to
    send it again (restored itself, replaced), so every PC that holds it gives
    it back as a create marked ``restored`` (a copy the server already has is a
    plain duplicate). Events go in their history order, after their dossier. An
    attachment whose bytes are not on this PC is left to a PC that has them:
    its record is removed here until it comes back. Returns how many were given back.
    """
    open_ids = set(
        session.scalars(select(OutboxOp.entity_id).where(OutboxOp.state.in_(p.OPEN_OUTBOX_STATES)))
    )
    now = datetime.now(UTC)
    given = 0
    for entity in _GIVE_BACK_ORDER:
        model: Any = ENTITY_MODELS[entity]
        query = select(model).where(model.server_version.is_not(None), model.dirty.is_(False))
        if entity is p.Entity.DOSSIER_EVENT:
            query = query.order_by(model.dossier_id, model.local_order)
        lost = [r for r in session.scalars(query) if r.id not in seen and r.id not in open_ids]
        for rec in lost:
            if entity is p.Entity.ATTACHMENT and not has_blob(rec.sha256):
                session.delete(rec)
                continue
            names = [n for n in synced_columns(entity) if n not in p.RECORDS[entity].derived]
            fields = fields_to_wire({n: getattr(rec, n) for n in names})
            fields[p.FIELD_RESTORED] = True
            add_op(
                session,
                device_id=device_id,
                entity=entity.value,
                entity_id=rec.id,
                action=p.Action.CREATE.value,
                fields=fields,
                created_at=now,
            )
            rec.dirty = True
            given += 1
    if given:
        audit(
            session,
            "records_given_back",
            actor="sync",
            entity="device",
            entity_id=device_id,
            details={"count": given},
            at=now,
        )
        log.warning("giving back %d records the restored server lost", given)
    return given


#: Parents before children: the order records are given back in.
_GIVE_BACK_ORDER = (
    p.Entity.DOSSIER,
    p.Entity.INCOMING_DOCUMENT,
    p.Entity.OUTGOING_DOCUMENT,
    p.Entity.ATTACHMENT,
    p.Entity.DOSSIER_EVENT,
)
