"""Seed an empty store from a commune snapshot (the first pull of a new PC, or a USB stick).

The snapshot file (:mod:`commune_desk.protocol.snapshot`) is attached to the
store's connection and its tables copied with ``INSERT ... SELECT`` in ONE
write transaction together with the cursor it is complete up to: a crash
leaves either nothing or everything. Records that are not pre-built rows
(calendar, conflicts, voids, events whose dossier is gone) go through the
ordinary pull applier in the same transaction, and dossier statuses are
derived from their events as after any pull. Ordinary paging then continues
from the snapshot's cursor.

A seed is only for a store that holds no synced record and no unsent
operation (checked again inside the transaction): anything local keeps the
usual paging path, which never overwrites it. A snapshot the PC cannot take
whole (a procedure its catalogue lacks, a required field missing, an event
kind it does not know) raises :class:`SnapshotUnusable`; the caller pages.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind, next_status
from commune_desk.protocol import snapshot as snap
from commune_desk.protocol.records import FieldRule, FieldType
from commune_desk.protocol.validation import checked_page
from commune_desk.store.engine import BEGIN_MODE
from commune_desk.store.models import Dossier, OutboxOp, SearchKey
from commune_desk.store.opening import Store
from commune_desk.store.settings import SYNC_SOURCE, get_setting, put_setting
from commune_desk.store.types import to_utc_text
from commune_desk.sync.bulk import plan_for
from commune_desk.sync.derive import derive_dossiers
from commune_desk.sync.pull import OPEN_STATES, PageApplier
from commune_desk.sync.records import ENTITY_MODELS
from commune_desk.sync.state import load_state
from commune_desk.sync.validate import rejection_reason, required_fields

log = logging.getLogger(__name__)

_SCHEMA = "snap"
_DIGITS_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
#: Page cache while copying (KiB, negative as SQLite wants it): the indexes of a whole
#: commune are written at once, and a small cache makes every index insert a disk read.
_COPY_CACHE_KIB = 256 * 1024


class SnapshotUnusable(Exception):
    """This snapshot cannot seed this store (the caller pages instead); the message says why."""


@dataclass(frozen=True)
class SeedResult:
    """What a seed copied and where the pull goes on from."""

    records: int
    cursor: int
    meta: snap.SnapshotMeta


def store_is_empty(session: Session) -> bool:
    """No synced record and no unsent operation: a snapshot may seed this store."""
    for model in {ENTITY_MODELS[e] for e in snap.BULK_ENTITIES}:
        if session.scalar(select(model.__table__.c.id).limit(1)) is not None:
            return False
    pending = select(OutboxOp.op_id).where(OutboxOp.state.in_(OPEN_STATES)).limit(1)
    return session.scalar(pending) is None


def read_snapshot_meta(path: Path) -> snap.SnapshotMeta:
    """The meta of an unpacked snapshot file (:class:`SnapshotUnusable` when it is none)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SnapshotUnusable(f"snapshot unreadable: {exc}") from exc
    try:
        return snap.read_meta(conn)
    except snap.SnapshotError as exc:
        raise SnapshotUnusable(str(exc)) from exc
    finally:
        conn.close()


@contextmanager
def _attached(store: Store, path: Path) -> Iterator[Connection]:
    """A store connection with the snapshot attached (ATTACH cannot run inside a transaction)."""
    with store.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute(f"ATTACH DATABASE ? AS {_SCHEMA}", (str(path),))
        (cache,) = raw.execute("PRAGMA main.cache_size").fetchone()
        raw.execute(f"PRAGMA main.cache_size=-{_COPY_CACHE_KIB}")
        try:
            yield conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        finally:
            conn.rollback()
            raw.execute(f"PRAGMA main.cache_size={cache}")
            raw.execute(f"DETACH DATABASE {_SCHEMA}")


