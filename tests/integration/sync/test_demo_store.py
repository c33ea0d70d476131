"""A demo store never syncs (issue 10, item 8), against the real city server: its writes
queue nothing, login and sync refuse in Vietnamese, and demo data is never written into
a store that holds real records or talks to a server."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer

from commune_desk.cli.main import main


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: Path,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _login(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path, server: RunningServer
) -> tuple[int, str, str]:
    return _run(
        monkeypatch, capsys, data, "login", "--server", server.base_url, "--username", "c01-clerk",
        "--password-stdin", stdin="secret-pass\n",
    )  # fmt: skip


def _outbox(data: Path) -> int:
    conn = sqlite3.connect(data / "commune-desk.sqlite3")
    try:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def test_a_demo_store_queues_nothing_and_never_logs_in_or_syncs(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    code, out, err = _run(monkeypatch, capsys, demo, "demo", "--dossiers", "600", "--seed", "2")
    assert code == 0, err
    assert _outbox(demo) == 0  # dossiers and register documents alike are local-only
    assert "không bao giờ đồng bộ" in out
    code, out, err = _run(monkeypatch, capsys, demo, "db", "check")
    assert code == 0, (out, err)
    code, out, err = _login(monkeypatch, capsys, demo, city)
    assert code == 1 and "dữ liệu mẫu" in err, (out, err)
    code, out, err = _run(monkeypatch, capsys, demo, "sync", "--once", "--json")
    assert code == 1 and json.loads(out)["error_kind"] == "demo_store", out
    # A real store next to it logs in and syncs as usual, and the server holds nothing of the demo.
    real = tmp_path / "real"
    code, out, err = _login(monkeypatch, capsys, real, city)
    assert code == 0, err
    code, out, err = _run(monkeypatch, capsys, real, "sync", "--once", "--json")
    result = json.loads(out)
    assert code == 0 and result["pulled"] == 0 and result["quarantined"] == 0, out


def test_demo_data_is_refused_in_a_real_store(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_in = tmp_path / "logged-in"
    code, _, err = _login(monkeypatch, capsys, logged_in, city)
    assert code == 0, err
    with_records = tmp_path / "with-records"
    code, _, err = _run(
        monkeypatch,
        capsys,
        with_records,
        "intake",
        "--procedure",
        "HT-GH",
        "--name",
        "Đặng Thị Đào",
        "--id-number",
        "001301012345",
    )
    assert code == 0, err
    for data in (logged_in, with_records):
        before = _outbox(data)
        code, out, err = _run(monkeypatch, capsys, data, "demo", "--dossiers", "50")
        assert code == 2 and "dữ liệu thật" in err, (out, err)
        assert _outbox(data) == before
    code, out, err = _run(monkeypatch, capsys, logged_in, "sync", "--once", "--json")
    assert code == 0, out
