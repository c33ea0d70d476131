"""Login and token refresh, with device proofs, login throttling and refresh grace.

Login checks the throttle, then the password (outside any transaction: no
lock is held while argon2 runs), then the device proof. Refresh rotates the
refresh token atomically under a row lock; the rotated token keeps returning
the same new pair for :data:`~city_server.security.REFRESH_GRACE_SECONDS`
(a reply lost on a bad link does not log the clerk out) until the new
refresh token is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from fastapi import APIRouter, Request
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from city_server import audit
from city_server.audit import EventKind, Who
from city_server.context import (  # noqa: F401  (re-exported for the other routers)
    AuthContext,
    ContextDep,
    SessionDep,
    client_address,
    current_context,
    get_session,
)
from city_server.db import as_utc
from city_server.devices import consume_nonce, create_device, lock_device, proof_holds
from city_server.errors import ApiError
from city_server.models import AuthToken, Commune, Device, User, utcnow
from city_server.recovery import is_draining
from city_server.routing import ProtocolRoute
from city_server.security import (
    ACCESS_TOKEN_TTL,
    REFRESH_GRACE_SECONDS,
    REFRESH_TOKEN_TTL,
    new_token,
    open_successor,
    seal_successor,
    token_hash,
    verify_password,
)
from city_server.throttle import LoginThrottle
from commune_desk.protocol import (
    PROOF_LOGIN,
    PROOF_REFRESH,
    ErrorKind,
    LoginRequest,
    RefreshRequest,
    Role,
    TokenResponse,
)

router = APIRouter(tags=["auth"], route_class=ProtocolRoute)


@dataclass(frozen=True)
class _User:
    id: int
    username: str
    role: str
    commune_id: int


def _response(
    user: _User | User,
    device: Device,
    commune: Commune,
    access: str,
    refresh: str,
    access_in: int = ACCESS_TOKEN_TTL,
    refresh_in: int = REFRESH_TOKEN_TTL,
) -> TokenResponse:
    return TokenResponse(
        access_token=access,
        refresh_token=refresh,
        access_expires_in=access_in,
        refresh_expires_in=refresh_in,
        device_id=UUID(device.id),
        username=user.username,
        role=Role(user.role),
        commune_code=commune.code,
        commune_name=commune.name,
    )


def _new_pair(session: Session, user_id: int, device: Device, now: datetime) -> tuple[str, str]:
    access, refresh = new_token(), new_token()
    session.add_all(
        [
            AuthToken(
                token_hash=token_hash(access),
                kind="access",
                device_id=device.id,
                user_id=user_id,
                expires_at=now + timedelta(seconds=ACCESS_TOKEN_TTL),
            ),
            AuthToken(
                token_hash=token_hash(refresh),
                kind="refresh",
                device_id=device.id,
                user_id=user_id,
                expires_at=now + timedelta(seconds=REFRESH_TOKEN_TTL),
            ),
        ]
    )
    device.last_seen_at = now
    return access, refresh


def _refuse(
    session: Session, status: int, kind: ErrorKind, message: str, event: EventKind, who: Who, **detail: object
) -> ApiError:
    """Undo the request's work, keep an audit row of the refusal, return the error to raise."""
    session.rollback()
    audit.record(session, event, who, reason=kind.value, **detail)
    session.commit()
    return ApiError(status, kind, message)


def check_throttle(throttle: LoginThrottle, username: str, address: str | None) -> None:
    """Refuse (429, ``rate_limited``) while a failed-login window of ``username`` or ``address`` is full."""
    locks = throttle.locks(username, address)
    if locks:
        wait = max(lock.retry_after for lock in locks)
        raise ApiError(
            429,
            ErrorKind.RATE_LIMITED,
            "too many failed logins; wait and retry",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
            scope=sorted({lock.scope for lock in locks}),
        )


def _verified_user(session: Session, throttle: LoginThrottle, body: LoginRequest, who: Who) -> _User:
    row = session.execute(
        select(User.id, User.username, User.role, User.commune_id, User.password_hash, User.active).where(
            User.username == body.username
        )
    ).first()
    session.rollback()  # hold no transaction (no SQLite write lock) while argon2 runs
    ok = verify_password(row.password_hash if row else None, body.password)
    if row is None or not ok or not row.active:
        filled = throttle.failed(body.username, who.address)
        audit.record(session, EventKind.LOGIN_FAILED, who, known_user=row is not None)
        for lock in filled:
            audit.record(
                session,
                EventKind.LOGIN_LOCKED,
                who,
                scope=lock.scope,
                key=lock.key,
                limit=lock.limit,
                retry_after=lock.retry_after,
            )
        session.commit()
        raise ApiError(401, ErrorKind.INVALID_CREDENTIALS, "wrong username or password")
    throttle.succeeded(body.username)
    return _User(row.id, row.username, row.role, row.commune_id)


