"""Snapshots of a commune for the first pull of a new PC (``GET /v1/snapshot``).

A snapshot (format in :mod:`commune_desk.protocol.snapshot`) holds every live
record of the commune up to a change sequence, read in one consistent
transaction (repeatable read on PostgreSQL, one deferred transaction on
SQLite), as rows already in the PC's stored form with their search keys. The
PC copies it into its store and then pulls pages after its ``cursor``, so the
pull's rules (cursor, tombstones, later changes) are unchanged.

Built snapshots are kept per commune (gzip, named by commune, epoch and
cursor) and served again as the commune moves on (a PC pages through the
rest); once it is :data:`REUSE_CHANGES` changes behind, a newer one is built
in the background. The file never
changes once written, so a cut download resumes with ``Range`` and
``If-Range`` (the ETag is the file's SHA-256).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlalchemy import Connection, Engine, Text, cast, select

from city_server.auth import ContextDep
from city_server.db import BEGIN_MODE
from city_server.identity import server_identity
from city_server.models import Commune, Record
from city_server.routing import ProtocolRoute
from commune_desk.protocol import Entity
from commune_desk.protocol import snapshot as snap
from commune_desk.protocol.validation import change_refusal

log = logging.getLogger(__name__)
router = APIRouter(tags=["sync"], route_class=ProtocolRoute)

#: A built snapshot is served again while its commune has fewer new changes than this.
REUSE_CHANGES = 5000
#: Response headers: the change sequence the snapshot is complete up to, and its digest.
CURSOR_HEADER = "X-Snapshot-Cursor"
SHA256_HEADER = "X-Snapshot-Sha256"
_BULK = frozenset(snap.BULK_ENTITIES)


@dataclass(frozen=True)
class BuiltSnapshot:
    """A compressed snapshot file on the server's disk."""

    path: Path
    sha256: str
    meta: snap.SnapshotMeta


def _consistent(engine: Engine) -> Connection:
    """A connection whose reads all see one state of the database."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ")
    return engine.connect().execution_options(**{BEGIN_MODE: "DEFERRED"})


#: Escapes a control character or a surrogate shows as in JSON text (every JSON writer
#: escapes control characters; non-ASCII text shows as other ``\\u`` escapes or as itself).
_SUSPECT = re.compile(r"\\(?:u00[0189]|u007[fF]|u[dD][89abAB]|[bfnrt])")
#: The same characters unescaped (C1 controls and DEL travel raw in JSON written without
#: ``ensure_ascii``, PostgreSQL's ``jsonb`` text among them).
_RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def write_snapshot(engine: Engine, commune_id: int, source_id: str, target: Path) -> snap.SnapshotMeta:
    """Write the commune's live records (one consistent read) as an uncompressed snapshot."""
    writer = snap.SnapshotWriter(target)
    try:
        with _consistent(engine) as conn, conn.begin():
            code, epoch, cursor = conn.execute(
                select(Commune.code, Commune.epoch, Commune.change_seq).where(Commune.id == commune_id)
            ).one()
            events = _write_records(conn, writer, commune_id, cursor)
        dossiers = {row[3] for row in writer.rows[Entity.DOSSIER]}
        for seq, entity_id, version, fields in events:
            if fields.get("dossier_id") in dossiers:
                _add(writer, Entity.DOSSIER_EVENT, seq, entity_id, version, fields)
            else:  # its dossier is gone: the PC parks it as a pull does
                writer.add_change(seq, _change_text(Entity.DOSSIER_EVENT, seq, entity_id, version, fields))
        meta = snap.SnapshotMeta(
            commune_code=code,
            epoch=epoch,
            source_id=source_id,
            cursor=int(cursor),
            records=writer.count,
            built_at=datetime.now(UTC).isoformat(),
        )
        writer.finish(meta)
    except BaseException:
        writer.abort()
        raise
    return meta


