"""``city-server carry import FILE --reply-to DIR``: a PC's work carried on a USB stick.

The bundle is checked completely before anything is written: its manifest
signature against the registered key of its device, each attachment's hash
and size, each operation's own signature. Then, in one transaction, its
attachments are stored, its operations applied in seq order exactly once (the
device's own rebase rule between operations of one record) and its lease
wishes granted. The reply (results, the commune's changes after the PC's
cursor, the device's leases and last seq) is signed with the server key.
Importing the same bundle again applies nothing and writes an equal reply.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from city_server.db import make_engine, migrate, session_factory
from city_server.errors import ApiError
from city_server.forwarded import SignedApplier, SignedItem
from city_server.identity import server_identity, signature_valid
from city_server.models import Blob, BlobChunk, Commune, Device, Record
from city_server.numbers import active_leases, grant_lease, lease_to_wire, lock_commune
from city_server.relay_api import move_range
from commune_desk import protocol as p
from commune_desk.messages import message
from commune_desk.protocol.carry_files import (
    BundleError,
    read_bundle,
    save_bundle,
    signing_message,
    write_bundle,
)

CHUNK = p.MAX_CHUNK_BYTES


def _device(session: Session, export: p.CarryExport) -> tuple[Device, Commune]:
    row = session.execute(
        select(Device, Commune)
        .join(Commune, Commune.id == Device.commune_id)
        .where(Device.id == str(export.device_id))
    ).first()
    if row is None or row[1].code != export.commune_code:
        raise BundleError("carry_unknown_device")
    device, commune = row
    if device.revoked_at is not None:
        raise BundleError("carry_device_revoked")
    if not device.public_key:
        raise BundleError("carry_no_device_key")
    return device, commune


def _verify(
    device: Device, export: p.CarryExport, manifest: bytes, signature: str, blobs: dict[str, bytes]
) -> None:
    """Everything about the bundle is checked before anything is written."""
    if not signature_valid(device.public_key or "", signing_message(manifest), signature):
        raise BundleError("carry_tampered")
    for blob in export.blobs:
        data = blobs.get(blob.sha256)
        if data is None or len(data) != blob.size or hashlib.sha256(data).hexdigest() != blob.sha256:
            raise BundleError("carry_blob_tampered")
    # Only an office relay carries its counters' (each signed) operations and its sub-leases.
    foreign = export.transfers or any(s.op.device_id != export.device_id for s in export.ops)
    if foreign and not device.is_relay:
        raise BundleError("carry_foreign_ops")


def _store_blobs(session: Session, commune_id: int, blobs: dict[str, bytes]) -> None:
    for sha, data in sorted(blobs.items()):
        blob = session.scalar(select(Blob).where(Blob.commune_id == commune_id, Blob.sha256 == sha))
        if blob is not None and blob.complete:
            continue
        if blob is None:
            blob = Blob(commune_id=commune_id, sha256=sha, size=len(data), received=0, complete=False)
            session.add(blob)
            session.flush()
        session.execute(delete(BlobChunk).where(BlobChunk.blob_id == blob.id))
        for offset in range(0, len(data), CHUNK):
            session.add(BlobChunk(blob_id=blob.id, offset=offset, data=data[offset : offset + CHUNK]))
        blob.size, blob.received, blob.complete = len(data), len(data), True
    session.flush()


def _changes(session: Session, commune_id: int, after: int) -> list[p.Change]:
    rows = session.scalars(
        select(Record)
        .where(Record.commune_id == commune_id, Record.change_seq > after)
        .order_by(Record.change_seq)
    )
    return [
        p.Change(
            seq=r.change_seq,
            entity=p.Entity(r.entity),
            entity_id=uuid.UUID(r.entity_id),
            version=r.version,
            deleted=r.deleted,
            fields={} if r.deleted else r.fields,
        )
        for r in rows
    ]


def import_bundle(session: Session, data: bytes) -> tuple[p.CarryReply, bytes]:
    """Apply a PC's bundle (once) and build the signed reply: (manifest, bundle bytes)."""
    manifest, signature, blobs = read_bundle(data)
    try:
        export = p.CarryExport.model_validate_json(manifest)
    except ValidationError:
        raise BundleError("carry_not_an_export") from None
    device, commune = _device(session, export)
    _verify(device, export, manifest, signature, blobs)
    identity = server_identity(session)
    commune = lock_commune(session, commune.id)
    _store_blobs(session, commune.id, {b.sha256: blobs[b.sha256] for b in export.blobs})
    for transfer in export.transfers:  # a relay's sub-leases, before the operations that use them
        try:
            move_range(session, commune.id, device.id, transfer)
        except ApiError:
            continue  # the operations using those numbers are refused, each on its own
    ordered = export.ops if device.is_relay else sorted(export.ops, key=lambda s: s.op.seq)
    items = [SignedItem(s.op, s.signature) for s in ordered]
    results = SignedApplier(session, commune, rebase=True).run(items)
    for wish in export.lease_wishes[:6]:
        try:
            grant_lease(session, commune.id, device.id, wish)
        except Exception:  # a wish the server cannot grant is simply not granted
            continue
    session.commit()
    session.refresh(device)
    after = export.cursor if export.source_id == identity.instance_id else 0
    reply = p.CarryReply(
        bundle_id=export.bundle_id,
        export_sha256=hashlib.sha256(data).hexdigest(),
        created_at=datetime.now(UTC),
        device_id=export.device_id,
        commune_code=commune.code,
        source_id=identity.instance_id,
        results=results,
        changes=_changes(session, commune.id, after),
        cursor=commune.change_seq,
        last_seq=device.last_seq,
        leases=[lease_to_wire(r) for r in active_leases(session, commune.id, device.id)],
    )
    body = p.canonical_json(reply.model_dump(mode="json"))
    return reply, write_bundle(body, identity.sign(signing_message(body)), {})


