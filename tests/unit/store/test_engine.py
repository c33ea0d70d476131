"""The SQLite engine, migrations and models of the store, on real files."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from commune_desk.store import engine as engine_module
from commune_desk.store.errors import store_error_kind
from commune_desk.store.migrate import current_revision, head_revision
from commune_desk.store.models import Base
from commune_desk.store.opening import Store, open_store


def test_pragmas_on_every_connection(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    try:
        for factory in (store.read, store.write):
            with factory() as session:
                assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
                assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        store.close()


def test_fresh_file_is_migrated_to_head_and_reopen_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    assert current_revision(store.engine) == head_revision()
    store.close()
    store = open_store(path)
    assert current_revision(store.engine) == head_revision()
    store.close()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    """Autogenerate finds nothing to do: the ORM classes describe the migrated schema."""
    store = open_store(tmp_path / "s.sqlite3")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        # The FTS5 virtual table and its shadow tables are not ORM models.
        diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_fts"))]
        assert diff == []
    finally:
        store.close()


def test_write_sessions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    """A write transaction holds RESERVED from BEGIN: a second writer waits instead of deadlocking."""
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    try:
        with store.write.begin() as session:
            session.execute(text("SELECT 1"))  # the session connects (and BEGINs) lazily
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                raise AssertionError("second writer got the lock")
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
            finally:
                other.close()
    finally:
        store.close()


@contextmanager
def _session_write(store: Store) -> Iterator[Callable[[str], object]]:
    with store.write.begin() as session:
        session.execute(text("SELECT 1"))  # the session connects (and BEGINs) lazily
        yield lambda sql: session.execute(text(sql))


@contextmanager
def _direct_write(store: Store) -> Iterator[Callable[[str], object]]:
    with store.direct_write() as db:  # the intake's transaction, without SQLAlchemy
        yield db.execute


@pytest.mark.parametrize("write", [_session_write, _direct_write])
def test_a_begin_kept_waiting_is_wrapped_classified_and_leaves_the_store_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[Store], Any]
) -> None:
    """BEGIN runs on the sqlite3 connection; its errors still reach callers as SQLAlchemy's."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as caught, write(store):
            raise AssertionError("got the lock another connection holds")
        assert isinstance(caught.value.orig, sqlite3.OperationalError)
        assert store_error_kind(caught.value) == "store_busy"
        holder.rollback()
        with write(store) as run:  # the connection is not stuck in a transaction
            run("INSERT INTO settings (key, value) VALUES ('k', '1')")
        with store.read() as session:
            assert session.execute(text("SELECT value FROM settings WHERE key = 'k'")).scalar() == 1
    finally:
        holder.close()
        store.close()


def test_fts_triggers_follow_search_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    try:
        with store.write.begin() as s:
            s.execute(
                text("INSERT INTO search_keys(entity, entity_id, keys) VALUES ('x', 'a', 'dang thi dao')")
            )
        match = text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :m")
        with store.read() as s:
            assert s.execute(match, {"m": "dao"}).scalar() == 1
        with store.write.begin() as s:
            s.execute(text("UPDATE search_keys SET keys = 'tran van an' WHERE entity_id = 'a'"))
        with store.read() as s:
            assert s.execute(match, {"m": "dao"}).scalar() == 0
            assert s.execute(match, {"m": "an"}).scalar() == 1
        with store.write.begin() as s:
            s.execute(text("DELETE FROM search_keys"))
        with store.read() as s:
            assert s.execute(match, {"m": "an"}).scalar() == 0
    finally:
        store.close()
