"""SQLite engine set-up: WAL, ``synchronous=FULL``, foreign keys, busy timeout.

Write transactions start with ``BEGIN IMMEDIATE`` so that two writers never
deadlock on a lock upgrade (each waits up to the busy timeout instead);
read-only sessions use a plain deferred ``BEGIN`` and never block writers (WAL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

#: Milliseconds a connection waits for a lock before raising "database is locked".
BUSY_TIMEOUT_MS = 10_000

#: Execution option naming the BEGIN flavour of a connection's transactions.
BEGIN_MODE = "commune_begin_mode"

_BEGIN = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}


def apply_pragmas(dbapi_connection: sqlite3.Connection) -> None:
    """Set the per-connection pragmas every store connection must have."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def create_store_engine(db_path: Path, **kwargs: Any) -> Engine:
    """Create the engine for the store at ``db_path`` (the file is created if missing).

    The default queue pool reuses connections (and their pragmas) across
    calls; a connection is used by one session, on one thread, at a time.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours.
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # On the sqlite3 connection itself: the statement machinery of
        # ``exec_driver_sql`` cost as much as the BEGIN (intake hot path).
        statement = _BEGIN[connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")]
        try:
            connection.connection.driver_connection.execute(statement)
        except sqlite3.Error as exc:  # wrapped as exec_driver_sql would (store_busy, disk_full ...)
            raise DBAPIError.instance(statement, None, exc, sqlite3.Error, dialect=engine.dialect) from exc

    return engine


@contextmanager
def direct_write(
    engine: Engine, on_commit: Callable[[object], None] | None = None
) -> Iterator[sqlite3.Connection]:
    """One write transaction on a pooled sqlite3 connection, without SQLAlchemy around it.

    The same connection (pragmas, busy timeout) and the same transaction as
    ``store.write``: ``BEGIN IMMEDIATE`` takes the write lock first (a second
    writer waits up to the busy timeout), COMMIT on a normal exit, ROLLBACK on
    any error. BEGIN and COMMIT errors reach the caller wrapped as SQLAlchemy's
    (``store_busy``, ``disk_full`` ... are classified as before); errors of the
    caller's statements are sqlite3's, as on ``driver_connection``. ``on_commit``
    is told of each commit, as the engine's ``commit`` listeners are (the
    checkpoint thread counts them). For hot paths only (``register_dossier``):
    a pool checkout and two statements instead of a Core connection's
    transaction machinery.
    """
    fairy = engine.raw_connection()
    db = fairy.driver_connection
    assert isinstance(db, sqlite3.Connection)
    try:
        _run(engine, db, _BEGIN["IMMEDIATE"])
        try:
            yield db
            _run(engine, db, "COMMIT")
        except BaseException:
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:  # the connection cannot be trusted: the pool drops it
                    fairy.invalidate()
            raise
        if on_commit is not None:
            on_commit(fairy)
    finally:
        fairy.close()


def _run(engine: Engine, db: sqlite3.Connection, statement: str) -> None:
    """Run a transaction statement, its error wrapped as SQLAlchemy's would be."""
    try:
        db.execute(statement)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, None, exc, sqlite3.Error, dialect=engine.dialect) from exc


def write_sessions(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose transactions take the write lock at BEGIN."""
    return sessionmaker(bind=engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"}), expire_on_commit=False)


def read_sessions(engine: Engine) -> sessionmaker[Session]:
    """Session factory for read-only work (deferred BEGIN)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
