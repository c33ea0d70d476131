"""``Store.direct_write``: the intake's transaction on the sqlite3 connection, without SQLAlchemy.

It must behave as a ``store.write`` transaction does: the write lock at BEGIN,
everything or nothing, errors classified, the checkpoint thread told of commits,
and the pooled connection never left inside a transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from commune_desk.store.opening import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(tmp_path / "s.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def _settings(store: Store) -> dict[str, object]:
    with store.read() as s:
        return {k: v for k, v in s.execute(text("SELECT key, value FROM settings"))}


def test_a_normal_exit_commits_and_the_checkpoint_thread_counts_it(store: Store) -> None:
    assert store.checkpointer is not None
    before = store.checkpointer._commits
    with store.direct_write() as db:
        assert db.in_transaction
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
    assert _settings(store) == {"a": 1}
    assert store.checkpointer._commits == before + 1


def test_an_error_inside_rolls_everything_back_and_counts_no_commit(store: Store) -> None:
    assert store.checkpointer is not None
    before = store.checkpointer._commits
    with pytest.raises(RuntimeError, match="power cut"), store.direct_write() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        raise RuntimeError("power cut")
    assert _settings(store) == {}
    assert store.checkpointer._commits == before
    with store.direct_write() as db:  # the pooled connection is not stuck in a transaction
        db.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
    assert _settings(store) == {"b": 2}


def test_a_refused_commit_is_wrapped_rolled_back_and_leaves_the_connection_usable(store: Store) -> None:
    """A deferred foreign key makes COMMIT itself fail: SQLite keeps the transaction open."""
    with pytest.raises(IntegrityError) as caught, store.direct_write() as db:
        db.execute("PRAGMA defer_foreign_keys=ON")
        db.execute(
            "INSERT INTO dossier_events (id, dossier_id, local_order, kind, at, actor, note, data, dirty) "
            "VALUES ('e', 'no-such-dossier', 1, 'received', '2026-01-01T00:00:00.000000Z', '', '', '{}', 1)"
        )
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)
    assert _settings(store) == {}
    with store.direct_write() as db:
        assert not db.execute("PRAGMA defer_foreign_keys").fetchone()[0]  # reset by the rollback
        db.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
    assert _settings(store) == {"b": 2}


def test_the_write_lock_is_taken_at_begin(store: Store) -> None:
    with store.direct_write():
        other = sqlite3.connect(store.path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_a_writer_on_another_thread_waits_for_the_lock_then_both_commit(store: Store) -> None:
    """The sync engine writes through ``store.write`` from its own thread meanwhile."""
    started, done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with store.write.begin() as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES ('sync', '1')"))
            started.set()
            time.sleep(0.2)
        done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert started.wait(5)
    with store.direct_write() as db:
        assert done.is_set()  # BEGIN IMMEDIATE waited for the other transaction's commit
        db.execute("INSERT INTO settings (key, value) VALUES ('intake', '1')")
    thread.join()
    assert _settings(store) == {"sync": 1, "intake": 1}


def test_saves_from_two_threads_at_once_each_commit_whole(store: Store) -> None:
    """The writer's connection is used by one thread at a time; neither save is lost or mixed."""
    errors: list[BaseException] = []

    def saver(name: str) -> None:
        try:
            for i in range(30):
                with store.direct_write() as db:
                    db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"{name}{i}", i))
                    time.sleep(0.0005)  # let the other thread try to come in
                    db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"{name}{i}b", i))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=saver, args=(n,)) for n in "xy"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(_settings(store)) == 120


def test_close_hands_the_connection_back_and_the_store_closes_cleanly(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with store.direct_write() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
    assert store.engine.pool.checkedout() == 1  # kept between saves
    store.close()
    assert store.engine.pool.checkedout() == 0
    reopened = open_store(tmp_path / "s.sqlite3")
    try:
        assert _settings(reopened) == {"a": 1}
    finally:
        reopened.close()


def test_the_generation_changes_exactly_when_another_connection_committed(store: Store) -> None:
    """What lets the intake skip re-reading the settings: the generation stays while only
    the writer itself writes, and moves after any other connection's commit (a session of
    this process, or another process's own connection)."""
    assert store.writer is not None
    with store.direct_write():
        first = store.writer.generation
    for n in range(3):  # the writer's own commits
        with store.direct_write() as db:
            db.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (f"own{n}",))
            assert store.writer.generation == first
    with store.read() as s:  # a read commits nothing
        s.execute(text("SELECT count(*) FROM settings")).scalar()
    with store.direct_write():
        assert store.writer.generation == first
    with store.write.begin() as s:  # a session: another pooled connection
        s.execute(text("INSERT INTO settings (key, value) VALUES ('session', '1')"))
    with store.direct_write():
        second = store.writer.generation
        assert second != first
    other = sqlite3.connect(store.path, isolation_level=None)  # another process's connection
    try:
        other.execute("UPDATE settings SET value = '2' WHERE key = 'session'")
    finally:
        other.close()
    with store.direct_write():
        assert store.writer.generation not in (first, second)


def test_only_writes_that_leave_settings_calendar_and_procedures_alone_use_the_direct_writer() -> None:
    """``Services._office_in_writer`` and ``_procedure_in_writer`` trust that nothing run
    through ``direct_write`` changes those rows. Every caller, reviewed for that, is listed
    here; a new one must be reviewed the same way (and added)."""
    src = Path(__file__).resolve().parents[3] / "src"
    callers = sorted(
        f"{path.relative_to(src).as_posix()}:{line.strip()}"
        for path in src.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "direct_write()" in line and not line.lstrip().startswith(("#", "def ", '"', "``"))
    )
    assert callers == [
        "commune_desk/services/base.py:with self.store.direct_write() as db:",  # index_staged
        "commune_desk/services/dossiers.py:with self.store.direct_write() as db:",  # the intake
    ]
