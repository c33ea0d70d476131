"""Engine setup and schema migration for the city server.

SQLite (the default, one file) runs in WAL mode and every writing transaction
starts with ``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout
instead of failing on a lock upgrade; read-only requests begin deferred.
PostgreSQL is used as is; writers of one commune serialise on the commune row
(``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


POOL_SIZE = 20
"""Database connections per server process; also the cap on requests in flight."""

#: Execution option: how SQLite transactions begin (``IMMEDIATE`` for writers, the default).
BEGIN_MODE = "city_begin_mode"


def make_engine(url: str, *, pool_size: int = POOL_SIZE) -> Engine:
    """Create an engine for ``url`` tuned for the server (SQLite or PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=pool_size
        )
        _tune_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    # Multi-row INSERT ... VALUES for executemany without RETURNING too: psycopg 3 would
    # otherwise send one pipelined statement per row (measured: ~20 % of push CPU).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(BEGIN_MODE, 'IMMEDIATE')}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (results are returned after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for read-only requests: on SQLite a deferred BEGIN, so they never take the
    write lock and never wait for (or stall) another commune's push."""
    return sessionmaker(engine.execution_options(**{BEGIN_MODE: "DEFERRED"}), expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the latest migration."""
    command.upgrade(alembic_config(engine), "head")


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
