"""gzip request and reply bodies, body size limits, error bodies for unknown routes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

import httpx
from tests.helpers.city_server import RunningServer, SyncDevice

from commune_desk.protocol import MAX_BODY_BYTES, MAX_CHUNK_BYTES


def test_gzip_request_body_and_gzip_reply(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    ops = [dev.op("dossier", fields={"notes": "Xã Đông Anh " * 20, "received_by": str(i)}) for i in range(50)]
    raw = json.dumps({"ops": ops}).encode()
    packed = gzip.compress(raw)
    assert len(packed) < len(raw) / 5
    reply = dev.http.post(
        "/v1/push",
        content=packed,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json", "Accept-Encoding": "gzip"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-encoding"] == "gzip"
    assert all(r["status"] == "applied" for r in reply.json()["results"])
    pulled = dev.http.get("/v1/pull", headers={"Accept-Encoding": "gzip"})
    assert pulled.headers["content-encoding"] == "gzip"
    plain = dev.http.get("/v1/pull", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == pulled.json()


def test_body_limits(device: Callable[..., SyncDevice]) -> None:
    dev = device()
    huge = b'{"ops": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}"
    reply = dev.http.post("/v1/push", content=huge, headers={"Content-Type": "application/json"})
    assert (reply.status_code, reply.json()["kind"]) == (413, "body_too_large")
    bomb = gzip.compress(b'{"ops": [' + b" " * (MAX_BODY_BYTES * 2) + b"]}")
    assert len(bomb) < 100_000
    reply = dev.http.post(
        "/v1/push", content=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    assert (reply.status_code, reply.json()["kind"]) == (413, "body_too_large")
    broken = dev.http.post(
        "/v1/push",
        content=b"\x1f\x8b not gzip",
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert (broken.status_code, broken.json()["kind"]) == (400, "bad_encoding")
    weird = dev.http.post("/v1/push", content=b"{}", headers={"Content-Encoding": "br"})
    assert (weird.status_code, weird.json()["kind"]) == (415, "bad_encoding")
    too_many = dev.http.post("/v1/push", json={"ops": [dev.op("dossier") for _ in range(501)]})
    assert (too_many.status_code, too_many.json()["kind"]) == (422, "invalid_request")
    sha = "a" * 64
    dev.http.post(f"/v1/blobs/{sha}", json={"size": MAX_CHUNK_BYTES * 3})
    chunk = dev.http.put(f"/v1/blobs/{sha}", params={"offset": 0}, content=b"x" * (MAX_CHUNK_BYTES + 1))
    assert (chunk.status_code, chunk.json()["kind"]) == (413, "body_too_large")


def test_unknown_route_and_bad_json_have_error_bodies(
    server: RunningServer, device: Callable[..., SyncDevice]
) -> None:
    reply = httpx.get(f"{server.base_url}/v1/nothing-here")
    assert (reply.status_code, reply.json()["kind"]) == (404, "not_found")
    dev = device()
    bad = dev.http.post("/v1/push", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (bad.status_code, bad.json()["kind"]) == (422, "invalid_request")
    assert bad.json()["retryable"] is False
