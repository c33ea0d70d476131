"""Backups: a verified SQLite snapshot plus the attachments it refers to, in one zip; rotation.

These functions work on paths, not on an open ``Services``: the online
backup API copies a consistent snapshot even while the application writes,
and a restore (``services/restore.py``) must work when the store is damaged.

An archive counts only once it is verified: ``integrity_check`` on the copied
database, every attachment hashed before it goes in, then the written zip read
back (database hash, every attachment's hash). Only then is it renamed to its
final name; rotation deletes old archives of the same PC and store only, only
after a complete new one exists, and never below one. A store whose copy fails
``integrity_check`` gets no archive and raises ``store_damaged``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commune_desk import __version__
from commune_desk.domain.errors import ValidationError
from commune_desk.paths import AppPaths
from commune_desk.services.archive import (
    DB_MEMBER,
    FORMAT,
    MANIFEST_MEMBER,
    ArchiveName,
    Manifest,
    archive_file_name,
    check_member_names,
    corrupt,
    list_archives,
    pc_name,
    quick_check_archive,
    read_manifest,
    stream_member,
)
from commune_desk.services.errors import BackupError
from commune_desk.services.values import BackupInfo
from commune_desk.store.blobs import BlobStore, file_sha256, fsync_dir
from commune_desk.store.errors import StoreError, typed_store_errors
from commune_desk.store.identity import STORE_ID_KEY, FolderRegistry, read_marker
from commune_desk.store.lock import StoreLock

#: How many archives of one PC and store a folder keeps (oldest removed first).
DEFAULT_KEEP = 10
#: Age of the newest archive after which the desktop app makes a new one.
AUTO_INTERVAL = timedelta(hours=24)
#: Prefix of the scratch folders a backup works in (inside the backup folder).
SCRATCH_PREFIX = ".backup-"
_CHUNK = 1 << 20
#: Placeholder store identity of a store that has none yet (never opened by this version).
UNKNOWN_STORE = "00000000"


class BackupCancelled(BackupError):
    """The app closed while an archive was being packed (kind ``backup_cancelled``)."""


@dataclass
class Snapshot:
    """A consistent copy of the store in a scratch folder of the backup folder, to be packed.

    Taking it reads the store (the store thread's job, about a second); packing it
    (``finish_backup``) reads only the copy, so it may run on any thread while the
    clerk keeps working. The scratch folder is locked while it lives, so a clean-up
    never takes it for a leftover.
    """

    paths: AppPaths
    folder: Path
    work: Path
    created_at: datetime
    owner: StoreLock

    @property
    def db(self) -> Path:
        """The copied database."""
        return self.work / DB_MEMBER

    def discard(self) -> None:
        """Remove the scratch folder (idempotent)."""
        self.owner.release()
        shutil.rmtree(self.work, ignore_errors=True)


def create_backup(
    paths: AppPaths,
    *,
    to_dir: Path | None = None,
    keep: int = DEFAULT_KEEP,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    pre_restore: bool = False,
) -> BackupInfo:
    """Write a verified archive of the store and its attachments; rotate older ones.

    ``pre_restore`` archives (the copy a restore makes of the store it replaces)
    are named apart and neither rotate nor are rotated. Raises
    ``ValidationError("invalid_keep")`` for ``keep`` < 1, ``StoreError`` for a
    missing or damaged store, a full disk or a folder that cannot be written.
    """
    _check_keep(keep)
    return finish_backup(take_snapshot(paths, to_dir=to_dir, now=now), keep=keep, pre_restore=pre_restore)


def take_snapshot(
    paths: AppPaths, *, to_dir: Path | None = None, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Snapshot:
    """Copy the store consistently (SQLite's online backup) into a new scratch folder."""
    if not paths.db_path.is_file() or paths.db_path.stat().st_size == 0:
        raise StoreError("store_missing", f"no store at {paths.db_path}", path=str(paths.db_path))
    folder = to_dir or paths.backup_dir
    with typed_store_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=folder, prefix=SCRATCH_PREFIX))
        snapshot = Snapshot(paths, folder, work, now(), StoreLock.acquire(work, purpose="backup"))
        try:
            _online_backup(paths.db_path, snapshot.db)
        except BaseException:
            snapshot.discard()
            raise
    return snapshot


