"""What a data folder remembers about its store: identity, marker file, known folders, demo flag.

- Every store has a ``store_id`` (a UUID in its ``settings`` table, made on
  first open). It survives backup and restore, so archives are named and
  rotated per store.
- After a store opened successfully, its folder gets a marker file
  (``commune-desk.store-id``) and the folder is written into a small list of
  known data folders kept outside it (per user, ``known-data-folders.json``).
  A store file that is missing or empty where one of the two says a store
  existed is never replaced silently by a new empty one: codes already
  printed would be issued again.
- A store filled with demo data is flagged (``demo_store``): it never logs in
  or syncs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from commune_desk.store.opening import Store
from commune_desk.store.settings import DEMO_STORE, STORE_ID, ensure_uuid, get_setting, put_setting

#: Settings key of the store's identity (read from archived copies with plain sqlite3).
STORE_ID_KEY = STORE_ID.key
#: Marker file in the data folder: "this folder holds a store", with its identity.
MARKER_FILE = "commune-desk.store-id"
#: File (in the per-user state folder) listing the data folders that held a store.
REGISTRY_FILE = "known-data-folders.json"


def ensure_store_id(store: Store) -> str:
    """The store's identity, created on first call in its own transaction."""
    with store.write.begin() as session:
        return ensure_uuid(session, STORE_ID)


def is_demo_store(session: Session) -> bool:
    """Whether demo data was written into this store (it must never sync)."""
    return get_setting(session, DEMO_STORE) is not None


def mark_demo_store(session: Session, at: datetime) -> None:
    """Flag the store as holding demo data, in the caller's transaction."""
    if get_setting(session, DEMO_STORE) is None:
        put_setting(session, DEMO_STORE, {"since": at.isoformat()})


def folder_key(data_dir: Path) -> str:
    """How a data folder is named in the list of known folders (absolute, case-folded on Windows)."""
    return os.path.normcase(os.path.abspath(data_dir))


@dataclass(frozen=True)
class StoreMarker:
    """The marker file's content (``store_id`` is None when the file is damaged)."""

    store_id: str | None
    created_at: str = ""


def read_marker(data_dir: Path) -> StoreMarker | None:
    """The marker of ``data_dir``; None when there is none (a damaged one still counts)."""
    path = data_dir / MARKER_FILE
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # unreadable: a marker is there, so a store was
        return StoreMarker(store_id=None)
    try:
        data: Any = json.loads(raw)
    except ValueError:
        return StoreMarker(store_id=None)
    if not isinstance(data, dict):
        return StoreMarker(store_id=None)
    store_id = data.get("store_id")
    return StoreMarker(
        store_id=store_id if isinstance(store_id, str) else None, created_at=str(data.get("created_at", ""))
    )


def write_marker(data_dir: Path, store_id: str) -> None:
    """Write (atomically) the marker saying ``data_dir`` holds the store ``store_id``."""
    current = read_marker(data_dir)
    if current is not None and current.store_id == store_id:
        return
    created = current.created_at if current and current.created_at else _now_text()
    _write_json(data_dir / MARKER_FILE, {"store_id": store_id, "created_at": created})


def remove_marker(data_dir: Path) -> None:
    """Forget that ``data_dir`` held a store (only for an explicit start-over)."""
    (data_dir / MARKER_FILE).unlink(missing_ok=True)


@dataclass(frozen=True)
class KnownFolder:
    """A data folder that held a store, as remembered outside it."""

    store_id: str
    last_backup: str | None = None


class FolderRegistry:
    """The per-user list of data folders that held a store (survives a pulled stick)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, data_dir: Path) -> KnownFolder | None:
        """What is remembered about ``data_dir`` (None when nothing)."""
        entry = self._load().get(folder_key(data_dir))
        if not isinstance(entry, dict) or not isinstance(entry.get("store_id"), str):
            return None
        backup = entry.get("last_backup")
        return KnownFolder(
            store_id=entry["store_id"], last_backup=backup if isinstance(backup, str) else None
        )

    def remember(self, data_dir: Path, store_id: str, *, last_backup: Path | None = None) -> None:
        """Record that ``data_dir`` holds ``store_id`` (and where its newest backup went)."""
        folders = self._load()
        key = folder_key(data_dir)
        found = folders.get(key)
        old: dict[str, Any] = found if isinstance(found, dict) else {}
        entry = {"store_id": store_id, "last_backup": old.get("last_backup")}
        if old.get("store_id") != store_id:
            entry["last_backup"] = None
        if last_backup is not None:
            entry["last_backup"] = str(last_backup)
        if old == entry:
            return
        folders[key] = entry
        self._save(folders)

    def forget(self, data_dir: Path) -> None:
        """Drop ``data_dir`` from the list (explicit start-over)."""
        folders = self._load()
        if folders.pop(folder_key(data_dir), None) is not None:
            self._save(folders)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        folders = data.get("folders") if isinstance(data, dict) else None
        return dict(folders) if isinstance(folders, dict) else {}

    def _save(self, folders: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_json(self.path, {"folders": folders})
        except OSError:  # a memory aid only: never stop the clerk because it cannot be written
            pass


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
