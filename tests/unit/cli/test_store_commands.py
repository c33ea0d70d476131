"""The store sub-commands through ``main([...])`` and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from commune_desk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


INTAKE = ("intake", "--procedure", "HT-GH", "--name", "Đặng Thị Đào", "--id-number", "001301012345")


def test_intake_json_then_search_finds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, tmp_path, *INTAKE, "--phone", "0912345678", "--received-at", "2026-03-10T09:00", "--json"
    )
    assert code == 0
    record = json.loads(out)
    assert record["code"] == "000.00.00.H26-260310-1001"
    assert record["appointment_at"] == "2026-03-13T09:00:00+07:00"  # naive time read as office time
    assert record["status"] == 2
    code, out, _ = run(capsys, tmp_path, "search", "dang thi dao", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["code"], r["applicant_name"], r["status"]) for r in rows] == [
        (record["code"], "Đặng Thị Đào", 2)
    ]
    code, out, _ = run(capsys, tmp_path, *INTAKE)
    assert code == 0 and "Mã hồ sơ: 000.00.00.H26-" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--procedure", "HT-GH", "--name", "A", "--id-number", "12"), "Số định danh không hợp lệ"),
        (
            ("--procedure", "HT-GH", "--name", "A", "--id-number", "001301012345", "--phone", "12"),
            "Số điện thoại không hợp lệ",
        ),
        (("--procedure", "XX", "--name", "A", "--id-number", "001301012345"), "Không có thủ tục"),
        (
            (
                "--procedure",
                "HT-GH",
                "--name",
                "A",
                "--id-number",
                "001301012345",
                "--received-at",
                "hôm qua",
            ),
            "ISO 8601",
        ),
    ],
)
def test_invalid_intake_exits_2_in_vietnamese_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, tmp_path, "intake", *extra)
    assert code == 2 and message in err and out == ""
    code, out, _ = run(capsys, tmp_path, "search", "a", "--json")
    assert out == ""


def test_procedures_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "procedures", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 13
    assert {"code", "name", "time_limit", "day_kind"} <= set(rows[0])
    assert any(r["name"] == "Đăng ký khai sinh" for r in rows)


def test_demo_then_db_check_then_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "demo", "--dossiers", "120", "--seed", "7")
    assert code == 0 and "120" in out
    code, out, _ = run(capsys, tmp_path, "search", "dang thi dao", "--json")
    assert any(json.loads(line)["applicant_name"] == "Đặng Thị Đào" for line in out.splitlines())
    code, out, _ = run(capsys, tmp_path, "db", "check")
    assert code == 0 and "không có lỗi" in out
    code, out, _ = run(capsys, tmp_path, "backup", "--to", str(tmp_path / "usb"))
    assert code == 0
    archive = next((tmp_path / "usb").glob("*.zip"))
    code, out, _ = run(capsys, tmp_path, *INTAKE)
    code, out, _ = run(capsys, tmp_path, "restore", str(archive))
    assert code == 0
    code, out, _ = run(capsys, tmp_path, "restore", str(tmp_path / "nope.zip"))
    assert code == 1


def test_db_check_exits_1_on_a_broken_invariant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    run(capsys, tmp_path, *INTAKE)
    conn = sqlite3.connect(tmp_path / "commune-desk.sqlite3")
    conn.execute("DELETE FROM outbox")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, tmp_path, "db", "check")
    assert code == 1 and "PROBLEM" in out and "lỗi" in err


def test_subprocess_uses_the_environment_data_dir(tmp_path: Path) -> None:
    env = dict(os.environ, COMMUNE_DESK_DATA_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "commune_desk", *INTAKE, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["code"].startswith("000.00.00.H26-")
    assert (tmp_path / "commune-desk.sqlite3").is_file()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "commune_desk",
            "intake",
            "--procedure",
            "HT-GH",
            "--name",
            "A",
            "--id-number",
            "x",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and "Số định danh" in bad.stderr
