"""Back up and restore the city server's database the way an operator would, for tests.

:func:`snapshot` copies every table's rows; :func:`restore` puts the database
back exactly as it was (rows deleted and re-inserted in one transaction,
PostgreSQL identity sequences moved back too), while the server keeps running
on the same connections, as after a ``pg_restore`` of a backup. Works on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text

from city_server.db import make_engine
from city_server.models import Base


@dataclass(frozen=True)
class Snapshot:
    """The rows of every table at one moment."""

    rows: dict[str, list[dict[str, Any]]]


def snapshot(db_url: str) -> Snapshot:
    """Copy every table of the server database at ``db_url``."""
    engine = make_engine(db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            return Snapshot(
                {
                    t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                    for t in Base.metadata.sorted_tables
                }
            )
    finally:
        engine.dispose()


def restore(db_url: str, snap: Snapshot) -> None:
    """Put the database at ``db_url`` back to ``snap`` (one transaction)."""
    engine = make_engine(db_url, pool_size=1)
    try:
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                if snap.rows[table.name]:
                    conn.execute(insert(table), snap.rows[table.name])
            _reset_sequences(engine, conn)
    finally:
        engine.dispose()


def _reset_sequences(engine: Engine, conn: Any) -> None:
    if engine.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        ).scalar()
        if sequence is None:
            continue
        top = conn.execute(select(func.max(pk[0]))).scalar()
        conn.execute(
            text("SELECT setval(:s, :v, :called)"),
            {"s": sequence, "v": top or 1, "called": top is not None},
        )
