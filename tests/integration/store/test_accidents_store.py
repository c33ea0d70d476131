"""The store after accidents (findings 1, 2, 7, 10, 11 of the data-folder issue), with real
processes killed by SIGKILL, a tmpfs that fills up or is pulled like a stick, a folder
mounted read-only, a store truncated to nothing or from a newer version."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from tests.helpers import disks
from tests.helpers.store_fixtures import new_dossier, open_context

from .accidents_support import (
    INTAKE,
    child,
    count_rows,
    intake,
    only_archive,
    run,
    spawn,
    wait_for,
)


def _holder_purpose(data: Path) -> str | None:
    try:
        return json.loads((data / "commune-desk.lock").read_text()).get("purpose")
    except (OSError, ValueError, AttributeError):
        return None


# --- finding 1: a restore while the app is open is refused -----------------------------------


def test_f01_restore_is_refused_while_the_app_is_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, usb = tmp_path / "data", tmp_path / "usb"
    intake(capsys, data)
    assert run(capsys, data, "backup", "--to", str(usb))[0] == 0
    intake(capsys, data)
    app = spawn("--data-dir", str(data))  # the real desktop app, offscreen
    try:
        wait_for(lambda: _holder_purpose(data) == "app", timeout=60, step=0.05)
        code, out, err = run(capsys, data, "restore", str(only_archive(usb)))
        assert code == 1 and "đang được" in err, (out, err)
        assert count_rows(data / "commune-desk.sqlite3") == 2  # nothing replaced under the app
        code, out, err = run(capsys, data, *INTAKE)  # nor written around it
        assert code == 1 and "đang được" in err
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(30)
    # The OS let go of the dead app's lock: the restore goes through now.
    code, out, err = run(capsys, data, "restore", str(only_archive(usb)))
    assert code == 0, err
    assert count_rows(data / "commune-desk.sqlite3") == 1


# --- finding 2: a vanished or emptied store is never silently replaced ------------------------


@pytest.mark.parametrize("accident", ["truncated", "deleted", "folder removed"])
def test_f02_a_store_that_existed_is_never_replaced_by_an_empty_one(
    accident: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    data, usb = tmp_path / "data", tmp_path / "usb"
    first = intake(capsys, data)
    assert run(capsys, data, "backup", "--to", str(usb))[0] == 0
    intake(capsys, data)
    db = data / "commune-desk.sqlite3"
    if accident == "truncated":
        db.write_bytes(b"")
    elif accident == "deleted":
        db.unlink()
    else:
        shutil.rmtree(data)
    for command in (INTAKE, ("search", "dao"), ("db", "check")):
        code, out, err = run(capsys, data, *command)
        assert code == 1 and "không tạo dữ liệu trống mới" in err, (command, out, err)
        assert "không có lỗi" not in out
        assert str(only_archive(usb)) in err  # the newest verified backup is offered
    if accident == "truncated":
        assert db.read_bytes() == b""
    else:
        assert not db.exists()
    # IT restores the offered backup: the codes continue after the ones printed.
    code, out, err = run(capsys, data, "restore", str(only_archive(usb)))
    assert code == 0, err
    assert intake(capsys, data) > first


def test_f02_a_pulled_stick_is_not_replaced_by_a_new_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = tmp_path / "stick"
    with disks.tmpfs(stick, "32m"):
        data = stick / "CommuneDesk"
        intake(capsys, data)
        assert run(capsys, data, "backup", "--to", str(tmp_path / "backups"))[0] == 0
        disks.pull(stick)
        code, out, err = run(capsys, data, *INTAKE)
        assert code == 1 and "USB" in err and "commune-desk-backup-" in err, (out, err)
        assert not data.exists()  # no fresh store on the computer's own disk


# --- finding 7: an interrupted demo leaves counters with their codes --------------------------


#: Intake refuses times before the office's start date (2025-07-01 by default).
OFFICE_START = "2025-07-01"


def _latest_demo_dossier(db: Path) -> tuple[str, str]:
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        code, received = conn.execute(
            "SELECT code, received_at FROM dossiers WHERE received_at >= ? ORDER BY received_at DESC LIMIT 1",
            (OFFICE_START,),
        ).fetchone()
    finally:
        conn.close()
    return code, received


def _intake_on_the_day_of(capsys: pytest.CaptureFixture[str], data: Path) -> tuple[str, str]:
    code, received = _latest_demo_dossier(data / "commune-desk.sqlite3")
    at = received.replace(" ", "T")
    if "+" not in at[10:] and not at.endswith("Z"):
        at += "+00:00"
    return code, intake(capsys, data, "--received-at", at)


def test_f07_a_demo_killed_midway_leaves_a_consistent_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run(capsys, data, "procedures")  # the store exists before the demo starts
    demo = spawn("--data-dir", str(data), "demo", "--dossiers", "60000", "--seed", "3")
    try:
        # days are written oldest first: kill once days after the office's start are in
        assert wait_for(lambda: _rows_or_zero(data) >= 30000, timeout=300, step=0.01)
    finally:
        demo.send_signal(signal.SIGKILL)
        demo.wait(30)
    assert 30000 <= _rows_or_zero(data) < 60000
    code, out, err = run(capsys, data, "db", "check", "--no-blobs")
    assert code == 0, (out, err)
    demo_code, new_code = _intake_on_the_day_of(capsys, data)
    assert new_code.rsplit("-", 2)[1] == demo_code.rsplit("-", 2)[1] and new_code > demo_code
    assert run(capsys, data, "db", "check", "--no-blobs")[0] == 0


def _rows_or_zero(data: Path) -> int:
    try:
        return count_rows(data / "commune-desk.sqlite3")
    except sqlite3.Error:
        return 0


def test_f07_a_demo_stopped_by_a_full_disk_leaves_a_consistent_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = tmp_path / "disk"
    with disks.tmpfs(disk, "48m"):  # full past the office's start date (oldest days go first)
        data = disk / "CommuneDesk"
        run(capsys, data, "procedures")
        code, out, err = run(capsys, data, "demo", "--dossiers", "30000")
        assert code == 1 and "đã đầy" in err and "Traceback" not in err, (out, err)
        assert _rows_or_zero(data) > 0
        disks.resize(disk, "64m")  # IT frees some space
        code, out, err = run(capsys, data, "db", "check", "--no-blobs")
        assert code == 0, (out, err)
        demo_code, new_code = _intake_on_the_day_of(capsys, data)
        assert new_code > demo_code


def test_f07_db_check_sees_a_counter_behind_its_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code = intake(capsys, data)
    conn = sqlite3.connect(data / "commune-desk.sqlite3")
    conn.execute("DELETE FROM local_counters WHERE name LIKE 'dossier/%'")
    conn.commit()
    conn.close()
    rc, out, err = run(capsys, data, "db", "check")
    assert rc == 1 and "code counter" in out and code.rsplit("-", 1)[1] in out, (out, err)


# --- finding 10: each accident in one clear Vietnamese sentence -------------------------------


def test_f10_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disk = tmp_path / "disk"
    with disks.tmpfs(disk, "4m"):
        data = disk / "CommuneDesk"
        first = intake(capsys, data)
        disks.fill(disk)
        for command in (("intake", *INTAKE[1:]), ("backup",), ("demo", "--dossiers", "50")):
            code, out, err = run(capsys, data, *command)
            assert code == 1 and "đã đầy" in err and "Traceback" not in err, (command, out, err)
        (disk / "filler.bin").unlink()
        code, out, _ = run(capsys, data, "search", "dao", "--json")
        assert [json.loads(line)["code"] for line in out.splitlines()] == [first]  # nothing lost


def test_f10_read_only_folder_is_not_called_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    intake(capsys, data)
    with disks.read_only(data):
        code, out, err = run(capsys, data, *INTAKE)
        assert code == 1 and "Không ghi được" in err and "Traceback" not in err, (out, err)
        code, out, err = run(capsys, data, "db", "check")
        assert code == 1 and "KHÔNG bị hỏng" in err and "bị hỏng một phần" not in err, (out, err)


def test_f10_a_write_lock_held_too_long(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    intake(capsys, data)
    monkeypatch.setattr("commune_desk.store.engine.BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(data / "commune-desk.sqlite3")
    holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock
    try:
        code, out, err = run(capsys, data, *INTAKE)
    finally:
        holder.rollback()
        holder.close()
    assert code == 1 and "quá lâu" in err and "Traceback" not in err, (out, err)
    assert count_rows(data / "commune-desk.sqlite3") == 1


def test_f10_a_store_from_a_newer_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    intake(capsys, data)
    conn = sqlite3.connect(data / "commune-desk.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    for command in (INTAKE, ("db", "check")):
        code, out, err = run(capsys, data, *command)
        assert code == 1 and "mới hơn" in err and "KHÔNG bị hỏng" in err and "Traceback" not in err, (
            out,
            err,
        )
        assert "bị hỏng một phần" not in err
    conn = sqlite3.connect(data / "commune-desk.sqlite3")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_from_the_future"
    conn.close()


# --- finding 11: leftovers are reported and cleaned; unreferenced files are not backed up -----


def _big_attachment(data: Path, tmp_path: Path, size: int = 40 << 20) -> Path:
    source = tmp_path / "big-scan.pdf"
    source.write_bytes(os.urandom(size))
    ctx = open_context(data)
    try:
        d = ctx.services.register_dossier(new_dossier()).value.summary
        ctx.services.add_attachment("dossier", d.id, source=source)
    finally:
        ctx.close()
    return source


def _kill_when(process: object, predicate: object, timeout: float = 60.0) -> None:
    try:
        assert wait_for(predicate, timeout=timeout), "the moment to kill never came"  # type: ignore[arg-type]
    finally:
        process.send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
        process.wait(30)  # type: ignore[attr-defined]


def test_f11_leftovers_of_killed_backups_restores_and_adds_are_reported_then_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    source = _big_attachment(data, tmp_path)
    backups = data / "backups"
    # an attachment add killed while copying (a command that takes the store lock cleans
    # leftovers when it starts, so this one goes first)
    proc = child("attach", str(data), str(source))
    _kill_when(proc, lambda: any((data / "blobs").glob(".incoming-*")))
    # a backup killed while writing its archive
    proc = child("backup", str(data))
    _kill_when(proc, lambda: any(p.stat().st_size > 1 << 20 for p in backups.glob(".backup-*/archive.zip")))
    # a restore killed while extracting (its attachment is missing here, so it is extracted)
    code, _, err = run(capsys, data, "backup", "--to", str(tmp_path / "usb"))
    assert code == 0, err
    for blob in (data / "blobs").glob("??/*"):
        blob.unlink()
    proc = spawn("--data-dir", str(data), "restore", str(only_archive(tmp_path / "usb")))
    _kill_when(proc, lambda: any(data.glob(".restore-*/*")))
    leftovers = [*backups.glob(".backup-*"), *data.glob(".restore-*"), *(data / "blobs").glob(".incoming-*")]
    assert len(leftovers) == 3, leftovers
    code, out, err = run(capsys, data, "db", "check", "--no-blobs")
    assert out.count("WARNING: leftover") == 3 and "tệp tạm còn sót" in err, (out, err)
    intake(capsys, data)  # the next start cleans them
    assert not any(p.exists() for p in leftovers)
    code, out, err = run(capsys, data, "db", "check", "--no-blobs")
    assert "WARNING: leftover" not in out


def test_f11_unreferenced_attachment_files_are_not_backed_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    from commune_desk.store.blobs import BlobStore

    data = tmp_path / "data"
    intake(capsys, data)
    orphan = BlobStore(data / "blobs").put_bytes(b"left by an interrupted add")
    code, out, err = run(capsys, data, "backup")
    assert code == 0, err
    with zipfile.ZipFile(only_archive(data / "backups")) as zf:
        assert not [n for n in zf.namelist() if orphan in n]
    code, out, err = run(capsys, data, "db", "check")
    assert code == 0 and "referenced by no record" in out, (out, err)


def test_f11_a_live_backup_is_never_cleaned_away(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _big_attachment(data, tmp_path)
    proc = child("backup", str(data))
    try:
        assert wait_for(lambda: any((data / "backups").glob(".backup-*/archive.zip")), timeout=60)
        for _ in range(3):
            intake(capsys, data)  # each start cleans only what no live backup owns
        time.sleep(1.5)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""  # its backups go on
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
