"""FastAPI application factory of the reference city server (protocol v1)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from city_server import auth, blobs, devices, office, relay_api, snapshot
from city_server.auth import AuthContext, ContextDep, SessionDep, last_seen
from city_server.context import resolve_context
from city_server.db import POOL_SIZE, make_engine, migrate, read_session_factory, session_factory
from city_server.errors import ApiError, install_error_handlers
from city_server.identity import server_identity
from city_server.middleware import (
    BodyLimitMiddleware,
    ConcurrencyLimitMiddleware,
    SelectiveGZipMiddleware,
)
from city_server.models import Commune, Device, Record, utcnow
from city_server.numbers import active_leases, find_gaps, grant_lease, lease_to_wire, lock_commune
from city_server.push import PushBatch
from city_server.records import SkipCounter, change_json
from city_server.recovery import (
    absorb_report,
    is_draining,
    marks_for,
    notice_rewind,
    release_ended_drains,
    release_leases,
)
from city_server.routing import ProtocolRoute
from city_server.throttle import LoginThrottle
from commune_desk.protocol import (
    API_PREFIX,
    CLOCK_WARNING_SECONDS,
    DEFAULT_PULL_LIMIT,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    MAX_SAFE_INTEGER,
    PROTOCOL_VERSION,
    ErrorKind,
    GapReport,
    HandshakeRequest,
    HandshakeResponse,
    Lease,
    LeaseList,
    LeaseRequest,
    PullResponse,
    PushResponse,
    ReceivedPush,
    ServerLimits,
)

log = logging.getLogger(__name__)
router = APIRouter(tags=["sync"], route_class=ProtocolRoute)
_AUTH_ERRORS: dict[int | str, dict[str, object]] = {401: {}, 422: {}}


def checked_clock(body: HandshakeRequest) -> tuple[datetime, float]:
    """(server time, server − client seconds) of a handshake; 400 for another protocol version."""
    if body.protocol_version != PROTOCOL_VERSION:
        raise ApiError(
            400, ErrorKind.UNSUPPORTED_PROTOCOL, "unsupported protocol version", supported=[PROTOCOL_VERSION]
        )
    now = utcnow()
    client_time = body.client_time if body.client_time.tzinfo else body.client_time.replace(tzinfo=UTC)
    return now, (now - client_time).total_seconds()


@router.post("/handshake", response_model=HandshakeResponse, responses=_AUTH_ERRORS)
def handshake(body: HandshakeRequest, ctx: ContextDep, session: SessionDep) -> HandshakeResponse:
    """Protocol version check, clock comparison, the device's last seq, cursor and leases."""
    now, offset = checked_clock(body)
    commune, device = recovery_handshake(session, ctx, body)
    leases = [lease_to_wire(r) for r in active_leases(session, ctx.commune_id, ctx.device_id)]
    marks = marks_for(session, ctx.commune_id, ctx.device_id, body.marks_days)
    last_seen(session, ctx.device_id, now)
    session.commit()
    identity = server_identity(session)
    return HandshakeResponse(
        protocol_version=PROTOCOL_VERSION,
        server_time=now,
        clock_offset_seconds=offset,
        clock_warning=abs(offset) > CLOCK_WARNING_SECONDS,
        device_id=UUID(ctx.device_id),
        last_seq=device.last_seq,
        cursor=commune.change_seq,
        commune_code=commune.code,
        leases=leases,
        limits=ServerLimits(),
        epoch=commune.epoch,
        marks=marks,
        drain_until=device.drain_until if is_draining(device) else None,
        source_id=identity.instance_id,
        server_key=identity.public_key,
    )


def recovery_handshake(session: Session, ctx: AuthContext, body: HandshakeRequest) -> tuple[Commune, Device]:
    """Notice a rewound server and absorb the PC's report (under the commune lock when writing)."""
    commune = session.get_one(Commune, ctx.commune_id)
    device = session.get_one(Device, ctx.device_id)
    rewound = body.epoch == commune.epoch and (
        body.seen_cursor > commune.change_seq or body.confirmed_seq > device.last_seq
    )
    if body.report is None and not rewound:
        return commune, device
    commune = lock_commune(session, ctx.commune_id)
    session.refresh(device)
    notice_rewind(session, commune, device, body)
    if body.report is not None:
        absorb_report(session, ctx.commune_id, ctx.device_id, body.report)
    session.flush()
    return commune, device


