"""Content-addressed blob upload with resume, hash verification and ranged download.

A blob belongs to one commune: the same content uploaded by two communes is
stored twice, so knowing a hash never opens another commune's file. Bytes are
stored as chunks in the database (no shared folder to configure); a chunk is
appended only at the offset the server already has, so an interrupted upload
resumes from ``received``. A chunk request cut mid-body keeps the part
that arrived.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from city_server.auth import AuthContext, ContextDep, SessionDep
from city_server.errors import ApiError
from city_server.models import Blob, BlobChunk, utcnow
from city_server.routing import ProtocolRoute
from commune_desk.protocol import (
    MAX_BLOB_BYTES,
    MAX_CHUNK_BYTES,
    SHA256_PATTERN,
    BlobStartRequest,
    BlobStatus,
    ErrorKind,
)

router = APIRouter(tags=["blobs"], route_class=ProtocolRoute)
Sha = Annotated[str, Path(pattern=SHA256_PATTERN, description="SHA-256, lower-case hex")]
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 404: {}, 409: {}, 413: {}, 416: {}, 422: {}}


def _status(blob: Blob) -> BlobStatus:
    return BlobStatus(sha256=blob.sha256, size=blob.size, received=blob.received, complete=blob.complete)


def _find(session: Session, ctx: AuthContext, sha: str, *, lock: bool = False) -> Blob:
    query = select(Blob).where(Blob.commune_id == ctx.commune_id, Blob.sha256 == sha)
    blob = session.scalar(query.with_for_update() if lock else query)
    if blob is None:
        raise ApiError(404, ErrorKind.NOT_FOUND, "no such blob")
    return blob


@router.post("/blobs/{sha256}", response_model=BlobStatus, responses=_ERRORS)
def start_upload(sha256: Sha, body: BlobStartRequest, ctx: ContextDep, session: SessionDep) -> BlobStatus:
    """Announce a blob (idempotent, also when two devices announce it at once).

    The size is a claim, not a fact: until the bytes are complete and hash to
    ``sha256`` the latest claim is adopted (keeping the bytes received so far
    when they fit), so one device's wrong claim never blocks the blob. Once
    complete, the bytes have proved the size and another claim is refused.
    """
    _insert_if_absent(session, ctx.commune_id, sha256, body.size)
    blob = _find(session, ctx, sha256, lock=True)
    if blob.size != body.size:
        if blob.complete:
            raise ApiError(409, ErrorKind.SIZE_MISMATCH, "blob announced with another size", size=blob.size)
        if blob.received > body.size:
            session.execute(delete(BlobChunk).where(BlobChunk.blob_id == blob.id))
            blob.received = 0
        blob.size = body.size
    session.commit()
    return _status(blob)


def _insert_if_absent(session: Session, commune_id: int, sha: str, size: int) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: concurrent first announces never collide."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {"commune_id": commune_id, "sha256": sha, "size": size, "received": 0, "complete": False}
    session.execute(
        insert(Blob)
        .values(created_at=utcnow(), **values)
        .on_conflict_do_nothing(index_elements=["commune_id", "sha256"])
    )


@router.get("/blobs/{sha256}/status", response_model=BlobStatus, responses=_ERRORS)
def upload_status(sha256: Sha, ctx: ContextDep, session: SessionDep) -> BlobStatus:
    """How many bytes of the blob the server holds."""
    return _status(_find(session, ctx, sha256))


def _append(session: Session, ctx: AuthContext, sha: str, offset: int, data: bytes) -> BlobStatus:
    blob = _find(session, ctx, sha, lock=True)
    if blob.complete:
        return _status(blob)
    if offset != blob.received:
        raise ApiError(
            409, ErrorKind.OFFSET_MISMATCH, "resume from the server's offset", received=blob.received
        )
    if offset + len(data) > blob.size:
        raise ApiError(422, ErrorKind.SIZE_MISMATCH, "chunk goes past the announced size", size=blob.size)
    if data:
        session.add(BlobChunk(blob_id=blob.id, offset=offset, data=data))
        blob.received = offset + len(data)
    if blob.received == blob.size:
        digest = hashlib.sha256()
        for chunk in session.scalars(
            select(BlobChunk.data).where(BlobChunk.blob_id == blob.id).order_by(BlobChunk.offset)
        ):
            digest.update(chunk)
        if digest.hexdigest() != blob.sha256:
            session.execute(delete(BlobChunk).where(BlobChunk.blob_id == blob.id))
            blob.received = 0
            session.commit()
            raise ApiError(
                422, ErrorKind.HASH_MISMATCH, "content does not match its SHA-256; the upload was discarded"
            )
        blob.complete = True
    session.commit()
    return _status(blob)


@router.put(
    "/blobs/{sha256}",
    response_model=BlobStatus,
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_chunk(
    request: Request,
    sha256: Sha,
    ctx: ContextDep,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_BLOB_BYTES)],
) -> BlobStatus:
    """Append the request body at ``offset`` (must equal the server's ``received``).

    What arrived before the connection broke is kept: on a link that keeps cutting,
    a client can send large requests and, after a cut, resume from ``received``
    instead of paying a round trip for every small chunk. The body arrives through
    :class:`~city_server.middleware.BodyLimitMiddleware`'s streamed path, which
    reads it while the request is authenticated and hands over every byte that
    arrived before a disconnect; it is stored in one piece (at most
    ``MAX_CHUNK_BYTES``) when it is complete or cut.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_CHUNK_BYTES:
        raise ApiError(413, ErrorKind.BODY_TOO_LARGE, "chunk too large", max_chunk_bytes=MAX_CHUNK_BYTES)
    # The auth check's transaction is not held while the body crosses a slow link
    # (on SQLite it would hold the write lock, stalling every other commune's push).
    await run_in_threadpool(session.rollback)
    body = bytearray()
    try:
        async for piece in request.stream():
            if len(body) + len(piece) > MAX_CHUNK_BYTES:
                raise ApiError(
                    413, ErrorKind.BODY_TOO_LARGE, "chunk too large", max_chunk_bytes=MAX_CHUNK_BYTES
                )
            body += piece
    except ClientDisconnect:
        # The link broke mid-body: keep what arrived; the client asks where to resume.
        # The reply below goes nowhere (the server drops it), but ends the request quietly.
        return await run_in_threadpool(_keep_partial, session, ctx, sha256, offset, bytes(body))
    return await run_in_threadpool(_append, session, ctx, sha256, offset, bytes(body))


def _keep_partial(session: Session, ctx: AuthContext, sha: str, offset: int, data: bytes) -> BlobStatus:
    """Store the bytes that arrived before a cut (nobody is left to tell of a refusal)."""
    try:
        return _append(session, ctx, sha, offset, data)
    except ApiError:
        session.rollback()
        return _status(_find(session, ctx, sha))


def _read_range(session: Session, blob: Blob, start: int, end: int) -> bytes:
    rows = session.execute(
        select(BlobChunk.offset, BlobChunk.data)
        .where(BlobChunk.blob_id == blob.id, BlobChunk.offset <= end)
        .order_by(BlobChunk.offset)
    ).all()
    out = bytearray()
    for chunk_offset, data in rows:
        lo, hi = max(start, chunk_offset), min(end + 1, chunk_offset + len(data))
        if lo < hi:
            out += data[lo - chunk_offset : hi - chunk_offset]
    return bytes(out)


@router.get(
    "/blobs/{sha256}",
    responses={200: {"content": {"application/octet-stream": {}}}, 206: {}, **_ERRORS},
    response_class=Response,
)
def download(
    sha256: Sha,
    ctx: ContextDep,
    session: SessionDep,
    range_: Annotated[str | None, Header(alias="range")] = None,
) -> Response:
    """The blob's bytes; honours one ``Range: bytes=a-b`` (206 Partial Content)."""
    blob = _find(session, ctx, sha256)
    if not blob.complete:
        raise ApiError(404, ErrorKind.NOT_FOUND, "blob upload is not complete")
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{blob.sha256}"'}
    if range_ is None:
        return Response(
            _read_range(session, blob, 0, blob.size - 1),
            media_type="application/octet-stream",
            headers=headers,
        )
    m = _RANGE_RE.match(range_.strip())
    if m is None or (not m[1] and not m[2]):
        raise ApiError(416, ErrorKind.RANGE_NOT_SATISFIABLE, "unsupported range", size=blob.size)
    if m[1]:
        start = int(m[1])
        end = min(int(m[2]), blob.size - 1) if m[2] else blob.size - 1
    else:
        start, end = max(blob.size - int(m[2]), 0), blob.size - 1
    if start >= blob.size or end < start:
        raise ApiError(416, ErrorKind.RANGE_NOT_SATISFIABLE, "range outside the blob", size=blob.size)
    headers["Content-Range"] = f"bytes {start}-{end}/{blob.size}"
    return Response(
        _read_range(session, blob, start, end),
        status_code=206,
        media_type="application/octet-stream",
        headers=headers,
    )
