"""Blobs: resume from every chunk boundary and from a truncated chunk; hash check; ranges."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy

CHUNK = 1000


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _upload_from(dev: SyncDevice, data: bytes, sha: str, start: int) -> dict[str, object]:
    """Continue an upload from the server's offset in CHUNK pieces."""
    offset = start
    status: dict[str, object] = {}
    while offset < len(data):
        piece = data[offset : offset + CHUNK]
        reply = dev.http.put(f"/v1/blobs/{sha}", params={"offset": offset}, content=piece)
        assert reply.status_code == 200, reply.text
        status = reply.json()
        offset = int(status["received"])
    return status


def test_resume_from_every_chunk_boundary(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    data = os.urandom(CHUNK * 4 + 123)
    boundaries = range(0, len(data), CHUNK)
    for stop_after in boundaries:
        blob = data + uuid.uuid4().bytes  # a distinct blob per round
        sha = hashlib.sha256(blob).hexdigest()
        assert dev.http.post(f"/v1/blobs/{sha}", json={"size": len(blob)}).json()["received"] == 0
        # First session uploads up to the boundary, then "the link drops".
        offset = 0
        while offset < stop_after:
            dev.http.put(f"/v1/blobs/{sha}", params={"offset": offset}, content=blob[offset : offset + CHUNK])
            offset += CHUNK
        status = dev.http.get(f"/v1/blobs/{sha}/status").json()
        assert status == {"sha256": sha, "size": len(blob), "received": stop_after, "complete": False}
        final = _upload_from(dev, blob, sha, int(status["received"]))
        assert final["complete"] is True
        assert dev.http.get(f"/v1/blobs/{sha}").content == blob


def test_resume_after_truncated_chunk_and_offset_mismatch(
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    data, sha = _blob(CHUNK * 3)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data[:CHUNK])
    # The next chunk arrives cut short (the client sent only part of it).
    half = dev.http.put(f"/v1/blobs/{sha}", params={"offset": CHUNK}, content=data[CHUNK : CHUNK + 337])
    assert half.json()["received"] == CHUNK + 337
    # The client, unaware, retries the whole chunk from its own offset: refused with the truth.
    stale = dev.http.put(f"/v1/blobs/{sha}", params={"offset": CHUNK}, content=data[CHUNK : 2 * CHUNK])
    assert stale.status_code == 409
    assert stale.json()["kind"] == "offset_mismatch"
    assert stale.json()["details"]["received"] == CHUNK + 337
    final = _upload_from(dev, data, sha, CHUNK + 337)
    assert final["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data


def test_hash_mismatch_discards_and_metadata_waits_for_complete_blob(
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    data, sha = _blob(2500)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    attach = dev.op("attachment", fields={"sha256": sha, "filename": "scan.pdf"})
    early = dev.push_one(attach)
    assert (early["status"], early["kind"]) == ("rejected", "blob_incomplete")
    corrupt = bytes([data[0] ^ 1]) + data[1:]
    dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=corrupt[:2000])
    reply = dev.http.put(f"/v1/blobs/{sha}", params={"offset": 2000}, content=corrupt[2000:])
    assert (reply.status_code, reply.json()["kind"]) == (422, "hash_mismatch")
    assert dev.http.get(f"/v1/blobs/{sha}/status").json()["received"] == 0
    assert dev.http.get(f"/v1/blobs/{sha}").status_code == 404
    assert _upload_from(dev, data, sha, 0)["complete"] is True
    # "Not yet" is not recorded: the same operation comes again at the same seq.
    late = dev.push_one(attach)
    assert late["status"] == "applied"
    too_big = dev.http.post(f"/v1/blobs/{sha}", json={"size": 7})
    assert (too_big.status_code, too_big.json()["kind"]) == (409, "size_mismatch")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=100-", (100, 2999)),
        ("bytes=-50", (2950, 2999)),
        ("bytes=2990-5000", (2990, 2999)),
    ],
)
def test_ranged_download(device: Callable[..., SyncDevice], header: str, expected: tuple[int, int]) -> None:
    dev = device()
    data, sha = _blob(3000)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    _upload_from(dev, data, sha, 0)
    reply = dev.http.get(f"/v1/blobs/{sha}", headers={"Range": header})
    assert reply.status_code == 206
    lo, hi = expected
    assert reply.content == data[lo : hi + 1]
    assert reply.headers["content-range"] == f"bytes {lo}-{hi}/3000"
    bad = dev.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=3000-"})
    assert (bad.status_code, bad.json()["kind"]) == (416, "range_not_satisfiable")