def seed_from_snapshot(
    store: Store,
    path: Path,
    *,
    device_id: str,
    expect: tuple[str, str, str] | None = None,
    commune_code: str | None = None,
) -> SeedResult:
    """Copy the unpacked snapshot at ``path`` into ``store`` and set the cursor (one transaction).

    ``expect`` = (commune code, epoch, source id) the snapshot must be of (the
    handshake's); None for a stick, whose meta then becomes this PC's epoch and source
    (``commune_code`` then checks it is this PC's commune).
    Raises :class:`SnapshotUnusable` (nothing written) when it cannot be used.
    """
    meta = read_snapshot_meta(path)
    if commune_code is not None and meta.commune_code != commune_code:
        raise SnapshotUnusable(f"snapshot of commune {meta.commune_code}, this PC is of {commune_code}")
    if expect is not None and (meta.commune_code, meta.epoch, meta.source_id) != expect:
        raise SnapshotUnusable("snapshot of another commune, epoch or server")
    try:
        return _seed(store, path, device_id, meta, adopt=expect is None)
    except (sqlite3.Error, DBAPIError) as exc:  # a file of another shape: nothing was written
        raise SnapshotUnusable(f"snapshot unreadable: {exc}") from exc


def _seed(store: Store, path: Path, device_id: str, meta: snap.SnapshotMeta, *, adopt: bool) -> SeedResult:
    with _attached(store, path) as conn, conn.begin(), Session(bind=conn) as session:
        if not store_is_empty(session):
            raise SnapshotUnusable("the store already holds records or unsent work")
        state = load_state(session, device_id)
        if state.cursor != 0 or state.resync:
            raise SnapshotUnusable("this PC has pulled before")
        _check_rows(session)
        now = datetime.now(UTC)
        copied = _copy_rows(session, now)
        applied, orphans = _apply_changes(session, now)
        derive_dossiers(session, _to_derive(session))
        waiting = [c.seq for group in orphans.values() for c in group]
        cursor = state.cursor = min(waiting) - 1 if waiting else meta.cursor
        if adopt:
            _adopt_meta(session, state, meta)
        session.commit()
    log.info("store seeded from snapshot: %d records, cursor %d", copied + applied, cursor)
    return SeedResult(copied + applied, cursor, meta)


def _check_rows(session: Session) -> None:
    """Refuse a snapshot holding a row the pull would not store as it is."""
    conn = session.connection()
    checks = {
        "a dossier of a procedure this PC's catalogue lacks": (
            f"SELECT 1 FROM {_SCHEMA}.dossier s "
            "WHERE s.procedure_code NOT IN (SELECT code FROM main.procedures)"
        ),
        "an event of a kind this PC does not know": (
            f"SELECT 1 FROM {_SCHEMA}.dossier_event s WHERE s.kind NOT IN "
            f"({', '.join(repr(str(k)) for k in EventKind)})"
        ),
    }
    for entity in snap.BULK_ENTITIES:
        problems = [f's."{c}" IS NULL' for c in sorted(required_fields(entity))]
        rules = p.RECORDS[entity].fields
        problems += [_type_problem(name, rules[name]) for name in snap.columns(entity)]
        checks[f"a {entity.value} whose values this PC would refuse"] = (
            f'SELECT 1 FROM {_SCHEMA}."{entity.value}" s WHERE {" OR ".join(problems)}'
        )
    for reason, sql in checks.items():
        if conn.exec_driver_sql(sql + " LIMIT 1").first() is not None:
            raise SnapshotUnusable(f"snapshot holds {reason}")


def _type_problem(name: str, rule: FieldRule) -> str:
    """SQL that is true when the stored value of ``name`` is not of its field's type."""
    col = f's."{name}"'
    kind = rule.type
    if kind in (FieldType.INT, FieldType.BOOL):
        problem = f"typeof({col}) <> 'integer'"
    elif kind in (FieldType.OBJECT, FieldType.LIST, FieldType.OBJECTS):
        shape = "object" if kind is FieldType.OBJECT else "array"
        problem = f"typeof({col}) <> 'text' OR NOT json_valid({col}) OR json_type({col}) <> '{shape}'"
    elif kind is FieldType.DATE:
        problem = f"typeof({col}) <> 'text' OR {col} NOT GLOB '{_DIGITS_DATE}'"
    elif kind is FieldType.DATETIME:
        problem = f"typeof({col}) <> 'text' OR {col} NOT GLOB '{_DIGITS_DATE}T*Z'"
    elif kind is FieldType.UUID:
        problem = f"typeof({col}) <> 'text' OR length({col}) <> 36"
    else:
        problem = f"typeof({col}) <> 'text'"
        if rule.max_length is not None:
            problem += f" OR length({col}) > {rule.max_length}"
    return f"({col} IS NOT NULL AND ({problem}))"


