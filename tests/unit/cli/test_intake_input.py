"""Every bad intake on the command line: exit 2, a Vietnamese sentence, nothing written, no traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commune_desk.cli.main import main
from commune_desk.domain.calendar import VN_TZ

BASE = ("intake", "--procedure", "HT-GH", "--name", "Đặng Thị Đào", "--id-number", "001301012345")


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def written(data: Path) -> tuple[int, int]:
    """(dossiers, outbox operations) in the store, (0, 0) when there is no store yet."""
    path = data / "commune-desk.sqlite3"
    if not path.exists():
        return 0, 0
    with sqlite3.connect(path) as db:
        return (
            db.execute("SELECT count(*) FROM dossiers").fetchone()[0],
            db.execute("SELECT count(*) FROM outbox").fetchone()[0],
        )


def intake(*overrides: str) -> list[str]:
    """The base intake with some options replaced or added."""
    args = list(BASE)
    pairs = list(zip(overrides[::2], overrides[1::2], strict=True))
    for option, value in pairs:
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    return args


def soon(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).astimezone(VN_TZ).isoformat()


BAD = [
    ("year 9999", intake("--received-at", "9999-12-31T09:00"), "tương lai"),
    ("a mistyped year 1926", intake("--received-at", "1926-03-10T09:00"), "trước ngày đơn vị"),
    ("before the office start", intake("--received-at", "2025-06-30T16:00"), "trước ngày đơn vị"),
    ("an hour ahead", intake("--received-at", soon(hours=1)), "tương lai"),
    ("not a date", intake("--received-at", "2026-13-01"), "ISO 8601"),
    ("year 99999", intake("--received-at", "99999-01-01"), "ISO 8601"),
    ("a 10,000-character name", intake("--name", "Đ" * 10_000), "tối đa 200 ký tự"),
    ("ESC in the name", intake("--name", "Đào\x1b[31m"), "không được phép"),
    ("BEL in the name", intake("--name", "Đào\x07"), "không được phép"),
    ("zero-width only", intake("--name", "\u200b\u200b"), "không được phép"),
    ("an RTL override", intake("--name", "\u202eoàĐ ịhT gnặĐ"), "không được phép"),
    ("a name without letters", intake("--name", "...."), "chữ cái"),
    ("ESC in the address", intake("--address", "Số 5\x1b"), "không được phép"),
    ("a 1,000-character address", intake("--address", "a" * 1000), "tối đa 500 ký tự"),
    ("province code 000", intake("--id-number", "000301012345"), "mã tỉnh"),
    ("province code 097", intake("--id-number", "097301012345"), "mã tỉnh"),
    ("province code 999", intake("--id-number", "999301012345"), "mã tỉnh"),
    ("birth date against the number", intake("--date-of-birth", "1990-01-01"), "năm sinh"),
    ("birth date not a date", intake("--date-of-birth", "31/02/2001"), "định dạng"),
    (
        "born after receipt",
        intake("--id-number", "001226000001", "--received-at", "2025-12-01T09:00"),
        "tương lai",
    ),
    ("a paper form that does not exist", intake("--paper", "Tờ khai:ban goc:1"), "Giấy tờ"),
    ("a paper count of 0", intake("--paper", "Tờ khai:original:0"), "Giấy tờ"),
    ("an extension the procedure lacks", intake("--extension", "XAC-MINH"), "kéo dài"),
]


@pytest.mark.parametrize(("why", "args", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_intakes_exit_2_with_a_sentence_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], why: str, args: list[str], words: str
) -> None:
    code, out, err = run(capsys, tmp_path, *args)
    assert code == 2, (why, out, err)
    assert words in err, (why, err)
    assert "Traceback" not in err and out == ""
    assert written(tmp_path) == (0, 0)


def test_good_intakes_at_the_edges_of_the_window(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, tmp_path, *intake("--received-at", soon(minutes=2)), "--json")
    assert code == 0, err
    code, out, err = run(capsys, tmp_path, *intake("--received-at", "2025-07-01T07:30"), "--json")
    assert code == 0, err
    assert json.loads(out)["code"].endswith("-250701-1001")


def test_papers_date_of_birth_and_extension_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        tmp_path,
        "intake",
        "--procedure",
        "HT-NCMC",
        "--name",
        "Lê Văn Minh",
        "--id-number",
        "038088001234",
        "--date-of-birth",
        "02/05/1988",
        "--received-at",
        "2026-03-10T09:00",
        "--extension",
        "xac-minh",
        "--paper",
        "Tờ khai đăng ký nhận cha, mẹ, con",
        "--paper",
        "Giấy xét nghiệm ADN:ban sao chung thuc:2",
        "--json",
    )
    assert code == 0, err
    record = json.loads(out)
    assert record["papers"] == [
        {"name": "Tờ khai đăng ký nhận cha, mẹ, con", "form": "original", "count": 1},
        {"name": "Giấy xét nghiệm ADN", "form": "certified_copy", "count": 2},
    ]
    assert record["extension"] == "XAC-MINH"
    assert record["appointment_at"] == "2026-03-20T09:00:00+07:00"  # 3 + 5 working days


def test_procedures_speak_vietnamese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "procedures")
    assert code == 0
    assert "working_days" not in out and "on_receipt" not in out
    assert "[3 ngày làm việc]" in out and "trong ngày" in out
    assert "Khoản 2 Điều 25 Luật Hộ tịch năm 2014" in out


def test_invalid_utf8_in_arguments_is_refused_by_the_real_command(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    command = [
        sys.executable,
        "-m",
        "commune_desk",
        "--data-dir",
        str(tmp_path),
        "intake",
        "--procedure",
        "HT-GH",
        "--name",
        b"\xff\xfeNguy\xe1n".decode("utf-8", "surrogateescape"),
        "--id-number",
        "001301012345",
    ]
    result = subprocess.run(
        [os.fsencode(part) for part in command], capture_output=True, env=env, timeout=120
    )
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert "UTF-8" in err and "Traceback" not in err
    assert written(tmp_path) == (0, 0)
    search = subprocess.run(
        [
            os.fsencode(p)
            for p in (sys.executable, "-m", "commune_desk", "--data-dir", str(tmp_path), "search")
        ]
        + [b"\xff\xfe"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert search.returncode == 2 and b"Traceback" not in search.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=220), address=st.text(max_size=520))
def test_any_typed_text_is_stored_cleanly_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, address: str
) -> None:
    before = written(tmp_path)
    try:
        code, out, err = run(capsys, tmp_path, *intake("--name", name, "--address", address), "--json")
    except ValueError:  # argv cannot carry NUL: the shell never passes one
        assert "\x00" in name + address
        return
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.strip() and written(tmp_path) == before
        return
    stored = json.loads(out)["applicant_name"]
    assert stored.strip() == stored and 0 < len(stored) <= 200  # the protocol's length
    assert not any(
        ord(ch) < 32 or 0x200B <= ord(ch) <= 0x200F or 0x202A <= ord(ch) <= 0x202E for ch in stored
    )
