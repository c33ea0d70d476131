"""The store lock, the folder's memory of its store, and the classification of raw errors."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.store.errors import StoreError, as_store_error, store_error_kind
from commune_desk.store.identity import FolderRegistry, read_marker, write_marker
from commune_desk.store.lock import LOCK_FILE, StoreLock, is_locked, read_holder


def test_the_lock_is_exclusive_says_who_holds_it_and_is_released(tmp_path: Path) -> None:
    with StoreLock.acquire(tmp_path, purpose="app") as lock:
        assert lock.held and is_locked(tmp_path)
        holder = read_holder(tmp_path)
        assert holder is not None and holder.purpose == "app" and holder.pid == os.getpid()
        with pytest.raises(StoreError) as info:
            StoreLock.acquire(tmp_path, purpose="restore", wait=5)  # never waits for the app
        assert info.value.kind == "store_in_use" and info.value.params["app"] is True
    assert not is_locked(tmp_path)
    StoreLock.acquire(tmp_path, purpose="intake").release()


def test_a_command_waits_for_another_command_but_not_forever(tmp_path: Path) -> None:
    lock = StoreLock.acquire(tmp_path, purpose="intake")
    started = time.monotonic()
    with pytest.raises(StoreError):
        StoreLock.acquire(tmp_path, purpose="sync", wait=0.3)
    assert 0.25 < time.monotonic() - started < 5
    lock.release()


def test_the_lock_of_a_killed_process_is_free(tmp_path: Path) -> None:
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[2]);"
        "from commune_desk.store.lock import StoreLock;"
        "from pathlib import Path;"
        "lock = StoreLock.acquire(Path(sys.argv[1]), purpose='app');"
        "print('held', flush=True); time.sleep(60)"
    )
    src = str(Path(__file__).resolve().parents[3] / "src")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path), src], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        assert is_locked(tmp_path)
    finally:
        proc.kill()
        proc.wait(30)
    assert not is_locked(tmp_path)
    assert read_holder(tmp_path) is not None  # stale text stays; it only explains, never blocks


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_lock_file_content_is_harmless(raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / LOCK_FILE).write_bytes(raw)
        read_holder(Path(tmp))
        StoreLock.acquire(Path(tmp), purpose="intake").release()


def test_marker_and_registry(tmp_path: Path) -> None:
    assert read_marker(tmp_path) is None
    write_marker(tmp_path, "abcd" * 9)
    assert read_marker(tmp_path).store_id == "abcd" * 9  # type: ignore[union-attr]
    (tmp_path / "commune-desk.store-id").write_text("[not, json")
    damaged = read_marker(tmp_path)
    assert damaged is not None and damaged.store_id is None  # a damaged marker still says "had one"
    registry = FolderRegistry(tmp_path / "state" / "known.json")
    registry.remember(tmp_path / "data", "s1", last_backup=tmp_path / "b.zip")
    registry.remember(tmp_path / "data", "s1")
    known = registry.get(tmp_path / "data")
    assert known is not None and known.store_id == "s1" and known.last_backup == str(tmp_path / "b.zip")
    registry.remember(tmp_path / "data", "s2")  # another store in the folder: its backup is not ours
    assert registry.get(tmp_path / "data").last_backup is None  # type: ignore[union-attr]
    registry.forget(tmp_path / "data")
    assert registry.get(tmp_path / "data") is None
    (tmp_path / "state" / "known.json").write_text(json.dumps([1, 2]))
    assert registry.get(tmp_path / "data") is None


def test_raw_errors_are_classified(tmp_path: Path) -> None:
    assert store_error_kind(OSError(errno.ENOSPC, "full")) == "disk_full"
    assert store_error_kind(OSError(errno.EROFS, "ro")) == "folder_not_writable"
    assert store_error_kind(KeyError("x")) is None
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 300)
    conn = sqlite3.connect(bad)
    with pytest.raises(sqlite3.DatabaseError) as info:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert store_error_kind(info.value) == "store_unreadable"
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = info.value
    assert store_error_kind(wrapped) == "store_unreadable"
    typed = as_store_error(OSError(errno.EIO, "io"), path=str(tmp_path))
    assert typed is not None and typed.kind == "store_io_error" and typed.params["path"] == str(tmp_path)
