"""Backups and restores after accidents (findings 3, 4, 5, 6, 8, 9 of the data-folder issue),
through the real command line on real files: damaged pages and headers, corrupted
attachments, crafted archives, archives from two PCs on one stick."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import new_dossier, open_context

from .accidents_support import craft, damage_index_page, intake, only_archive, run


def _archives(folder: Path) -> list[Path]:
    return sorted(folder.glob("commune-desk-backup-*.zip"))


def integrity_problems(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def _archive_sound(archive: Path, tmp: Path) -> bool:
    with zipfile.ZipFile(archive) as zf:
        db = tmp / f"check-{archive.stem}.sqlite3"
        db.write_bytes(zf.read("commune-desk.sqlite3"))
        for name in zf.namelist():
            blob = name.startswith("blobs/") and not name.endswith("/")
            if blob and hashlib.sha256(zf.read(name)).hexdigest() != name.rsplit("/", 1)[-1]:
                return False
    return integrity_problems(db) == []


# --- finding 3: backups are verified; a damaged store gets no archive and an alert ----------


def test_f03_backups_of_a_damaged_store_fail_and_keep_the_good_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    for _ in range(3):
        intake(capsys, data)
    for _ in range(3):
        code, out, err = run(capsys, data, "backup", "--keep", "3")
        assert code == 0, err
    good = _archives(data / "backups")
    assert len(good) == 3
    damage_index_page(data / "commune-desk.sqlite3")
    for _ in range(10):
        code, out, err = run(capsys, data, "backup", "--keep", "3")
        assert code == 1 and "bị hỏng" in err and "Traceback" not in err, (out, err)
        assert str(good[-1]) in err  # the newest good backup is offered
    assert _archives(data / "backups") == good  # nothing rotated away, nothing bad added
    assert all(_archive_sound(a, tmp_path) for a in good)
    code, out, err = run(capsys, data, "db", "check", "--no-blobs")
    assert code == 1 and "bị hỏng" in err and str(good[-1]) in err


def test_f03_missing_or_corrupt_attachments_are_not_archived_and_nothing_rotates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    ctx = open_context(data)
    dossier = ctx.services.register_dossier(new_dossier()).value.summary
    kept = ctx.services.add_attachment("dossier", dossier.id, source=b"kept scan", filename="a.png").value
    bad = ctx.services.add_attachment("dossier", dossier.id, source=b"scan bytes", filename="b.png").value
    ctx.close()
    code, _, err = run(capsys, data, "backup", "--keep", "1")
    assert code == 0, err
    first = only_archive(data / "backups")
    blob = next((data / "blobs").rglob(bad.sha256))
    blob.write_bytes(b"scan bytez")  # one flipped byte on disk
    code, out, err = run(capsys, data, "backup", "--keep", "1")
    assert code == 1 and "bị thiếu hoặc hỏng" in err, (out, err)
    archives = _archives(data / "backups")
    assert first in archives and len(archives) == 2  # the older one, which has it, stays
    with zipfile.ZipFile(archives[-1]) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert f"blobs/{bad.sha256[:2]}/{bad.sha256}" not in names
    assert f"blobs/{kept.sha256[:2]}/{kept.sha256}" in names
    assert manifest["missing_blobs"] == [bad.sha256]
    assert all(_archive_sound(a, tmp_path) for a in archives)


# --- finding 4: restore repairs a store whose header is damaged ---------------------------


def test_f04_restore_over_a_store_with_a_damaged_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, usb = tmp_path / "data", tmp_path / "usb"
    first = intake(capsys, data)
    code, _, err = run(capsys, data, "backup", "--to", str(usb))
    assert code == 0, err
    intake(capsys, data)
    db = data / "commune-desk.sqlite3"
    damaged = b"\x13" * 100 + db.read_bytes()[100:]
    db.write_bytes(damaged)
    code, out, err = run(capsys, data, "restore", str(only_archive(usb)))
    assert code == 0, err
    moved = next(data.glob("before-restore-*"))
    assert str(moved) in out and (moved / "commune-desk.sqlite3").read_bytes() == damaged
    code, out, _ = run(capsys, data, "search", first, "--json")
    assert [json.loads(line)["code"] for line in out.splitlines()] == [first]
    code, out, err = run(capsys, data, "db", "check")
    assert code == 0, (out, err)


# --- finding 5: the whole archive is checked before anything is touched ---------------------


def _bad_blob(members: dict[str, bytes]) -> dict[str, bytes]:
    name = next(n for n in members if n.startswith("blobs/"))
    return {**members, name: members[name][:-1] + b"!"}


def _drop_key(key: str):  # noqa: ANN202
    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        manifest = json.loads(members["manifest.json"])
        del manifest[key]
        return {**members, "manifest.json": json.dumps(manifest).encode()}

    return change


CRAFTED = {
    "bad attachment": (_bad_blob, "backup_corrupt"),
    "climbing path": (lambda m: {**m, "../../x": b"owned"}, "backup_unsafe_path"),
    "absolute path": (lambda m: {**m, "/tmp/x": b"owned"}, "backup_unsafe_path"),
    "manifest lacks created_at": (_drop_key("created_at"), "invalid_backup"),
    "manifest lacks db hash": (_drop_key("db_sha256"), "invalid_backup"),
    "manifest is a list": (lambda m: {**m, "manifest.json": b"[1, 2]"}, "invalid_backup"),
    "no database": (lambda m: {k: v for k, v in m.items() if k != "commune-desk.sqlite3"}, "invalid_backup"),
    "damaged database": (
        lambda m: {**m, "commune-desk.sqlite3": m["commune-desk.sqlite3"][:4096]},
        "backup_corrupt",
    ),
}


@pytest.fixture
def store_with_attachment(tmp_path: Path) -> tuple[Path, Path]:
    """A store with one dossier and one attachment, and a good archive of it on a 'stick'."""
    from commune_desk.paths import AppPaths
    from commune_desk.services.backup import create_backup

    data = tmp_path / "data"
    ctx = open_context(data)
    d = ctx.services.register_dossier(new_dossier()).value.summary
    ctx.services.add_attachment("dossier", d.id, source=b"scan bytes", filename="scan.png")
    ctx.close()
    archive = create_backup(AppPaths.resolve(data), to_dir=tmp_path / "usb").path
    ctx = open_context(data)
    ctx.services.register_dossier(new_dossier(applicant_name="Sau Sao Lưu"))
    ctx.close()
    return data, archive


def _state(data: Path) -> dict[str, str]:
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file() and "logs" not in p.parts
    }


@pytest.mark.parametrize("case", list(CRAFTED))
def test_f05_a_bad_archive_is_refused_before_anything_is_touched(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], store_with_attachment: tuple[Path, Path]
) -> None:
    data, good = store_with_attachment
    change, kind = CRAFTED[case]
    bad = craft(good, tmp_path / "bad.zip", change)
    before = _state(data)
    code, out, err = run(capsys, data, "restore", str(bad))
    assert code == 1 and "Traceback" not in err and "Dữ liệu hiện tại không bị thay đổi" in err, (out, err)
    from commune_desk.messages import MESSAGES

    assert MESSAGES[kind].split(";")[0][:40] in err
    after = _state(data)
    after.pop("commune-desk.lock", None), before.pop("commune-desk.lock", None)
    assert after == before  # not even a pre-restore copy: nothing was touched
    assert not (tmp_path / "x").exists() and not (data.parent.parent / "x").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    manifest=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
        max_leaves=12,
    ),
    extra=st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30
        ),
        max_size=3,
    ),
)
def test_f05_any_crafted_manifest_or_member_name_is_refused_in_vietnamese(
    manifest: object,
    extra: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    store_with_attachment: tuple[Path, Path],
) -> None:
    data, good = store_with_attachment
    bad = craft(
        good,
        tmp_path / "fuzz.zip",
        lambda m: {**m, "manifest.json": json.dumps(manifest).encode(), **{name: b"x" for name in extra}},
    )
    before = (data / "commune-desk.sqlite3").read_bytes()
    code, out, err = run(capsys, data, "restore", str(bad))
    assert code == 1 and "Traceback" not in err and "không bị thay đổi" in err, (out, err)
    assert (data / "commune-desk.sqlite3").read_bytes() == before


# --- finding 6: restoring the oldest of ten archives keeps it --------------------------------


def test_f06_restoring_the_oldest_of_ten_archives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    first = intake(capsys, data)
    for _ in range(10):
        code, _, err = run(capsys, data, "backup")
        assert code == 0, err
        intake(capsys, data)
    archives = _archives(data / "backups")
    assert len(archives) == 10
    code, out, err = run(capsys, data, "restore", str(archives[0]))
    assert code == 0 and "Traceback" not in err, (out, err)
    assert archives[0].is_file()  # never deletes the archive it restores
    pre = [p for p in _archives(data / "backups") if p.name.endswith("-pre-restore.zip")]
    assert len(pre) == 1 and str(pre[0]) in out  # the message names the copy it made
    assert set(archives) <= set(_archives(data / "backups"))
    code, out, _ = run(capsys, data, "search", "dao", "--json", "--limit", "50")
    assert [json.loads(line)["code"] for line in out.splitlines()] == [first]
    code, out, err = run(capsys, data, "db", "check")
    assert code == 0, (out, err)


# --- finding 8: restore repairs a corrupted attachment whose name exists ---------------------


def test_f08_restore_repairs_a_corrupted_attachment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    ctx = open_context(data)
    d = ctx.services.register_dossier(new_dossier()).value.summary
    a = ctx.services.add_attachment("dossier", d.id, source=b"scan bytes", filename="scan.png").value
    ctx.close()
    code, _, err = run(capsys, data, "backup", "--to", str(tmp_path / "usb"))
    assert code == 0, err
    blob = next((data / "blobs").rglob(a.sha256))
    blob.write_bytes(b"scan bytez")
    code, out, err = run(capsys, data, "restore", str(only_archive(tmp_path / "usb")))
    assert code == 0, err
    assert "sửa 1" in out
    assert blob.read_bytes() == b"scan bytes"
    code, out, err = run(capsys, data, "db", "check")
    assert code == 0, (out, err)


# --- finding 9: rotation never below one, never another PC's or store's archives -------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep=st.integers(max_value=0).map(str) | st.sampled_from(["", " ", "abc", "1.5", "--1", "0x1"]))
def test_f09_keep_below_one_is_refused_and_deletes_nothing(
    keep: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    if not (data / "backups").is_dir():
        intake(capsys, data)
        for _ in range(2):
            assert run(capsys, data, "backup")[0] == 0
    before = _archives(data / "backups")
    code, out, err = run(capsys, data, "backup", f"--keep={keep}")
    assert code == 2 and "từ 1 trở lên" in err, (keep, out, err)
    assert _archives(data / "backups") == before


def test_f09_two_pcs_backing_up_to_one_stick_keep_their_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = tmp_path / "stick"
    pc1, pc2 = tmp_path / "pc1", tmp_path / "pc2"
    intake(capsys, pc1)
    intake(capsys, pc2)
    for _ in range(4):
        for pc in (pc1, pc2):
            code, _, err = run(capsys, pc, "backup", "--to", str(stick), "--keep", "2")
            assert code == 0, err
    archives = _archives(stick)
    stores = {a.name.rsplit("-", 3)[0] for a in archives}
    assert len(archives) == 4 and len(stores) == 2  # two of each store, none rotated by the other
