"""Pull: apply the server's changes page by page, cursor in the same transaction.

Rules (see docs/protocol.md, "Client rules"):

- A page of changes and the new cursor are committed in ONE transaction, so a
  crash or a cut never skips or half-applies a page.
- A pulled snapshot never overwrites fields that still have unpushed local
  operations: those fields keep the clerk's value until the push is answered
  (the server merges them per field and reports a conflict if needed).
- Tombstones delete the local row, unless it has unpushed changes (the push
  then meets the deletion on the server and becomes a conflict).
- Events order by server change sequence (``local_order`` = change seq), never
  by device time; a dossier's status and dates are derived from its events.
- An event can arrive before its dossier (the dossier changed later, so its
  change seq is higher). Such orphans wait in memory until the dossier
  arrives; the stored cursor stays just before the oldest orphan so a crash
  re-fetches it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import DeclarativeBase, Session

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind, next_status
from commune_desk.store.models import (
    Attachment,
    Conflict,
    Dossier,
    DossierEvent,
    IncomingDocument,
    IssuedNumber,
    OutboxOp,
    OutgoingDocument,
    Procedure,
    PulledRejection,
)
from commune_desk.store.opening import Store
from commune_desk.store.outbox import driver_connection
from commune_desk.store.search import drop_keys, has_staged, index_staged
from commune_desk.sync.bulk import BulkInserter, Prepared, prepare
from commune_desk.sync.client import SyncClient
from commune_desk.sync.derive import derive_dossiers
from commune_desk.sync.displace import displace_numbers
from commune_desk.sync.index import index_record
from commune_desk.sync.records import ENTITY_MODELS, apply_fields
from commune_desk.sync.recovery import give_back_after_resync
from commune_desk.sync.state import load_state
from commune_desk.sync.validate import (
    json_safe,
    rejection_reason,
    resolve_rejections,
    unresolved_rejections,
)

log = logging.getLogger(__name__)

OPEN_STATES = p.OPEN_OUTBOX_STATES
#: Pages arriving back to back share a transaction for at most this long.
MAX_TRANSACTION_SECONDS = 2.0
#: Within a page, parents before children.
_ORDER = {
    p.Entity.CALENDAR: 0,
    p.Entity.DOSSIER: 0,
    p.Entity.ATTACHMENT: 1,
    p.Entity.INCOMING_DOCUMENT: 1,
    p.Entity.OUTGOING_DOCUMENT: 1,
    p.Entity.DOSSIER_EVENT: 2,
    p.Entity.NUMBER_VOID: 3,
    p.Entity.CONFLICT: 4,
    p.Entity.CONFLICT_RESOLUTION: 5,
}


def _entity_rank(change: p.Change) -> int:
    return _ORDER.get(change.entity, 9)


def open_fields(session: Session, entity_ids: Iterable[str]) -> dict[str, set[str]]:
    """Field names with unpushed operations, per entity id."""
    ids = list(set(entity_ids))
    out: dict[str, set[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(OutboxOp.entity_id, OutboxOp.fields, OutboxOp.action).where(
                OutboxOp.entity_id.in_(ids[start : start + 500]),
                OutboxOp.state.in_(OPEN_STATES),
            )
        )
        for entity_id, fields, action in rows:
            names = out.setdefault(entity_id, set())
            names.update((fields or {}).keys())
            if action == p.Action.DELETE:
                names.add("__delete__")
    return out


class PageApplier:
    """Applies one page of changes inside the caller's transaction.

    ``authoritative``: the server's snapshot wins over a newer local version (a
    pull from zero after the server was restored: versions went backwards).
    """

    def __init__(self, session: Session, now: datetime, *, authoritative: bool = False) -> None:
        self.session = session
        self.now = now
        self.authoritative = authoritative
        self.touched_dossiers: set[str] = set()
        self.applied = 0
        self.rejected = 0
        self.ids: dict[int, str] = {}
        self.prepared: dict[int, Prepared] = {}

    def apply(
        self,
        changes: list[p.Change],
        orphans: dict[str, list[p.Change]],
        prepared: dict[int, Prepared] | None = None,
        reasons: dict[int, str] | None = None,
    ) -> None:
        """Apply ``changes``; events whose dossier is missing go to ``orphans``.

        ``prepared`` holds rows built ahead (by :func:`fetch_page`) for records
        that turn out to be new; ``reasons`` why some cannot be applied at all
        (those are kept in ``pulled_rejections`` and the page goes on).
        """
        self.prepared = prepared or {}
        changes = self._set_aside(changes, reasons or {})
        # Pages come in seq order; a stable sort by entity puts parents first.
        ordered = sorted(changes, key=_entity_rank)
        ids = self.ids = {id(c): str(c.entity_id) for c in ordered}
        pending = open_fields(self.session, ids.values())
        displace_numbers(self.session, ordered, self.now)
        ordered = self._insert_new(ordered, pending)
        for change in ordered:
            self._apply_one(change, pending.get(ids[id(change)], set()), orphans)
        waiting_for = list(orphans)
        present = _existing_ids(self.session, Dossier, waiting_for)
        for dossier_id in waiting_for:
            if dossier_id in present:
                for change in orphans.pop(dossier_id):
                    self._apply_one(change, set(), orphans)
        derive_dossiers(self.session, self.touched_dossiers)

    def _set_aside(self, changes: list[p.Change], reasons: dict[int, str]) -> list[p.Change]:
        """Keep the changes this PC cannot apply in ``pulled_rejections``; return the others."""
        reasons = dict(reasons)
        procedures = set(self.session.scalars(select(Procedure.code)))
        for change in changes:
            dossier = change.entity is p.Entity.DOSSIER and not change.deleted
            if (
                dossier
                and id(change) not in reasons
                and change.fields.get("procedure_code") not in procedures
            ):
                reasons[id(change)] = "procedure not in this PC's catalogue"
        refused = {str(c.entity_id) for c in changes if id(c) in reasons and c.entity is p.Entity.DOSSIER}
        parents = {
            str(c.fields.get(p.FIELD_DOSSIER_ID))
            for c in changes
            if c.entity is p.Entity.DOSSIER_EVENT and id(c) not in reasons and not c.deleted
        }
        refused |= unresolved_rejections(self.session, parents - refused)
        for change in changes:
            event = change.entity is p.Entity.DOSSIER_EVENT and not change.deleted
            if event and id(change) not in reasons and str(change.fields.get(p.FIELD_DOSSIER_ID)) in refused:
                reasons[id(change)] = "its dossier could not be applied on this PC"
        kept = []
        for change in changes:
            reason = reasons.get(id(change))
            if reason is None:
                kept.append(change)
                continue
            self._reject(change, reason)
        return kept

    def _reject(self, change: p.Change, reason: str) -> None:
        log.warning("pulled %s %s cannot be applied: %s", change.entity, change.entity_id, reason)
        entity_id = str(change.entity_id)
        row = self.session.get(PulledRejection, entity_id)
        if row is None:
            row = PulledRejection(entity_id=entity_id, created_at=self.now)
            self.session.add(row)
        row.entity, row.seq, row.version = str(change.entity), change.seq, change.version
        row.reason, row.fields, row.resolved_at = reason[:500], json_safe(change.fields), None
        self.rejected += 1

    def _insert_new(self, ordered: list[p.Change], pending: dict[str, set[str]]) -> list[p.Change]:
        """Bulk-insert the records this PC has never seen (the initial pull is mostly these).

        Rows are built as plain dicts and inserted with one ``executemany`` per
        table (no ORM objects: an initial pull is hundreds of thousands of
        rows). Returns the changes left for the one-by-one path (updates,
        tombstones, conflicts, orphan events...).
        """
        candidates = [
            c
            for c in ordered
            if c.entity in ENTITY_MODELS and not c.deleted and self.ids[id(c)] not in pending
        ]
        if not candidates:
            return ordered
        known: set[str] = set()
        for model in {ENTITY_MODELS[c.entity] for c in candidates}:
            known |= _existing_ids(
                self.session, model, [self.ids[id(c)] for c in candidates if ENTITY_MODELS[c.entity] is model]
            )
        event_parents = [
            str(c.fields.get(p.FIELD_DOSSIER_ID)) for c in candidates if c.entity is p.Entity.DOSSIER_EVENT
        ]
        dossiers = _existing_ids(self.session, Dossier, event_parents) | {
            self.ids[id(c)] for c in candidates if c.entity is p.Entity.DOSSIER
        }
        bulk = BulkInserter(self.now)
        done: set[int] = set()
        for change in candidates:
            entity_id = self.ids[id(change)]
            if entity_id in known:
                continue
            if change.entity is p.Entity.DOSSIER_EVENT:
                parent = str(change.fields.get(p.FIELD_DOSSIER_ID))
                if parent not in dossiers:
                    continue  # an orphan: the one-by-one path parks it
                self.touched_dossiers.add(parent)
            elif change.entity is p.Entity.DOSSIER:
                self.touched_dossiers.add(entity_id)
            bulk.add(ENTITY_MODELS[change.entity], change, self.prepared.get(id(change)))
            known.add(entity_id)
            done.add(id(change))
            self.applied += 1
        bulk.flush(self.session)
        return [c for c in ordered if id(c) not in done]

    def _apply_one(self, change: p.Change, pending: set[str], orphans: dict[str, list[p.Change]]) -> None:
        entity = change.entity
        if entity is p.Entity.CONFLICT:
            store_conflict(self.session, change, self.now)
        elif entity is p.Entity.NUMBER_VOID:
            self._void(change)
        elif entity in ENTITY_MODELS:
            if entity is p.Entity.DOSSIER_EVENT and not change.deleted:
                dossier_id = str(change.fields.get(p.FIELD_DOSSIER_ID))
                if self.session.get(Dossier, dossier_id) is None:
                    orphans.setdefault(dossier_id, []).append(change)
                    return
                self.touched_dossiers.add(dossier_id)
            self._record(change, pending)
        self.applied += 1

    def _record(self, change: p.Change, pending: set[str]) -> None:
        model = ENTITY_MODELS[change.entity]
        entity_id = str(change.entity_id)
        rec: Any = self.session.get(model, entity_id)
        if change.deleted:
            if rec is not None and not pending:
                if isinstance(rec, DossierEvent):
                    self.touched_dossiers.add(rec.dossier_id)
                if isinstance(rec, Dossier) and not self._drop_history(entity_id):
                    return
                self.session.delete(rec)
                drop_keys(self.session, entity_id)
            return
        if rec is not None and (rec.server_version or 0) > change.version and not self.authoritative:
            return  # older than what we already hold
        if rec is None:
            rec = _new_row(model, entity_id, self.now)
            apply_fields(rec, change.fields, skip=set())
            self.session.add(rec)
        else:
            apply_fields(rec, change.fields, skip=pending)
        rec.server_version = change.version
        rec.dirty = bool(pending)
        if isinstance(rec, DossierEvent):
            rec.local_order = change.seq
        elif isinstance(rec, Attachment):
            rec.uploaded = True
        elif isinstance(rec, Dossier):
            self.touched_dossiers.add(entity_id)
        if hasattr(rec, "updated_at"):
            rec.updated_at = self.now
        self.session.flush()
        index_record(self.session, change.entity, rec)

    def _drop_history(self, dossier_id: str) -> bool:
        """Remove a deleted dossier's events with it; False (keep all) while one is unsent.

        The city keeps a deleted dossier's events as records of their own, so
        its tombstone comes without theirs; left behind, they would refuse the
        dossier's delete (foreign key) and stop every pull of the commune. An
        event this PC has not sent yet keeps the dossier: its push meets the
        tombstone (``record_deleted``) and the clerk sees it in the quarantine.
        """
        events = list(self.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)))
        if open_fields(self.session, [e.id for e in events]):
            log.warning("deleted dossier %s kept: it has events not sent yet", dossier_id)
            return False
        for event in events:
            self.session.delete(event)
            drop_keys(self.session, event.id)
        self.session.flush()
        self.touched_dossiers.discard(dossier_id)
        return True

    def _void(self, change: p.Change) -> None:
        series, number = change.fields.get(p.FIELD_SERIES), change.fields.get(p.FIELD_NUMBER)
        if not isinstance(series, str) or not isinstance(number, int):
            return
        row = self.session.scalar(
            select(IssuedNumber).where(IssuedNumber.series == series, IssuedNumber.number == number)
        )
        if row is None:
            row = IssuedNumber(
                id=str(change.entity_id),
                series=series,
                number=number,
                entity=str(change.fields.get("entity") or ""),
                entity_id=change.fields.get("entity_id"),
                at=self.now,
            )
            self.session.add(row)
        row.voided = True
        row.void_reason = str(change.fields.get("reason") or "")


def _new_row(model: type[DeclarativeBase], entity_id: str, now: datetime) -> Any:
    """A fresh local row with this PC's bookkeeping columns filled in."""
    rec: Any = model(id=entity_id)
    for name in ("created_at", "updated_at"):
        if name in model.__table__.columns:
            setattr(rec, name, now)
    if model is Dossier:
        rec.status = int(next_status(None, EventKind.RECEIVED))
    if model is DossierEvent:
        rec.data = {}
    if model in (IncomingDocument, OutgoingDocument):
        rec.created_at = rec.updated_at = now
    return rec


