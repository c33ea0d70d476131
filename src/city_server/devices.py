"""Device keys: challenges, proofs, idempotent registration, and the leaders' device list.

Every login and refresh from a device proves it holds the Ed25519 key it
registered at its first login: it asks ``POST /auth/challenge`` for a nonce
and signs :func:`~commune_desk.protocol.proof_message` with the key. A
nonce is consumed (in its own committed transaction) whether the attempt
succeeds or not, and expires after two minutes, so a signature cannot be
replayed. Leaders list the devices of their commune, revoke one, or re-bind
one to a new key after the PC lost its old one; each is audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from fastapi import APIRouter, Request
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from city_server import audit
from city_server.audit import EventKind, Who
from city_server.context import AuthContext, ContextDep, SessionDep, client_address
from city_server.db import as_utc
from city_server.errors import ApiError
from city_server.models import AuthToken, Device, DeviceNonce, User, utcnow
from city_server.recovery import is_draining, release_leases
from city_server.routing import ProtocolRoute
from city_server.security import new_token, public_key_valid, token_hash, verify_proof
from commune_desk.protocol import (
    CHALLENGE_TTL_SECONDS,
    Challenge,
    ChallengeRequest,
    DeviceInfo,
    DeviceList,
    DeviceProof,
    DeviceRebindRequest,
    ErrorKind,
    RevokeRequest,
    Role,
    key_fingerprint,
)

router = APIRouter(tags=["devices"], route_class=ProtocolRoute)


@router.post("/auth/challenge", response_model=Challenge, responses={422: {}})
def challenge(body: ChallengeRequest, session: SessionDep) -> Challenge:
    """A single-use nonce for a device proof. Any device id gets one (existence never leaks)."""
    nonce = new_token()
    now = utcnow()
    stale = select(DeviceNonce.nonce_hash).where(DeviceNonce.expires_at < now).limit(200)
    session.execute(delete(DeviceNonce).where(DeviceNonce.nonce_hash.in_(stale)))
    session.add(
        DeviceNonce(
            nonce_hash=token_hash(nonce),
            device_id=str(body.device_id),
            expires_at=now + timedelta(seconds=CHALLENGE_TTL_SECONDS),
        )
    )
    session.commit()
    return Challenge(nonce=nonce, expires_in=CHALLENGE_TTL_SECONDS)


def consume_nonce(session: Session, device_id: str, proof: DeviceProof | None) -> None:
    """Use up the proof's nonce (committed at once); raise when there is no usable one."""
    if proof is None:
        raise ApiError(401, ErrorKind.DEVICE_KEY_REQUIRED, "sign a challenge with the device key")
    result = session.execute(
        delete(DeviceNonce).where(
            DeviceNonce.nonce_hash == token_hash(proof.nonce),
            DeviceNonce.device_id == device_id,
            DeviceNonce.expires_at > utcnow(),
        )
    )
    used = cast(CursorResult[Any], result).rowcount
    session.commit()
    if used != 1:
        raise ApiError(401, ErrorKind.CHALLENGE_EXPIRED, "unknown, used or expired challenge")


def proof_holds(public_key: str | None, purpose: str, device_id: str, proof: DeviceProof | None) -> bool:
    """Whether ``proof`` (its nonce already consumed) is a signature by ``public_key``."""
    return bool(
        public_key and proof and verify_proof(public_key, purpose, device_id, proof.nonce, proof.signature)
    )


def lock_device(session: Session, device_id: str) -> Device | None:
    """The device row, locked for this transaction (PostgreSQL; SQLite writers queue anyway)."""
    return session.scalars(select(Device).where(Device.id == device_id).with_for_update()).first()


