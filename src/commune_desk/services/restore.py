"""Restore a backup archive: check all of it first, keep what it replaces, then swap.

Order, so that no step can lose what the clerk typed:

1. The caller holds the store lock (the desktop app is closed; nobody writes).
2. Everything in the archive is checked in a scratch folder inside the data
   folder before anything else is touched: member names (no ``../``), the
   manifest, the database's hash, ``integrity_check`` and schema version, the
   hash of every attachment. The database and the attachments this PC lacks
   (or holds damaged) are extracted there on the way.
3. The current store is kept: as a verified pre-restore archive when it can
   be read, otherwise moved aside untouched into ``before-restore-<time>/``.
4. The checked database replaces the store; attachments are added, and
   damaged ones repaired, from the scratch folder.

The archive itself is never modified or deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from commune_desk.paths import AppPaths
from commune_desk.services.archive import (
    DB_MEMBER,
    Manifest,
    check_member_names,
    corrupt,
    open_archive,
    read_manifest,
    stream_member,
)
from commune_desk.services.backup import create_backup, integrity_problems
from commune_desk.services.errors import BackupError
from commune_desk.services.values import RestoreInfo
from commune_desk.store.blobs import BlobStore, fsync_dir
from commune_desk.store.errors import StoreError, typed_store_errors
from commune_desk.store.identity import STORE_ID_KEY, write_marker
from commune_desk.store.lock import StoreLock
from commune_desk.store.migrate import known_revisions

#: Prefix of the scratch folder a restore works in (inside the data folder).
SCRATCH_PREFIX = ".restore-"
#: Prefix of the folder an unreadable store is moved into before a restore.
MOVED_PREFIX = "before-restore-"
_SPACE_MARGIN = 16 << 20


@dataclass(frozen=True)
class CheckedArchive:
    """An archive that passed every check, with its database extracted to ``db``."""

    manifest: Manifest
    db: Path
    store_id: str | None
    #: attachment -> extracted file, for those this PC lacks or holds damaged
    extracted: dict[str, Path]
    #: attachments the archived store refers to that neither the archive nor this PC has
    missing: tuple[str, ...]


def restore_backup(
    paths: AppPaths,
    archive: Path,
    *,
    lock: StoreLock,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RestoreInfo:
    """Replace the store with the one in ``archive`` and bring back its attachments.

    ``lock`` is the held store lock of ``paths.data_dir``. Raises ``BackupError``
    (``invalid_backup``, ``backup_corrupt``, ``backup_unsafe_path``,
    ``backup_newer_version``, ``backup_not_found``) before anything is touched,
    ``StoreError`` for a full disk or a folder that cannot be written.
    """
    if not lock.held:
        raise StoreError("store_in_use", "restore needs the store lock", path=str(paths.data_dir))
    archive = Path(os.path.abspath(archive))
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    with (
        typed_store_errors(paths.data_dir),
        open_archive(archive) as zf,
        tempfile.TemporaryDirectory(dir=paths.data_dir, prefix=SCRATCH_PREFIX) as work,
    ):
        checked = check_archive(zf, Path(work), BlobStore(paths.blobs_dir))
        stamp = now()
        previous, moved = _keep_current(paths, stamp)
        _install_db(paths, checked.db)
        blobs = BlobStore(paths.blobs_dir)
        added = repaired = 0
        for sha, source in checked.extracted.items():
            if blobs.path_for(sha).exists():
                repaired += 1
            else:
                added += 1
            blobs.install(sha, source)
        if checked.store_id:
            write_marker(paths.data_dir, checked.store_id)
    return RestoreInfo(
        archive=archive,
        created_at=checked.manifest.created_at,
        blobs_added=added,
        blobs_repaired=repaired,
        previous=previous,
        previous_moved=moved,
        missing_blobs=checked.missing,
    )


def check_archive(zf: zipfile.ZipFile, work: Path, blobs: BlobStore) -> CheckedArchive:
    """Check all of an archive, extracting into ``work`` what a restore will install."""
    members = check_member_names(zf.namelist())
    manifest = read_manifest(zf)
    if manifest.blobs is not None and set(manifest.blobs) != set(members):
        raise BackupError(
            "invalid_backup", "attachments in the archive differ from its manifest", detail="blobs"
        )
    if manifest.schema_revision not in known_revisions():
        raise BackupError(
            "backup_newer_version",
            "archive made by a newer version of the software",
            detail=manifest.schema_revision,
        )
    _check_space(zf, work)
    db = work / DB_MEMBER
    if stream_member(zf, DB_MEMBER, db) != manifest.db_sha256:
        raise corrupt("database in the archive does not match its hash")
    problems = integrity_problems(db)
    if problems:
        raise corrupt(f"database in the archive fails integrity_check: {problems[:3]}")
    revision, store_id, referenced = _facts(db)
    if revision != manifest.schema_revision:
        raise corrupt(f"database revision {revision!r} differs from the manifest's")
    extracted: dict[str, Path] = {}
    (work / "blobs").mkdir()
    for sha, member in sorted(members.items()):
        have = _have(blobs, sha)
        target = None if have else work / "blobs" / sha
        if stream_member(zf, member, target) != sha:
            raise corrupt(f"attachment {sha} in the archive is damaged")
        if target is not None:
            extracted[sha] = target
    missing = tuple(sorted(sha for sha in referenced if sha not in members and not _have(blobs, sha)))
    return CheckedArchive(manifest=manifest, db=db, store_id=store_id, extracted=extracted, missing=missing)


def _have(blobs: BlobStore, sha: str) -> bool:
    try:
        return blobs.verify(sha)
    except OSError:
        return False


def _check_space(zf: zipfile.ZipFile, work: Path) -> None:
    needed = sum(info.file_size for info in zf.infolist()) + _SPACE_MARGIN
    free = shutil.disk_usage(work).free
    if free < needed:
        raise StoreError("disk_full", f"restore needs {needed} bytes, {free} free", path=str(work.parent))


def _facts(db: Path) -> tuple[str | None, str | None, set[str]]:
    conn = sqlite3.connect(db)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        row = None
        with contextlib.suppress(sqlite3.DatabaseError):
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (STORE_ID_KEY,)).fetchone()
        referenced = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM attachments")}
    except sqlite3.DatabaseError as exc:
        raise corrupt(f"database in the archive is not a CommuneDesk store: {exc}") from exc
    finally:
        conn.close()
    store_id = None
    if row is not None:
        with contextlib.suppress(ValueError, TypeError):
            store_id = json.loads(row[0])
    return (revision[0] if revision else None), (store_id if isinstance(store_id, str) else None), referenced


def _keep_current(paths: AppPaths, stamp: datetime) -> tuple[Path | None, bool]:
    """Keep the store about to be replaced: (where it went, whether it was moved aside raw)."""
    files = [p for p in _store_files(paths) if p.exists()]
    if not files:
        return None, False
    db = paths.db_path
    if db.is_file() and db.stat().st_size > 0:
        try:
            info = create_backup(paths, now=lambda: stamp, pre_restore=True)
        except (StoreError, BackupError, OSError, sqlite3.Error):
            pass  # unreadable, damaged, or no room for a copy: move the files aside instead
        else:
            return info.path, False
    return move_store_aside(paths, MOVED_PREFIX, stamp), True


def move_store_aside(paths: AppPaths, prefix: str, stamp: datetime) -> Path | None:
    """Move the store's files (database, WAL, shared memory) untouched into a new folder
    ``<prefix><time>`` of the data folder; return it (None when there were none)."""
    files = [p for p in _store_files(paths) if p.exists()]
    if not files:
        return None
    aside = paths.data_dir / f"{prefix}{stamp:%Y%m%d-%H%M%S-%f}"
    aside.mkdir()
    for path in files:
        os.replace(path, aside / path.name)
    fsync_dir(paths.data_dir)
    return aside


def _store_files(paths: AppPaths) -> list[Path]:
    db = paths.db_path
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")]


def _install_db(paths: AppPaths, checked_db: Path) -> None:
    for stale in _store_files(paths)[1:]:
        # A WAL left next to the restored file would be replayed into it.
        stale.unlink(missing_ok=True)
    with checked_db.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(checked_db, paths.db_path)
    fsync_dir(paths.data_dir)
