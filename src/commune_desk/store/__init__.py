"""Local store: SQLAlchemy models, SQLite engine (WAL), Alembic migrations, FTS5 index.

``open_store(path)`` is the one way in: it creates or upgrades the file to the
newest schema and returns a :class:`Store` with read and write session factories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from commune_desk.store.engine import create_store_engine, read_sessions, write_sessions
from commune_desk.store.migrate import upgrade_to_head


@dataclass(frozen=True)
class Store:
    """An open, migrated store: the engine and its two session factories."""

    path: Path
    engine: Engine
    write: sessionmaker[Session]
    read: sessionmaker[Session]

    def close(self) -> None:
        """Release every connection (the file stays consistent: WAL + FULL sync)."""
        self.engine.dispose()


def open_store(path: Path) -> Store:
    """Open (creating or migrating to head) the SQLite store at ``path``."""
    engine = create_store_engine(path)
    upgrade_to_head(engine)
    return Store(path=path, engine=engine, write=write_sessions(engine), read=read_sessions(engine))


__all__ = ["Store", "open_store"]
