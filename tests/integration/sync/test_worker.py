"""The background worker, a revoked device, and a record edited while its op is in flight."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk.store.models import IncomingDocument, OutboxOp
from commune_desk.sync.backoff import Backoff
from commune_desk.sync.status import SyncPhase, SyncStatus
from commune_desk.sync.worker import SyncWorker


def _wait(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_worker_runs_in_background_backs_off_offline_and_recovers(
    tmp_path: Path, city: RunningServer
) -> None:
    with FaultProxy("127.0.0.1", city.port) as proxy:
        clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"), timeout=(0.5, 0.5))
        seen: list[SyncStatus] = []
        clerk.engine.add_listener(seen.append)
        worker = SyncWorker(clerk.engine, interval=30, backoff=Backoff(base=0.2, cap=0.4))
        try:
            clerk.register(1)
            proxy.set(stall=True)
            started = time.monotonic()
            worker.start()
            assert time.monotonic() - started < 0.1, "start() must not block"
            _wait(lambda: worker.status.phase is SyncPhase.OFFLINE)
            assert worker.status.pending == 2 and worker.status.next_retry_in is not None
            _wait(lambda: worker.rounds >= 2)  # retried on its own, with backoff
            proxy.clear()
            _wait(lambda: worker.status.phase is SyncPhase.IDLE and worker.status.pending == 0)
            assert worker.status.last_success_at is not None
            assert SyncPhase.SYNCING in {s.phase for s in seen}
            clerk.register(2)
            worker.trigger()
            _wait(lambda: clerk.open_ops() == 0)
            started = time.monotonic()
            assert worker.stop(timeout=5)
            assert time.monotonic() - started < 5
            assert_converged(city, "C01", [clerk])
        finally:
            worker.stop()
            clerk.close()


@pytest.mark.parametrize("drain", [True, False], ids=["drain", "no-drain"])
def test_revoked_device_gets_a_clear_error_and_no_retry_loop(
    tmp_path: Path, city: RunningServer, drain: bool
) -> None:
    clerk = make_clerk(tmp_path, "pc", city.base_url, city.user("C01"))
    worker = SyncWorker(clerk.engine, interval=30, backoff=Backoff(base=0.05, cap=0.1))
    try:
        assert clerk.engine.sync_once().ok
        leader = city.login(city.user("C01", "leader"))
        reply = httpx.post(
            f"{city.base_url}/v1/devices/{clerk.ctx.device_id}/revoke",
            headers={"Authorization": f"Bearer {leader.access_token}"},
            json={"drain": drain},
        )
        assert reply.status_code == 200, reply.text
        clerk.register(1)
        worker.start()
        _wait(lambda: worker.status.phase is SyncPhase.ERROR)
        assert worker.status.error_kind == "device_revoked"
        time.sleep(0.5)
        assert worker.rounds == 1, "a revoked device must not retry on its own"
        # With a drain the work made before the PC learnt of it was delivered first;
        # without (a stolen PC), it stays on the PC, kept.
        assert clerk.open_ops() == (0 if drain else 2)
    finally:
        worker.stop()
        clerk.close()


def test_record_edited_while_its_op_is_in_flight_goes_back_to_pending(
    tmp_path: Path, city: RunningServer
) -> None:
    with FaultProxy("127.0.0.1", city.port) as proxy:
        clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"))
        try:
            doc = clerk.incoming(1)
            assert clerk.engine.sync_once().ok
            clerk.services.assign_incoming(doc.id, handler="Ông A")
            proxy.set(stall_down_after=0, match=b"POST /v1/push")  # hold the reply
            runner = threading.Thread(target=clerk.engine.sync_once)
            runner.start()
            # The server has read the whole push and answered it (the proxy holds the reply):
            # changing the faults before then could cut the request's own upload.
            _wait(lambda: proxy.replies_held == 1 and _in_flight(clerk) == 1)
            clerk.services.assign_incoming(doc.id, handler="Bà B")  # edited while in flight
            # Release the held reply, but cut the next push so the round ends right after it.
            proxy.set(cut_up_after=0, match=b"POST /v1/push")
            runner.join(timeout=60)  # a loaded machine: let the round end on its own
            proxy.clear()
            with clerk.ctx.store.read() as s:
                rec = s.get(IncomingDocument, doc.id)
                assert rec.dirty and rec.handler == "Bà B"
                states = [
                    o.state
                    for o in s.scalars(
                        select(OutboxOp).where(OutboxOp.entity_id == doc.id).order_by(OutboxOp.seq)
                    )
                ]
                assert states[-2:] == ["done", "in_flight"]
            assert clerk.engine.sync_once().ok
            with clerk.ctx.store.read() as s:
                rec = s.get(IncomingDocument, doc.id)
                assert not rec.dirty and rec.handler == "Bà B" and rec.server_version == 3
            assert_converged(city, "C01", [clerk])
        finally:
            clerk.close()


def _in_flight(clerk) -> int:  # type: ignore[no-untyped-def]
    with clerk.ctx.store.read() as s:
        return len(list(s.scalars(select(OutboxOp).where(OutboxOp.state == "in_flight"))))
