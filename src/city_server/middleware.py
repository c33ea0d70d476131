"""ASGI middleware: request body size limit, gzip request bodies, gzip replies.

A request whose body (after gzip decompression) exceeds the limit gets 413
``body_too_large`` before the application sees it. Blob chunk uploads of a
declared length are read differently: their bodies reach the application as
they arrive (bounded by that length), and a cut hands over the part that
arrived. Replies to JSON endpoints are gzip-compressed when the client
accepts it; blob downloads are not (they honour byte ranges, which
compression would break).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from commune_desk.protocol import ErrorKind, is_retryable_status


async def _send_error(send: Send, status: int, kind: ErrorKind, message: str) -> None:
    body = json.dumps(
        {"kind": kind.value, "message": message, "retryable": is_retryable_status(status), "details": {}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Enforce a body size limit and inflate ``Content-Encoding: gzip`` request bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int, *, stream_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        #: Paths whose plain PUT bodies of a declared length go to the application as they
        #: arrive (blob chunks: what arrived before a cut is kept), not buffered whole here.
        self.stream_prefixes = stream_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        encoding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _send_error(send, 413, ErrorKind.BODY_TOO_LARGE, "request body too large")
            return
        if encoding not in ("", "identity", "gzip"):
            await _send_error(send, 415, ErrorKind.BAD_ENCODING, "unsupported content-encoding")
            return
        if (
            length is not None
            and encoding != "gzip"
            and scope["method"] == "PUT"
            and scope["path"].startswith(self.stream_prefixes)
        ):
            # Declared and within the limit (checked above): the HTTP parser delivers no more.
            await _with_eager_body(self.app, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(send, 413, ErrorKind.BODY_TOO_LARGE, "request body too large")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if encoding == "gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                body = inflater.decompress(body, self.max_bytes + 1)
                if len(body) > self.max_bytes or inflater.unconsumed_tail:
                    await _send_error(send, 413, ErrorKind.BODY_TOO_LARGE, "inflated body too large")
                    return
                if not inflater.eof:
                    raise zlib.error("truncated gzip stream")
            except zlib.error:
                await _send_error(send, 400, ErrorKind.BAD_ENCODING, "invalid gzip body")
                return
        new_headers = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        scope = {**scope, "headers": new_headers}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _with_eager_body(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` with the request body read as it arrives and none of it lost to a cut.

    A task reads the body from the connection while the application authenticates
    the request and works; the application gets every piece that arrived, and only
    then the disconnect. (uvicorn drops the bytes it buffered but had not handed over
    when the connection breaks, and stops reading while the application is busy.)
    The body is bounded by the declared Content-Length the caller has checked.
    """
    messages: asyncio.Queue[Message] = asyncio.Queue()

    async def pump() -> None:
        while True:
            message = await receive()
            messages.put_nowait(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    reader = asyncio.create_task(pump())
    done = False

    async def eager_receive() -> Message:
        nonlocal done
        if done:  # the body is over: later calls wait for the disconnect as usual
            return await receive()
        message = await messages.get()
        done = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    try:
        await app(scope, eager_receive, send)
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


class SelectiveGZipMiddleware:
    """gzip replies except under the given path prefixes (ranged downloads)."""

    def __init__(self, app: ASGIApp, *, skip_prefixes: tuple[str, ...], minimum_size: int) -> None:
        self.app = app
        self.gzip: Any = GZipMiddleware(app, minimum_size=minimum_size)
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
        else:
            await self.gzip(scope, receive, send)


class ConcurrencyLimitMiddleware:
    """Admit at most ``limit`` requests at a time into the application.

    Handlers run in a thread pool and hold a pooled database connection from
    the auth check until the session closes, hopping threads in between. With
    more requests in flight than connections, threads blocked waiting for a
    connection can starve the requests that hold them (a deadlock until the
    pool timeout). Keeping in-flight requests at most the pool size makes a
    connection always available; the rest wait cheaply on the event loop.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