def _device_for_login(session: Session, body: LoginRequest, user: _User, who: Who) -> Device:
    """The (locked) device row once the caller proved its key; registers a new device."""
    device_id = str(body.device_id)
    offered = body.public_key
    device = lock_device(session, device_id)
    if device is None:
        if not proof_holds(offered, PROOF_LOGIN, device_id, body.proof):
            raise _refuse(
                session,
                401,
                ErrorKind.DEVICE_KEY_REQUIRED,
                "a new device registers its public key with a valid proof",
                EventKind.DEVICE_PROOF_FAILED,
                who,
            )
        device, created = create_device(
            session,
            Device(
                id=device_id,
                commune_id=user.commune_id,
                user_id=user.id,
                name=body.device_name,
                public_key=offered,
                last_seq=0,
                registered_at=utcnow(),
            ),
        )
        if created:
            audit.record(session, EventKind.DEVICE_REGISTERED, who)
    if device.public_key is None:  # registered before device keys: its own user binds one
        if device.user_id != user.id or not proof_holds(offered, PROOF_LOGIN, device_id, body.proof):
            raise _refuse(
                session,
                401,
                ErrorKind.DEVICE_KEY_MISMATCH,
                "this device has no key yet; its own user or a refresh binds one",
                EventKind.DEVICE_PROOF_FAILED,
                who,
            )
        device.public_key = offered
        audit.record(session, EventKind.DEVICE_KEY_BOUND, who)
    elif not proof_holds(device.public_key, PROOF_LOGIN, device_id, body.proof):
        pending = (
            offered
            if offered
            and device.commune_id == user.commune_id
            and proof_holds(offered, PROOF_LOGIN, device_id, body.proof)
            else None
        )
        error = _refuse(
            session,
            401,
            ErrorKind.DEVICE_KEY_MISMATCH,
            "the device key does not match; a leader may re-bind this device",
            EventKind.DEVICE_PROOF_FAILED,
            who,
        )
        if pending:  # offered by a user of the commune: shown to leaders for a re-bind
            session.execute(update(Device).where(Device.id == device_id).values(pending_public_key=pending))
            session.commit()
        raise error
    return device


@router.post("/auth/login", response_model=TokenResponse, responses={401: {}, 403: {}, 422: {}, 429: {}})
def login(body: LoginRequest, request: Request, session: SessionDep) -> TokenResponse:
    """Check the password and the device proof; bind a token pair to the device.

    A new device is registered with its public key. A known device must sign
    with the key it registered: without it, nothing of that device changes.
    """
    throttle: LoginThrottle = request.app.state.throttle
    who = Who(username=body.username, address=client_address(request), device_id=str(body.device_id))
    check_throttle(throttle, body.username, who.address)
    user = _verified_user(session, throttle, body, who)
    who = Who(
        username=user.username, address=who.address, device_id=who.device_id, commune_id=user.commune_id
    )
    consume_nonce(session, str(body.device_id), body.proof)
    device = _device_for_login(session, body, user, who)
    if device.commune_id != user.commune_id:
        raise _refuse(
            session,
            403,
            ErrorKind.DEVICE_MISMATCH,
            "device belongs to another commune",
            EventKind.LOGIN_FAILED,
            who,
        )
    if device.revoked_at is not None:
        raise _refuse(
            session,
            401,
            ErrorKind.DEVICE_REVOKED,
            "this device has been revoked",
            EventKind.LOGIN_FAILED,
            who,
        )
    device.user_id = user.id
    if body.device_name:
        device.name = body.device_name
    session.execute(delete(AuthToken).where(AuthToken.device_id == device.id))
    access, refresh = _new_pair(session, user.id, device, utcnow())
    audit.record(session, EventKind.LOGIN, who)
    response = _response(user, device, session.get_one(Commune, user.commune_id), access, refresh)
    session.commit()
    return response


