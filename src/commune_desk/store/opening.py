"""The open store: ``Store`` (engine, session factories, checkpoint thread) and ``open_store``.

See the package docstring (``commune_desk/store/__init__.py``) for the conventions.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from commune_desk.store.checkpoint import Checkpointer
from commune_desk.store.engine import DirectWriter, create_store_engine, read_sessions, write_sessions
from commune_desk.store.migrate import upgrade_to_head


@dataclass(frozen=True)
class Store:
    """An open, migrated store: the engine, its two session factories, its checkpoint thread
    and the writer of its hot paths."""

    path: Path
    engine: Engine
    write: sessionmaker[Session]
    read: sessionmaker[Session]
    checkpointer: Checkpointer | None = None
    writer: DirectWriter | None = None

    def direct_write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on the store's own sqlite3 connection (``engine.DirectWriter``).

        Same pragmas, write lock and checkpoint counting as ``write``; no ORM
        session nor Core connection around it (hot paths).
        """
        assert self.writer is not None, "a store made by open_store has its writer"
        return self.writer.transaction()

    def close(self) -> None:
        """Release every connection (the file stays consistent: WAL + FULL sync)."""
        if self.checkpointer is not None:
            if event.contains(self.engine, "commit", self.checkpointer.on_commit):
                event.remove(self.engine, "commit", self.checkpointer.on_commit)
            self.checkpointer.stop()
        if self.writer is not None:
            self.writer.close()
        self.engine.dispose()


def open_store(path: Path) -> Store:
    """Open (creating or migrating to head) the SQLite store at ``path``.

    Commits wake the store's checkpoint thread (``store/checkpoint.py``), so
    saves do not pay for WAL checkpoints.
    """
    engine = create_store_engine(path)
    upgrade_to_head(engine)
    checkpointer = Checkpointer(path)
    event.listen(engine, "commit", checkpointer.on_commit)
    return Store(
        path=path,
        engine=engine,
        write=write_sessions(engine),
        read=read_sessions(engine),
        checkpointer=checkpointer,
        writer=DirectWriter(engine, checkpointer.on_commit),
    )
