"""The data folder before and around the store: is it there, is it ours, what was left behind.

``open_checked(paths, lock=...)`` is how the composition root opens a store:

- a folder that held a store (its marker file, or the per-user list of known
  folders, says so) whose store file is gone, empty or unreadable is never
  replaced by a new empty store: ``StoreError`` (``store_missing``,
  ``store_empty``, ``store_unreadable``) naming the newest verified backup;
- a store made by a newer version is ``store_newer_version`` (not damaged);
- a full disk, a read-only folder, a lock held too long are typed too;
- with the store lock held, what killed backups, restores and attachment adds
  left behind is removed first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commune_desk.paths import AppPaths
from commune_desk.services import backup as backups
from commune_desk.services.restore import SCRATCH_PREFIX as RESTORE_PREFIX
from commune_desk.services.restore import move_store_aside
from commune_desk.store.errors import StoreError, as_store_error, typed_store_errors
from commune_desk.store.identity import (
    FolderRegistry,
    ensure_store_id,
    read_marker,
    remove_marker,
    write_marker,
)
from commune_desk.store.lock import StoreLock
from commune_desk.store.migrate import known_revisions
from commune_desk.store.opening import Store, open_store

log = logging.getLogger(__name__)

#: Kinds after which the clerk is offered the newest verified backup.
RECOVERABLE = frozenset({"store_missing", "store_empty", "store_unreadable", "store_damaged"})
#: Prefix of the folder an explicit start-over moves the old store's files into.
START_NEW_PREFIX = "before-start-new-"
#: Seconds a command waits for another command's store lock (never for the app's).
LOCK_WAIT = 15.0


def open_checked(paths: AppPaths, *, lock: str | StoreLock | None = None) -> tuple[Store, StoreLock | None]:
    """Check the folder, take the lock (a purpose, or one already held), clean leftovers,
    open (migrating) the store and remember the folder. Returns (store, held lock)."""
    held = lock if isinstance(lock, StoreLock) else None
    try:
        with offering_backup(paths):
            _check_folder(paths)
            _check_store_file(paths)  # before ensure(), which makes an empty store file
            with typed_store_errors(paths.data_dir):
                paths.ensure()
                if isinstance(lock, str):
                    held = StoreLock.acquire(paths.data_dir, purpose=lock, wait=LOCK_WAIT)
            _check_store_file(paths)  # again under the lock
            if held is not None:
                clean_leftovers(paths)
            with typed_store_errors(paths.db_path):
                store = open_store(paths.db_path)
        try:
            with typed_store_errors(paths.data_dir):
                remember_store(paths, store)
        except BaseException:
            store.close()
            raise
    except BaseException:
        if held is not None and held is not lock:
            held.release()
        raise
    return store, held


def start_new(paths: AppPaths, *, lock: StoreLock, stamp: datetime) -> Path | None:
    """The explicit way to start over with an empty store: move whatever is left of the
    old one aside untouched (returned), and forget that the folder held a store."""
    if not lock.held:
        raise StoreError("store_in_use", "start-over needs the store lock", path=str(paths.data_dir))
    with typed_store_errors(paths.data_dir):
        aside = move_store_aside(paths, START_NEW_PREFIX, stamp)
        remove_marker(paths.data_dir)
        FolderRegistry(paths.registry_path).forget(paths.data_dir)
    return aside


def remember_store(paths: AppPaths, store: Store) -> str:
    """Give the store its identity if new, and write the folder's marker and memory."""
    store_id = ensure_store_id(store)
    write_marker(paths.data_dir, store_id)
    FolderRegistry(paths.registry_path).remember(paths.data_dir, store_id)
    return store_id


@contextlib.contextmanager
def offering_backup(paths: AppPaths) -> Iterator[None]:
    """Add the newest verified backup (``backup`` param) to a recoverable StoreError."""
    try:
        yield
    except StoreError as exc:
        if exc.kind in RECOVERABLE and "backup" not in exc.params:
            exc.params["backup"] = find_backup(paths)
        raise


def find_backup(paths: AppPaths) -> str | None:
    """The newest verified backup of the folder's store, as text (None when there is none)."""
    known = FolderRegistry(paths.registry_path).get(paths.data_dir)
    marker = read_marker(paths.data_dir)
    store_id = (marker.store_id if marker else None) or (known.store_id if known else None)
    try:
        found = backups.newest_verified_backup(paths, store_id, hint=known.last_backup if known else None)
    except OSError:
        return None
    return str(found) if found is not None else None


def had_store(paths: AppPaths) -> bool:
    """Whether the folder is known to have held a store (marker file or the list of folders)."""
    return (
        read_marker(paths.data_dir) is not None
        or FolderRegistry(paths.registry_path).get(paths.data_dir) is not None
    )


def _check_folder(paths: AppPaths) -> None:
    if not paths.data_dir.is_dir() and had_store(paths):
        raise StoreError(
            "store_missing",
            f"data folder {paths.data_dir} is gone",
            path=str(paths.data_dir),
            folder_gone=True,
        )


