"""Archive names and manifests, rotation rules and the automatic backup's schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.app import AppContext
from commune_desk.domain.errors import ValidationError
from commune_desk.paths import AppPaths
from commune_desk.services.archive import ArchiveName, Manifest, archive_file_name, check_member_names
from commune_desk.services.backup import backup_if_due, create_backup, last_backup, next_backup_due, rotate
from commune_desk.services.errors import BackupError

STORE = "0123abcd-0000-4000-8000-000000000000"


def test_names_say_pc_store_and_time_and_parse_back(tmp_path: Path) -> None:
    at = datetime(2026, 3, 10, 2, 30, 5, 123456, tzinfo=UTC)
    name = ArchiveName.parse(tmp_path / archive_file_name(STORE, at))
    assert name is not None and name.store == "0123abcd" and name.created_at == at and not name.pre_restore
    assert name.of_store(STORE) and not name.of_store("ffffffff")
    pre = ArchiveName.parse(tmp_path / archive_file_name(STORE, at, pre_restore=True))
    assert pre is not None and pre.pre_restore
    legacy = ArchiveName.parse(tmp_path / "commune-desk-backup-20260310-023005-123456.zip")
    assert legacy is not None and legacy.store is None and not legacy.of_store(STORE)
    assert ArchiveName.parse(tmp_path / "holiday-photos.zip") is None


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=80))
def test_member_names_that_climb_out_are_always_refused(name: str) -> None:
    members = ["manifest.json", "commune-desk.sqlite3", name]
    try:
        blobs = check_member_names(members)
    except BackupError as exc:
        assert exc.kind in ("backup_unsafe_path", "invalid_backup")
        return
    # accepted: only the known parts, and attachments named by their own hash
    assert name in ("manifest.json", "commune-desk.sqlite3", "blobs/") or name.startswith("blobs/")
    assert ".." not in name and not name.startswith("/") and "\\" not in name
    assert all(member.endswith(sha) for sha, member in blobs.items())


@settings(max_examples=100, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "format",
                "created_at",
                "schema_revision",
                "db_sha256",
                "store_id",
                "pc",
                "db_size",
                "blobs",
                "missing_blobs",
            ]
        ),
        st.none() | st.integers() | st.text(max_size=70) | st.lists(st.integers()),
    )
)
def test_a_manifest_is_checked_field_by_field(data: dict[str, object]) -> None:
    try:
        manifest = Manifest.parse(json.dumps(data).encode())
    except BackupError as exc:
        assert exc.kind == "invalid_backup"
        return
    assert manifest.format in (1, 2) and len(manifest.db_sha256) == 64


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    p = AppPaths.resolve(tmp_path / "data")
    AppContext.open(p).close()
    return p


def test_keep_must_be_at_least_one(paths: AppPaths) -> None:
    for keep in (0, -1):
        with pytest.raises(ValidationError):
            create_backup(paths, keep=keep)
        with pytest.raises(ValidationError):
            rotate(paths.backup_dir, STORE, keep)


def test_the_automatic_backup_is_daily_and_survives_a_wrong_clock(paths: AppPaths) -> None:
    now = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert next_backup_due(paths) is None
    made = backup_if_due(paths, now=lambda: now)
    assert made is not None and last_backup(paths).path == made.path  # type: ignore[union-attr]
    assert next_backup_due(paths) == now + timedelta(hours=24)
    assert backup_if_due(paths, now=lambda: now + timedelta(hours=23)) is None
    assert backup_if_due(paths, now=lambda: now + timedelta(hours=25)) is not None
    # The PC clock went back a year: an archive "from the future" does not stop backups for a year.
    assert backup_if_due(paths, now=lambda: now - timedelta(days=365)) is not None


def test_rotation_never_deletes_the_newest_even_when_the_clock_went_back(paths: AppPaths) -> None:
    base = datetime(2026, 3, 10, tzinfo=UTC)
    for day in range(3):
        create_backup(paths, keep=2, now=lambda d=day: base + timedelta(days=d))
    newest = create_backup(paths, keep=2, now=lambda: base - timedelta(days=30))  # clock went back
    assert newest.path.is_file()  # kept, though its name sorts first: one over ``keep`` for now
    assert len(list(paths.backup_dir.glob("*.zip"))) == 3