def _write_records(
    conn: Connection, writer: snap.SnapshotWriter, commune_id: int, cursor: int
) -> list[tuple[int, str, int, dict[str, Any]]]:
    """Add every live record up to ``cursor``; return the dossier events (placed last).

    Values are not validated again here (every push was); a value that is not
    of its field's type goes as a ``change``, so the PC refuses it as a pull
    would, and the PC checks the tables' types before copying them.
    """
    events: list[tuple[int, str, int, dict[str, Any]]] = []
    query = (
        select(Record.change_seq, Record.entity, Record.entity_id, Record.version, cast(Record.fields, Text))
        .where(Record.commune_id == commune_id, Record.change_seq <= cursor, Record.deleted.is_(False))
        .order_by(Record.change_seq)
    )
    for seq, name, entity_id, version, text in conn.execution_options(yield_per=5000).execute(query):
        try:
            fields = json.loads(text)  # the driver's JSON type would parse it more slowly
        except (TypeError, ValueError, RecursionError):
            continue
        try:
            entity = Entity(name)
        except ValueError:
            continue
        if not isinstance(fields, dict) or not _UUID.fullmatch(entity_id):
            continue  # a pull skips it too; `city-server check` repairs it
        if not _acceptable(entity, text, fields):
            continue
        if entity is Entity.DOSSIER_EVENT:
            events.append((seq, entity_id, version, fields))
        elif entity in _BULK:
            _add(writer, entity, seq, entity_id, version, fields)
        else:
            writer.add_change(seq, _change_text(entity, seq, entity_id, version, fields))
    return events