def store_conflict(session: Session, change: p.Change, now: datetime) -> None:
    """Keep a server conflict record for a person to resolve.

    One local row per server conflict (``id`` = the server's conflict id):
    ``field`` lists the conflicting field names, ``local_value`` and
    ``server_value`` map each field to the device's and the server's value.
    """
    body = p.ConflictFields.model_validate(change.fields)
    row = session.get(Conflict, str(change.entity_id))
    if row is None:
        row = Conflict(
            id=str(change.entity_id),
            entity=body.target_entity.value,
            entity_id=str(body.target_entity_id),
            field=",".join(sorted(body.fields))[:60],
            base_version=body.base_version,
            local_value={k: v.client for k, v in body.fields.items()},
            server_value={k: v.server for k, v in body.fields.items()},
            created_at=now,
        )
        session.add(row)
    if body.status == "resolved" and row.resolved_at is None:
        row.resolved_at = now
        row.resolved_by = body.resolved_by


def _existing_ids(session: Session, model: type[DeclarativeBase], ids: list[str]) -> set[str]:
    """Which of ``ids`` exist in ``model``'s table."""
    found: set[str] = set()
    column = model.__table__.c.id
    for start in range(0, len(ids), 500):
        found.update(session.scalars(select(column).where(column.in_(ids[start : start + 500]))))
    return found