def _check_refresh_proof(session: Session, device: Device, body: RefreshRequest, who: Who) -> None:
    if device.public_key is not None:
        if not proof_holds(device.public_key, PROOF_REFRESH, device.id, body.proof):
            raise _refuse(
                session,
                401,
                ErrorKind.DEVICE_KEY_MISMATCH,
                "the device key does not match",
                EventKind.DEVICE_PROOF_FAILED,
                who,
            )
        return
    # Registered before device keys: the refresh token vouches for the key it binds.
    if not proof_holds(body.public_key, PROOF_REFRESH, device.id, body.proof):
        raise _refuse(
            session,
            401,
            ErrorKind.DEVICE_KEY_REQUIRED,
            "send the device's public key with a valid proof",
            EventKind.DEVICE_PROOF_FAILED,
            who,
        )
    device.public_key = body.public_key
    audit.record(session, EventKind.DEVICE_KEY_BOUND, who)


def _replay(
    session: Session, token: AuthToken, body: RefreshRequest, device: Device, who: Who
) -> TokenResponse:
    """A rotated token used again: the same pair while in grace and not yet used, else 401."""
    now = utcnow()
    pair = open_successor(body.refresh_token, token.successor) if token.successor else None
    rows = (
        {}
        if pair is None
        else {
            r.kind: r
            for r in session.scalars(
                select(AuthToken).where(
                    AuthToken.token_hash.in_([token_hash(pair["access"]), token_hash(pair["refresh"])])
                )
            )
        }
    )
    fresh = rows.get("refresh")
    if (
        pair is None
        or fresh is None
        or fresh.rotated_at is not None
        or "access" not in rows
        or as_utc(token.rotated_at or now) + timedelta(seconds=REFRESH_GRACE_SECONDS) <= now
    ):
        session.delete(token)
        session.commit()
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "refresh token already used")
    audit.record(session, EventKind.REFRESH_REPLAYED, who)
    user = session.get_one(User, fresh.user_id)
    response = _response(
        user,
        device,
        session.get_one(Commune, device.commune_id),
        pair["access"],
        pair["refresh"],
        access_in=max(0, int((as_utc(rows["access"].expires_at) - now).total_seconds())),
        refresh_in=max(0, int((as_utc(fresh.expires_at) - now).total_seconds())),
    )
    session.commit()
    return response


@router.post("/auth/refresh", response_model=TokenResponse, responses={401: {}, 422: {}})
def refresh(body: RefreshRequest, request: Request, session: SessionDep) -> TokenResponse:
    """Rotate the refresh token (row-locked): the old pair stops working.

    The old refresh token returns the same new pair again for a grace period,
    until the new refresh token is used.
    """
    device_id = str(body.device_id)
    who = Who(address=client_address(request), device_id=device_id)
    consume_nonce(session, device_id, body.proof)
    device = lock_device(session, device_id)  # lock order everywhere: device, then tokens
    token = session.scalars(
        select(AuthToken).where(AuthToken.token_hash == token_hash(body.refresh_token)).with_for_update()
    ).first()
    if token is None or token.kind != "refresh":
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "unknown refresh token")
    if device is None or token.device_id != device_id:
        raise ApiError(401, ErrorKind.DEVICE_MISMATCH, "refresh token belongs to another device")
    if device.revoked_at is not None and not is_draining(device):  # a drain keeps its session
        raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")
    who = Who(address=who.address, device_id=device_id, commune_id=device.commune_id)
    _check_refresh_proof(session, device, body, who)
    if token.rotated_at is not None:
        return _replay(session, token, body, device, who)
    now = utcnow()
    if as_utc(token.expires_at) <= now:
        raise ApiError(401, ErrorKind.TOKEN_EXPIRED, "refresh token expired; log in again")
    user = session.get_one(User, token.user_id)
    if not user.active:
        raise ApiError(401, ErrorKind.UNAUTHENTICATED, "user disabled")
    # Drop the old access token and any earlier rotated token; keep this one for the grace.
    session.execute(
        delete(AuthToken).where(AuthToken.device_id == device.id, AuthToken.token_hash != token.token_hash)
    )
    access, refresh_token = _new_pair(session, user.id, device, now)
    token.rotated_at = now
    token.successor = seal_successor(body.refresh_token, {"access": access, "refresh": refresh_token})
    response = _response(user, device, session.get_one(Commune, device.commune_id), access, refresh_token)
    session.commit()
    return response


def last_seen(session: Session, device_id: str, when: datetime) -> None:
    """Record when a device last talked to the server."""
    session.execute(update(Device).where(Device.id == device_id).values(last_seen_at=when))