def _check_store_file(paths: AppPaths) -> None:
    db = paths.db_path
    try:
        size = db.stat().st_size
    except FileNotFoundError:
        size = None
    except OSError as exc:
        raise _typed_or(exc, db) from exc
    if size is None and had_store(paths):
        raise StoreError("store_missing", f"store file {db} is gone", path=str(db))
    if size == 0 and had_store(paths):
        raise StoreError("store_empty", f"store file {db} is empty", path=str(db))


def _typed_or(exc: BaseException, path: Path, fallback: str | None = None) -> BaseException:
    """The StoreError for a raw error about ``path``; ``fallback``'s kind (or the error
    itself) when it is of no known kind."""
    typed = as_store_error(exc, path=str(path))
    if typed is not None:
        return typed
    return StoreError(fallback, str(exc), path=str(path)) if fallback else exc


def diagnose(paths: AppPaths) -> StoreError | None:
    """What keeps the store from being used, found without opening it for writing
    (for ``db check``): missing, empty, unreadable, newer version, folder not writable."""
    try:
        with offering_backup(paths):
            _check_folder(paths)
            if not paths.data_dir.is_dir():
                return None
            _check_store_file(paths)
            if paths.db_path.exists():
                _probe_writable(paths)
                _probe_readable(paths.db_path)
    except StoreError as exc:
        return exc
    return None


def _probe_writable(paths: AppPaths) -> None:
    probe = paths.data_dir / f".write-probe-{os.getpid()}"
    try:
        with probe.open("wb") as handle:
            handle.write(b"x")
            handle.flush()
            os.fsync(handle.fileno())
        with paths.db_path.open("r+b"):
            pass
    except OSError as exc:
        raise _typed_or(exc, paths.data_dir) from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    if shutil.disk_usage(paths.data_dir).free < 1 << 20:
        raise StoreError("disk_full", "less than 1 MB free", path=str(paths.data_dir))


def _probe_readable(db: Path) -> None:
    try:
        conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _typed_or(exc, db, "store_unreadable") from exc
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            row = None  # no table yet: a store being created
    except sqlite3.Error as exc:
        raise _typed_or(exc, db, "store_unreadable") from exc
    finally:
        conn.close()
    if row is not None and row[0] not in known_revisions():
        raise StoreError("store_newer_version", f"store at revision {row[0]}", path=str(db), revision=row[0])


def quick_check(store: Store, paths: AppPaths) -> None:
    """SQLite's ``quick_check`` of the open store (start-up alert); ``store_damaged`` if it fails."""
    with typed_store_errors(paths.db_path), store.engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        raise StoreError(
            "store_damaged", f"quick_check: {rows[:5]}", path=str(paths.db_path), problems=rows[:20]
        )


# --- leftovers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leftover:
    """A file or folder a killed backup, restore or attachment add left behind."""

    path: Path
    size: int


def find_leftovers(paths: AppPaths, *, store_locked_by_us: bool) -> list[Leftover]:
    """Leftovers in the data folder (only when we hold, or nobody holds, the store lock),
    its attachment folder and its backup folder (scratch folders no live backup owns)."""
    found: list[Path] = []
    if store_locked_by_us:
        found += _glob(paths.data_dir, f"{RESTORE_PREFIX}*")
        found += _glob(paths.data_dir, ".write-probe-*")
        found += _glob(paths.data_dir, ".*.tmp")
        found += _glob(paths.data_dir, "settings.tmp")
        found += _glob(paths.blobs_dir, ".incoming-*")
    for scratch in _glob(paths.backup_dir, f"{backups.SCRATCH_PREFIX}*"):
        if scratch.is_dir() and not _owned(scratch):
            found.append(scratch)
    return [Leftover(path=p, size=_size(p)) for p in found]


def clean_leftovers(paths: AppPaths) -> list[Leftover]:
    """Remove the leftovers (the caller holds the store lock); return what was removed."""
    removed = []
    for item in find_leftovers(paths, store_locked_by_us=True):
        try:
            if item.path.is_dir():
                shutil.rmtree(item.path)
            else:
                item.path.unlink()
        except OSError:
            log.warning("could not remove leftover %s", item.path)
            continue
        log.info("removed leftover %s (%d bytes)", item.path, item.size)
        removed.append(item)
    return removed


def _glob(folder: Path, pattern: str) -> list[Path]:
    try:
        return sorted(folder.glob(pattern)) if folder.is_dir() else []
    except OSError:
        return []


def _owned(scratch: Path) -> bool:
    """Whether a live backup still works in ``scratch`` (it holds the folder's lock)."""
    try:
        lock = StoreLock.acquire(scratch, purpose="cleanup")
    except StoreError:
        return True
    except OSError:
        return False
    lock.release()
    return False


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0
