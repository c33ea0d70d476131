"""Logging in: from single-PC mode to server numbering, and the offline unlock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.memory_keyring import MemoryKeyring
from tests.integration.sync.sync_support import Clerk, assert_converged

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.services import NewIncomingDocument, NewOutgoingDocument
from commune_desk.store.models import OutboxOp
from commune_desk.sync.account import login, unlock_offline
from commune_desk.sync.credentials import KEYRING_SERVICE
from commune_desk.sync.engine import SyncEngine
from commune_desk.sync.errors import SyncError, SyncErrorKind


def _single_pc(root: Path, name: str) -> AppContext:
    """A PC used on its own first: it numbers registers from its own lease."""
    ctx = AppContext.open(AppPaths.resolve(root / name))
    for i in range(3):
        ctx.services.register_incoming(
            NewIncomingDocument(author="Sở Tư pháp", summary=f"Công văn {name} {i}")
        )
    ctx.services.register_outgoing(NewOutgoingDocument(symbol="UBND-VP", summary=f"Tờ trình {name}"))
    return ctx


def test_numbers_of_single_pc_mode_are_adopted_at_login(tmp_path: Path, city: RunningServer) -> None:
    first = _single_pc(tmp_path, "first")
    second = _single_pc(tmp_path, "second")
    user = city.user("C01", "leader")  # the PCs issued (signed) outgoing documents on their own
    try:
        login(first.store, server_url=city.base_url, username=user.username, password=user.password)
        a = Clerk("first", first, SyncEngine(first.store, first.blobs))
        result = a.engine.sync_once()
        assert result.ok and result.converged and result.quarantined == 0, result
        # The second PC also numbered 1..3 on its own: those numbers are taken now.
        login(second.store, server_url=city.base_url, username=user.username, password=user.password)
        b = Clerk("second", second, SyncEngine(second.store, second.blobs))
        result = b.engine.sync_once()
        assert result.ok and result.quarantined == 4 and result.pending == 0, result
        second.services.register_incoming(NewIncomingDocument(author="Sở Nội vụ", summary="Mới"))
        result = b.engine.sync_once()  # the queue behind the refused ones still moves
        assert result.ok and result.quarantined == 4 and result.pending == 0, result
        assert a.engine.sync_once().ok
        assert_converged(city, "C01", [a])
    finally:
        first.close()
        second.close()


def test_offline_unlock_uses_the_local_verifier(tmp_path: Path, city: RunningServer) -> None:
    ctx = AppContext.open(AppPaths.resolve(tmp_path / "pc"))
    try:
        with pytest.raises(SyncError) as caught:
            unlock_offline(ctx.store, "c01-clerk", "secret-pass")
        assert caught.value.kind is SyncErrorKind.NOT_LOGGED_IN
        with pytest.raises(SyncError) as caught:
            login(ctx.store, server_url=city.base_url, username="c01-clerk", password="nope")
        assert caught.value.kind is SyncErrorKind.INVALID_CREDENTIALS
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
        assert unlock_offline(ctx.store, "c01-clerk", "secret-pass").commune_code == "C01"
        with pytest.raises(SyncError) as caught:
            unlock_offline(ctx.store, "c01-clerk", "Secret-pass")
        assert caught.value.kind is SyncErrorKind.WRONG_PASSWORD
        # Nothing secret is in the data folder: the refresh token lives in the keyring.
        raw = b"".join(p.read_bytes() for p in (tmp_path / "pc").rglob("*") if p.is_file())
        assert b"secret-pass" not in raw
    finally:
        ctx.close()


def test_restore_from_an_older_backup_continues_above_the_servers_seq(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01")
    root = tmp_path / "pc"
    ctx = AppContext.open(AppPaths.resolve(root))
    login(ctx.store, server_url=city.base_url, username=user.username, password=user.password)
    doc = ctx.services.register_incoming(NewIncomingDocument(author="Sở Nội vụ", summary="A")).value
    assert SyncEngine(ctx.store, ctx.blobs).sync_once().ok
    ctx.close()
    shutil.copytree(root, tmp_path / "backup")
    ctx = AppContext.open(AppPaths.resolve(root))
    ctx.services.assign_incoming(doc.id, handler="Ông Xuân")
    assert SyncEngine(ctx.store, ctx.blobs).sync_once().ok  # the server now has seq 2
    ctx.close()
    shutil.rmtree(root)
    shutil.copytree(tmp_path / "backup", root)  # restore: the PC forgot seq 2
    ctx = AppContext.open(AppPaths.resolve(root))
    try:
        # The witness (kept in the keyring too, so a folder copied back is noticed) says
        # seq 2 was sent: the new operation continues above it, offline already.
        ctx.services.assign_incoming(doc.id, handler="Bà Yến")
        with ctx.store.read() as s:
            op = s.scalars(select(OutboxOp).where(OutboxOp.state == "pending")).one()
            assert op.seq == 3
        clerk = Clerk("pc", ctx, SyncEngine(ctx.store, ctx.blobs))
        result = clerk.engine.sync_once()
        assert result.ok and result.quarantined == 0 and result.pending == 0, result
        with ctx.store.read() as s:
            assert s.get(OutboxOp, op.op_id).seq == 3
        ctx.services.assign_incoming(doc.id, handler="Bà Yến", co_handlers=["Ông Ba"])
        assert clerk.engine.sync_once().ok
        assert_converged(city, "C01", [clerk])
    finally:
        ctx.close()


def test_a_refused_access_token_is_refreshed_once_and_the_round_goes_on(
    tmp_path: Path, city: RunningServer, keyring_backend: MemoryKeyring
) -> None:
    ctx = AppContext.open(AppPaths.resolve(tmp_path / "pc"))
    try:
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
        access = [k for k in keyring_backend.secrets if k[1].startswith(f"{city.base_url}#access")]
        assert len(access) == 1
        refresh_key = (KEYRING_SERVICE, f"{city.base_url}|{ctx.device_id}")
        old_refresh = keyring_backend.secrets[refresh_key]
        keyring_backend.secrets[access[0]] = "9999999999 not-a-token"  # server refuses it
        ctx.services.register_incoming(NewIncomingDocument(author="Sở Y tế", summary="B"))
        result = SyncEngine(ctx.store, ctx.blobs).sync_once()
        assert result.ok and result.converged, result
        assert keyring_backend.secrets[refresh_key] != old_refresh  # rotated, kept in keyring
        # A refresh token the server no longer knows: a clear kind, not a retry loop.
        keyring_backend.secrets[refresh_key] = "stale"
        keyring_backend.secrets[access[0]] = "9999999999 not-a-token"
        result = SyncEngine(ctx.store, ctx.blobs).sync_once()
        assert not result.ok and result.error_kind == "session_expired"
    finally:
        ctx.close()