def carry_cli(args: argparse.Namespace) -> int:
    """``city-server carry import|export|import-reply`` (the last two on a relay's database)."""
    needs = {"import": ("file", "reply_to"), "export": ("to",), "import-reply": ("file",)}[args.action]
    missing = [name for name in needs if not getattr(args, name)]
    if missing:
        flags = ", ".join("FILE" if n == "file" else f"--{n.replace('_', '-')}" for n in missing)
        print(f"Thiếu {flags} cho carry {args.action}.", file=sys.stderr)
        return 2
    if args.action == "import":
        return import_cli(args.db, args.file, args.reply_to)
    from city_server.relay.carry import export_relay_bundle, import_relay_reply  # noqa: PLC0415

    engine = make_engine(args.db)
    migrate(engine)
    sessions = session_factory(engine)
    try:
        if args.action == "export":
            path = export_relay_bundle(sessions, Path(args.to))
            print(f"Đã ghi công việc chờ gửi của máy chủ nội bộ vào {path}")
        else:
            done = import_relay_reply(sessions, Path(args.file).read_bytes())
            print(f"Đã nhận kết quả của {done.settled} thao tác và {done.changes} thay đổi từ thành phố.")
    except BundleError as exc:
        print(message(exc.kind), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Không đọc hoặc ghi được tệp: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def import_cli(db_url: str, file: str, reply_to: str) -> int:
    """``carry import``: read FILE, apply it, write the reply into ``reply_to``."""
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = make_engine(db_url)
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            reply, bundle = import_bundle(session, data)
    except BundleError as exc:
        print(message(exc.kind), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    name = f"communedesk-tra-loi-{str(reply.device_id)[:8]}-{reply.created_at:%Y%m%d-%H%M%S}.cdcarry"
    out = save_bundle(Path(reply_to), name, bundle)
    applied = sum(1 for r in reply.results if not r.replayed and r.status is not p.OpStatus.REJECTED)
    replayed = sum(1 for r in reply.results if r.replayed)
    print(f"Đã nhận {len(reply.results)} thao tác ({applied} mới, {replayed} đã có trước đó).")
    print(f"Gói trả lời: {out}")
    return 0
