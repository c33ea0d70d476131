"""Transactional outbox and local counters.

``add_op`` must be called inside the same session/transaction as the record
write it describes; the session's commit then makes both durable together.

The counters and :func:`insert_ops` run their statements directly on the
sqlite3 connection of the caller's transaction, an ORM session's or a Core
connection's (:func:`driver_connection`):
they are on the counter's hot path, and plain parameterised SQL there is
prepared once by sqlite3's statement cache instead of being compiled and
processed by SQLAlchemy on every call. Same transaction, same rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from commune_desk.store.models import OutboxOp
from commune_desk.store.types import to_utc_text

#: What the helpers below run in: an ORM session, a Core connection (inside its transaction)
#: or the sqlite3 connection of a ``Store.direct_write`` transaction.
Executor = Session | Connection | sqlite3.Connection

#: Counter that numbers outbox operations per device (gapless: bumped only on insert).
OUTBOX_SEQ = "outbox_seq"
#: Prefix of the daily dossier-code counters, ``dossier/{yyyymmdd}/{slot}``.
DOSSIER_COUNTER_PREFIX = "dossier/"


def dossier_counter_name(local_day: Any, slot: int) -> str:
    """Local counter holding the last daily number issued by ``slot`` on ``local_day``."""
    # the same text as f"{local_day:%Y%m%d}", without strftime's cost on the intake path
    return f"{DOSSIER_COUNTER_PREFIX}{local_day.year}{local_day.month:02d}{local_day.day:02d}/{slot}"


_BUMP_SQL = (
    "INSERT INTO local_counters(name, value) VALUES (?1, ?2) "
    "ON CONFLICT(name) DO UPDATE SET value = value + ?2 RETURNING value"
)
_SET_SQL = (
    "INSERT INTO local_counters(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = ?2"
)
_INSERT_OP_SQL = (
    "INSERT INTO outbox (op_id, device_id, seq, entity, entity_id, action, base_version, fields, "
    "created_at, state, attempts, last_error, next_attempt_at, actor) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, NULL, NULL, ?)"
)


def new_ids(count: int) -> list[str]:
    """``count`` time-ordered ids: version 7 UUIDs (RFC 9562) in canonical text.

    The first 48 bits are the current Unix time in milliseconds, the other 74
    free bits come from ``os.urandom`` (drawn in one call, formatted without
    building UUID objects: intake hot path). Ids made one after another sort
    one after another, so a save's new rows land next to each other at the
    end of every index on an id (the dossier's and event's primary keys, the
    outbox's ``op_id`` and ``entity_id`` indexes) instead of on a random page
    of each: ~5 pages less per save in the WAL (``bench/intake_bench.py``),
    and at a million dossiers no random page of a large index to read first.
    Demo records have had such ids from the start (``services.demo.time_ordered_id``).
    """
    stamp = (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF).to_bytes(6, "big")
    raw = bytearray(os.urandom(16 * count))
    for i in range(0, 16 * count, 16):
        raw[i : i + 6] = stamp
        raw[i + 6] = (raw[i + 6] & 0x0F) | 0x70  # version 7
        raw[i + 8] = (raw[i + 8] & 0x3F) | 0x80  # RFC 4122 / 9562 variant
    h = raw.hex()
    return [
        f"{h[k : k + 8]}-{h[k + 8 : k + 12]}-{h[k + 12 : k + 16]}-{h[k + 16 : k + 20]}-{h[k + 20 : k + 32]}"
        for k in range(0, 32 * count, 32)
    ]


def driver_connection(session: Executor) -> sqlite3.Connection:
    """The sqlite3 connection of ``session``'s transaction (begun if it was not yet).

    Whatever is executed on it commits or rolls back with the session. Like
    ``session.execute(text(...))`` it does not flush pending ORM objects:
    callers that must see them flush first. A sqlite3 connection (of a
    ``Store.direct_write`` transaction) is its own.
    """
    if isinstance(session, sqlite3.Connection):
        return session
    if isinstance(session, Session):
        session = session.connection()
    elif not session.in_transaction():
        session.begin()
    connection = session.connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def bump_counter(session: Executor, name: str, *, step: int = 1) -> int:
    """Increase the named counter by ``step`` and return its new value (a new counter starts at 0).

    One upsert statement; counters are only touched through these helpers
    (never as ORM objects), so the session's identity map cannot go stale.
    """
    row = driver_connection(session).execute(_BUMP_SQL, (name, step)).fetchone()
    assert row is not None
    return int(row[0])


def counter_value(session: Executor, name: str) -> int:
    """Current value of a counter (0 when it was never bumped)."""
    row = (
        driver_connection(session)
        .execute("SELECT value FROM local_counters WHERE name = ?", (name,))
        .fetchone()
    )
    return int(row[0] or 0) if row is not None else 0


def add_op(
    session: Session,
    *,
    device_id: str,
    entity: str,
    entity_id: str,
    action: str,
    fields: dict[str, Any],
    created_at: datetime,
    base_version: int | None = None,
    actor: str | None = None,
) -> OutboxOp:
    """Queue one sync operation in the caller's transaction (``actor``: who made it)."""
    op = OutboxOp(
        op_id=str(uuid.uuid4()),
        device_id=device_id,
        seq=bump_counter(session, OUTBOX_SEQ),
        entity=entity,
        entity_id=entity_id,
        action=action,
        base_version=base_version,
        fields=fields,
        created_at=created_at,
        state="pending",
        attempts=0,
        actor=actor,
    )
    session.add(op)
    return op


_CLAIM_SQL = (
    "INSERT INTO local_counters(name, value) VALUES (?1, ?2) "
    "ON CONFLICT(name) DO UPDATE SET value = max(coalesce(value, 0) + 1, ?2) RETURNING value"
)


def claim_counter(session: Executor, name: str, *, at_least: int) -> int:
    """Move the named counter to the value after its current one, or to ``at_least`` if that is
    more (a new counter starts there), and return the new value: one statement.

    What reading the counter and setting it to ``max(value + 1, at_least)`` does
    in two (``tests/unit/store/test_claim_counter.py``); the caller refuses a
    value out of its range by raising, which rolls the claim back with its transaction.
    """
    row = driver_connection(session).execute(_CLAIM_SQL, (name, at_least)).fetchone()
    assert row is not None
    return int(row[0])


def set_counter(session: Executor, name: str, value: int) -> None:
    """Set the named counter to ``value`` (used for daily dossier numbers)."""
    driver_connection(session).execute(_SET_SQL, (name, value))


def insert_ops(
    session: Executor,
    *,
    device_id: str,
    ops: Sequence[tuple[str, str, str, int | None, dict[str, Any]]],
    created_at: datetime,
    actor: str | None = None,
) -> list[str]:
    """Queue several operations ``(entity, entity_id, action, base_version, fields)`` at once.

    Same rows as :func:`add_op` (``fields`` stored as ``json.dumps`` text, as
    the ORM's JSON type does; ``created_at`` as the store's UTC text), but one
    counter bump and one prepared INSERT run for each operation on the
    session's sqlite3 connection (the intake hot path). Returns the new op ids
    in order.
    """
    db = driver_connection(session)
    row = db.execute(_BUMP_SQL, (OUTBOX_SEQ, len(ops))).fetchone()
    assert row is not None
    first = int(row[0]) - len(ops) + 1
    at = to_utc_text(created_at)
    ids = new_ids(len(ops))
    rows = [
        (
            ids[i],
            device_id,
            first + i,
            entity,
            entity_id,
            action,
            base_version,
            json.dumps(fields),
            at,
            actor,
        )
        for i, (entity, entity_id, action, base_version, fields) in enumerate(ops)
    ]
    db.executemany(_INSERT_OP_SQL, rows)
    return [r[0] for r in rows]
