"""Push: exactly-once under replay, concurrent replay and a reply lost after commit."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import httpx
import pytest
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy


def _dossier_count(dev: SyncDevice, entity_id: str) -> int:
    changes, _ = dev.pull_all()
    return sum(1 for c in changes if c["entity_id"] == entity_id)


def test_replay_returns_stored_result_and_applies_once(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    create = dev.op("dossier", fields={"applicant_name": "Nguyễn Văn A"})
    update = dev.op("dossier", create["entity_id"], "update", {"applicant_phone": "0912345678"}, 1)
    first = dev.push(create, update)
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert [r["version"] for r in first] == [1, 2]
    again = dev.push(create, update)
    assert [r["status"] for r in again] == ["applied", "applied"]
    assert all(r["replayed"] for r in again)
    assert [r["version"] for r in again] == [1, 2]
    changes, _ = dev.pull_all()
    mine = [c for c in changes if c["entity_id"] == create["entity_id"]]
    assert len(mine) == 1 and mine[0]["version"] == 2
    hs = dev.http.post(
        "/v1/handshake", json={"protocol_version": 1, "client_time": "2026-01-01T00:00:00+07:00"}
    )
    assert hs.json()["last_seq"] == update["seq"]


def test_reused_seq_or_op_id_is_rejected_without_overwriting(
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    op = dev.op("dossier", fields={"notes": "1"})
    assert dev.push_one(op)["status"] == "applied"
    clash = {**op, "op_id": str(uuid.uuid4()), "fields": {"notes": "2"}}
    result = dev.push_one(clash)
    assert (result["status"], result["kind"]) == ("rejected", "device_cloned")  # a fork
    other = dev.op("dossier", fields={"notes": "3"})
    other["op_id"] = op["op_id"]
    result = dev.push_one(other)
    assert (result["status"], result["kind"]) == ("rejected", "op_id_reused")
    # The stored result is untouched by either attempt.
    assert dev.push_one(op)["replayed"] is True


def test_one_rejected_op_does_not_block_the_rest(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    ops = [
        dev.op("dossier", fields={"notes": "1"}),
        dev.op("conflict", fields={}),  # clients may not write conflicts
        dev.op("dossier", action="delete"),  # no base version
        dev.op("dossier", fields={"notes": "3"}),
    ]
    results = dev.push(*ops)
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert [r["kind"] for r in results] == [None, "entity_not_allowed", "invalid_fields", None]


def test_ops_of_another_device_are_refused(device: Callable[..., SyncDevice]) -> None:
    dev, other = device(), device()
    op = other.op("dossier", fields={})
    result = dev.push_one(op)
    assert (result["status"], result["kind"]) == ("rejected", "device_mismatch")
    assert other.push_one(op)["status"] == "applied"


def test_concurrent_replays_apply_once(device: Callable[..., SyncDevice], server: RunningServer) -> None:
    dev = device()
    ops = [dev.op("dossier", fields={"notes": str(i)}) for i in range(30)]
    results: list[list[dict[str, object]]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with server.client(dev.tokens) as http:
                reply = http.post("/v1/push", json={"ops": ops})
                assert reply.status_code == 200, reply.text
                results.append(reply.json()["results"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4
    fresh = [r for batch in results for r in batch if not r["replayed"]]
    assert len(fresh) == len(ops)  # each op applied by exactly one of the requests
    changes, _ = dev.pull_all()
    ids = {o["entity_id"] for o in ops}
    assert sum(1 for c in changes if c["entity_id"] in ids) == len(ops)


def test_reply_lost_after_commit_creates_no_duplicate(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    dev = device()
    ops = [dev.op("dossier", fields={"notes": f"lost {i}"}) for i in range(5)]
    with FaultProxy("127.0.0.1", server.port) as proxy:
        proxy.set(drop_reply=True, match=b"POST /v1/push", times=1)
        with (
            httpx.Client(
                base_url=proxy.url, timeout=10, headers={"Authorization": f"Bearer {dev.tokens.access_token}"}
            ) as http,
            pytest.raises(httpx.TransportError),
        ):
            http.post("/v1/push", json={"ops": ops})
    # The server committed: a retry (same ops) gets the stored results.
    results = dev.push(*ops)
    assert all(r["status"] == "applied" and r["replayed"] for r in results)
    for op in ops:
        assert _dossier_count(dev, str(op["entity_id"])) == 1
