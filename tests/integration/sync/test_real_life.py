"""Sync that survives real life: each finding of the issue, on SQLite and PostgreSQL.

A PC restored from its backup, renumbering after a restore, two devices
announcing one blob at once or with a wrong size, the gap report and the
write lock, and a batch the server keeps failing on.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import (
    Clerk,
    assert_converged,
    make_clerk,
    restore_backup,
    server_snapshot,
)

from commune_desk.app import AppContext
from commune_desk.domain.dossier import EventKind
from commune_desk.services.backup import create_backup
from commune_desk.store.models import Dossier, OutboxOp, QuarantinedOp
from commune_desk.sync.engine import SyncEngine


def _settle(*clerks: Clerk, rounds: int = 2) -> None:
    for _ in range(rounds):
        for clerk in clerks:
            result = clerk.engine.sync_once()
            assert result.ok, (clerk.name, result)


def _reopen(clerk: Clerk, server_url: str) -> Clerk:
    """The same PC started again (same folder, same keyring)."""
    ctx = AppContext.open(clerk.ctx.paths)
    return Clerk(clerk.name, ctx, SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 5.0), server_url=server_url))


def _problems(clerk: Clerk) -> tuple[str, ...]:
    return clerk.services.check_store(verify_blobs=False).problems


# -- 1. a restore never reissues a code or a number ----------------------------------------


def test_restored_pc_never_reissues_a_code_or_number(tmp_path: Path, any_city: RunningServer) -> None:
    user = any_city.user("C01")
    pc = make_clerk(tmp_path, "pc", any_city.base_url, user)
    try:
        pc.register(1)
        pc.incoming(1)
        _settle(pc)
        archive = create_backup(pc.ctx.paths).path
        typed_after = [pc.register(2), pc.register(3)]
        pc.incoming(2)
        _settle(pc)
        pc.close()
        restore_backup(pc.ctx.paths, archive)
        pc = _reopen(pc, any_city.base_url)
        # Offline, right after the restore: the counters continue above what was sent.
        new = pc.register(4)
        doc = pc.incoming(4)
        with pc.ctx.store.read() as s:
            code = s.get(Dossier, new).code
        assert code.endswith("-1004"), code
        assert doc.number == 3
        _settle(pc)
        with pc.ctx.store.read() as s:
            assert not list(s.scalars(select(QuarantinedOp)))
            for dossier_id in typed_after:  # typed after the backup and pushed: back by pull
                assert s.get(Dossier, dossier_id) is not None
            assert "~" not in s.get(Dossier, new).code
        assert_converged(any_city, "C01", [pc])
        assert _problems(pc) == ()
    finally:
        pc.close()


# -- 2. renumbering keeps each record's operations in order --------------------------------


def test_renumbering_after_a_restore_keeps_each_records_order(
    tmp_path: Path, any_city: RunningServer
) -> None:
    """A restore the witness does not cover (the whole folder copied back): the new
    operations are renumbered above the server's, their order kept."""
    user = any_city.user("C01", "leader")  # form 04 (an extension) is a leader's to approve
    pc = make_clerk(tmp_path, "pc", any_city.base_url, user)
    try:
        pc.register(1)
        _settle(pc)
        pc.close()
        shutil.copytree(tmp_path / "pc", tmp_path / "copy")
        pc = _reopen(pc, any_city.base_url)
        pc.register(2)
        pc.register(3)
        _settle(pc)  # the server has seqs the copy never saw
        pc.close()
        shutil.rmtree(tmp_path / "pc")
        shutil.copytree(tmp_path / "copy", tmp_path / "pc")
        pc = _reopen(pc, any_city.base_url)
        # Offline: a dossier is created, then extended.
        dossier = pc.register(4)
        later = pc.services.propose_apology_date(dossier)  # a working moment, form 04
        pc.services.record_event(
            dossier, EventKind.EXTENDED, data={"appointment_at": later.isoformat(), "fault": "one_stop"}
        )
        with pc.ctx.store.read() as s:
            before = [
                o.op_id
                for o in s.scalars(select(OutboxOp).where(OutboxOp.state == "pending").order_by(OutboxOp.seq))
            ]
        _settle(pc)
        with pc.ctx.store.read() as s:
            after = [
                o.op_id
                for o in s.scalars(select(OutboxOp).where(OutboxOp.op_id.in_(before)).order_by(OutboxOp.seq))
            ]
            assert [(q.kind, q.message) for q in s.scalars(select(QuarantinedOp))] == []
        assert after == before  # same order, new seqs
        server = {c["entity_id"]: c for c in server_snapshot(any_city, "C01")}
        assert dossier in server
        assert pc.services.get_dossier(dossier).summary.appointment_at == later
        assert_converged(any_city, "C01", [pc])
        assert _problems(pc) == ()
    finally:
        pc.close()


# -- 5. the first announce of a new blob, by two devices at once ---------------------------


