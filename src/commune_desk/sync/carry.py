"""USB carry on the PC: export pending work to a stick, import the city's reply (docs/relay.md).

Export writes every open operation (in seq order, each signed), the
attachments they need and the lease wishes into one bundle signed by the
device key; it changes nothing on the PC. Import checks the reply's signature
with the city's key (learnt at the last handshake) and that it is meant for
this PC, then applies results, leases and changes with the push and pull code
of a normal round; every step is idempotent, so importing twice is harmless.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select

from commune_desk import protocol as p
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.numbers import SeriesKind, series_key
from commune_desk.protocol.carry_files import (
    BundleError,
    read_bundle,
    save_bundle,
    signing_message,
    write_bundle,
)
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import Attachment, OutboxOp
from commune_desk.store.opening import Store
from commune_desk.store.outbox import OUTBOX_SEQ, counter_value
from commune_desk.store.settings import CARRY_IMPORTED, SYNC_SOURCE, get_setting, merge_office, put_setting
from commune_desk.sync.account import Account, device_key, load_account, vault_for
from commune_desk.sync.acknowledge import local_record
from commune_desk.sync.credentials import TokenVault
from commune_desk.sync.device_key import signature_valid
from commune_desk.sync.leases import BLOCK_SIZE, LOW_WATER, store_server_leases, unused_numbers
from commune_desk.sync.pull import OPEN_STATES, PageApplier
from commune_desk.sync.push import Pusher, PushReport, _to_wire, continue_after
from commune_desk.sync.relay_link import source_facts
from commune_desk.sync.state import load_state

SUFFIX = ".cdcarry"
#: Replies already imported (by the hash of their manifest), newest last.
_KEEP_IMPORTED = 200


@dataclass(frozen=True)
class ExportReport:
    """What ``carry export`` wrote."""

    path: Path
    operations: int
    attachments: int


@dataclass(frozen=True)
class ImportReport:
    """What ``carry import`` did."""

    already: bool
    settled: int = 0
    still_open: int = 0
    changes: int = 0
    quarantined: int = 0


def _account(store: Store) -> Account:
    account = load_account(store)
    if account is None:
        raise BundleError("carry_not_logged_in")
    return account


def export_bundle(
    store: Store, blobs: BlobStore, to_dir: Path, *, vault: TokenVault | None = None
) -> ExportReport:
    """Write this PC's pending work as one signed bundle in ``to_dir``."""
    account = _account(store)
    key = device_key(vault or vault_for(store, account), account.device_id)
    year = datetime.now(VN_TZ).year
    with store.read() as session:
        ops: list[p.SignedOperation] = []
        for row in session.scalars(
            select(OutboxOp).where(OutboxOp.state.in_(OPEN_STATES)).order_by(OutboxOp.seq)
        ):
            base = row.base_version
            if base is None and row.action != p.Action.CREATE:
                rec = local_record(session, row.entity, row.entity_id)
                base = rec.server_version if rec is not None else None
            op = _to_wire(row, base)
            ops.append(p.SignedOperation(op=op, signature=key.sign_operation(op)))
        shas = sorted(
            {
                str(o.op.fields[p.FIELD_SHA256])
                for o in ops
                if o.op.entity is p.Entity.ATTACHMENT and isinstance(o.op.fields.get(p.FIELD_SHA256), str)
            }
        )
        sizes = dict(
            session.execute(
                select(Attachment.sha256, Attachment.size).where(Attachment.sha256.in_(shas))
            ).all()
        )
        wishes = [
            p.LeaseRequest(series=s, size=BLOCK_SIZE)
            for s in (series_key(SeriesKind.INCOMING, year), series_key(SeriesKind.OUTGOING, year))
            if unused_numbers(session, s) < LOW_WATER
        ]
        facts = source_facts(session)
        state = load_state(session, account.device_id)
        on_city = facts.get("source_id") is not None and facts.get("source_id") == facts.get("city_source_id")
        last_seq = counter_value(session, OUTBOX_SEQ)
    files = {sha: blobs.read_bytes(sha) for sha in shas if blobs.exists(sha)}
    export = p.CarryExport(
        bundle_id=uuid.uuid4(),
        created_at=datetime.now(UTC),
        device_id=uuid.UUID(account.device_id),
        commune_code=account.commune_code,
        source_id=facts.get("city_source_id"),
        cursor=state.cursor if on_city else 0,
        last_seq=last_seq,
        ops=ops,
        blobs=[
            p.CarryBlob(sha256=sha, size=len(data))
            for sha, data in files.items()
            if sizes.get(sha, len(data)) == len(data)
        ],
        lease_wishes=wishes,
    )
    manifest = p.canonical_json(export.model_dump(mode="json"))
    data = write_bundle(manifest, key.sign(signing_message(manifest)), files)
    name = f"communedesk-{account.device_id[:8]}-{export.created_at:%Y%m%d-%H%M%S}{SUFFIX}"
    path = save_bundle(to_dir, name, data)
    return ExportReport(path=path, operations=len(ops), attachments=len(files))


