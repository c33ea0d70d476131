"""Blobs: resume from every chunk boundary and from a truncated chunk; hash check; ranges."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import time
import uuid
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy

from commune_desk.protocol import MAX_BODY_BYTES, MAX_CHUNK_BYTES

CHUNK = 1000


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _status_after_a_cut(dev: SyncDevice, sha: str) -> dict[str, object]:
    """The blob's status once the server has stored what a cut request delivered.

    The client learns of the cut when the server does; the server then stores the
    part that arrived, a moment later. Settled: unchanged for 0.2 s (5 s at most).
    """
    status = dev.http.get(f"/v1/blobs/{sha}/status").json()
    settled_at, deadline = time.monotonic(), time.monotonic() + 5
    while time.monotonic() - settled_at < 0.2 and time.monotonic() < deadline:
        time.sleep(0.02)
        now = dev.http.get(f"/v1/blobs/{sha}/status").json()
        if now != status:
            status, settled_at = now, time.monotonic()
    return status  # type: ignore[no-any-return]


def _head_length(http: httpx.Client, sha: str, offset: int, body: bytes) -> int:
    """Bytes of the PUT request's line and headers as httpx sends them (HTTP/1.1)."""
    request = http.build_request("PUT", f"/v1/blobs/{sha}", params={"offset": offset}, content=body)
    line = len(b"PUT ") + len(request.url.raw_path) + len(b" HTTP/1.1\r\n")
    return line + sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + 2


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
    status = _status_after_a_cut(dev, sha)
    assert CHUNK <= int(status["received"]) < 2 * CHUNK  # type: ignore[call-overload]  # what got through
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
    received = int(_status_after_a_cut(dev, sha)["received"])  # type: ignore[call-overload]
    # Every body byte that crossed the link before the cut is kept: 300 KiB less the
    # request's head (a few hundred bytes), not a multiple of some piece size.
    assert 299 * 1024 <= received < 300 * 1024
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


def _put_framed(dev: SyncDevice, sha: str, data: bytes, framing: str) -> httpx.Response:
    """PUT ``data`` at offset 0 with a declared length, chunked (no length) or gzip-encoded."""
    url, params = f"/v1/blobs/{sha}", {"offset": 0}
    if framing == "chunked":
        pieces = (data[i : i + 200_000] for i in range(0, len(data), 200_000))
        return dev.http.put(url, params=params, content=pieces)
    if framing == "gzip":
        packed = gzip.compress(data, compresslevel=1)
        return dev.http.put(url, params=params, content=packed, headers={"Content-Encoding": "gzip"})
    return dev.http.put(url, params=params, content=data)


@pytest.mark.parametrize("framing", ["length", "chunked", "gzip"])
def test_the_chunk_limit_holds_however_the_body_is_framed(
    device: Callable[..., SyncDevice], framing: str
) -> None:
    """Only plain bodies of a declared length are streamed to the chunk endpoint; chunked
    and gzip bodies go through the buffered path. Either way a chunk of the limit is
    stored and one byte more is refused whole, and nothing larger is read unbounded."""
    dev = device()
    data, sha = _blob(MAX_CHUNK_BYTES + 1)
    dev.http.post(f"/v1/blobs/{sha}", json={"size": len(data)})
    over = _put_framed(dev, sha, data, framing)
    assert (over.status_code, over.json()["kind"]) == (413, "body_too_large")
    assert dev.http.get(f"/v1/blobs/{sha}/status").json()["received"] == 0
    huge = _put_framed(dev, sha, data * 5, framing)  # past the whole request limit too
    assert len(data) * 5 > MAX_BODY_BYTES
    assert (huge.status_code, huge.json()["kind"]) == (413, "body_too_large")
    at_limit = _put_framed(dev, sha, data[:MAX_CHUNK_BYTES], framing)
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["received"] == MAX_CHUNK_BYTES
    rest = dev.http.put(f"/v1/blobs/{sha}", params={"offset": MAX_CHUNK_BYTES}, content=data[-1:])
    assert rest.json()["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut_at=st.integers(min_value=0, max_value=200_000), size=st.integers(min_value=1, max_value=150_000))
def test_wherever_the_body_is_cut_the_server_holds_what_crossed_and_resume_completes(
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
            head = _head_length(http, sha, 0, data)
            http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=data)
    status = _status_after_a_cut(dev, sha)
    received = int(status["received"])  # type: ignore[call-overload]
    # Exactly the body bytes that crossed before the cut: none lost, none invented.
    assert received == min(max(cut_at - head, 0), len(data))
    if not status["complete"]:
        assert _upload_from(dev, data, sha, received)["complete"] is True
    assert dev.http.get(f"/v1/blobs/{sha}").content == data
