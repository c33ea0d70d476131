"""``commune-desk support`` and ``commune-desk clerks`` through ``main([...])`` and a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from commune_desk.cli.main import main


def run(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    *args: str,
    stdin: str = "",
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_support_writes_the_zip_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "--data-dir",
            str(tmp_path),
            "intake",
            "--procedure",
            "HT-GH",
            "--name",
            "Đặng Thị Đào",
            "--id-number",
            "001301012345",
            "--phone",
            "0912345678",
        ]
    )
    capsys.readouterr()
    code, out, _ = run(capsys, tmp_path, "support", "--to", str(tmp_path / "out"))
    assert code == 1  # no backup at all yet: that check fails, and says what to do
    assert "[Có lỗi] Sao lưu: Chưa có bản sao lưu nào" in out
    assert "→ Sao lưu ngay (commune-desk backup)" in out
    assert "[Tốt] Kiểm tra dữ liệu" in out
    (archive,) = (tmp_path / "out").glob("commune-desk-support-*.zip")
    assert f"Đã ghi tệp hỗ trợ: {archive}" in out
    with zipfile.ZipFile(archive) as z:
        content = "".join(z.read(n).decode() for n in z.namelist())
    assert "Đặng Thị Đào" not in content and "0912345678" not in content
    main(["--data-dir", str(tmp_path), "backup"])
    capsys.readouterr()
    code, out, _ = run(capsys, tmp_path, "support", "--json", "--no-blobs")
    report = json.loads(out)
    assert code == 0 and report["worst"] in ("ok", "info", "warn")
    assert Path(report["archive"]).parent == tmp_path / "support"


def test_clerks_add_list_and_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def add(username: str, full_name: str, *role: str) -> tuple[int, str, str]:
        return run(
            capsys,
            tmp_path,
            "clerks",
            "add",
            "--username",
            username,
            "--full-name",
            full_name,
            *role,
            "--password-stdin",
            stdin="mat-khau-1\n",
            monkeypatch=monkeypatch,
        )

    code, _, err = add("lan.nt", "Nguyễn Thị Lan")
    assert code == 2 and "Tài khoản đầu tiên của máy phải là của lãnh đạo." in err
    code, out, _ = add("minh.tv", "Trần Văn Minh", "--role", "leader")
    assert code == 0 and "Đã tạo tài khoản minh.tv (Trần Văn Minh)." in out
    code, _, err = add("Lan NT", "Nguyễn Thị Lan")
    assert code == 2 and "Tên đăng nhập chỉ gồm" in err
    code, out, _ = run(
        capsys,
        tmp_path,
        "clerks",
        "password",
        "--username",
        "minh.tv",
        "--password-stdin",
        stdin="mat-khau-moi\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    code, out, _ = run(capsys, tmp_path, "clerks", "list", "--json")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row == {
        "username": "minh.tv",
        "full_name": "Trần Văn Minh",
        "role": "leader",
        "active": True,
        "source": "local",
        "has_password": True,
    }
    from commune_desk.app import AppContext
    from commune_desk.paths import AppPaths

    with AppContext.open(AppPaths.resolve(tmp_path)) as app:
        assert app.services.sign_in("minh.tv", "mat-khau-moi").role == "leader"


def test_support_as_a_real_command(tmp_path: Path) -> None:
    env = {**os.environ, "COMMUNE_DESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "commune_desk", "support", "--no-blobs"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "Đã ghi tệp hỗ trợ" in done.stdout
