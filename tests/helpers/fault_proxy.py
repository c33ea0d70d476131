"""A fault-injecting TCP proxy for tests and benchmarks.

The proxy listens on ``127.0.0.1:0`` in front of one upstream ``host:port``
and forwards bytes both ways, one thread per direction per connection
(plus a delivery thread per direction so added latency does not throttle
throughput). Faults are switched at runtime through :meth:`FaultProxy.set`:

- ``cut_up_after`` / ``cut_down_after``: forward exactly N bytes of one
  connection in that direction (client->server / server->client), then reset
  both sides (RST). The reset waits (briefly) until the forwarded bytes have
  left the proxy's socket, so the far end received the N bytes counted: a reset
  drops what a socket still queues, which on loopback with a full receive window
  would be most of a burst.
- ``cut_every``: over all connections and both directions, reset the
  connection carrying byte N, 2N, 3N ... (a link that keeps dropping).
- ``stall``: hold every byte until cleared; ``stall_down_after``: forward N
  response bytes of a connection, then hold the rest.
- ``bandwidth``: bytes per second per direction, shared by all connections.
- ``latency``: seconds added one way, in each direction.
- ``truncate_down_after``: forward N response bytes, then close cleanly (FIN).
- ``drop_reply``: when the server starts answering a request that was fully
  forwarded (so it has committed), reset the client without forwarding a
  byte of the reply.
- ``match``: the per-connection faults above fire only on connections whose
  request bytes contain this substring (e.g. ``b"POST /v1/push"``).
- ``times``: how many times the per-connection faults may fire before they
  disarm themselves (``None``: no limit).
- ``fail_containing``: answer ``500 server_error`` (as the server does for a
  bug), without forwarding it, to every HTTP request whose body (gzip
  inflated) contains these bytes: a server that fails on one operation.

``bytes_up`` / ``bytes_down`` count the bytes actually forwarded; ``replies_held``
counts the connections whose reply ``stall_down_after`` is holding (the server has
read the whole request and started answering it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import queue
import socket
import struct
import sys
import threading
import time
from types import TracebackType

_CHUNK = 64 * 1024
_PACED_CHUNK = 4 * 1024
_POLL = 0.05
#: How long a cut waits for the forwarded bytes to leave the proxy's socket.
_DRAIN_TIMEOUT = 0.5

_Queue = queue.Queue[tuple[float, bytes]]


@dataclasses.dataclass
class Faults:
    """The faults currently armed; every field defaults to "no fault"."""

    cut_up_after: int | None = None
    cut_down_after: int | None = None
    cut_every: int | None = None
    stall: bool = False
    stall_down_after: int | None = None
    bandwidth: int | None = None
    latency: float = 0.0
    truncate_down_after: int | None = None
    drop_reply: bool = False
    match: bytes | None = None
    times: int | None = None
    fail_containing: bytes | None = None


_FAILURE_BODY = b'{"kind":"server_error","message":"internal server error","retryable":true,"details":{}}'
_FAILURE = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_FAILURE_BODY), _FAILURE_BODY)
)


def _split_request(buffer: bytes) -> tuple[bytes, bytes] | None:
    """(one complete HTTP request, the rest) or None while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").lower()
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length":
            length = int(value.strip())
    total = end + 4 + length
    if len(buffer) < total:
        return None
    return buffer[:total], buffer[total:]


def _request_body(request: bytes) -> bytes:
    """The body of one HTTP request, inflated when it is gzip-encoded."""
    head, _, body = request.partition(b"\r\n\r\n")
    if b"content-encoding: gzip" in head.lower():
        with contextlib.suppress(OSError, EOFError):
            return gzip.decompress(body)
    return body


