"""The city-server admin CLI, run as the installed console script on a real SQLite file."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.helpers.city_server import sqlite_url

from commune_desk.sync.device_key import DeviceKey


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from city_server.cli import main; raise SystemExit(main())", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_add_commune_user_and_login(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    assert _cli("init", "--db", db).returncode == 0
    assert _cli("add-commune", "--db", db, "--code", "X01", "--name", "Xã Tân Lập").returncode == 0
    dup = _cli("add-commune", "--db", db, "--code", "X01", "--name", "again")
    assert dup.returncode == 2 and "already exists" in dup.stderr
    added = _cli(
        "add-user",
        "--db",
        db,
        "--commune",
        "X01",
        "--username",
        "lan",
        "--role",
        "clerk",
        "--password-stdin",
        stdin="mật khẩu dài\n",
    )
    assert added.returncode == 0, added.stderr
    missing = _cli(
        "add-user", "--db", db, "--commune", "NOPE", "--username", "x", "--password-stdin", stdin="pw\n"
    )
    assert missing.returncode == 2
    gaps = _cli("gaps", "--db", db, "--commune", "X01")
    assert (gaps.returncode, gaps.stdout.strip()) == (0, "X01: no gaps")
    # `serve` runs the real server on that database; the CLI-made user logs in over HTTP.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from city_server.cli import main; raise SystemExit(main())",
            "serve",
            "--db",
            db,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/v1"
        device = "6f1c3c1e-8d0e-4a43-9d8a-1d8c7b7a0c11"
        challenge = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                challenge = httpx.post(f"{base}/auth/challenge", json={"device_id": device}, timeout=10)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert challenge is not None and challenge.status_code == 200
        key = DeviceKey.generate()
        reply = httpx.post(
            f"{base}/auth/login",
            timeout=10,
            json={
                "username": "lan",
                "password": "mật khẩu dài",
                "device_id": device,
                "public_key": key.public_key,
                "proof": key.prove("login", device, challenge.json()["nonce"]).model_dump(),
            },
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["commune_name"] == "Xã Tân Lập"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
