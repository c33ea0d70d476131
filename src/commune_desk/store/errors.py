"""Typed errors of the data folder and the store file, and the classification of raw ones.

SQLite and the operating system report a full disk, a read-only folder, a
lock held too long, a damaged file or a pulled USB stick as exceptions with
codes. :func:`store_error_kind` turns them into the few kinds a clerk or IT
person can act on; :class:`StoreError` carries that kind (and what the
message needs: the folder, the newest good backup) to the UI and the CLI,
which say it in Vietnamese.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from commune_desk.domain.errors import DomainError

#: The kinds a StoreError (or a classified raw error) can have.
STORE_KINDS = frozenset(
    {
        "store_in_use",  # another process holds the store lock
        "store_missing",  # the folder had a store; the file (or the whole folder) is gone
        "store_empty",  # the file exists but holds nothing (truncated)
        "store_unreadable",  # not a database any more (damaged header)
        "store_damaged",  # integrity_check fails (damaged pages)
        "store_newer_version",  # made by a newer version of the software: NOT damaged
        "folder_not_writable",  # read-only folder, stick with write protection, no permission
        "disk_full",  # no space left on the disk
        "store_busy",  # another program held SQLite's write lock longer than the timeout
        "store_io_error",  # the disk stopped answering (stick pulled, failing disk)
    }
)

_SQLITE_KINDS = {
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "folder_not_writable",
    "SQLITE_PERM": "folder_not_writable",
    "SQLITE_CANTOPEN": "folder_not_writable",
    "SQLITE_BUSY": "store_busy",
    "SQLITE_LOCKED": "store_busy",
    "SQLITE_NOTADB": "store_unreadable",
    "SQLITE_CORRUPT": "store_damaged",
    "SQLITE_IOERR": "store_io_error",
}

_OS_KINDS = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "folder_not_writable",
    errno.EACCES: "folder_not_writable",
    errno.EPERM: "folder_not_writable",
    errno.EIO: "store_io_error",
    errno.ENODEV: "store_io_error",
    errno.ENXIO: "store_io_error",
}

#: Windows error codes (``OSError.winerror``) that mean the same things.
_WIN_KINDS = {
    5: "folder_not_writable",  # ERROR_ACCESS_DENIED
    19: "folder_not_writable",  # ERROR_WRITE_PROTECT
    21: "store_io_error",  # ERROR_NOT_READY (stick pulled)
    32: "store_in_use",  # ERROR_SHARING_VIOLATION
    33: "store_in_use",  # ERROR_LOCK_VIOLATION
    39: "disk_full",  # ERROR_HANDLE_DISK_FULL
    112: "disk_full",  # ERROR_DISK_FULL
    1117: "store_io_error",  # ERROR_IO_DEVICE
}


#: Free bytes below which a disk counts as full (SQLite needs room for its WAL and journal).
_NEARLY_FULL = 1 << 20


class StoreError(DomainError):
    """The data folder or the store file cannot be used as it is; ``kind`` says why.

    ``params`` may hold ``path`` (the folder or file), ``backup`` (the newest
    verified backup archive, as text, or None), ``holder`` (who holds the lock)
    and ``revision`` (the schema revision of a newer store).
    """


def store_error_kind(exc: BaseException) -> str | None:
    """The kind of a raw error from SQLite, SQLAlchemy or the OS; None when it is not one of ours.

    Walks the chain (``orig`` of SQLAlchemy's wrappers, ``__cause__``, ``__context__``).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = _direct_kind(current)
        if kind is not None:
            return kind
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def _direct_kind(exc: BaseException) -> str | None:
    if isinstance(exc, StoreError):
        return exc.kind
    if isinstance(exc, sqlite3.Error):
        name = str(getattr(exc, "sqlite_errorname", "") or "")
        for prefix, kind in _SQLITE_KINDS.items():
            if name == prefix or name.startswith(prefix + "_"):
                return kind
        text = str(exc).lower()
        if "file is not a database" in text:
            return "store_unreadable"
        if "database is locked" in text:
            return "store_busy"
        if "readonly" in text or "read-only" in text:
            return "folder_not_writable"
        if "disk is full" in text or "database or disk is full" in text:
            return "disk_full"
        if "malformed" in text:
            return "store_damaged"
        if "disk i/o error" in text:
            return "store_io_error"
        return None
    if isinstance(exc, OSError):
        winerror = getattr(exc, "winerror", None)
        if winerror in _WIN_KINDS:
            return _WIN_KINDS[winerror]
        return _OS_KINDS.get(exc.errno or 0)
    return None


def as_store_error(exc: BaseException, **params: Any) -> StoreError | None:
    """A StoreError for a raw error of a known kind (None for anything else).

    SQLite reports some writes on a full disk as I/O errors (growing the WAL's
    shared memory, for one): with ``path`` given, an I/O error on a disk with
    almost no free space is called what it is, a full disk.
    """
    if isinstance(exc, StoreError):
        return exc
    kind = store_error_kind(exc)
    if kind is None:
        return None
    if kind == "store_io_error" and isinstance(params.get("path"), str) and _nearly_full(params["path"]):
        kind = "disk_full"
    return StoreError(kind, f"{type(exc).__name__}: {exc}", **params)


def _nearly_full(path: str) -> bool:
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL
    except OSError:
        return False


@contextlib.contextmanager
def typed_store_errors(path: Path | str) -> Iterator[None]:
    """Raw SQLite, SQLAlchemy and OS errors of a known kind raised in the block become
    StoreErrors about ``path``; StoreErrors and errors of no known kind pass unchanged."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        typed = as_store_error(exc, path=str(path))
        if typed is None:
            raise
        raise typed from exc
