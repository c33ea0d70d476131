"""Backup (online API + blobs, rotated) and restore, on real files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.paths import AppPaths
from commune_desk.services.backup import create_backup, list_backups
from commune_desk.services.errors import BackupError
from commune_desk.services.restore import restore_backup as _restore
from commune_desk.store.lock import StoreLock


def restore_backup(paths: AppPaths, archive: Path) -> object:
    """Restore as the CLI does: holding the store lock."""
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    with StoreLock.acquire(paths.data_dir, purpose="restore") as lock:
        return _restore(paths, archive, lock=lock)


def test_backup_then_restore_brings_back_records_and_attachments(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "data")
    ctx = open_context(tmp_path / "data")
    d = ctx.services.register_dossier(new_dossier()).value.summary
    a = ctx.services.add_attachment("dossier", d.id, source=b"scan bytes", filename="scan.png").value
    info = create_backup(paths)  # while the store is open: the online API copies a snapshot
    ctx.services.register_dossier(new_dossier(applicant_name="Sau Sao Lưu"))
    ctx.close()
    # lose everything (the folder remembers it had a store: opening now would refuse)
    paths.db_path.unlink()
    for p in paths.blobs_dir.rglob("*"):
        if p.is_file():
            p.unlink()
    restore_backup(paths, info.path)
    ctx = open_context(tmp_path / "data")
    try:
        assert [r.id for r in ctx.services.list_dossiers().rows] == [d.id]
        assert ctx.services.read_attachment(a.id) == b"scan bytes"
        assert ctx.services.check_store().ok
    finally:
        ctx.close()


def test_restore_over_a_live_store_keeps_a_safety_copy_and_drops_the_stale_wal(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "data")
    ctx = open_context(tmp_path / "data")
    ctx.services.register_dossier(new_dossier())
    info = create_backup(paths, to_dir=tmp_path / "usb")
    ctx.services.register_dossier(new_dossier(applicant_name="Mới Hơn"))
    ctx.close()
    restore_backup(paths, info.path)
    assert len(list_backups(paths.backup_dir)) == 1  # the pre-restore copy
    assert list_backups(paths.backup_dir)[0].name.endswith("-pre-restore.zip")
    ctx = open_context(tmp_path / "data")
    try:
        assert ctx.services.count_dossiers() == 1
    finally:
        ctx.close()


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "data")
    open_context(tmp_path / "data").close()
    made = [create_backup(paths, keep=3).path for _ in range(5)]
    assert list_backups(paths.backup_dir) == made[-3:]


def test_damaged_archives_are_refused_and_the_store_is_untouched(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "data")
    ctx = open_context(tmp_path / "data")
    ctx.services.register_dossier(new_dossier())
    ctx.close()
    good = create_backup(paths).path
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item.endswith(".sqlite3"):
                data = data[:-100] + bytes(b ^ 0xFF for b in data[-100:])  # always differs
            dst.writestr(item, data)
    for archive, kind in ((bad, "backup_corrupt"), (tmp_path / "missing.zip", "backup_not_found")):
        with pytest.raises(BackupError) as info:
            restore_backup(paths, archive)
        assert info.value.kind == kind
    ctx = open_context(tmp_path / "data")
    try:
        assert ctx.services.count_dossiers() == 1
    finally:
        ctx.close()


def test_automatic_backup_only_when_due(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from commune_desk.services.backup import backup_if_due

    paths = AppPaths.resolve(tmp_path / "data")
    open_context(tmp_path / "data").close()
    assert backup_if_due(paths) is not None
    assert backup_if_due(paths) is None  # one was made moments ago
    later = datetime.now(UTC) + timedelta(hours=25)
    assert backup_if_due(paths, now=lambda: later) is not None
    assert len(list_backups(paths.backup_dir)) == 2
