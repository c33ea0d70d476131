"""The relay's HTTP app: protocol v1 for one commune's counters, from the relay database.

Reused as they are from the reference server: the device challenge, pull
(the office view is stored as ordinary records), blobs, the error bodies,
compression and limits. The relay's own: a session opened with a device proof
(``POST /relay/session``), handshake, push (operations are stored for the
city and answered ``relayed``), and leases (sub-leased from the relay's).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from uuid import UUID

from fastapi import APIRouter, FastAPI, Response
from sqlalchemy import Engine, select

from city_server import app as city_app
from city_server import blobs, devices
from city_server.auth import ContextDep, SessionDep
from city_server.db import make_engine, migrate, session_factory
from city_server.errors import ApiError
from city_server.identity import server_identity, signature_valid
from city_server.models import AuthToken, Commune, Device, User, utcnow
from city_server.numbers import lock_commune
from city_server.relay import office as office_mod
from city_server.relay.view import rebuild, view_version
from city_server.relay_models import OP_DONE, RelayOp, RelayState
from city_server.security import ACCESS_TOKEN_TTL, new_token, token_hash
from city_server.throttle import LoginThrottle
from commune_desk.protocol import (
    API_PREFIX,
    CLOCK_WARNING_SECONDS,
    PROOF_RELAY,
    PROTOCOL_VERSION,
    Challenge,
    ErrorKind,
    HandshakeRequest,
    HandshakeResponse,
    Lease,
    LeaseList,
    LeaseRequest,
    Operation,
    OpResult,
    OpStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    RelaySessionRequest,
    Role,
    ServerLimits,
    TokenResponse,
    op_signing_bytes,
)

log = logging.getLogger(__name__)
router = APIRouter(tags=["relay"])
_ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 409: {}, 422: {}}


def _relay_device(session: SessionDep) -> str:
    ident = office_mod.identity(session)
    if ident is None:
        raise ApiError(503, ErrorKind.UNAVAILABLE, "relay not set up: run city-server relay login")
    return ident.device_id


@router.post("/relay/session", response_model=TokenResponse, responses=_ERRORS)
def open_session(body: RelaySessionRequest, session: SessionDep) -> TokenResponse:
    """A counter of the commune proves its device key; it gets a 15-minute access token."""
    device_id = str(body.device_id)
    devices.consume_nonce(session, device_id, body.proof)
    row = session.execute(
        select(Device, User, Commune)
        .join(User, User.id == Device.user_id)
        .join(Commune, Commune.id == Device.commune_id)
        .where(Device.id == device_id)
    ).first()
    if row is None:
        _signal(session, "_relay_office")  # a counter new to the relay: ask the city at once
        raise ApiError(401, ErrorKind.DEVICE_KEY_MISMATCH, "unknown device or wrong device key")
    if not devices.proof_holds(row[0].public_key, PROOF_RELAY, device_id, body.proof):
        raise ApiError(401, ErrorKind.DEVICE_KEY_MISMATCH, "unknown device or wrong device key")
    device, user, commune = row
    if device.revoked_at is not None:
        raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")
    access = new_token()
    now = utcnow()
    session.add(
        AuthToken(
            token_hash=token_hash(access),
            kind="access",
            device_id=device.id,
            user_id=user.id,
            expires_at=now + timedelta(seconds=ACCESS_TOKEN_TTL),
        )
    )
    session.commit()
    return TokenResponse(
        access_token=access,
        refresh_token="-",
        access_expires_in=ACCESS_TOKEN_TTL,
        refresh_expires_in=0,
        device_id=UUID(device.id),
        username=user.username,
        role=Role(user.role),
        commune_code=commune.code,
        commune_name=commune.name,
    )


@router.post("/handshake", response_model=HandshakeResponse, responses=_ERRORS)
def handshake(body: HandshakeRequest, ctx: ContextDep, session: SessionDep) -> HandshakeResponse:
    """Like the city's, from what the relay knows; ``relay`` is true and ``source_id`` is the relay's."""
    now, offset = city_app.checked_clock(body)
    commune = session.get_one(Commune, ctx.commune_id)
    state = session.get(RelayState, 1)
    ident = server_identity(session)
    return HandshakeResponse(
        protocol_version=PROTOCOL_VERSION,
        server_time=now,
        clock_offset_seconds=offset,
        clock_warning=abs(offset) > CLOCK_WARNING_SECONDS,
        device_id=UUID(ctx.device_id),
        last_seq=office_mod.last_seq_of(session, ctx.device_id),
        cursor=commune.change_seq,
        commune_code=commune.code,
        leases=office_mod.counter_leases(session, ctx.device_id),
        limits=ServerLimits(),
        source_id=ident.instance_id,
        relay=True,
        server_key=state.city_key if state else None,
    )


def _unstored(op: Operation, kind: ErrorKind, message: str) -> OpResult:
    return OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.REJECTED, kind=kind, message=message)


def _stored_or_refused(
    session: SessionDep, device_id: str, key: str, op: Operation, sig: str
) -> tuple[OpResult | None, bool]:
    """(the answer known already: a refusal or the city's stored result; whether the op is new here).

    A ``None`` answer means the operation waits for the city (answered ``relayed``).
    """
    if str(op.device_id) != device_id:
        return _unstored(op, ErrorKind.DEVICE_MISMATCH, "op of another device"), False
    if not signature_valid(key, op_signing_bytes(op), sig):
        return _unstored(op, ErrorKind.BAD_SIGNATURE, "signature does not match the device key"), False
    stored = session.scalar(select(RelayOp).where(RelayOp.device_id == device_id, RelayOp.seq == op.seq))
    if stored is not None:
        if stored.op_id != str(op.op_id):
            return _unstored(op, ErrorKind.SEQ_REUSED, "seq already used"), False
        if stored.state == OP_DONE and stored.result:
            return OpResult.model_validate({**stored.result, "replayed": True}), False
        return None, False
    if session.scalar(select(RelayOp.id).where(RelayOp.op_id == str(op.op_id))) is not None:
        return _unstored(op, ErrorKind.OP_ID_REUSED, "op_id already used"), False
    return None, True


def _relay_op(device_id: str, op: Operation, sig: str) -> RelayOp:
    return RelayOp(
        device_id=device_id,
        seq=op.seq,
        op_id=str(op.op_id),
        entity=op.entity.value,
        entity_id=str(op.entity_id),
        op=op.model_dump(mode="json"),
        signature=sig,
    )


@router.post("/push", response_model=PushResponse, responses=_ERRORS)
def push(body: PushRequest, ctx: ContextDep, session: SessionDep) -> Response:
    """Keep each signed operation for the city (once) and show it in the office view.

    Answers ``relayed`` with the version counters see, or the city's result once
    the relay has it. Nothing is applied here: the city decides.
    """
    sigs = body.signatures or []
    if len(sigs) != len(body.ops):
        raise ApiError(422, ErrorKind.INVALID_REQUEST, "a relay needs one signature per operation")
    commune = lock_commune(session, ctx.commune_id)
    key = session.get_one(Device, ctx.device_id).public_key or ""
    results: list[OpResult | None] = []
    touched: list[tuple[str, str]] = []
    waiting: list[tuple[int, Operation]] = []  # answered "relayed" once the view is rebuilt
    for op, sig in zip(body.ops, sigs, strict=True):
        result, new = _stored_or_refused(session, ctx.device_id, key, op, sig)
        if new:
            session.add(_relay_op(ctx.device_id, op, sig))
            touched.append((op.entity.value, str(op.entity_id)))
        if result is None:
            waiting.append((len(results), op))
        results.append(result)
    session.flush()
    rebuild(session, touched)
    for index, op in waiting:
        version = view_version(session, op.entity.value, str(op.entity_id))
        results[index] = OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.RELAYED, version=version)
    response = PushResponse(results=[r for r in results if r is not None], cursor=commune.change_seq)
    session.commit()
    if waiting:  # new or still waiting for the city: try the city now
        _signal(session, "_relay_wake")
    return Response(response.model_dump_json(), media_type="application/json")


def _signal(session: SessionDep, name: str) -> None:
    """Wake the forwarder (``_relay_wake``) or ask it for office facts (``_relay_office``)."""
    bind = session.get_bind()
    for attr in (name, "_relay_wake"):
        event = getattr(bind, attr, None)
        if isinstance(event, threading.Event):
            event.set()


@router.post("/leases", response_model=Lease, responses={**_ERRORS, 400: {}})
def request_lease(body: LeaseRequest, ctx: ContextDep, session: SessionDep) -> Lease:
    """A counter slot from the city's leases, or a block carved from the relay's numbers."""
    relay_device = _relay_device(session)
    lock_commune(session, ctx.commune_id)
    lease = office_mod.sub_lease(session, relay_device, ctx.device_id, body)
    session.commit()
    return lease


@router.get("/leases", response_model=LeaseList, responses=_ERRORS)
def list_leases(ctx: ContextDep, session: SessionDep) -> LeaseList:
    """The leases this counter holds."""
    return LeaseList(leases=office_mod.counter_leases(session, ctx.device_id))


router.add_api_route(
    "/auth/challenge", devices.challenge, methods=["POST"], response_model=Challenge, tags=["auth"]
)
router.add_api_route("/pull", city_app.pull, methods=["GET"], response_model=PullResponse)


def create_relay_app(
    db_url: str | None = None,
    *,
    engine: Engine | None = None,
    forwarder: bool = True,
    interval: float = 2.0,
) -> FastAPI:
    """The relay app on its database; with ``forwarder`` its upstream thread runs in the app."""
    if engine is None:
        if db_url is None:
            raise ValueError("give db_url or engine")
        engine = make_engine(db_url)
    migrate(engine)
    sessions = session_factory(engine)
    wake = threading.Event()
    office_needed = threading.Event()
    engine._relay_wake = wake  # type: ignore[attr-defined]
    engine._relay_office = office_needed  # type: ignore[attr-defined]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from city_server.relay.forwarder import Forwarder  # noqa: PLC0415

        worker = Forwarder(sessions, wake=wake, interval=interval) if forwarder else None
        if worker is not None:
            worker.office_needed = office_needed
            worker.start()
        app.state.forwarder = worker
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title="CommuneDesk office relay",
        version=f"{PROTOCOL_VERSION}.0",
        description="Office relay of the CommuneDesk sync protocol. See docs/relay.md.",
        lifespan=lifespan,
    )
    city_app.serve_protocol(app, engine, sessions, LoginThrottle(engine))
    app.include_router(router, prefix=API_PREFIX)
    app.include_router(blobs.router, prefix=API_PREFIX)
    city_app.add_protocol_middleware(app)
    return app
