"""Login, token refresh, device revocation and the per-request auth context.

Every endpoint except login and refresh depends on :func:`current_context`,
which resolves the bearer token to a user, device and commune. The commune in
that context is the only scope any query may use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from city_server.db import as_utc
from city_server.errors import ApiError
from city_server.models import AuthToken, Commune, Device, LeaseRow, User, utcnow
from city_server.security import (
    ACCESS_TOKEN_TTL,
    REFRESH_TOKEN_TTL,
    new_token,
    token_hash,
    verify_password,
)
from commune_desk.protocol import (
    DeviceInfo,
    DeviceList,
    ErrorKind,
    LoginRequest,
    RefreshRequest,
    Role,
    TokenResponse,
)

router = APIRouter(tags=["auth"])


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
    """One database session per request."""
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_context(
    session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> AuthContext:
    """Resolve ``Authorization: Bearer <access token>`` or raise 401 with a kind."""
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
    if device.revoked_at is not None:
        raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")
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


def _issue_tokens(session: Session, user: User, device: Device, commune: Commune) -> TokenResponse:
    """Replace the device's tokens with a fresh access + refresh pair."""
    session.execute(delete(AuthToken).where(AuthToken.device_id == device.id))
    access, refresh = new_token(), new_token()
    now = utcnow()
    session.add_all(
        [
            AuthToken(
                token_hash=token_hash(access),
                kind="access",
                device_id=device.id,
                user_id=user.id,
                expires_at=now + timedelta(seconds=ACCESS_TOKEN_TTL),
            ),
            AuthToken(
                token_hash=token_hash(refresh),
                kind="refresh",
                device_id=device.id,
                user_id=user.id,
                expires_at=now + timedelta(seconds=REFRESH_TOKEN_TTL),
            ),
        ]
    )
    device.last_seen_at = now
    return TokenResponse(
        access_token=access,
        refresh_token=refresh,
        access_expires_in=ACCESS_TOKEN_TTL,
        refresh_expires_in=REFRESH_TOKEN_TTL,
        device_id=UUID(device.id),
        username=user.username,
        role=Role(user.role),
        commune_code=commune.code,
        commune_name=commune.name,
    )


@router.post("/auth/login", response_model=TokenResponse, responses={401: {}, 403: {}})
def login(body: LoginRequest, session: SessionDep) -> TokenResponse:
    """Check the password and bind a token pair to the device (registering it if new)."""
    user = session.scalar(select(User).where(User.username == body.username))
    ok = verify_password(user.password_hash if user else None, body.password)
    if user is None or not ok or not user.active:
        raise ApiError(401, ErrorKind.INVALID_CREDENTIALS, "wrong username or password")
    commune = session.get_one(Commune, user.commune_id)
    device_id = str(body.device_id)
    device = session.get(Device, device_id)
    if device is None:
        device = Device(id=device_id, commune_id=user.commune_id, user_id=user.id, name=body.device_name)
        session.add(device)
        session.flush()
    elif device.commune_id != user.commune_id:
        raise ApiError(403, ErrorKind.DEVICE_MISMATCH, "device belongs to another commune")
    elif device.revoked_at is not None:
        raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")
    device.user_id = user.id
    if body.device_name:
        device.name = body.device_name
    response = _issue_tokens(session, user, device, commune)
    session.commit()
    return response


@router.post("/auth/refresh", response_model=TokenResponse, responses={401: {}})
def refresh(body: RefreshRequest, session: SessionDep) -> TokenResponse:
    """Rotate the refresh token: the old one stops working."""
    token = session.get(AuthToken, token_hash(body.refresh_token))
    if token is None or token.kind != "refresh":
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "unknown refresh token")
    if token.device_id != str(body.device_id):
        raise ApiError(401, ErrorKind.DEVICE_MISMATCH, "refresh token belongs to another device")
    device = session.get_one(Device, token.device_id)
    if device.revoked_at is not None:
        raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")
    if as_utc(token.expires_at) <= utcnow():
        raise ApiError(401, ErrorKind.TOKEN_EXPIRED, "refresh token expired; log in again")
    user = session.get_one(User, token.user_id)
    if not user.active:
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "user disabled")
    response = _issue_tokens(session, user, device, session.get_one(Commune, device.commune_id))
    session.commit()
    return response


def _device_info(device: Device, username: str) -> DeviceInfo:
    return DeviceInfo(
        device_id=UUID(device.id),
        name=device.name,
        username=username,
        registered_at=as_utc(device.registered_at),
        last_seen_at=as_utc(device.last_seen_at) if device.last_seen_at else None,
        revoked_at=as_utc(device.revoked_at) if device.revoked_at else None,
    )


def _require_manager(ctx: AuthContext) -> None:
    if ctx.role not in (Role.LEADER, Role.ADMIN):
        raise ApiError(403, ErrorKind.FORBIDDEN, "only a leader or admin may manage devices")


@router.get("/devices", response_model=DeviceList, responses={401: {}, 403: {}})
def list_devices(ctx: ContextDep, session: SessionDep) -> DeviceList:
    """Devices registered in the caller's commune (leaders and admins)."""
    _require_manager(ctx)
    rows = session.execute(
        select(Device, User.username)
        .join(User, User.id == Device.user_id)
        .where(Device.commune_id == ctx.commune_id)
        .order_by(Device.registered_at)
    ).all()
    return DeviceList(devices=[_device_info(d, u) for d, u in rows])


@router.post("/devices/{device_id}/revoke", response_model=DeviceInfo, responses={401: {}, 403: {}, 404: {}})
def revoke_device(device_id: UUID, ctx: ContextDep, session: SessionDep) -> DeviceInfo:
    """Revoke a device of the caller's commune: its tokens stop working, its leases are released.

    The tokens are kept so that the device's next request is told ``device_revoked``
    (not a generic ``unauthenticated``) and the client can say why.
    """
    _require_manager(ctx)
    device = session.get(Device, str(device_id))
    if device is None or device.commune_id != ctx.commune_id:
        raise ApiError(404, ErrorKind.NOT_FOUND, "no such device")
    now = utcnow()
    if device.revoked_at is None:
        device.revoked_at = now
    session.execute(
        update(LeaseRow)
        .where(LeaseRow.device_id == device.id, LeaseRow.released_at.is_(None))
        .values(released_at=now)
    )
    username = session.get_one(User, device.user_id).username
    session.commit()
    return _device_info(device, username)


def last_seen(session: Session, device_id: str, when: datetime) -> None:
    """Record when a device last talked to the server."""
    session.execute(update(Device).where(Device.id == device_id).values(last_seen_at=when))