def _acceptable(entity: Entity, text: str, fields: dict[str, Any]) -> bool:
    """False for a record a PC's pull refuses outright (its page check skips it).

    Only JSON text with an escape that can stand for a control character or a
    surrogate (or with NaN) is checked with the protocol's full rules: every
    other value is plain text, and the PC checks types and lengths in SQL.
    """
    raw = "\x7f" in text or (not text.isascii() and _RAW_CONTROL.search(text) is not None)
    if not raw and _SUSPECT.search(text) is None and "NaN" not in text and "Infinity" not in text:
        return True
    try:
        json.dumps(fields, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return change_refusal(entity, fields) is None


def _add(
    writer: snap.SnapshotWriter,
    entity: Entity,
    seq: int,
    entity_id: str,
    version: int,
    fields: dict[str, Any],
) -> None:
    """A bulk row, or a ``change`` when a value is not of its field's type."""
    try:
        writer.add_row(entity, seq, entity_id, version, fields)
    except (ValueError, TypeError, AttributeError):
        writer.add_change(seq, _change_text(entity, seq, entity_id, version, fields))


def _change_text(entity: Entity, seq: int, entity_id: str, version: int, fields: dict[str, Any]) -> str:
    """The pull ``Change`` of a live record as JSON (as ``records.change_json`` writes it)."""
    change = {
        "seq": seq,
        "entity": entity.value,
        "entity_id": entity_id,
        "version": version,
        "deleted": False,
        "fields": fields,
    }
    return json.dumps(change, ensure_ascii=False, separators=(",", ":"))


class SnapshotCache:
    """The newest built snapshot of each commune, on disk; one build at a time per commune."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._building: dict[int, threading.Lock] = {}
        self._newest: dict[int, BuiltSnapshot] = {}
        self._previous: dict[int, BuiltSnapshot] = {}

    @property
    def directory(self) -> Path:
        """Where snapshot files are kept (a private temporary folder unless configured)."""
        with self._lock:
            if self._directory is None:
                self._directory = Path(tempfile.mkdtemp(prefix="city-snapshots-"))
            self._directory.mkdir(parents=True, exist_ok=True)
            return self._directory

    def get(self, engine: Engine, commune_id: int) -> BuiltSnapshot:
        """A snapshot of the commune to serve now.

        The newest one of the commune's epoch is served even when the commune
        has moved on (the PC pages the rest); when it is :data:`REUSE_CHANGES`
        behind, a newer one is built in the background for the next PC. A
        commune that has none yet waits for its first build.
        """
        with self._lock:
            building = self._building.setdefault(commune_id, threading.Lock())
        with engine.connect() as conn:
            epoch, change_seq = conn.execute(
                select(Commune.epoch, Commune.change_seq).where(Commune.id == commune_id)
            ).one()
        cached = self._newest.get(commune_id)
        if cached is not None and cached.path.exists() and cached.meta.epoch == epoch:
            if change_seq - cached.meta.cursor >= REUSE_CHANGES and not building.locked():
                threading.Thread(
                    target=self._refresh, args=(engine, commune_id), name="snapshot-build", daemon=True
                ).start()
            return cached
        with building:
            cached = self._newest.get(commune_id)
            if cached is not None and cached.path.exists() and cached.meta.epoch == epoch:
                return cached  # built by the request this one waited for
            return self._build(engine, commune_id)

    def _refresh(self, engine: Engine, commune_id: int) -> None:
        building = self._building[commune_id]
        if not building.acquire(blocking=False):
            return
        try:
            self._build(engine, commune_id)
        except Exception:  # a failed background build leaves the older snapshot in service
            log.exception("snapshot of commune %s: background build failed", commune_id)
        finally:
            building.release()

    def _build(self, engine: Engine, commune_id: int) -> BuiltSnapshot:
        """Build now (the caller holds the commune's build lock).

        The file served until now stays one generation longer: a request that
        was just handed it has not opened it yet (a download under way keeps
        its open file anyway).
        """
        built = build(engine, commune_id, self.directory)
        older = self._previous.get(commune_id)
        if older is not None and older.path != built.path:
            older.path.unlink(missing_ok=True)
            older.path.with_name(older.path.name + ".sha256").unlink(missing_ok=True)
        cached = self._newest.get(commune_id)
        if cached is not None and cached.path != built.path:
            self._previous[commune_id] = cached
        self._newest[commune_id] = built
        return built


def build(engine: Engine, commune_id: int, directory: Path) -> BuiltSnapshot:
    """Build and compress a snapshot of the commune into ``directory``."""
    return write_file(engine, commune_id, directory / "commune-{commune}-{epoch}-{cursor}.snapshot.gz")


def write_file(engine: Engine, commune_id: int, target: Path) -> BuiltSnapshot:
    """Build the commune's snapshot into ``target`` (gzip; ``{commune}``, ``{epoch}`` and
    ``{cursor}`` in its name are filled in) and its digest into ``<target>.sha256``."""
    from sqlalchemy.orm import Session

    with Session(engine.execution_options(**{BEGIN_MODE: "DEFERRED"})) as session:
        source_id = server_identity(session).instance_id
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = target.parent / f"building-{commune_id}-{uuid.uuid4().hex}.sqlite3"
    try:
        meta = write_snapshot(engine, commune_id, source_id, raw)
        final = target.with_name(target.name.format(commune=commune_id, epoch=meta.epoch, cursor=meta.cursor))
        partial = final.with_name(final.name + ".part")
        sha256 = snap.compress(raw, partial, level=1)
        partial.replace(final)
        final.with_name(final.name + ".sha256").write_text(f"{sha256}  {final.name}\n", encoding="ascii")
    finally:
        raw.unlink(missing_ok=True)
    log.info(
        "snapshot of commune %s built: %d records up to change %d",
        meta.commune_code,
        meta.records,
        meta.cursor,
    )
    return BuiltSnapshot(final, sha256, meta)


@router.get("/snapshot", responses={401: {}, 404: {}, 416: {}})
def snapshot(request: Request, ctx: ContextDep) -> FileResponse:
    """The caller's commune as a snapshot file (gzip of a SQLite file; see docs/protocol.md).

    ``X-Snapshot-Cursor`` is the change sequence it is complete up to (pull
    after it), ``X-Snapshot-Sha256`` and the ETag the SHA-256 of the body.
    ``Range`` with ``If-Range`` resumes a cut download of the same file.
    """
    cache: SnapshotCache = request.app.state.snapshots
    built = cache.get(request.app.state.engine, ctx.commune_id)
    return FileResponse(
        built.path,
        media_type="application/octet-stream",
        headers={
            CURSOR_HEADER: str(built.meta.cursor),
            SHA256_HEADER: built.sha256,
            "ETag": f'"{built.sha256}"',
            "Cache-Control": "no-store",
        },
    )