@router.post("/push", response_model=PushResponse, responses=_AUTH_ERRORS)
async def push(
    body: ReceivedPush, request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Apply a batch of this device's operations exactly once each (each checked on its own)."""
    # The busiest endpoint: token lookup, batch and commit run in one worker thread (one
    # hand-off per request instead of one per dependency; the body is validated on the loop).
    sessions: sessionmaker[Session] = request.app.state.sessions
    method, path = request.method, request.url.path

    def apply() -> str:
        with sessions() as session:
            ctx = resolve_context(session, authorization, method, path)
            response = PushBatch(session, ctx).run(body.ops, body.skip_to)
            session.commit()
            return response.model_dump_json()

    return Response(await run_in_threadpool(apply), media_type="application/json")


@router.post("/devices/self/drained", status_code=204, responses=_AUTH_ERRORS)
def drained(ctx: ContextDep, session: SessionDep) -> Response:
    """A device revoked with a drain has delivered its work: it is now refused for good and
    its leases are released (their unused numbers become gaps). A no-op for other devices."""
    device = session.get_one(Device, ctx.device_id)
    if device.revoked_at is not None and device.drained_at is None:
        now = utcnow()
        device.drained_at = now
        release_leases(session, device.id, now)
        session.commit()
    return Response(status_code=204)


@router.get("/pull", response_model=PullResponse, responses=_AUTH_ERRORS)
def pull(
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """Changes of the caller's commune with change seq > ``after``, oldest first.

    A stored row that cannot be written as JSON (left by an older server) is
    skipped, logged and counted (``app.state.pull_skips``), never a failed
    page: ``city-server check --repair`` repairs it.
    """
    skips: SkipCounter = request.app.state.pull_skips
    rows = session.scalars(
        select(Record)
        .where(Record.commune_id == ctx.commune_id, Record.change_seq > after)
        .order_by(Record.change_seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    changes = []
    for row in page:
        text = change_json(row)
        if text is None:
            skips.add(ctx.commune_id)
            log.warning(
                "pull: skipped unserialisable record %s of commune %s (%s so far; run city-server check)",
                row.id,
                ctx.commune_id,
                skips.total,
            )
        else:
            changes.append(text)
    cursor = page[-1].change_seq if page else after
    body = (
        f'{{"changes":[{",".join(changes)}],"cursor":{cursor},"has_more":{str(len(rows) > limit).lower()}}}'
    )
    return Response(body, media_type="application/json")


@router.post("/leases", response_model=Lease, responses={**_AUTH_ERRORS, 400: {}, 409: {}})
def request_lease(body: LeaseRequest, ctx: ContextDep, session: SessionDep) -> Lease:
    """Lease a dossier-code counter slot or a block of register numbers to this device."""
    release_ended_drains(session, ctx.commune_id)
    lease = grant_lease(session, ctx.commune_id, ctx.device_id, body)
    session.commit()
    return lease


@router.get("/leases", response_model=LeaseList, responses=_AUTH_ERRORS)
def list_leases(ctx: ContextDep, session: SessionDep) -> LeaseList:
    """The leases this device holds."""
    rows = active_leases(session, ctx.commune_id, ctx.device_id)
    return LeaseList(leases=[lease_to_wire(r) for r in rows])


@router.get("/numbers/gaps", response_model=GapReport, responses=_AUTH_ERRORS)
def number_gaps(ctx: ContextDep, session: SessionDep) -> GapReport:
    """Unused, unvoided register numbers below each series' highest used number."""
    return GapReport(gaps=find_gaps(session, ctx.commune_id))


def create_app(
    db_url: str | None = None,
    *,
    engine: Engine | None = None,
    run_migrations: bool = True,
    throttle: LoginThrottle | None = None,
    snapshot_dir: Path | None = None,
) -> FastAPI:
    """Build the ASGI app on ``engine`` or a new engine for ``db_url``.

    Migrations run first unless ``run_migrations`` is false (e.g. uvicorn
    workers after ``city-server init``). ``throttle`` replaces the default
    failed-login limits (its counters are in the database either way).
    ``snapshot_dir`` keeps the communes' snapshots (default: a private
    temporary folder made on the first snapshot request).
    """
    if engine is None:
        if db_url is None:
            raise ValueError("give db_url or engine")
        engine = make_engine(db_url)
    if run_migrations:
        migrate(engine)
    app = FastAPI(
        title="CommuneDesk city server",
        version=f"{PROTOCOL_VERSION}.0",
        description="Reference server of the CommuneDesk sync protocol. See docs/protocol.md.",
    )
    serve_protocol(app, engine, session_factory(engine), throttle or LoginThrottle(engine))
    app.state.snapshots = snapshot.SnapshotCache(snapshot_dir)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(devices.router, prefix=API_PREFIX)
    app.include_router(router, prefix=API_PREFIX)
    app.include_router(blobs.router, prefix=API_PREFIX)
    app.include_router(snapshot.router, prefix=API_PREFIX)
    app.include_router(office.router, prefix=API_PREFIX)
    app.include_router(relay_api.router, prefix=API_PREFIX)
    add_protocol_middleware(app)
    return app


def serve_protocol(
    app: FastAPI, engine: Engine, sessions: sessionmaker[Session], throttle: LoginThrottle
) -> None:
    """What the protocol's routes read from ``app.state``, and its error replies: the city
    server and the office relay (``relay/app.py``) set them up here, so neither lacks one."""
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.read_sessions = read_session_factory(engine)
    app.state.pull_skips = SkipCounter()
    app.state.throttle = throttle
    install_error_handlers(app)


def add_protocol_middleware(app: FastAPI) -> None:
    """Body limit (blob chunks streamed: a cut keeps what arrived), gzip, concurrency limit."""
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES, stream_prefixes=(f"{API_PREFIX}/blobs/",)
    )
    app.add_middleware(
        SelectiveGZipMiddleware,
        skip_prefixes=(f"{API_PREFIX}/blobs", f"{API_PREFIX}/snapshot"),
        minimum_size=1024,
    )
    # Outermost: at most as many requests inside as the engine has connections.
    app.add_middleware(ConcurrencyLimitMiddleware, limit=POOL_SIZE)
