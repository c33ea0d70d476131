"""The fault proxy itself, against a tiny echo server and a tiny HTTP server."""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from tests.helpers.fault_proxy import FaultProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.received = getattr(self.server, "received", 0)  # type: ignore[attr-defined]
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.server.received += len(data)  # type: ignore[attr-defined]
            try:
                self.request.sendall(data)
            except OSError:
                return


def _serve_in_background(server: socketserver.BaseServer) -> None:
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


class _ThreadingTCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture()
def echo() -> Iterator[_ThreadingTCP]:
    server = _ThreadingTCP(("127.0.0.1", 0), _Echo)
    server.received = 0  # type: ignore[attr-defined]
    _serve_in_background(server)
    yield server
    server.shutdown()
    server.server_close()


class _Http(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.commits.append(body)  # type: ignore[attr-defined]
        reply = b"x" * 10_000
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def web() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Http)
    server.daemon_threads = True
    server.commits = []  # type: ignore[attr-defined]
    _serve_in_background(server)
    yield server
    server.shutdown()
    server.server_close()


def _roundtrip(port: int, payload: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def test_passthrough_counts_bytes(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        assert _roundtrip(proxy.port, b"a" * 100_000) == b"a" * 100_000
        assert proxy.bytes_up == 100_000
        assert proxy.bytes_down == 100_000
        assert proxy.connections == 1


def test_cut_upstream_after_n_bytes(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        proxy.set(cut_up_after=1000)
        with pytest.raises(ConnectionResetError):
            _roundtrip(proxy.port, b"b" * 50_000)
        time.sleep(0.2)
        assert echo.received == 1000  # type: ignore[attr-defined]
        assert proxy.bytes_up == 1000
        assert proxy.fired == 1


def test_cut_downstream_after_n_bytes(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        proxy.set(cut_down_after=3000)
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
            sock.sendall(b"c" * 50_000)
            got = b""
            with pytest.raises(ConnectionResetError):
                while chunk := sock.recv(65536):
                    got += chunk
        assert len(got) <= 3000
        assert proxy.bytes_down == 3000


def test_stall_holds_until_cleared(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        proxy.set(stall=True)
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=0.3) as sock:
            sock.sendall(b"hello")
            with pytest.raises(TimeoutError):
                sock.recv(10)
            proxy.clear()
            sock.settimeout(5)
            assert sock.recv(10) == b"hello"


def test_bandwidth_cap_paces_transfer(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        proxy.set(bandwidth=200_000)
        started = time.monotonic()
        assert _roundtrip(proxy.port, b"d" * 60_000) == b"d" * 60_000
        elapsed = time.monotonic() - started
        # 60 kB at 200 kB/s is 0.3 s each way; the directions overlap.
        assert 0.25 < elapsed < 3


def test_latency_added_each_way(echo: _ThreadingTCP) -> None:
    with FaultProxy(*echo.server_address) as proxy:
        proxy.set(latency=0.15)
        started = time.monotonic()
        assert _roundtrip(proxy.port, b"ping") == b"ping"
        assert time.monotonic() - started >= 0.3


def test_truncated_response_is_detected(web: http.server.ThreadingHTTPServer) -> None:
    with FaultProxy(*web.server_address) as proxy:
        proxy.set(truncate_down_after=500)
        with pytest.raises(requests.exceptions.RequestException):
            requests.post(proxy.url + "/x", data=b"body", timeout=5)
        assert web.commits == [b"body"]  # type: ignore[attr-defined]
        assert proxy.bytes_down == 500


def test_drop_reply_after_commit_then_one_shot(web: http.server.ThreadingHTTPServer) -> None:
    with FaultProxy(*web.server_address) as proxy:
        proxy.set(drop_reply=True, times=1, match=b"POST /push")
        with requests.Session() as http:
            # A request that does not match goes through untouched.
            assert http.post(proxy.url + "/other", data=b"a", timeout=5).status_code == 200
        with requests.Session() as http:
            with pytest.raises(requests.exceptions.ConnectionError):
                http.post(proxy.url + "/push", data=b"op-1", timeout=5)
            # The server committed although the client saw a reset.
            assert web.commits == [b"a", b"op-1"]  # type: ignore[attr-defined]
            assert proxy.fired == 1
            # The fault was one-shot: the retry passes.
            assert http.post(proxy.url + "/push", data=b"op-1", timeout=5).status_code == 200


def test_cut_every_keeps_dropping_connections(web: http.server.ThreadingHTTPServer) -> None:
    with FaultProxy(*web.server_address) as proxy:
        proxy.set(cut_every=4000)
        failures = 0
        for _ in range(5):
            try:
                with requests.Session() as http:
                    http.post(proxy.url + "/x", data=b"y" * 3000, timeout=5)
            except requests.exceptions.RequestException:
                failures += 1
        assert failures >= 3
        assert proxy.fired >= 3


def test_close_stops_listening_and_joins_threads(echo: _ThreadingTCP) -> None:
    proxy = FaultProxy(*echo.server_address).start()
    port = proxy.port
    before = threading.active_count()
    assert _roundtrip(port, b"z") == b"z"
    proxy.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert threading.active_count() <= before
