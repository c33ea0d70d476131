"""Routes whose JSON bodies are read by the protocol's reader (never a RecursionError).

FastAPI reads a JSON body with ``json.loads``, which stops with a RecursionError
(answered 400 for the whole request) on a value nested a thousand levels deep.
Here the body is read by ``commune_desk.protocol.jsontext.loads`` instead: the
deep value becomes a marker that validation refuses, so a push answers that
one operation ``rejected`` and applies the rest of its batch.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from commune_desk.protocol.jsontext import loads


class ProtocolJsonRequest(Request):
    """A request whose ``json()`` is the protocol's reader."""

    async def json(self) -> Any:
        """The body parsed once (ValueError for text that is not JSON)."""
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class ProtocolRoute(APIRoute):
    """An APIRoute that hands its endpoint a :class:`ProtocolJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so it reads bodies with the protocol's reader."""
        handler = super().get_route_handler()

        async def read_with_protocol(request: Request) -> Response:
            return await handler(ProtocolJsonRequest(request.scope, request.receive))

        return read_with_protocol
