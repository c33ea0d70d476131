"""Local store: SQLAlchemy models, SQLite engine (WAL), Alembic migrations, FTS5 index.

``open_store(path)`` is the one way in: it creates or upgrades the file to the
newest schema and returns a :class:`Store` with read and write session factories.

Conventions the sync engine relies on (see ``models.py`` for every column):

- Synced records (``dossiers``, ``dossier_events``, ``attachments``,
  ``incoming_documents``, ``outgoing_documents``) carry ``server_version``
  (``None`` until the server knows the record) and ``dirty`` (local changes not
  yet acknowledged). Every service write that sets ``dirty`` adds its
  ``outbox`` row in the same transaction; ``db check`` verifies that every
  dirty record has a not-done operation.
- ``outbox``: ``seq`` comes from the ``local_counters`` row ``outbox_seq``
  (bumped in the writing transaction, so seqs are gapless); rows are never
  deleted (``done`` ones stay) — ``db check`` counts every seq from 1.
  ``state``: pending → in_flight → done, or quarantined (+ a ``quarantine`` row).
- ``sync_state`` (one row per device: cursor, leases, last success/error),
  ``quarantine`` and ``conflicts`` are owned by the sync engine; add columns
  with a new Alembic revision in ``migrations/versions``.
- ``search_keys`` holds each record's folded text; triggers mirror it into the
  FTS5 table ``search_fts``. Write keys with ``store.search.set_keys`` in the
  record's transaction.
- ``local_counters``: ``outbox_seq`` and ``dossier/{yyyymmdd}/{slot}`` (last
  daily number issued by a counter slot).
- Datetimes are UTC text (``store.types.UTCDateTime``), read back aware.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from commune_desk.store.checkpoint import Checkpointer
from commune_desk.store.engine import create_store_engine, direct_write, read_sessions, write_sessions
from commune_desk.store.migrate import upgrade_to_head


@dataclass(frozen=True)
class Store:
    """An open, migrated store: the engine, its two session factories and its checkpoint thread."""

    path: Path
    engine: Engine
    write: sessionmaker[Session]
    read: sessionmaker[Session]
    checkpointer: Checkpointer | None = None

    def direct_write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on the store's sqlite3 connection (``engine.direct_write``).

        Same connection, pragmas, write lock and checkpoint counting as
        ``write``; no ORM session nor Core connection around it (hot paths).
        """
        return direct_write(self.engine, self.checkpointer.on_commit if self.checkpointer else None)

    def close(self) -> None:
        """Release every connection (the file stays consistent: WAL + FULL sync)."""
        if self.checkpointer is not None:
            if event.contains(self.engine, "commit", self.checkpointer.on_commit):
                event.remove(self.engine, "commit", self.checkpointer.on_commit)
            self.checkpointer.stop()
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
    )


__all__ = ["Store", "open_store"]