def read_reply(store: Store, data: bytes) -> tuple[p.CarryReply, str]:
    """The verified reply and its manifest hash; BundleError (nothing changed) otherwise."""
    account = _account(store)
    manifest, signature, blobs = read_bundle(data)
    if blobs:
        raise BundleError("carry_tampered")
    try:
        reply = p.CarryReply.model_validate_json(manifest)
    except ValidationError:
        raise BundleError("carry_not_a_reply") from None
    with store.read() as session:
        key = source_facts(session).get("server_key")
    if not key:
        raise BundleError("carry_no_city_key")
    if not signature_valid(str(key), signing_message(manifest), signature):
        raise BundleError("carry_tampered")
    if str(reply.device_id) != account.device_id:
        raise BundleError("carry_other_device")
    return reply, hashlib.sha256(manifest).hexdigest()


def import_reply(store: Store, blobs: BlobStore, data: bytes) -> ImportReport:
    """Apply a verified reply: results, leases, changes. A second import changes nothing."""
    reply, digest = read_reply(store, data)
    account = _account(store)
    with store.read() as session:
        if digest in (get_setting(session, CARRY_IMPORTED) or []):
            return ImportReport(already=True)
    report = PushReport()
    by_op = {str(r.op_id): r for r in reply.results}
    with store.write.begin() as session:
        rows = list(
            session.scalars(
                select(OutboxOp)
                .where(OutboxOp.op_id.in_(list(by_op)), OutboxOp.state.in_(OPEN_STATES))
                .order_by(OutboxOp.seq)
            )
        )
        batch = [_to_wire(row, row.base_version) for row in rows]
        results = [by_op[str(w.op_id)] for w in batch]
        pusher = Pusher(store, blobs, None, device_id=account.device_id)  # type: ignore[arg-type]
        pusher._apply_results(session, list(zip(batch, results, strict=True)), report)
        continue_after(session, reply.last_seq)
        store_server_leases(session, reply.leases, datetime.now(UTC))
        slot = next((lease.slot for lease in reply.leases if lease.slot is not None), None)
        if slot is not None:
            merge_office(session, counter_slot=slot)
    changes = 0
    with store.write.begin() as session:
        facts = source_facts(session)
        state = load_state(session, account.device_id)
        if facts.get("source_id") in (None, reply.source_id):
            orphans: dict[str, list[p.Change]] = {}
            PageApplier(session, datetime.now(UTC)).apply(reply.changes, orphans)
            waiting = [c.seq for group in orphans.values() for c in group]
            state.cursor = max(state.cursor, min(waiting) - 1 if waiting else reply.cursor)
            facts.update(source_id=reply.source_id, city_source_id=reply.source_id, relay=False)
            put_setting(session, SYNC_SOURCE, facts)
            changes = len(reply.changes)
        imported = list(get_setting(session, CARRY_IMPORTED) or [])
        put_setting(session, CARRY_IMPORTED, (imported + [digest])[-_KEEP_IMPORTED:])
        open_left = len(list(session.scalars(select(OutboxOp.op_id).where(OutboxOp.state.in_(OPEN_STATES)))))
    return ImportReport(
        already=False,
        settled=report.applied + report.conflicts,
        still_open=open_left,
        changes=changes,
        quarantined=report.quarantined,
    )
