"""The PC side of device identity, login abuse and secrets: keyring or insecure file."""

from __future__ import annotations

import json
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.city_server import RunningServer
from tests.helpers.cli import run_cli
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.memory_keyring import MemoryKeyring

from commune_desk.app import AppContext
from commune_desk.messages import wait_text
from commune_desk.paths import AppPaths
from commune_desk.services import NewIncomingDocument
from commune_desk.sync.account import login, vault_for
from commune_desk.sync.client import SyncClient
from commune_desk.sync.credentials import (
    DEVICE_KEY_SERVICE,
    INSECURE_FILE_NAME,
    KEYRING_SERVICE,
)
from commune_desk.sync.device_key import DeviceKey
from commune_desk.sync.engine import SyncEngine
from commune_desk.sync.errors import SyncError, SyncErrorKind


@pytest.fixture()
def no_keyring() -> Iterator[None]:
    """A machine without an OS keyring (the null backend silently drops secrets)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


_run = run_cli


def _expire_access(ring: MemoryKeyring, server_url: str) -> None:
    for key in [k for k in ring.secrets if k[1].startswith(f"{server_url}#access")]:
        ring.secrets[key] = "1 expired"


def test_login_registers_a_device_key_kept_in_the_keyring_and_refresh_proves_it(
    tmp_path: Path,
    city: RunningServer,
    keyring_backend: MemoryKeyring,
) -> None:
    with AppContext.open(AppPaths.resolve(tmp_path / "pc")) as ctx:
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
        private = keyring_backend.secrets[(DEVICE_KEY_SERVICE, ctx.device_id)]
        key = DeviceKey.from_text(private)
        leader = city.login(city.user("C01", "leader"))
        with city.client(leader) as http:
            listed = {d["device_id"]: d for d in http.get("/v1/devices").json()["devices"]}
        assert listed[ctx.device_id]["key_fingerprint"] == key.fingerprint
        _expire_access(keyring_backend, city.base_url)
        ctx.services.register_incoming(NewIncomingDocument(author="Sở Y tế", summary="A"))
        assert SyncEngine(ctx.store, ctx.blobs).sync_once().ok  # refreshed with a proof
        # Secrets are in the keyring only: not in the store, settings or logs.
        secrets = [private, keyring_backend.secrets[(KEYRING_SERVICE, f"{city.base_url}|{ctx.device_id}")]]
    raw = b"".join(p.read_bytes() for p in (tmp_path / "pc").rglob("*") if p.is_file())
    assert not any(s.encode() in raw for s in [*secrets, "secret-pass"])


def test_a_lost_refresh_reply_does_not_log_the_clerk_out(
    tmp_path: Path,
    city: RunningServer,
    keyring_backend: MemoryKeyring,
) -> None:
    with (
        FaultProxy("127.0.0.1", city.port) as proxy,
        AppContext.open(AppPaths.resolve(tmp_path / "pc")) as ctx,
    ):
        login(ctx.store, server_url=proxy.url, username="c01-clerk", password="secret-pass")
        engine = SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 5.0))
        _expire_access(keyring_backend, proxy.url)
        proxy.set(drop_reply=True, match=b"POST /v1/auth/refresh", times=1)
        ctx.services.register_incoming(NewIncomingDocument(author="Sở Y tế", summary="B"))
        first = engine.sync_once()
        assert not first.ok and first.error_kind == "offline", first
        second = engine.sync_once()  # the old refresh token still gets the pair it was given
        assert second.ok and second.converged, second


def test_without_a_keyring_login_refuses_unless_insecure_storage(
    tmp_path: Path,
    city: RunningServer,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = ["--data-dir", str(tmp_path / "pc")]
    args = [*data, "login", "--server", city.base_url, "--username", "c01-clerk", "--password-stdin"]
    code, _, err = _run(monkeypatch, capsys, args, stdin="secret-pass\n")
    assert code == 1 and "--insecure-storage" in err and "kho mật khẩu" in err
    with AppContext.open(AppPaths.resolve(tmp_path / "pc")) as ctx:
        device_id = ctx.device_id
    leader = city.login(city.user("C01", "leader"))
    with city.client(leader) as http:  # refused before the server was asked: no device
        assert device_id not in {d["device_id"] for d in http.get("/v1/devices").json()["devices"]}
    code, out, _ = _run(monkeypatch, capsys, [*args, "--insecure-storage"], stdin="secret-pass\n")
    assert code == 0 and INSECURE_FILE_NAME in out
    secrets_file = tmp_path / "pc" / INSECURE_FILE_NAME
    if sys.platform != "win32":
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "status", "--json"])
    assert json.loads(out)["secret_storage"] == "file"
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "status"])
    assert "TỆP KHÔNG MÃ HÓA" in out
    code, out, _ = _run(monkeypatch, capsys, [*data, "sync", "--once", "--json"])
    assert code == 0 and json.loads(out)["converged"], out


def test_a_locked_login_tells_the_wait_in_vietnamese(
    tmp_path: Path,
    city: RunningServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = city.add_user("C01")
    args = [
        "--data-dir",
        str(tmp_path / "pc"),
        "login",
        "--server",
        city.base_url,
        "--username",
        user.username,
        "--password-stdin",
    ]
    for _ in range(5):
        assert _run(monkeypatch, capsys, args, stdin="wrong\n")[0] == 1
    code, _, err = _run(monkeypatch, capsys, args, stdin=f"{user.password}\n")
    # The rest of the one-minute window: "1 phút", or "59 giây" on a slow machine.
    assert code == 1 and re.search(r"thử lại sau (1 phút|\d{1,2} giây)\.", err), err
    with AppContext.open(AppPaths.resolve(tmp_path / "pc")) as ctx, pytest.raises(SyncError) as e:
        login(ctx.store, server_url=city.base_url, username=user.username, password=user.password)
    assert e.value.kind is SyncErrorKind.LOGIN_LOCKED and 0 < (e.value.retry_after or 0) <= 60


@given(st.integers(min_value=0, max_value=10 * 24 * 3600))
def test_wait_text_never_says_come_back_too_early(seconds: int) -> None:
    text = wait_text(seconds)
    number = [int(w) for w in text.split() if w.isdigit()]
    if seconds < 60:
        assert text == f"{max(1, seconds)} giây"
    else:
        minutes = number[0] * 60 + (number[1] if len(number) > 1 else 0) if "giờ" in text else number[0]
        assert minutes * 60 >= seconds and minutes * 60 - seconds < 60


def test_a_pc_that_lost_its_key_is_rebound_by_a_leader(
    tmp_path: Path,
    city: RunningServer,
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = ["--data-dir", str(tmp_path / "pc")]
    args = [*data, "login", "--server", city.base_url, "--username", "c01-clerk", "--password-stdin"]
    assert _run(monkeypatch, capsys, args, stdin="secret-pass\n")[0] == 0
    keyring_backend.secrets.clear()  # the Windows profile was reset
    code, _, err = _run(monkeypatch, capsys, args, stdin="secret-pass\n")
    with AppContext.open(AppPaths.resolve(tmp_path / "pc")) as ctx:
        new_key = DeviceKey.from_text(vault_for(ctx.store).load_device_key(ctx.device_id) or "")
        device_id = ctx.device_id
    assert code == 1 and "gắn lại" in err and new_key.fingerprint in err
    leader = city.login(city.user("C01", "leader"))
    client = SyncClient(city.base_url, authenticate=lambda _force: leader.access_token)
    try:
        pending = {d.device_id.hex: d for d in client.devices().devices}[device_id.replace("-", "")]
        assert pending.pending_key_fingerprint == new_key.fingerprint
        client.rebind_device(device_id, pending.pending_public_key or "")
    finally:
        client.close()
    assert _run(monkeypatch, capsys, args, stdin="secret-pass\n")[0] == 0