class _RateLimiter:
    """A shared pacing clock: each send reserves its transmission slot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free = 0.0

    def wait(self, nbytes: int, rate: int | None) -> None:
        """Sleep until ``nbytes`` may leave at ``rate`` bytes per second."""
        if not rate:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_free)
            self._next_free = start + nbytes / rate
            delay = self._next_free - now
        if delay > 0:
            time.sleep(delay)


class _Connection:
    """One proxied client connection and its upstream socket."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, upstream: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.closed = threading.Event()
        self.sent = {"up": 0, "down": 0}
        self.matched = False
        self.awaiting_reply = False
        self.holding = False
        self._tail = b""
        self._pending = b""
        self._eof_count = 0
        self._lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the reader and writer threads of both directions."""
        for direction, src, dst in (
            ("up", self.client, self.upstream),
            ("down", self.upstream, self.client),
        ):
            q: _Queue = queue.Queue()
            for target, args in (
                (self._read, (direction, src, q)),
                (self._write, (direction, dst, q)),
            ):
                t = threading.Thread(target=target, args=args, daemon=True, name=f"proxy-{direction}")
                self.threads.append(t)
                t.start()

    def abort(self) -> None:
        """Reset both sides (RST, not FIN)."""
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # SHUT_RD wakes a reader thread blocked in recv() without sending a FIN;
            # the last close then sends the RST.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RD)
            with contextlib.suppress(OSError):
                sock.close()

    def finish(self) -> None:
        """Close both sides cleanly (FIN)."""
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _read(self, direction: str, src: socket.socket, q: _Queue) -> None:
        while not self.closed.is_set():
            try:
                data = src.recv(_CHUNK)
            except OSError:
                data = b""
            if direction == "up" and data:
                self._note_request(data)
                if self.proxy.faults.fail_containing is not None:
                    data = self._screen(data)
                    if self.closed.is_set():
                        return
                    if not data:
                        continue
            q.put((time.monotonic(), data))
            if not data:
                return

    def _screen(self, data: bytes) -> bytes:
        """Whole requests to forward; a request carrying the marker is answered 500 here."""
        marker = self.proxy.faults.fail_containing
        self._pending += data
        out = b""
        while (split := _split_request(self._pending)) is not None:
            request, self._pending = split
            if marker and marker in _request_body(request):
                self.proxy._fired()
                with contextlib.suppress(OSError):
                    self.client.sendall(_FAILURE)
                self.finish()
                return b""
            out += request
        return out

    def _note_request(self, data: bytes) -> None:
        faults = self.proxy.faults
        if faults.match is not None and not self.matched:
            window = self._tail + data
            self.matched = faults.match in window
            self._tail = window[-len(faults.match) :]

    def _armed(self) -> Faults | None:
        """The faults that apply to this connection, or None when they do not."""
        faults = self.proxy.faults
        if faults.times is not None and faults.times <= 0:
            return None
        if faults.match is not None and not self.matched:
            return None
        return faults

    def _write(self, direction: str, dst: socket.socket, q: _Queue) -> None:
        proxy = self.proxy
        while not self.closed.is_set():
            try:
                stamp, data = q.get(timeout=_POLL)
            except queue.Empty:
                continue
            self._sleep_until(stamp + proxy.faults.latency)
            if not data:
                self._half_close(dst)
                return
            if direction == "up":
                self.awaiting_reply = True
            elif self.awaiting_reply:
                self.awaiting_reply = False
                armed = self._armed()
                if armed is not None and armed.drop_reply:
                    proxy._fired()
                    self.abort()
                    return
            if not self._forward(direction, dst, data):
                return

    def _forward(self, direction: str, dst: socket.socket, data: bytes) -> bool:
        """Send ``data`` through the armed faults; False once the connection is gone."""
        proxy = self.proxy
        view = memoryview(data)
        while view and not self.closed.is_set():
            faults = proxy.faults
            if faults.stall:
                time.sleep(_POLL)
                continue
            limit, action = len(view), ""
            armed = self._armed()
            if armed is not None:
                cut_at = armed.cut_up_after if direction == "up" else armed.cut_down_after
                if cut_at is not None and cut_at - self.sent[direction] <= limit:
                    limit, action = cut_at - self.sent[direction], "cut"
                if direction == "down":
                    hold = armed.stall_down_after
                    if hold is not None and self.sent["down"] >= hold:
                        if not self.holding:
                            self.holding = True
                            proxy._held()
                        time.sleep(_POLL)
                        continue
                    if hold is not None:
                        limit = min(limit, hold - self.sent["down"])
                    trunc = armed.truncate_down_after
                    if trunc is not None and trunc - self.sent["down"] <= limit:
                        limit, action = trunc - self.sent["down"], "truncate"
            room = proxy._room_before_global_cut()
            if room is not None and room <= limit:
                limit, action = room, "global-cut"
            if limit <= 0:
                self._fire(action, dst)
                return False
            piece = view[: min(limit, _PACED_CHUNK if faults.bandwidth else _CHUNK)]
            proxy._limiter[direction].wait(len(piece), faults.bandwidth)
            n = len(piece)
            # Counted before sending so a reader that got the bytes also sees the count.
            self.sent[direction] += n
            proxy._count(direction, n)
            try:
                dst.sendall(piece)
            except OSError:
                self.abort()
                return False
            view = view[n:]
        return not self.closed.is_set()

    def _fire(self, action: str, dst: socket.socket) -> None:
        if action in ("cut", "global-cut"):
            _drain(dst)
        if action == "global-cut":
            self.proxy._global_cut_done()
        else:
            self.proxy._fired()
        if action == "truncate":
            self.finish()
        else:
            self.abort()

    def _half_close(self, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
        with self._lock:
            self._eof_count += 1
            done = self._eof_count >= 2
        if done:
            self.finish()

    def _sleep_until(self, deadline: float) -> None:
        while not self.closed.is_set():
            delay = deadline - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, _POLL))


def _drain(sock: socket.socket) -> None:
    """Wait until ``sock`` has no unsent bytes queued (Linux), at most ``_DRAIN_TIMEOUT``."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl  # noqa: PLC0415  (POSIX only)
    import termios  # noqa: PLC0415

    deadline = time.monotonic() + _DRAIN_TIMEOUT
    queued = bytearray(struct.calcsize("i"))
    while time.monotonic() < deadline:
        try:
            fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, queued)
        except OSError:
            return
        if struct.unpack("i", queued)[0] == 0:
            return
        time.sleep(0.001)