def finish_backup(
    snapshot: Snapshot,
    *,
    keep: int = DEFAULT_KEEP,
    pre_restore: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
) -> BackupInfo:
    """Check and pack a snapshot into a verified archive, then rotate; the scratch folder
    goes in every case. ``cancelled`` is asked between chunks (the app is closing)."""
    _check_keep(keep)
    paths, folder, stamp = snapshot.paths, snapshot.folder, snapshot.created_at
    try:
        with typed_store_errors(folder):
            problems = integrity_problems(snapshot.db)
            if problems:
                raise StoreError(
                    "store_damaged",
                    f"the copy of the store fails integrity_check: {problems}",
                    path=str(paths.db_path),
                    problems=problems,
                )
            store_id, revision, referenced = _snapshot_facts(snapshot.db)
            blobs, missing = _verified_blobs(BlobStore(paths.blobs_dir), referenced)
            manifest = Manifest(
                format=FORMAT,
                created_at=stamp,
                schema_revision=revision or "",
                db_sha256=file_sha256(snapshot.db),
                store_id=store_id,
                pc=pc_name(),
                app_version=__version__,
                db_size=snapshot.db.stat().st_size,
                blobs=blobs,
                missing_blobs=tuple(sorted(missing)),
            )
            partial = snapshot.work / "archive.zip"
            _write_archive(partial, manifest, snapshot.db, BlobStore(paths.blobs_dir), cancelled)
            verify_written(partial, manifest)
            target = folder / archive_file_name(store_id, stamp, pre_restore=pre_restore)
            os.replace(partial, target)
            fsync_dir(folder)
    finally:
        snapshot.discard()
    if not pre_restore and not missing:
        # An archive that lacks attachments never rotates away older ones that may hold them.
        rotate(folder, store_id, keep, protect={target})
    FolderRegistry(paths.registry_path).remember(paths.data_dir, store_id, last_backup=target)
    return BackupInfo(
        path=target,
        created_at=stamp,
        size=target.stat().st_size,
        blobs=len(blobs),
        missing_blobs=manifest.missing_blobs,
        store_id=store_id,
    )


def _check_keep(keep: int) -> None:
    if type(keep) is not int or keep < 1:
        raise ValidationError("invalid_keep", f"keep must be at least 1, not {keep!r}", field="keep")


def backup_due(paths: AppPaths, *, max_age: timedelta = AUTO_INTERVAL, now: datetime | None = None) -> bool:
    """Whether this PC's newest archive of the store is older than ``max_age`` (or dated in
    the future: the clock was wrong), or there is none."""
    newest = last_backup(paths)
    if newest is None:
        return True
    age = (now or datetime.now(UTC)) - newest.created_at
    return not timedelta(0) <= age < max_age


def backup_if_due(
    paths: AppPaths,
    *,
    max_age: timedelta = AUTO_INTERVAL,
    keep: int = DEFAULT_KEEP,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackupInfo | None:
    """The automatic backup in one call: an archive when :func:`backup_due`, else None.

    The desktop app runs the same steps split in two (snapshot on the store thread,
    packing on its backup thread; see ``ui/backups.py``).
    """
    if not backup_due(paths, max_age=max_age, now=now()):
        return None
    return create_backup(paths, keep=keep, now=now)


def next_backup_due(paths: AppPaths, *, max_age: timedelta = AUTO_INTERVAL) -> datetime | None:
    """When the automatic backup is next due (None: due now)."""
    newest = last_backup(paths)
    return None if newest is None else newest.created_at + max_age


def last_backup(paths: AppPaths, folder: Path | None = None) -> ArchiveName | None:
    """This PC's newest archive of the store in ``folder`` (default: the backup folder)."""
    store_id = _current_store_id(paths)
    if store_id is None:
        return None
    mine = [
        a for a in list_archives(folder or paths.backup_dir) if a.of_store(store_id) and a.pc == pc_name()
    ]
    return mine[-1] if mine else None


def newest_verified_backup(
    paths: AppPaths, store_id: str | None = None, *, hint: str | None = None, tries: int = 5
) -> Path | None:
    """The newest archive of the store (from any PC) that passes a light check, to offer
    after an accident; ``hint`` is the last archive remembered for the folder.

    First-format archives in the store's own backup folder are offered when no
    named one is found.
    """
    store_id = store_id or _current_store_id(paths)
    archives = list_archives(paths.backup_dir)
    ours = [a.path for a in archives if store_id and a.of_store(store_id)]
    legacy = [a.path for a in archives if a.store is None]
    candidates = list(reversed(ours))
    if hint and Path(hint).is_file() and Path(hint) not in candidates:
        candidates.insert(0, Path(hint))
    candidates += list(reversed(legacy))
    for path in candidates[:tries]:
        try:
            quick_check_archive(path)
        except (BackupError, OSError):
            continue
        return path
    return None


def list_backups(folder: Path) -> list[Path]:
    """Backup archives in ``folder``, oldest first (every PC and store)."""
    return [a.path for a in list_archives(folder)]


def rotate(folder: Path, store_id: str, keep: int, *, protect: Iterable[Path] = ()) -> list[Path]:
    """Delete this PC's oldest archives of ``store_id`` beyond ``keep`` (>= 1); return them.

    Archives of other PCs or stores, first-format and pre-restore archives, and
    the ``protect``-ed ones (the archive just written) are never deleted.
    """
    if keep < 1:
        raise ValidationError("invalid_keep", f"keep must be at least 1, not {keep}", field="keep")
    kept = {p.resolve() for p in protect}
    mine = [
        a for a in list_archives(folder) if a.of_store(store_id) and a.pc == pc_name() and not a.pre_restore
    ]
    removed = []
    for old in mine[: max(0, len(mine) - keep)]:
        if old.path.resolve() in kept:
            continue
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def integrity_problems(db: Path) -> list[str]:
    """SQLite's ``integrity_check`` of a database file: the problems (empty when sound)."""
    try:
        conn = sqlite3.connect(db)
    except sqlite3.Error as exc:
        return [f"cannot open: {exc}"]
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"not a sound database: {exc}"]
    finally:
        conn.close()
    return [] if rows == [("ok",)] else [str(r[0]) for r in rows[:20]]


