"""Backups: SQLite online backup + attachments in one zip archive, rotated; restore.

These functions work on paths, not on an open ``Services``: a restore must
work when the store is damaged, and the online backup API copies a
consistent snapshot even while the application is writing.

Archive layout: ``manifest.json``, ``commune-desk.sqlite3``, ``blobs/ab/<sha256>``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commune_desk.paths import AppPaths
from commune_desk.services.errors import BackupError
from commune_desk.services.values import BackupInfo
from commune_desk.store.blobs import BlobStore, file_sha256
from commune_desk.store.migrate import shipped_revisions

ARCHIVE_PREFIX = "commune-desk-backup-"
DB_MEMBER = "commune-desk.sqlite3"
#: How many archives a backup folder keeps (oldest removed first).
DEFAULT_KEEP = 10


def create_backup(
    paths: AppPaths,
    *,
    to_dir: Path | None = None,
    keep: int = DEFAULT_KEEP,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackupInfo:
    """Write a consistent snapshot of the store and its attachments; rotate old archives."""
    if not paths.db_path.is_file():
        raise BackupError("backup_failed", f"no store at {paths.db_path}")
    folder = to_dir or paths.backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now()
    target = folder / f"{ARCHIVE_PREFIX}{stamp:%Y%m%d-%H%M%S-%f}.zip"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        snapshot = Path(work) / DB_MEMBER
        _online_backup(paths.db_path, snapshot)
        revision = _revision_of(snapshot)
        blobs = list(BlobStore(paths.blobs_dir).all_hashes())
        manifest = {
            "format": 1,
            "created_at": stamp.isoformat(),
            "schema_revision": revision,
            "db_sha256": file_sha256(snapshot),
            "blobs": len(blobs),
        }
        partial = Path(work) / "archive.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
            zf.write(snapshot, DB_MEMBER)
            for sha in blobs:
                zf.write(
                    paths.blobs_dir / sha[:2] / sha,
                    f"blobs/{sha[:2]}/{sha}",
                    compress_type=zipfile.ZIP_STORED,
                )
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    _rotate(folder, keep)
    return BackupInfo(path=target, created_at=stamp, size=target.stat().st_size, blobs=len(blobs))


def backup_if_due(
    paths: AppPaths,
    *,
    max_age: timedelta = timedelta(hours=24),
    keep: int = DEFAULT_KEEP,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackupInfo | None:
    """The automatic backup: make one when the newest archive is older than ``max_age``.

    Meant to run on the store's worker thread at start-up (and daily while the
    app stays open); returns None when a recent enough backup exists.
    """
    newest = list_backups(paths.backup_dir)[-1:]
    if newest:
        made = datetime.fromtimestamp(newest[0].stat().st_mtime, UTC)
        if now() - made < max_age:
            return None
    return create_backup(paths, keep=keep, now=now)


def list_backups(folder: Path) -> list[Path]:
    """Backup archives in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{ARCHIVE_PREFIX}*.zip"))


def restore_backup(paths: AppPaths, archive: Path) -> BackupInfo:
    """Replace the store and add the attachments from ``archive``.

    The archive is checked first (manifest, database hash, SQLite
    integrity, known schema); the current store, if any, is backed up to the
    backup folder before it is replaced. The application must be closed.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError("invalid_backup", f"cannot open {archive}: {exc}") from exc
    with zf, tempfile.TemporaryDirectory(dir=_ensure(paths.data_dir), prefix=".restore-") as work:
        try:
            manifest = json.loads(zf.read("manifest.json"))
            zf.extract(DB_MEMBER, work)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
            raise BackupError("invalid_backup", f"incomplete archive: {exc}") from exc
        candidate = Path(work) / DB_MEMBER
        if file_sha256(candidate) != manifest.get("db_sha256"):
            raise BackupError("invalid_backup", "database in the archive does not match its hash")
        _check_sqlite(candidate)
        known = set(shipped_revisions())
        if manifest.get("schema_revision") not in known:
            raise BackupError(
                "invalid_backup",
                "backup made by a newer version of the software",
                revision=manifest.get("schema_revision"),
            )
        if paths.db_path.is_file():
            create_backup(paths)
        for suffix in ("-wal", "-shm"):
            # A stale WAL next to the restored file would be replayed into it.
            Path(str(paths.db_path) + suffix).unlink(missing_ok=True)
        os.replace(candidate, paths.db_path)
        blobs = BlobStore(paths.blobs_dir)
        restored = 0
        for name in zf.namelist():
            if not name.startswith("blobs/") or name.endswith("/"):
                continue
            sha = name.rsplit("/", 1)[-1]
            if blobs.exists(sha):
                continue
            data = zf.read(name)
            if hashlib.sha256(data).hexdigest() != sha:
                raise BackupError("invalid_backup", f"attachment {sha} in the archive is corrupt")
            blobs.put_bytes(data)
            restored += 1
    return BackupInfo(
        path=archive,
        created_at=datetime.fromisoformat(manifest["created_at"]),
        size=archive.stat().st_size,
        blobs=restored,
    )


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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


def _revision_of(db: Path) -> str | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def _check_sqlite(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError("invalid_backup", f"not a SQLite database: {exc}") from exc
    finally:
        conn.close()
    if result != [("ok",)]:
        raise BackupError("invalid_backup", f"integrity_check failed: {result[:3]}")


def _rotate(folder: Path, keep: int) -> None:
    archives = list_backups(folder)
    for old in archives[: max(0, len(archives) - keep)]:
        old.unlink(missing_ok=True)