class FaultProxy:
    """Threaded TCP proxy on 127.0.0.1 with runtime-switchable faults.

    Use as a context manager; :attr:`url` is ``http://127.0.0.1:PORT``.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.faults = Faults()
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.fired = 0
        self.replies_held = 0
        self._lock = threading.Lock()
        self._limiter = {"up": _RateLimiter(), "down": _RateLimiter()}
        self._global_total = 0
        self._global_next_cut: int | None = None
        self._conns: list[_Connection] = []
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(_POLL)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True, name="proxy-accept")

    @property
    def url(self) -> str:
        """Base URL for HTTP clients going through the proxy."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        """Start accepting connections; return self."""
        self._acceptor.start()
        return self

    def set(self, **faults: object) -> None:
        """Replace the armed faults with these (all others off)."""
        new = Faults(**faults)  # type: ignore[arg-type]
        with self._lock:
            self.faults = new
            self._global_next_cut = self._global_total + new.cut_every if new.cut_every else None

    def clear(self) -> None:
        """Disarm every fault."""
        self.set()

    def reset_counters(self) -> None:
        """Zero the byte, connection and fired counters."""
        with self._lock:
            self.bytes_up = self.bytes_down = self.connections = self.fired = 0

    def drop_connections(self) -> None:
        """Reset every open connection now."""
        for conn in list(self._conns):
            conn.abort()

    def close(self) -> None:
        """Stop accepting, reset open connections and join every thread."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        if self._acceptor.is_alive():
            self._acceptor.join(timeout=5)
        for conn in list(self._conns):
            conn.abort()
            for t in conn.threads:
                t.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals used by connections -------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                with contextlib.suppress(OSError):
                    client.close()
                continue
            for sock in (client, upstream):
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(self, client, upstream)
            with self._lock:
                self.connections += 1
                self._conns = [c for c in self._conns if not c.closed.is_set()] + [conn]
            conn.start()

    def _count(self, direction: str, n: int) -> None:
        with self._lock:
            if direction == "up":
                self.bytes_up += n
            else:
                self.bytes_down += n
            self._global_total += n

    def _room_before_global_cut(self) -> int | None:
        with self._lock:
            if self._global_next_cut is None:
                return None
            return max(0, self._global_next_cut - self._global_total)

    def _global_cut_done(self) -> None:
        with self._lock:
            self.fired += 1
            every = self.faults.cut_every
            self._global_next_cut = self._global_total + every if every else None

    def _held(self) -> None:
        with self._lock:
            self.replies_held += 1

    def _fired(self) -> None:
        with self._lock:
            self.fired += 1
            if self.faults.times is not None:
                self.faults.times -= 1
