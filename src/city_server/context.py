"""The per-request database session and auth context every endpoint depends on.

Every endpoint except login, refresh and challenge depends on
:func:`current_context`, which resolves the bearer token to a user, device and
commune. The commune in that context is the only scope any query may use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server.db import as_utc
from city_server.errors import ApiError
from city_server.models import AuthToken, Commune, Device, User, utcnow
from city_server.recovery import check_device_access
from city_server.security import token_hash
from commune_desk.protocol import ErrorKind, Role


@dataclass(frozen=True)
class AuthContext:
    """Who is calling: the scope every query of the request is limited to."""

    user_id: int
    username: str
    role: Role
    commune_id: int
    commune_code: str
    device_id: str


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request (read-only requests never take SQLite's write lock)."""
    factory = request.app.state.read_sessions if request.method in READ_ONLY else request.app.state.sessions
    with factory() as session:
        yield session


#: HTTP methods whose requests only read.
READ_ONLY = frozenset({"GET", "HEAD"})


SessionDep = Annotated[Session, Depends(get_session)]


def client_address(request: Request) -> str | None:
    """The caller's address (the proxy's, unless the server trusts its forwarded headers)."""
    return request.client.host[:64] if request.client else None


def current_context(
    request: Request, session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> AuthContext:
    """Resolve ``Authorization: Bearer <access token>`` or raise 401 with a kind."""
    return resolve_context(session, authorization, request.method, request.url.path)


def resolve_context(session: Session, authorization: str | None, method: str, path: str) -> AuthContext:
    """The caller of a ``method`` request to ``path`` bearing ``authorization``, or 401 with a kind
    (for endpoints that resolve it in their own worker thread, see ``app.push``)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "missing bearer token")
    row = session.execute(
        select(AuthToken, User, Device, Commune)
        .join(User, User.id == AuthToken.user_id)
        .join(Device, Device.id == AuthToken.device_id)
        .join(Commune, Commune.id == Device.commune_id)
        .where(AuthToken.token_hash == token_hash(authorization[7:].strip()))
        .where(AuthToken.kind == "access")
    ).first()
    if row is None:
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "unknown access token")
    token, user, device, commune = row
    check_device_access(device, method, path)
    if as_utc(token.expires_at) <= utcnow():
        raise ApiError(401, ErrorKind.TOKEN_EXPIRED, "access token expired; refresh it")
    if not user.active or user.commune_id != device.commune_id:
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "user disabled")
    return AuthContext(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        commune_id=commune.id,
        commune_code=commune.code,
        device_id=device.id,
    )


ContextDep = Annotated[AuthContext, Depends(current_context)]