@dataclass
class Page:
    """A fetched page: its changes, rows prepared for new records, and refusals."""

    response: p.PullResponse
    prepared: dict[int, Prepared]
    reasons: dict[int, str]
    now: datetime


def fetch_page(client: SyncClient, after: int, limit: int) -> Page:
    """One page, checked, with rows prepared for the records that may be new (fetch thread)."""
    page = client.pull(after, limit)
    now = datetime.now(UTC)
    prepared: dict[int, Prepared] = {}
    reasons: dict[int, str] = {}
    for change in page.changes:
        reason = rejection_reason(change)
        if reason is not None:
            reasons[id(change)] = reason
            continue
        ready = prepare(change, now)
        if ready is not None:
            prepared[id(change)] = ready
    return Page(page, prepared, reasons, now)


def pull_all(
    store: Store,
    client: SyncClient,
    *,
    device_id: str,
    page_size: int = p.DEFAULT_PULL_LIMIT,
    on_page: Callable[[int, int], None] | None = None,
    has_blob: Callable[[str], bool] = lambda _sha: False,
) -> int:
    """Pull every change after the stored cursor; return how many were applied.

    The next page is fetched on a helper thread while this one is applied, so
    the link and the disk work at the same time (the cursor order is kept:
    pages are still applied one after the other). Pages and the cursor after
    them always commit together; consecutive pages may share a transaction.
    """
    with store.write.begin() as session:
        state = load_state(session, device_id)
        resync = state.resync
        if resync:
            state.cursor = 0  # a pull from zero restarts whole: the sweep needs every id
        fetch_after = state.cursor
    orphans: dict[str, list[p.Change]] = {}
    seen: set[str] = set()
    total = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as fetcher:
        ahead: Future[Page] = fetcher.submit(fetch_page, client, fetch_after, page_size)
        try:
            more = True
            while more:
                # Pages that are already here go into one transaction (for at most
                # two seconds): fewer commits and far fewer FTS5 merges to do.
                with store.write.begin() as session:
                    started = time.monotonic()
                    # The intake's staged search keys first, in one statement: the echo of
                    # a dossier saved here then finds its keys in place, as before staging.
                    db = driver_connection(session)
                    if has_staged(db):
                        index_staged(db)
                    while True:
                        fetched = ahead.result()
                        page = fetched.response
                        more = page.has_more
                        if more:
                            ahead = fetcher.submit(fetch_page, client, page.cursor, page_size)
                        applier = PageApplier(session, fetched.now, authoritative=resync)
                        applier.apply(page.changes, orphans, fetched.prepared, fetched.reasons)
                        ids = [str(c.entity_id) for c in page.changes if id(c) not in fetched.reasons]
                        resolve_rejections(session, ids, fetched.now)
                        if resync:
                            seen.update(str(c.entity_id) for c in page.changes)
                        state = load_state(session, device_id)
                        waiting = [c.seq for group in orphans.values() for c in group]
                        keep = min(waiting) - 1 if waiting else page.cursor
                        state.cursor = max(state.cursor, keep)
                        if resync and not more:
                            give_back_after_resync(session, seen, device_id, has_blob)
                            state.resync = False
                        total += applier.applied
                        if on_page is not None:
                            on_page(total, page.cursor)
                        # Never wait for the network while holding the write lock: the
                        # clerk's own saves would queue behind it.
                        if (
                            not more
                            or not ahead.done()
                            or time.monotonic() - started > MAX_TRANSACTION_SECONDS
                        ):
                            break
        finally:
            ahead.cancel()
    if orphans:
        log.warning("%d pulled events still wait for their dossier", len(orphans))
    return total


def drop_done_ops(session: Session, keep: int = 10_000) -> None:
    """Forget acknowledged operations beyond the newest ``keep`` (the outbox stays small)."""
    newest = session.scalar(
        select(OutboxOp.seq)
        .where(OutboxOp.state == p.OutboxState.DONE)
        .order_by(OutboxOp.seq.desc())
        .offset(keep)
        .limit(1)
    )
    if newest is not None:
        session.execute(delete(OutboxOp).where(OutboxOp.state == p.OutboxState.DONE, OutboxOp.seq <= newest))
