"""No value in any field of any entity can poison a commune (issue: one pushed value stopped all PCs).

Generated attacks (lone surrogates, NaN/Infinity, nesting 20,000 deep, huge
strings, control characters, integers past 2**63) go through the real server
over HTTP, on SQLite and on PostgreSQL, in the middle of a batch of valid
operations. Whatever the value: no 5xx, the valid operations around it are
applied, the commune's pull answers 200, and a value the server accepted comes
back from the pull exactly as sent. Examples per test: ``CITY_SERVER_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.city_server import SyncDevice
from tests.helpers.poison import STRINGS, Deep, body, json_values

from commune_desk.messages import MESSAGES
from commune_desk.protocol import CLIENT_ENTITIES, MAX_BODY_BYTES, RECORDS

EXAMPLES = int(os.environ.get("CITY_SERVER_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _valid(dev: SyncDevice) -> dict[str, Any]:
    return dev.op("dossier", fields={"applicant_name": "Nguyễn Văn An", "notes": "ghi chú"})


def _push_raw(dev: SyncDevice, ops: list[Any]) -> Any:
    return dev.http.post("/v1/push", content=body({"ops": ops}), headers={"Content-Type": "application/json"})


def _pulled(dev: SyncDevice) -> dict[str, dict[str, Any]]:
    changes, _ = dev.pull_all()
    return {c["entity_id"]: c for c in changes}


def _same(sent: Any, got: Any) -> bool:
    """A value the server accepted comes back equal (JSON has no NaN, so none is accepted)."""
    if isinstance(sent, float) and isinstance(got, float):
        return sent == got or (math.isnan(sent) and math.isnan(got))
    return bool(sent == got)


def _check_batch(dev: SyncDevice, make_bad: Callable[[], dict[str, Any]], *, bad_last: bool = False) -> None:
    """Push a valid op, the bad one and another valid op (in seq order); check the outcome."""
    before = _valid(dev)
    if bad_last:
        after, bad = _valid(dev), make_bad()
        ops = [before, after, bad]
    else:
        bad = make_bad()
        after = _valid(dev)
        ops = [before, bad, after]
    payload = body({"ops": ops})
    reply = _push_raw(dev, ops)
    if len(payload) > MAX_BODY_BYTES:
        assert reply.status_code == 413, reply.text[:300]
        return
    assert reply.status_code == 200, reply.text[:300]
    results = reply.json()["results"]
    middle = results.pop(2 if bad_last else 1)
    assert [r["status"] for r in results] == ["applied", "applied"], results
    assert middle["status"] in ("applied", "rejected", "conflict", "duplicate"), middle
    if middle["status"] == "rejected":
        assert middle["kind"] in MESSAGES, middle  # the clerk can be told why
    pulled = _pulled(dev)  # asserts 200 on every page
    assert before["entity_id"] in pulled and after["entity_id"] in pulled
    if middle["status"] == "applied" and bad.get("action") == "create":
        stored = pulled[bad["entity_id"]]["fields"]
        for name, value in bad["fields"].items():
            assert _same(value, stored.get(name)), (name, value, stored.get(name))


@FUZZ
@given(data=st.data())
def test_any_value_in_any_field_of_any_entity(device: Callable[..., SyncDevice], data: st.DataObject) -> None:
    dev = device()
    entity = data.draw(st.sampled_from(sorted(CLIENT_ENTITIES)), label="entity")
    names = sorted(RECORDS[entity].fields)
    name = data.draw(st.one_of(st.sampled_from(names), STRINGS), label="field")
    value = data.draw(json_values(), label="value")
    action = data.draw(st.sampled_from(["create", "update"]), label="action")
    base = None if action == "create" else 1
    _check_batch(dev, lambda: dev.op(entity, action=action, fields={name: value}, base_version=base))


@FUZZ
@given(data=st.data())
def test_any_operation_envelope(device: Callable[..., SyncDevice], data: st.DataObject) -> None:
    """Garbage in the operation itself: its ids, seq, entity, action, version, fields."""
    dev = device()
    key = data.draw(
        st.sampled_from(["op_id", "seq", "entity", "entity_id", "action", "base_version", "fields"]),
        label="key",
    )
    value = data.draw(json_values(), label="value")
    # Last in its batch: an op whose seq cannot be read leaves its place in the sequence empty.
    _check_batch(dev, lambda: {**dev.op("dossier", fields={"notes": "x"}), key: value}, bad_last=True)


def test_each_finding_of_the_issue(device: Callable[..., SyncDevice]) -> None:
    """The values that poisoned a commune before: each is refused alone, pull stays 200."""
    dev = device()
    for fields in (
        {"applicant_name": "\ud800"},
        {"notes": float("nan")},
        {"counter_slot": float("inf")},
        {"notes": Deep(500)},
        {"notes": Deep(20_000)},
    ):
        before, bad, after = _valid(dev), dev.op("dossier", fields=fields), _valid(dev)
        reply = _push_raw(dev, [before, bad, after])
        assert reply.status_code == 200, reply.text
        results = reply.json()["results"]
        assert [r["status"] for r in results] == ["applied", "rejected", "applied"], results
        assert results[1]["kind"] in ("invalid_characters", "invalid_fields")
        assert bad["entity_id"] not in _pulled(dev)  # nothing of it was stored


def test_seq_must_stay_below_2_pow_53(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    for seq in (2**53, 2**62, 0, -1):
        op = {**dev.op("dossier", fields={"notes": "x"}), "seq": seq}
        result = dev.push_one(op)
        assert (result["status"], result["kind"]) == ("rejected", "invalid_operation"), (seq, result)
    top = {**dev.op("dossier", fields={"notes": "x"}), "seq": 2**53 - 1}
    # The seqs below were never recorded: the device declares them skipped (seqs run without gaps).
    reply = dev.http.post("/v1/push", json={"ops": [top], "skip_to": 2**53 - 1})
    assert reply.json()["results"][0]["status"] == "applied"


def test_unknown_entity_and_field_are_refused_alone(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    ballot = dev.op("ballot", fields={})
    dev.seq -= 1  # an operation of no known entity is not recorded: its seq stays free
    results = dev.push(
        ballot,
        dev.op("dossier", fields={"secret_field": "x"}),
        dev.op("conflict", fields={}),
        _valid(dev),
    )
    assert [(r["status"], r["kind"]) for r in results] == [
        ("rejected", "unknown_entity"),
        ("rejected", "unknown_field"),
        ("rejected", "entity_not_allowed"),
        ("applied", None),
    ]


def test_a_series_with_a_trailing_newline_opens_no_second_book(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    year = 2200 + uuid.uuid4().int % 700
    for bad in (f"incoming/{year}\n", f"incoming/{year} ", f"INCOMING/{year}", f"incoming/{year}\x00"):
        reply = dev.http.post("/v1/leases", json={"series": bad, "size": 5})
        assert reply.status_code in (400, 422), (bad, reply.text)
        assert reply.json()["kind"] in ("unknown_series", "invalid_request")
    assert dev.lease(f"incoming/{year}", 5)["first"] == 1


def test_malformed_json_bodies_get_4xx_never_5xx(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    headers = {"Content-Type": "application/json"}
    for path in ("/v1/push", "/v1/leases", "/v1/handshake", "/v1/auth/login", "/v1/auth/refresh"):
        for raw in (
            b"[" * 100_000,
            b'{"ops": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}",
            b'{"ops": NaN}',
            b'{"series": Infinity, "size": -Infinity}',
            b'{"username": "\\ud800", "password": "\\udfff", "device_id": "x"}',
            b"\xff\xfe\x00",
            json.dumps({"a": "\ud800"}).encode(),
        ):
            reply = dev.http.post(path, content=raw, headers=headers)
            assert 400 <= reply.status_code < 500, (path, raw[:40], reply.status_code, reply.text[:200])
            assert reply.json()["kind"], reply.text


@pytest.mark.parametrize("depth", [900, 5_000])
def test_deep_nesting_in_one_op_leaves_the_batch_alone(device: Callable[..., SyncDevice], depth: int) -> None:
    dev = device()
    before = _valid(dev)
    bad = dev.op("dossier_event", fields={"data": {"x": Deep(depth)}})
    after = _valid(dev)
    reply = _push_raw(dev, [before, bad, after])
    assert reply.status_code == 200, reply.text
    assert [r["status"] for r in reply.json()["results"]] == ["applied", "rejected", "applied"]