def verify_written(archive: Path, manifest: Manifest) -> None:
    """Read a freshly written archive back: names, manifest, database and attachment hashes."""
    with zipfile.ZipFile(archive) as zf:
        blobs = check_member_names(zf.namelist())
        if read_manifest(zf) != manifest:
            raise corrupt("manifest changed on the way to disk")
        if stream_member(zf, DB_MEMBER, None) != manifest.db_sha256:
            raise corrupt("database in the archive does not match its hash")
        if set(blobs) != set(manifest.blobs or {}):
            raise corrupt("attachments in the archive differ from the manifest")
        for sha, member in blobs.items():
            if stream_member(zf, member, None) != sha:
                raise corrupt(f"attachment {sha} damaged on the way to disk")


# --- internals ---------------------------------------------------------------------------


def _current_store_id(paths: AppPaths) -> str | None:
    marker = read_marker(paths.data_dir)
    return marker.store_id if marker is not None else None


def _online_backup(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst, pages=4096)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _snapshot_facts(db: Path) -> tuple[str, str | None, set[str]]:
    """(store id, schema revision, SHA-256 of every attachment it refers to) of a copy."""
    conn = sqlite3.connect(db)
    try:
        revision = _scalar(conn, "SELECT version_num FROM alembic_version")
        store_id = _scalar(conn, "SELECT value FROM settings WHERE key = ?", (STORE_ID_KEY,))
        try:
            referenced = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM attachments")}
        except sqlite3.DatabaseError:
            referenced = set()
    finally:
        conn.close()
    if isinstance(store_id, str):
        with contextlib.suppress(ValueError):
            store_id = json.loads(store_id)  # the settings table stores JSON text
    store = store_id if isinstance(store_id, str) and store_id else UNKNOWN_STORE
    return store, (revision if isinstance(revision, str) else None), referenced


def _scalar(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> object:
    try:
        row = conn.execute(sql, params).fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _verified_blobs(blobs: BlobStore, referenced: set[str]) -> tuple[dict[str, int], set[str]]:
    """The referenced attachments whose files hash to their names (with sizes), and the rest."""
    good: dict[str, int] = {}
    missing: set[str] = set()
    for sha in sorted(referenced):
        try:
            ok = blobs.verify(sha)
        except (ValueError, OSError):
            ok = False
        if ok:
            good[sha] = blobs.path_for(sha).stat().st_size
        else:
            missing.add(sha)
    return good, missing


def _write_archive(
    target: Path, manifest: Manifest, snapshot: Path, blobs: BlobStore, cancelled: Callable[[], bool]
) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(MANIFEST_MEMBER, manifest.to_json())
        _copy_into(zf, snapshot, DB_MEMBER, cancelled)  # deflated, at the archive's level 1
        for sha in manifest.blobs or {}:
            stored = zipfile.ZipInfo(f"blobs/{sha[:2]}/{sha}", date_time=datetime.now().timetuple()[:6])
            _copy_into(zf, blobs.path_for(sha), stored, cancelled)  # scans do not compress
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def _copy_into(
    zf: zipfile.ZipFile, source: Path, member: str | zipfile.ZipInfo, cancelled: Callable[[], bool]
) -> None:
    """Stream ``source`` into the archive in chunks, asking ``cancelled`` between them."""
    large = source.stat().st_size > 1 << 31
    with source.open("rb") as src, zf.open(member, "w", force_zip64=large) as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            if cancelled():
                raise BackupCancelled("backup_cancelled", "the app is closing")
            out.write(chunk)
