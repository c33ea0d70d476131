"""HTTP errors of the city server: every non-2xx reply is a protocol ErrorBody."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from commune_desk.protocol import ErrorBody, ErrorKind, is_retryable_status
from commune_desk.protocol.text import printable

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error reply with a machine-readable kind."""

    def __init__(
        self,
        status: int,
        kind: ErrorKind,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.headers = headers or {}
        self.status = status
        self.kind = kind
        self.message = message
        self.details = details


def error_response(
    status: int,
    kind: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the JSON reply for an error."""
    body = ErrorBody(kind=kind, message=message, retryable=is_retryable_status(status), details=details or {})
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


_STATUS_KINDS = {
    401: ErrorKind.UNAUTHENTICATED,
    403: ErrorKind.FORBIDDEN,
    404: ErrorKind.NOT_FOUND,
    413: ErrorKind.BODY_TOO_LARGE,
    429: ErrorKind.RATE_LIMITED,
}


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to an ErrorBody reply (never a bare 500 page)."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return error_response(exc.status, exc.kind, exc.message, exc.details, {**headers, **exc.headers})

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # A location may name a key the client sent: made printable, it cannot break the reply.
        errors = [
            {
                "loc": [printable(str(p), 100) for p in e.get("loc", ())],
                "msg": printable(str(e.get("msg", ""))),
            }
            for e in exc.errors()[:20]
        ]
        return error_response(422, ErrorKind.INVALID_REQUEST, "invalid request", {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _STATUS_KINDS.get(exc.status_code, ErrorKind.INVALID_REQUEST)
        return error_response(exc.status_code, kind, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def _db_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return error_response(
            503, ErrorKind.UNAVAILABLE, "database busy, retry later", headers={"Retry-After": "2"}
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected server error")
        return error_response(500, ErrorKind.SERVER_ERROR, "internal server error")