def test_connection_cut_mid_chunk_keeps_the_server_offset_consistent(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    """The link drops while a chunk is on the wire: what arrived is kept, resume works."""
    dev = device()
    data, sha = _blob(CHUNK * 3)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data[:CHUNK])
    with FaultProxy("127.0.0.1", server.port) as proxy:
        # Headers (~300 bytes) go through, then the connection is reset mid-body.
        proxy.set(cut_up_after=450, match=b"PUT /v1/blobs/", times=1)
        with (
            httpx.Client(base_url=proxy.url, timeout=10, headers=dev.http.headers) as http,
            pytest.raises(httpx.TransportError),
        ):
            http.put(f"/v1/blobs/{sha}", params={"offset": CHUNK}, content=data[CHUNK : 2 * CHUNK])
    status = dev.http.get(f"/v1/blobs/{sha}/status").json()
    assert CHUNK <= status["received"] < 2 * CHUNK  # at most the part that got through
    assert _upload_from(dev, data, sha, int(status["received"]))["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data


def test_a_large_request_cut_mid_body_keeps_what_arrived(
    device: Callable[..., SyncDevice],
    server: RunningServer,
) -> None:
    """On a link that breaks every few hundred kilobytes a large chunk request is not lost
    whole: the server kept the bytes that reached it, and the upload resumes after them."""
    dev = device()
    data, sha = _blob(900 * 1024)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    with FaultProxy("127.0.0.1", server.port) as proxy:
        proxy.set(cut_up_after=300 * 1024, match=b"PUT /v1/blobs/", times=1)
        with (
            httpx.Client(base_url=proxy.url, timeout=10, headers=dev.http.headers) as http,
            pytest.raises(httpx.TransportError),
        ):
            http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data)
    received = int(dev.http.get(f"/v1/blobs/{sha}/status").json()["received"])
    assert 128 * 1024 <= received < 300 * 1024
    reply = dev.http.put(f"/v1/blobs/{sha}", params={"offset": received}, content=data[received:])
    assert reply.status_code == 200 and reply.json()["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data


def test_a_chunk_request_larger_than_the_limit_is_refused_before_its_body(
    device: Callable[..., SyncDevice],
) -> None:
    dev = device()
    data, sha = _blob(1024 * 1024 + 1)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    reply = dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data)
    assert (reply.status_code, reply.json()["kind"]) == (413, "body_too_large")
    assert dev.http.get(f"/v1/blobs/{sha}/status").json()["received"] == 0


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut_at=st.integers(min_value=0, max_value=200_000), size=st.integers(min_value=1, max_value=150_000))
def test_wherever_the_body_is_cut_the_server_holds_a_prefix_and_resume_completes(
    device: Callable[..., SyncDevice], server: RunningServer, cut_at: int, size: int
) -> None:
    dev = device()
    data, sha = _blob(size)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    with FaultProxy("127.0.0.1", server.port) as proxy:
        proxy.set(cut_up_after=cut_at, match=b"PUT /v1/blobs/", times=1)
        with (
            httpx.Client(base_url=proxy.url, timeout=10, headers=dev.http.headers) as http,
            contextlib.suppress(httpx.TransportError),
        ):
            http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data)
    status = dev.http.get(f"/v1/blobs/{sha}/status").json()
    received = int(status["received"])
    assert 0 <= received <= len(data)
    if not status["complete"]:
        assert _upload_from(dev, data, sha, received)["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data