def create_device(session: Session, device: Device) -> tuple[Device, bool]:
    """Insert ``device`` unless a concurrent first login just did.

    Returns the locked row and whether this call created it.

    ``INSERT ... ON CONFLICT DO NOTHING`` makes two first logins of one new PC
    arriving together both succeed (the second finds the first's row) instead
    of one failing on the primary key.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {
        c.key: getattr(device, c.key) for c in Device.__table__.columns if getattr(device, c.key) is not None
    }
    created = session.execute(
        dialect.insert(Device)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Device.id])
        .returning(Device.id)
    ).first()
    row = lock_device(session, device.id)
    assert row is not None
    return row, created is not None


def _device_info(device: Device, username: str) -> DeviceInfo:
    return DeviceInfo(
        device_id=UUID(device.id),
        name=device.name,
        username=username,
        registered_at=as_utc(device.registered_at),
        last_seen_at=as_utc(device.last_seen_at) if device.last_seen_at else None,
        revoked_at=as_utc(device.revoked_at) if device.revoked_at else None,
        drain_until=as_utc(device.drain_until) if device.drain_until else None,
        drained_at=as_utc(device.drained_at) if device.drained_at else None,
        key_fingerprint=key_fingerprint(device.public_key) if device.public_key else None,
        pending_public_key=device.pending_public_key,
        pending_key_fingerprint=(
            key_fingerprint(device.pending_public_key) if device.pending_public_key else None
        ),
    )


def _require_manager(ctx: AuthContext) -> None:
    if ctx.role not in (Role.LEADER, Role.ADMIN):
        raise ApiError(403, ErrorKind.FORBIDDEN, "only a leader or admin may manage devices")


def _managed_device(session: Session, ctx: AuthContext, device_id: UUID) -> Device:
    _require_manager(ctx)
    device = lock_device(session, str(device_id))
    if device is None or device.commune_id != ctx.commune_id:
        raise ApiError(404, ErrorKind.NOT_FOUND, "no such device")
    return device


def _who(ctx: AuthContext, request: Request, device: Device) -> Who:
    return Who(
        device_id=device.id, commune_id=ctx.commune_id, actor=ctx.username, address=client_address(request)
    )


def commune_devices(session: Session, commune_id: int) -> DeviceList:
    """The devices of one commune, oldest first (the API's list and ``city-server devices``)."""
    rows = session.execute(
        select(Device, User.username)
        .join(User, User.id == Device.user_id)
        .where(Device.commune_id == commune_id)
        .order_by(Device.registered_at)
    ).all()
    return DeviceList(devices=[_device_info(d, u) for d, u in rows])


@router.get("/devices", response_model=DeviceList, responses={401: {}, 403: {}})
def list_devices(ctx: ContextDep, session: SessionDep) -> DeviceList:
    """Devices registered in the caller's commune (leaders and admins)."""
    _require_manager(ctx)
    return commune_devices(session, ctx.commune_id)


@router.post("/devices/{device_id}/revoke", response_model=DeviceInfo, responses={401: {}, 403: {}, 404: {}})
def revoke_device(
    device_id: UUID,
    ctx: ContextDep,
    session: SessionDep,
    request: Request,
    body: RevokeRequest | None = None,
) -> DeviceInfo:
    """Revoke a device of the caller's commune.

    With a drain (the default) it may still deliver the work it made before it
    learns of the revocation, and its leases stay held until it has drained or
    the window ends; without (a stolen PC) it is refused at once and its leases
    are released. The tokens are kept so that the device's next request is told
    ``device_revoked`` (not a generic ``unauthenticated``) and the client can say why.
    """
    device = _managed_device(session, ctx, device_id)
    body = body or RevokeRequest()
    now = utcnow()
    if device.revoked_at is None:
        device.revoked_at = now
        device.drain_until = now + timedelta(days=body.drain_days) if body.drain else None
    elif not body.drain:
        device.drain_until = None  # a second revocation without drain ends an open drain
    if not is_draining(device, now):
        release_leases(session, device.id, now)
    audit.record(session, EventKind.DEVICE_REVOKED, _who(ctx, request, device))
    username = session.get_one(User, device.user_id).username
    session.commit()
    return _device_info(device, username)


@router.post(
    "/devices/{device_id}/rebind",
    response_model=DeviceInfo,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def rebind_device(
    device_id: UUID, body: DeviceRebindRequest, ctx: ContextDep, session: SessionDep, request: Request
) -> DeviceInfo:
    """Accept a new key for a device of the caller's commune (the PC lost its old one).

    The device's tokens are dropped (it logs in again with the new key); a
    revocation is lifted, its released leases stay released. Audited with both
    fingerprints, so the leader's comparison with the PC's screen is on record.
    """
    device = _managed_device(session, ctx, device_id)
    if not public_key_valid(body.public_key):
        raise ApiError(422, ErrorKind.INVALID_REQUEST, "not an Ed25519 public key")
    old = device.public_key
    was_revoked = device.revoked_at is not None
    device.public_key, device.pending_public_key, device.revoked_at = body.public_key, None, None
    session.execute(delete(AuthToken).where(AuthToken.device_id == device.id))
    audit.record(
        session,
        EventKind.DEVICE_REBOUND,
        _who(ctx, request, device),
        old_key=key_fingerprint(old) if old else None,
        new_key=key_fingerprint(body.public_key),
        was_revoked=was_revoked,
    )
    username = session.get_one(User, device.user_id).username
    session.commit()
    return _device_info(device, username)
