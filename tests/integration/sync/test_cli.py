"""`commune-desk login`, `sync --once --json` and `sync status --json` against the real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer
from tests.helpers.cli import run_cli
from tests.helpers.fault_proxy import FaultProxy

_run = run_cli


def test_login_sync_status(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path / "pc")]
    code, _, err = _run(monkeypatch, capsys, [*data, "sync", "--once", "--json"])
    assert code == 1
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "--once", "--json"])
    assert json.loads(out)["error_kind"] == "not_logged_in"

    code, _, err = _run(
        monkeypatch,
        capsys,
        [*data, "login", "--server", city.base_url, "--username", "c01-clerk", "--password-stdin"],
        stdin="wrong\n",
    )
    assert code == 1 and "Tên đăng nhập hoặc mật khẩu không đúng" in err
    code, out, _ = _run(
        monkeypatch,
        capsys,
        [*data, "login", "--server", city.base_url, "--username", "c01-clerk", "--password-stdin"],
        stdin="secret-pass\n",
    )
    assert code == 0, out

    code, out, _ = _run(
        monkeypatch,
        capsys,
        [
            *data,
            "intake",
            "--procedure",
            "HT-KS",
            "--name",
            "Đặng Thị Đào",
            "--id-number",
            "001199012345",
            "--json",
        ],
    )
    assert code == 0, out
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "status", "--json"])
    status = json.loads(out)
    assert status["logged_in"] and status["pending"] == 2 and status["commune_code"] == "C01"

    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "--once", "--json"])
    result = json.loads(out)
    assert code == 0 and result["converged"] and result["pushed"] == 2, result
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "status", "--json"])
    status = json.loads(out)
    assert status["pending"] == 0 and status["last_success_at"] and status["cursor"] >= 2


def test_sync_unreachable_server_reports_offline(
    tmp_path: Path,
    city: RunningServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = ["--data-dir", str(tmp_path / "pc")]
    with FaultProxy("127.0.0.1", city.port) as proxy:
        code, _, _ = _run(
            monkeypatch,
            capsys,
            [*data, "login", "--server", proxy.url, "--username", "c01-clerk", "--password-stdin"],
            stdin="secret-pass\n",
        )
        assert code == 0
    # The link is gone (nobody listens on the proxy's port any more).
    code, out, err = _run(monkeypatch, capsys, [*data, "sync", "--once"])
    assert code == 1 and "Không kết nối được máy chủ" in err
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "status", "--json"])
    status = json.loads(out)
    assert status["phase"] == "offline" and status["last_error"] == "offline"
