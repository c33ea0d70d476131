"""WAL checkpoints run on the store's own thread, after commits, on real files."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from commune_desk.store.checkpoint import Checkpointer
from commune_desk.store.opening import open_store


def _wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def _insert(store: object, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with store.write.begin() as session:  # type: ignore[attr-defined]
            session.execute(
                text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": f"k{i}", "v": "x" * 3000}
            )


def test_commits_then_a_pause_are_checkpointed_by_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    try:
        assert store.checkpointer is not None
        _insert(store, 3)
        assert _wait_for(lambda: store.checkpointer.checkpoints >= 1)
        # the pages are in the database file: a new WAL write starts from the beginning
        with sqlite3.connect(path) as db:
            busy, log, done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and log == done
    finally:
        store.close()
    assert not store.checkpointer.is_alive()


def test_a_run_of_commits_is_checkpointed_without_a_pause(tmp_path: Path) -> None:
    """Back-to-back saves: the thread checkpoints every run of commits, not only after a pause."""
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    try:
        _insert(store, 400)
        assert _wait_for(lambda: store.checkpointer.checkpoints >= 2)
        with store.read() as session:
            assert session.execute(text("SELECT count(*) FROM settings WHERE key LIKE 'k%'")).scalar() == 400
    finally:
        store.close()


def test_a_vanished_store_file_is_not_created_again(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite3"
    checkpointer = Checkpointer(path, poll=0.01)
    try:
        checkpointer.on_commit(None)
        time.sleep(0.2)
        assert not path.exists()
        assert checkpointer.checkpoints == 0
    finally:
        checkpointer.stop()


def test_close_twice_is_harmless(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    _insert(store, 1)
    store.close()
    store.close()
