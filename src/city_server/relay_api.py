"""What the city server offers an office relay (docs/relay.md).

- ``POST /relay/register``: a leader (or admin) marks the calling device as
  the commune's relay (audited).
- ``GET /relay/office``: the commune's devices with their public keys, last
  seq, users and leases (what the relay needs to admit and answer counters).
- ``POST /relay/push``: counters' signed operations, applied for their own
  devices (:mod:`city_server.forwarded`).
- ``POST /relay/leases/transfer``: move a range of one of the relay's leases to
  a counter (the relay sub-leased it while offline).
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server import audit
from city_server.audit import EventKind, Who
from city_server.context import AuthContext, ContextDep, SessionDep, client_address
from city_server.errors import ApiError
from city_server.forwarded import SignedApplier, SignedItem
from city_server.models import Commune, Device, LeaseRow, User
from city_server.numbers import lease_to_wire, lock_commune
from commune_desk.protocol import (
    DeviceInfo,
    ErrorKind,
    Lease,
    LeaseTransfer,
    OfficeDevice,
    OfficeState,
    PushResponse,
    RelayPushRequest,
    RelayRegisterRequest,
    Role,
)

router = APIRouter(prefix="/relay", tags=["relay"])
_ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 422: {}}


def _require_relay(ctx: AuthContext, session: SessionDep) -> Device:
    device = session.get_one(Device, ctx.device_id)
    if not device.is_relay:
        raise ApiError(403, ErrorKind.NOT_A_RELAY, "this device is not registered as the office relay")
    return device


@router.post("/register", response_model=DeviceInfo, responses=_ERRORS)
def register_relay(
    body: RelayRegisterRequest, ctx: ContextDep, session: SessionDep, request: Request
) -> DeviceInfo:
    """Mark the calling device as its commune's office relay (leaders and admins)."""
    if ctx.role not in (Role.LEADER, Role.ADMIN):
        raise ApiError(403, ErrorKind.FORBIDDEN, "only a leader or admin may register a relay")
    from city_server.devices import commune_devices  # noqa: PLC0415  (avoid a cycle at import)

    device = session.get_one(Device, ctx.device_id)
    device.is_relay = True
    if body.name:
        device.name = body.name
    who = Who(
        device_id=device.id, commune_id=ctx.commune_id, actor=ctx.username, address=client_address(request)
    )
    audit.record(session, EventKind.RELAY_REGISTERED, who)
    session.commit()
    return next(d for d in commune_devices(session, ctx.commune_id).devices if str(d.device_id) == device.id)


@router.get("/office", response_model=OfficeState, responses=_ERRORS)
def office(ctx: ContextDep, session: SessionDep) -> OfficeState:
    """The commune's devices, keys, last seqs, users and active leases (relay only)."""
    _require_relay(ctx, session)
    commune = session.get_one(Commune, ctx.commune_id)
    leases: dict[str, list[Lease]] = {}
    for row in session.scalars(
        select(LeaseRow)
        .where(LeaseRow.commune_id == ctx.commune_id, LeaseRow.released_at.is_(None))
        .order_by(LeaseRow.id)
    ):
        leases.setdefault(row.device_id, []).append(lease_to_wire(row))
    devices = [
        OfficeDevice(
            device_id=UUID(d.id),
            public_key=d.public_key,
            revoked=d.revoked_at is not None,
            last_seq=d.last_seq,
            user_id=u.id,
            username=u.username,
            role=Role(u.role),
            leases=leases.get(d.id, []),
        )
        for d, u in session.execute(
            select(Device, User)
            .join(User, User.id == Device.user_id)
            .where(Device.commune_id == ctx.commune_id)
        )
    ]
    return OfficeState(commune_code=commune.code, commune_name=commune.name, devices=devices)


@router.post("/push", response_model=PushResponse, responses=_ERRORS)
def relay_push(body: RelayPushRequest, ctx: ContextDep, session: SessionDep) -> Response:
    """Apply counters' signed operations for their own devices, in the relay's order."""
    _require_relay(ctx, session)
    commune = lock_commune(session, ctx.commune_id)
    items = [SignedItem(i.op, i.signature, i.rebase_on) for i in body.ops]
    results = SignedApplier(session, commune).run(items)
    response = PushResponse(results=results, cursor=commune.change_seq)
    session.commit()
    return Response(response.model_dump_json(), media_type="application/json")


@router.post("/leases/transfer", response_model=Lease, responses={**_ERRORS, 409: {}})
def transfer_lease(body: LeaseTransfer, ctx: ContextDep, session: SessionDep) -> Lease:
    """Move numbers ``first..last`` of one of the relay's leases to a counter (idempotent)."""
    _require_relay(ctx, session)
    lease = lease_to_wire(move_range(session, ctx.commune_id, ctx.device_id, body))
    session.commit()
    return lease


def move_range(session: Session, commune_id: int, relay_device: str, body: LeaseTransfer) -> LeaseRow:
    """The counter's lease of ``body``'s range, carved from the relay's (caller commits)."""
    lock_commune(session, commune_id)
    target = session.get(Device, str(body.device_id))
    if target is None or target.commune_id != commune_id:
        raise ApiError(404, ErrorKind.NOT_FOUND, "no such device")
    done = session.scalar(
        select(LeaseRow).where(
            LeaseRow.commune_id == commune_id,
            LeaseRow.device_id == target.id,
            LeaseRow.series == body.series,
            LeaseRow.first == body.first,
            LeaseRow.last == body.last,
        )
    )
    if done is not None:
        return done
    source = session.scalar(
        select(LeaseRow).where(
            LeaseRow.commune_id == commune_id,
            LeaseRow.device_id == relay_device,
            LeaseRow.series == body.series,
            LeaseRow.released_at.is_(None),
            LeaseRow.slot.is_(None),
            LeaseRow.first <= body.first,
            LeaseRow.last >= body.last,
        )
    )
    if source is None or body.first > body.last:
        raise ApiError(409, ErrorKind.NUMBER_OUTSIDE_LEASE, "the range is not in one of the relay's leases")
    if source.last > body.last:  # the relay keeps what follows the range
        session.add(
            LeaseRow(
                commune_id=commune_id,
                series=source.series,
                device_id=relay_device,
                first=body.last + 1,
                last=source.last,
                granted_at=source.granted_at,
            )
        )
    if source.first < body.first:  # ... and what precedes it
        source.last = body.first - 1
    else:
        session.delete(source)
    row = LeaseRow(
        commune_id=commune_id, series=body.series, device_id=target.id, first=body.first, last=body.last
    )
    session.add(row)
    session.flush()
    return row