def test_concurrent_first_announces_of_a_blob(any_city: RunningServer) -> None:
    user = any_city.user("C01")
    devices = [SyncDevice(any_city, user) for _ in range(6)]
    try:
        for _ in range(5):
            blob = os.urandom(5000)
            sha = hashlib.sha256(blob).hexdigest()
            barrier = threading.Barrier(len(devices))
            replies: list[int] = []
            threads = [
                threading.Thread(target=_announce, args=(d, sha, len(blob), barrier, replies))
                for d in devices
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert replies == [200] * len(devices), replies
    finally:
        for device in devices:
            device.close()


def _announce(device: SyncDevice, sha: str, size: int, barrier: threading.Barrier, out: list[int]) -> None:
    barrier.wait()
    out.append(device.http.post(f"/v1/blobs/{sha}", json={"size": size}).status_code)


# -- 6. a wrong size claim never blocks a blob -----------------------------------------------


def test_a_wrong_size_claim_by_another_device_does_not_block_the_blob(
    tmp_path: Path, any_city: RunningServer
) -> None:
    user = any_city.user("C01")
    pc = make_clerk(tmp_path, "pc", any_city.base_url, user)
    liar = SyncDevice(any_city, user)
    try:
        data = os.urandom(70_000)
        sha = hashlib.sha256(data).hexdigest()
        assert liar.http.post(f"/v1/blobs/{sha}", json={"size": 12}).status_code == 200
        assert (
            liar.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=b"not the file").status_code
            == 422
        )
        dossier = pc.register(1)
        pc.services.add_attachment("dossier", dossier, source=data, filename="cccd.pdf")
        _settle(pc)
        status = liar.http.get(f"/v1/blobs/{sha}/status").json()
        assert status["complete"] and status["size"] == len(data)
        # Once the bytes proved the size, a wrong claim is refused.
        assert liar.http.post(f"/v1/blobs/{sha}", json={"size": 12}).status_code == 409
        assert_converged(any_city, "C01", [pc])
    finally:
        liar.close()
        pc.close()


# -- 7. the gap report: linear, and never behind the write lock ----------------------------


def test_gap_report_with_many_leases(any_city: RunningServer) -> None:
    """Every unused number below the highest used one, with the device holding its block."""
    user = any_city.user("C01")
    devices = [SyncDevice(any_city, user) for _ in range(3)]
    try:
        series = "incoming/2031"
        used: set[int] = set()
        holder: dict[int, str] = {}
        for round_ in range(20):
            for i, device in enumerate(devices):
                lease = device.lease(series, size=7)
                holder.update(dict.fromkeys(range(lease["first"], lease["last"] + 1), str(device.id)))
                number = lease["first"] + (round_ + i) % 7
                op = device.op("incoming_document", fields={"series": series, "number": number})
                assert device.push_one(op)["status"] == "applied"
                used.add(number)
        gaps = devices[0].http.get("/v1/numbers/gaps").json()["gaps"]
        mine = [(g["number"], g["leased_to"]) for g in gaps if g["series"] == series]
        assert mine == [(n, holder[n]) for n in range(1, max(used)) if n not in used]
    finally:
        for device in devices:
            device.close()


def test_read_only_requests_never_wait_for_the_write_lock(any_city: RunningServer) -> None:
    if make_url(any_city.db_url).get_backend_name() != "sqlite":
        pytest.skip("the write lock is SQLite's")
    user = any_city.user("C01")
    device = SyncDevice(any_city, user)
    other = SyncDevice(any_city, any_city.user("C02"))
    try:
        device.push_one(device.op("dossier", fields={"n": 1}))
        path = make_url(any_city.db_url).database
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another commune's long push holds the write lock
        try:
            started = time.monotonic()
            for route in ("/v1/pull", "/v1/numbers/gaps", "/v1/leases"):
                reply = other.http.get(route, timeout=httpx.Timeout(8.0))
                assert reply.status_code == 200, (route, reply.text)
            assert time.monotonic() - started < 8.0
        finally:
            holder.rollback()
            holder.close()
    finally:
        device.close()
        other.close()


# -- issue 9: a batch that keeps failing with a server error is bisected -------------------


def test_the_operation_a_server_error_comes_from_is_found_and_set_aside(
    tmp_path: Path, any_city: RunningServer
) -> None:
    user = any_city.user("C01")
    with FaultProxy("127.0.0.1", any_city.port) as proxy:
        pc = make_clerk(tmp_path, "pc", proxy.url, user)
        try:
            dossiers = [pc.register(i) for i in range(9)]
            with pc.ctx.store.read() as s:
                poison = s.scalars(
                    select(OutboxOp).where(OutboxOp.entity_id == dossiers[4], OutboxOp.action == "create")
                ).one()
            proxy.set(fail_containing=poison.op_id.encode())
            result = pc.engine.sync_once()
            assert result.ok, result
            with pc.ctx.store.read() as s:
                refused = {q.op_id: q.kind for q in s.scalars(select(QuarantinedOp))}
            # The poison, shown to the clerk like any refusal; its dossier's event follows it.
            assert refused.pop(poison.op_id) == "server_error"
            assert list(refused.values()) == ["unknown_dossier"]
            ids = {c["entity_id"] for c in server_snapshot(any_city, "C01")}
            assert set(dossiers) - ids == {dossiers[4]}  # the queue behind it flowed
            pc.register(10)
            proxy.clear()
            assert pc.engine.sync_once().ok
            assert pc.engine.status.pending == 0
        finally:
            pc.close()
