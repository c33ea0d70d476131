"""SQLite engine set-up: WAL, ``synchronous=FULL``, foreign keys, busy timeout.

Write transactions start with ``BEGIN IMMEDIATE`` so that two writers never
deadlock on a lock upgrade (each waits up to the busy timeout instead);
read-only sessions use a plain deferred ``BEGIN`` and never block writers (WAL).
"""

from __future__ import annotations

import sqlite3
import threading
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


class DirectWriter:
    """Write transactions straight on one sqlite3 connection of the pool, kept checked out.

    The same connection (pragmas, busy timeout) and the same transaction as
    ``store.write``: ``BEGIN IMMEDIATE`` takes the write lock first (a second
    writer, this process's sync engine or another process, waits up to the
    busy timeout), COMMIT on a normal exit, ROLLBACK on any error. BEGIN and
    COMMIT errors reach the caller wrapped as SQLAlchemy's (``store_busy``,
    ``disk_full`` ... are classified as before); errors of the caller's
    statements are sqlite3's, as on ``driver_connection``. ``on_commit`` is
    told of each commit, as the engine's ``commit`` listeners are (the
    checkpoint thread counts them).

    For hot paths only (``register_dossier``): the connection stays checked
    out between transactions (a pool checkout and its reset cost ~20 us of a
    save), one thread at a time uses it (``_lock``), and ``close`` hands it
    back to the pool before the engine is disposed. A connection whose
    ROLLBACK failed is dropped (invalidated) and the next transaction checks
    out a fresh one.
    """

    def __init__(self, engine: Engine, on_commit: Callable[[object], None] | None = None) -> None:
        self.engine = engine
        self.on_commit = on_commit
        self._lock = threading.Lock()
        self._fairy: Any = None
        #: Changes whenever a transaction begins on a database another connection (of this
        #: process or another) has committed to since this writer's previous transaction,
        #: or on another connection; read it inside ``transaction``. While it stays the
        #: same, only this writer's own transactions changed the database, so what they
        #: never write (settings, the calendar, procedures: see ``Services.register_dossier``)
        #: is as the last transaction read it.
        self.generation = 0
        self._seen: tuple[sqlite3.Connection, int] | None = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; yields the sqlite3 connection it runs on."""
        with self._lock:
            if self._fairy is None:
                self._fairy = self.engine.raw_connection()
            fairy = self._fairy
            db = fairy.driver_connection
            assert isinstance(db, sqlite3.Connection)
            _run(self.engine, db, _BEGIN["IMMEDIATE"])
            try:
                # SQLite's own count of other connections' commits (unchanged by this one's)
                seen = (db, db.execute("PRAGMA data_version").fetchone()[0])
                if seen != self._seen:
                    self._seen = seen
                    self.generation += 1
                yield db
                _run(self.engine, db, "COMMIT")
            except BaseException:
                if db.in_transaction:
                    try:
                        db.execute("ROLLBACK")
                    except sqlite3.Error:  # the connection cannot be trusted: the pool drops it
                        self._fairy = None
                        fairy.invalidate()
                        fairy.close()
                raise
            if self.on_commit is not None:
                self.on_commit(fairy)

    def close(self) -> None:
        """Hand the connection back to the pool (waits for a transaction in progress)."""
        with self._lock:
            fairy, self._fairy = self._fairy, None
            if fairy is not None:
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