def _copy_rows(session: Session, now: datetime) -> int:
    """INSERT ... SELECT every bulk table and its search keys; return the rows copied.

    Every snapshot column is named with its table (``s."col"``): SQLite reads a
    double-quoted name it cannot resolve as a string, so a missing column must fail.
    """
    conn = session.connection()
    now_text = to_utc_text(now)
    received = int(next_status(None, EventKind.RECEIVED))
    total = 0
    for entity in snap.BULK_ENTITIES:
        model = ENTITY_MODELS[entity]
        plan = plan_for(model)
        synced = set(snap.columns(entity))
        targets, sources, params = [], [], []
        for column in model.__table__.columns:
            name = column.key
            targets.append(f'"{name}"')
            if name == "id":
                sources.append("s.id")
            elif name == "server_version":
                sources.append("s._version")
            elif name == "local_order":
                sources.append("s._seq")
            elif name == "status" and model is Dossier:
                sources.append(str(received))  # derived below, as after a pull
            elif name in ("created_at", "updated_at"):
                sources.append(f'COALESCE(s."{name}", ?)')
                params.append(now_text)
            elif name in synced and plan.defaults[name] is not None:
                sources.append(f'COALESCE(s."{name}", ?)')
                params.append(plan.defaults[name])
            elif name in synced:
                sources.append(f's."{name}"')
            else:  # this PC's bookkeeping: a pulled record is clean, an attachment uploaded
                sources.append("?")
                params.append({"dirty": 0, "uploaded": 1}.get(name, plan.defaults[name]))
        table: Any = model.__table__
        result = conn.exec_driver_sql(
            f"INSERT INTO main.{table.name} ({', '.join(targets)}) "
            f'SELECT {", ".join(sources)} FROM {_SCHEMA}."{entity.value}" s ORDER BY s.rowid',
            tuple(params),
        )
        total += result.rowcount
        conn.exec_driver_sql(
            f"INSERT INTO main.{SearchKey.__tablename__} (entity, entity_id, keys) "
            f'SELECT ?, s.id, s._keys FROM {_SCHEMA}."{entity.value}" s '
            "WHERE s._keys IS NOT NULL ORDER BY s.rowid",
            (entity.value,),
        )
    return total


def _to_derive(session: Session) -> list[str]:
    """Dossiers whose derived fields may differ from what the copy stored.

    The copy stores the status a "received" event gives; a dossier whose only
    event is that one (or that has none) and that carries no finished or
    returned time derives to exactly what is stored (its appointment is derived
    only from pauses, recounts and extensions), so only the others are replayed.
    """
    received = str(EventKind.RECEIVED)
    sql = (
        "SELECT d.id FROM main.dossiers d WHERE d.finished_at IS NOT NULL OR d.returned_at IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM main.dossier_events e WHERE e.dossier_id = d.id AND e.kind <> ?) "
        "OR (SELECT count(*) FROM main.dossier_events e WHERE e.dossier_id = d.id) > 1"
    )
    return list(session.connection().exec_driver_sql(sql, (received,)).scalars())


def _apply_changes(session: Session, now: datetime) -> tuple[int, dict[str, list[p.Change]]]:
    """Apply the snapshot's one-by-one records with the pull's own applier, in seq order."""
    raw: Any = session.connection().connection.driver_connection
    orphans: dict[str, list[p.Change]] = {}
    applied = 0
    for bodies in snap.changes(raw, _SCHEMA):
        page = p.ReceivedPull.model_validate_json(
            '{"changes":[' + ",".join(bodies) + '],"cursor":0,"has_more":false}'
        )
        checked, _refused = checked_page(page)
        reasons = {id(c): r for c in checked.changes if (r := rejection_reason(c)) is not None}
        applier = PageApplier(session, now)
        applier.apply(checked.changes, orphans, None, reasons)
        applied += applier.applied
    return applied, orphans


def _adopt_meta(session: Session, state: Any, meta: snap.SnapshotMeta) -> None:
    """A stick's snapshot: its epoch and server become this PC's (the next handshake checks them)."""
    state.epoch = meta.epoch
    stored = dict(get_setting(session, SYNC_SOURCE) or {})
    stored.setdefault("source_id", meta.source_id)
    stored.setdefault("city_source_id", meta.source_id)
    put_setting(session, SYNC_SOURCE, stored)
