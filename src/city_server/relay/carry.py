"""USB carry for an office relay: its pending operations to the city, the reply back.

``city-server carry export --db relay.sqlite3 --to DIR`` writes the relay's
pending operations (each with its counter's own signature), the attachments
they need and the sub-leases the city has not heard of, signed with the
relay's key. ``city-server carry import`` at the city applies them exactly
once for their own devices. ``city-server carry import-reply FILE --db
relay.sqlite3`` checks the reply with the city's key and stores the results
and the commune's changes, as a forwarder cycle would; twice is harmless.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from city_server.blobs import _read_range  # noqa: PLC2701
from city_server.models import Blob
from city_server.relay import office as office_mod
from city_server.relay.forwarder import store_mirror_page
from city_server.relay.view import rebuild
from city_server.relay_models import OP_DONE, OP_PENDING, RelayOp, RelayState, SubLease
from city_server.security import signature_valid
from commune_desk import protocol as p
from commune_desk.protocol.carry_files import (
    BundleError,
    read_bundle,
    save_bundle,
    signing_message,
    write_bundle,
)
from commune_desk.sync.device_key import DeviceKey


@dataclass(frozen=True)
class RelayImport:
    """What a reply did on the relay."""

    settled: int
    changes: int


def export_relay_bundle(sessions: sessionmaker[Session], to_dir: Path) -> Path:
    """Write the relay's pending work as one bundle signed with the relay's key."""
    with sessions() as session:
        ident = office_mod.identity(session)
        if ident is None:
            raise BundleError("carry_relay_not_registered")
        state = session.get(RelayState, 1)
        rows = list(session.scalars(select(RelayOp).where(RelayOp.state == OP_PENDING).order_by(RelayOp.id)))
        ops = [p.SignedOperation(op=p.Operation.model_validate(r.op), signature=r.signature) for r in rows]
        shas = sorted(
            {
                str(o.op.fields[p.FIELD_SHA256])
                for o in ops
                if isinstance(o.op.fields.get(p.FIELD_SHA256), str)
            }
        )
        files: dict[str, bytes] = {}
        for blob in session.scalars(select(Blob).where(Blob.sha256.in_(shas), Blob.complete.is_(True))):
            files[blob.sha256] = _read_range(session, blob, 0, blob.size - 1)
        transfers = [
            p.LeaseTransfer(series=s.series, first=s.first, last=s.last, device_id=uuid.UUID(s.device_id))
            for s in session.scalars(
                select(SubLease).where(SubLease.reported.is_(False)).order_by(SubLease.id)
            )
        ]
        key = DeviceKey.from_text(ident.private_key)
        export = p.CarryExport(
            bundle_id=uuid.uuid4(),
            created_at=datetime.now(UTC),
            device_id=uuid.UUID(ident.device_id),
            commune_code=ident.commune_code,
            source_id=state.city_source_id if state else None,
            cursor=state.city_cursor if state else 0,
            last_seq=0,
            ops=ops,
            blobs=[p.CarryBlob(sha256=sha, size=len(data)) for sha, data in files.items()],
            transfers=transfers,
        )
    manifest = p.canonical_json(export.model_dump(mode="json"))
    data = write_bundle(manifest, key.sign(signing_message(manifest)), files)
    name = f"communedesk-relay-{ident.device_id[:8]}-{export.created_at:%Y%m%d-%H%M%S}.cdcarry"
    return save_bundle(to_dir, name, data)


def import_relay_reply(sessions: sessionmaker[Session], data: bytes) -> RelayImport:
    """Store the city's results and changes carried back (verified first; idempotent)."""
    manifest, signature, blobs = read_bundle(data)
    try:
        reply = p.CarryReply.model_validate_json(manifest)
    except ValidationError:
        raise BundleError("carry_not_a_reply") from None
    with sessions() as session:
        ident = office_mod.identity(session)
        state = session.get(RelayState, 1)
        key = state.city_key if state else None
        if ident is None or not key:
            raise BundleError("carry_relay_no_city_key")
        if blobs or not signature_valid(key, signing_message(manifest), signature):
            raise BundleError("carry_tampered")
        if str(reply.device_id) != ident.device_id:
            raise BundleError("carry_other_device")
        by_op = {str(r.op_id): r for r in reply.results}
        touched: set[tuple[str, str]] = set()
        settled = 0
        for row in session.scalars(select(RelayOp).where(RelayOp.op_id.in_(list(by_op)))):
            result = by_op[row.op_id]
            if row.state == OP_PENDING and result.kind != p.ErrorKind.BLOB_INCOMPLETE:
                row.state, row.result = OP_DONE, result.model_dump(mode="json", exclude={"replayed"})
                touched.add((row.entity, row.entity_id))
                settled += 1
        for sub in session.scalars(select(SubLease).where(SubLease.reported.is_(False))):
            if any(
                lease.series == sub.series and lease.first <= sub.first and sub.last <= lease.last
                for lease in reply.leases
            ):
                continue  # still the relay's own at the city: not transferred
            sub.reported = True
        changes = 0
        if state is not None and state.city_source_id in (None, reply.source_id):
            touched |= store_mirror_page(session, reply.changes, reply.cursor)
            changes = len(reply.changes)
        rebuild(session, touched)
        session.commit()
    return RelayImport(settled=settled, changes=changes)
