"""Applying a push batch: exactly-once results, per-field merge, dossier events, numbers.

One push request is one transaction holding the commune lock, so the change
sequence is allocated in commit order (a puller never skips a change) and
number checks cannot race. Each operation's outcome is stored under
``(device_id, seq)`` and ``op_id``; a replay returns the stored outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server.auth import AuthContext
from city_server.models import Blob, utcnow
from city_server.push_numbers import NumberBook
from city_server.push_store import PushStore, RecordRow, ResultRow
from city_server.roles import RoleCheck
from commune_desk.domain.dossier import DossierStatus, EventKind, next_status
from commune_desk.domain.errors import DomainError, IllegalTransition
from commune_desk.domain.numbers import REGISTER_BOOKS, parse_series
from commune_desk.protocol import (
    APPEND_ONLY,
    FIELD_CODE,
    FIELD_DOSSIER_ID,
    FIELD_EVENT_KIND,
    FIELD_NUMBER,
    FIELD_PROVISIONAL,
    FIELD_RESTORED,
    FIELD_SERIES,
    FIELD_SHA256,
    MAX_SAFE_INTEGER,
    RECORDS,
    Action,
    ConflictFields,
    ConflictResolutionFields,
    Entity,
    ErrorKind,
    FieldConflict,
    Operation,
    OpResult,
    OpStatus,
    PushResponse,
)
from commune_desk.protocol.text import printable
from commune_desk.protocol.validation import Refusal, fields_refusal, operation_refusal

_MISSING = object()
#: Refusals that may turn into an application later: never recorded under the op's seq.
NOT_YET = frozenset({ErrorKind.BLOB_INCOMPLETE, ErrorKind.UNKNOWN_DOSSIER, ErrorKind.UNKNOWN_RECORD})
#: Register entries: the books their ``series`` may name.
_REGISTER_KINDS = {e: RECORDS[e].series_kinds for e in (Entity.INCOMING_DOCUMENT, Entity.OUTGOING_DOCUMENT)}


@dataclass
class Outcome:
    """What applying one operation did (stored as its OpResult)."""

    status: OpStatus
    kind: ErrorKind | None = None
    message: str | None = None
    version: int | None = None
    assigned_number: int | None = None
    conflict_id: str | None = None


def _without_restored(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields without the restore marker (which the record rules do not know)."""
    return {k: v for k, v in fields.items() if k != FIELD_RESTORED} if FIELD_RESTORED in fields else fields


def _rejected(kind: ErrorKind, message: str) -> Outcome:
    return Outcome(OpStatus.REJECTED, kind, message)


def _is_number(value: object) -> bool:
    """A register number: an int in 1 .. 2**53-1 (fits the BIGINT columns and every JSON reader)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SAFE_INTEGER


def parse_operation(raw: Operation | dict[str, Any]) -> Operation | OpResult:
    """The operation, or the ``rejected`` answer to a JSON object that is not one.

    The answer names the op's ``op_id`` and ``seq`` when they can be read (the
    nil UUID and 0 otherwise), so the client can match it.
    """
    if isinstance(raw, Operation):
        return raw
    try:
        return Operation.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]["loc"][:1]
        kind = ErrorKind.UNKNOWN_ENTITY if first == ("entity",) else ErrorKind.INVALID_OPERATION
    op_id, seq = raw.get("op_id"), raw.get("seq")
    try:
        op_uuid = uuid.UUID(op_id) if isinstance(op_id, str) and len(op_id) <= 36 else uuid.UUID(int=0)
    except ValueError:
        op_uuid = uuid.UUID(int=0)
    return OpResult(
        op_id=op_uuid,
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= MAX_SAFE_INTEGER else 0,
        status=OpStatus.REJECTED,
        kind=kind,
        message=f"not an operation of protocol v1 ({printable(str(first))})",
    )


def _to_result(op: Operation, row: ResultRow, *, replayed: bool) -> OpResult:
    return OpResult(
        op_id=op.op_id,
        seq=op.seq,
        status=OpStatus(row.status),
        kind=row.kind,
        message=row.message,
        version=row.version,
        assigned_number=row.assigned_number,
        conflict_id=uuid.UUID(row.conflict_id) if row.conflict_id else None,
        replayed=replayed,
    )


class PushBatch:
    """Applies one device's batch inside one transaction (the caller commits)."""

    def __init__(self, session: Session, ctx: AuthContext) -> None:
        self.session = session
        self.ctx = ctx
        #: The op being applied gives back a record a restore of the database lost.
        self.restoring = False
        #: When this commune's history was last rewound (None: never).
        self.epoch_at: datetime | None = None
        self.store = PushStore(session, ctx.commune_id, ctx.device_id)
        self.numbers = NumberBook(self.store)
        self.roles = RoleCheck(session, ctx)
        self.records: dict[tuple[str, str], RecordRow | None] = {}
        self.seq = 0
        #: Why the protocol refuses an operation of the batch, by ``id()`` of the operation.
        self.refusals: dict[int, Refusal] = {}

    # -- batch -------------------------------------------------------------

    def run(self, raw_ops: Sequence[Operation | dict[str, Any]], skip_to: int | None = None) -> PushResponse:
        """Apply the operations in order and return one result per op, in request order.

        An operation that is not even well formed (``raw_ops`` holds its JSON
        object) is answered ``rejected`` and not stored; one whose fields break
        the protocol's rules is answered ``rejected`` (stored, so a replay gets
        the same answer) with nothing of it applied. Neither stops the batch.
        ``skip_to``: the device declares that the seqs below it it never
        delivered will never come (recorded in ``seq_skip``).
        """
        parsed = [parse_operation(raw) for raw in raw_ops]
        ops = [op for op in parsed if isinstance(op, Operation)]
        self.refusals = {
            id(op): refusal
            for op in ops
            if (refusal := operation_refusal(op.entity, op.action, _without_restored(op.fields)))
        }
        with self.session.no_autoflush:
            # Statements are batched: a few queries per push, not per operation.
            response = self._run(ops, skip_to)
        self.session.flush()  # series states a provisional number moved (ORM rows)
        if len(ops) < len(parsed):
            answered = iter(response.results)
            response.results = [op if isinstance(op, OpResult) else next(answered) for op in parsed]
        return response

    def _run(self, ops: list[Operation], skip_to: int | None) -> PushResponse:
        self.seq, self.epoch_at = self.store.lock_commune()
        dev = self.ctx.device_id
        last = self.store.last_seq()
        if skip_to is not None and skip_to > last + 1:
            self.store.skip = (last + 1, skip_to - 1)
            last = skip_to - 1
        stored_rows = self.store.stored_results([o.seq for o in ops], [str(o.op_id) for o in ops])
        by_seq = {r.seq: r for r in stored_rows if r.device_id == dev}
        by_op = {r.op_id: r for r in stored_rows}
        self._prefetch([op for op in ops if id(op) not in self.refusals])
        results: list[OpResult] = []
        for op in ops:
            if str(op.device_id) != dev:
                results.append(self._unstored(op, ErrorKind.DEVICE_MISMATCH, "op of another device"))
                continue
            stored = by_seq.get(op.seq)
            if stored is not None:
                if stored.op_id == str(op.op_id):
                    results.append(_to_result(op, stored, replayed=True))
                else:
                    # Two histories under one device id: an installation was copied.
                    results.append(self._unstored(op, ErrorKind.DEVICE_CLONED, "seq used by another op"))
                continue
            if str(op.op_id) in by_op:
                results.append(self._unstored(op, ErrorKind.OP_ID_REUSED, "op_id already used"))
                continue
            if op.seq != last + 1:
                # Seqs run 1, 2, 3 ... per device: no gap, never below one already recorded.
                if op.seq <= last:
                    results.append(self._unstored(op, ErrorKind.SEQ_REUSED, "seq below the last recorded"))
                else:
                    results.append(
                        self._unstored(op, ErrorKind.SEQ_GAP, f"expected seq {last + 1}", expected=last + 1)
                    )
                continue
            self.restoring = False
            outcome = self._apply(op)
            if outcome.kind in NOT_YET:
                # "Not yet", not "never" (the blob's bytes, or the record another PC sends
                # again after a restore, may still come): not recorded, so the same op can
                # come again at this seq.
                results.append(self._unstored(op, outcome.kind, outcome.message or ""))
                continue
            row = ResultRow(
                device_id=dev,
                seq=op.seq,
                op_id=str(op.op_id),
                status=outcome.status.value,
                kind=outcome.kind.value if outcome.kind else None,
                message=outcome.message[:500] if outcome.message else None,
                version=outcome.version,
                assigned_number=outcome.assigned_number,
                conflict_id=outcome.conflict_id,
            )
            self.store.results.append(row)
            by_seq[op.seq] = by_op[row.op_id] = row
            last = op.seq
            results.append(_to_result(op, row, replayed=False))
        self.store.write(self.records.values(), self.seq, last)
        return PushResponse(results=results, cursor=self.seq)

    def _unstored(
        self, op: Operation, kind: ErrorKind, message: str, *, expected: int | None = None
    ) -> OpResult:
        return OpResult(
            op_id=op.op_id,
            seq=op.seq,
            status=OpStatus.REJECTED,
            kind=kind,
            message=message,
            expected_seq=expected,
        )

    def _prefetch(self, ops: list[Operation]) -> None:
        """Load every record and number the batch refers to, in two queries."""
        keys: set[tuple[str, str]] = set()
        numbers: set[tuple[str, int]] = set()
        for op in ops:
            keys.add((op.entity.value, str(op.entity_id)))
            for name, entity in ((FIELD_DOSSIER_ID, Entity.DOSSIER), ("conflict_id", Entity.CONFLICT)):
                value = op.fields.get(name)
                if isinstance(value, str) and len(value) <= 36:
                    keys.add((entity.value, value))
            numbers |= self.numbers.keys_of(op.entity, op.fields)
        rows = self.store.records(keys)
        self.records.update(dict.fromkeys(keys))
        for rec in rows:
            self.records[(rec.entity, rec.entity_id)] = rec
        self.numbers.prefetch(numbers)

    # -- records -----------------------------------------------------------

    def _get(self, entity: str, entity_id: str) -> RecordRow | None:
        key = (entity, entity_id)
        if key not in self.records:
            found = self.store.records([key])
            self.records[key] = found[0] if found else None
        return self.records[key]

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def _create(
        self, entity: str, entity_id: str, fields: dict[str, Any], parent_id: str | None = None
    ) -> RecordRow:
        rec = RecordRow(
            entity=entity,
            entity_id=entity_id,
            version=1,
            deleted=False,
            fields=dict(fields),
            field_versions=dict.fromkeys(fields, 1),
            change_seq=self._next_seq(),
            parent_id=parent_id,
            updated_at=utcnow(),
        )
        self.store.new_records.append(rec)
        self.records[(entity, entity_id)] = rec
        return rec

    def _write(self, rec: RecordRow, changes: dict[str, Any], *, deleted: bool = False) -> None:
        rec.version += 1
        rec.fields = {**rec.fields, **changes}
        rec.field_versions = {**rec.field_versions, **dict.fromkeys(changes, rec.version)}
        rec.deleted = deleted
        rec.change_seq = self._next_seq()
        rec.updated_at = utcnow()
        rec.dirty = True

    def _conflict(
        self,
        op: Operation,
        kind: ErrorKind,
        target: Entity,
        target_id: str,
        server_version: int | None,
        fields: dict[str, FieldConflict],
    ) -> str:
        conflict_id = str(uuid.uuid4())
        body = ConflictFields(
            kind=kind.value,
            target_entity=target,
            target_entity_id=uuid.UUID(target_id),
            op_id=op.op_id,
            device_id=op.device_id,
            base_version=op.base_version,
            server_version=server_version,
            fields=fields,
        )
        self._create(Entity.CONFLICT.value, conflict_id, body.model_dump(mode="json"))
        return conflict_id

    # -- operations --------------------------------------------------------

    def _apply(self, op: Operation) -> Outcome:
        refusal = self.refusals.get(id(op))
        if refusal is not None:
            return _rejected(refusal.kind, refusal.message)
        if FIELD_RESTORED in op.fields:
            # A record given back after a restore: never an edit of one the server has.
            op = op.model_copy(update={"fields": _without_restored(op.fields)})
            existing = self._get(op.entity.value, str(op.entity_id))
            if existing is not None:
                return Outcome(OpStatus.DUPLICATE, version=existing.version)
            self.restoring = op.action is Action.CREATE and self._recovered()
        if role_refusal := self.roles.refusal(op):
            return _rejected(*role_refusal)
        if op.entity in APPEND_ONLY:
            if op.action is not Action.CREATE:
                return _rejected(ErrorKind.APPEND_ONLY, f"{op.entity} records are append-only")
            existing = self._get(op.entity.value, str(op.entity_id))
            if existing is not None:
                if existing.fields == op.fields:
                    return Outcome(OpStatus.DUPLICATE, version=existing.version)
                return _rejected(ErrorKind.APPEND_ONLY, "record exists with other fields")
            if op.entity is Entity.DOSSIER_EVENT:
                return self._event(op)
            if op.entity is Entity.NUMBER_VOID:
                return self._void(op)
            return self._resolution(op)
        if op.action is not Action.CREATE and op.base_version is None:
            return _rejected(ErrorKind.INVALID_FIELDS, "base_version is required")
        rec = self._get(op.entity.value, str(op.entity_id))
        if op.action is Action.DELETE:
            return self._delete(op, rec)
        if rec is None and op.action is Action.UPDATE:
            return _rejected(ErrorKind.UNKNOWN_RECORD, "no such record")
        if rec is not None and rec.deleted:
            return _rejected(ErrorKind.RECORD_DELETED, "record was deleted")
        fields, assigned, error = self._numbered_fields(op, rec)
        if error is not None:
            return error
        derived = RECORDS[op.entity].derived if op.entity in RECORDS else frozenset()
        if rec is not None and derived:
            # Derived from the event history on every PC: never merged as a value.
            fields = {k: v for k, v in fields.items() if k not in derived}
        if rec is None:
            rec = self._create(op.entity.value, str(op.entity_id), fields)
            self._take_numbers(op, fields)
            return Outcome(OpStatus.APPLIED, version=1, assigned_number=assigned)
        outcome = self._merge(op, rec, fields, op.base_version or 0)
        if outcome.status in (OpStatus.APPLIED, OpStatus.CONFLICT):
            self._take_numbers(op, rec.fields)
        return outcome

    def _merge(self, op: Operation, rec: RecordRow, fields: dict[str, Any], base: int) -> Outcome:
        applied: dict[str, Any] = {}
        conflicts: dict[str, FieldConflict] = {}
        for name, value in fields.items():
            current = rec.fields.get(name, _MISSING)
            if current is not _MISSING and current == value:
                continue
            if rec.field_versions.get(name, 0) > base:
                server = None if current is _MISSING else current
                conflicts[name] = FieldConflict(server=server, client=value)
            else:
                applied[name] = value
        if applied:
            self._write(rec, applied)
        if conflicts:
            cid = self._conflict(
                op, ErrorKind.FIELD_CONFLICT, op.entity, rec.entity_id, rec.version, conflicts
            )
            return Outcome(
                OpStatus.CONFLICT,
                ErrorKind.FIELD_CONFLICT,
                f"fields changed on the server: {', '.join(sorted(conflicts))}",
                version=rec.version,
                conflict_id=cid,
            )
        return Outcome(OpStatus.APPLIED if applied else OpStatus.DUPLICATE, version=rec.version)

    def _delete(self, op: Operation, rec: RecordRow | None) -> Outcome:
        if rec is None:
            return _rejected(ErrorKind.UNKNOWN_RECORD, "no such record")
        if rec.deleted:
            return Outcome(OpStatus.DUPLICATE, version=rec.version)
        base = op.base_version or 0
        changed = {
            n: FieldConflict(server=rec.fields.get(n), client=None)
            for n, v in rec.field_versions.items()
            if v > base
        }
        if changed:
            cid = self._conflict(
                op, ErrorKind.DELETE_CONFLICT, op.entity, rec.entity_id, rec.version, changed
            )
            return Outcome(
                OpStatus.CONFLICT,
                ErrorKind.DELETE_CONFLICT,
                "record changed on the server after the client's version",
                version=rec.version,
                conflict_id=cid,
            )
        self._write(rec, {}, deleted=True)
        return Outcome(OpStatus.APPLIED, version=rec.version)

    # -- numbers and blobs -------------------------------------------------

    def _numbered_fields(
        self, op: Operation, rec: RecordRow | None
    ) -> tuple[dict[str, Any], int | None, Outcome | None]:
        """Validate number-bearing fields; assign a provisional number. Returns fields to write."""
        fields = op.fields
        old = rec.fields if rec is not None else {}
        if op.entity is Entity.DOSSIER and FIELD_CODE in fields:
            if old.get(FIELD_CODE) is not None:
                if fields[FIELD_CODE] != old[FIELD_CODE]:
                    return fields, None, _rejected(ErrorKind.NUMBER_IMMUTABLE, "code is final")
            elif kind := self.numbers.check_code(
                fields[FIELD_CODE], str(op.entity_id), restored=self.restoring
            ):
                return fields, None, _rejected(kind, "dossier code refused")
        elif op.entity in _REGISTER_KINDS and (
            {FIELD_SERIES, FIELD_NUMBER, FIELD_PROVISIONAL} & fields.keys()
        ):
            if old.get(FIELD_NUMBER) is not None:
                same = all(fields.get(k, old.get(k)) == old.get(k) for k in (FIELD_SERIES, FIELD_NUMBER))
                if not same:
                    return fields, None, _rejected(ErrorKind.NUMBER_IMMUTABLE, "number is final")
                return {k: v for k, v in fields.items() if k != FIELD_PROVISIONAL}, None, None
            series = fields.get(FIELD_SERIES, old.get(FIELD_SERIES))
            try:
                kind_, _ = parse_series(series) if isinstance(series, str) else (None, None)
            except DomainError:
                kind_ = None
            if kind_ not in _REGISTER_KINDS[op.entity] or not isinstance(series, str):
                return fields, None, _rejected(ErrorKind.INVALID_FIELDS, "bad register series")
            number = fields.get(FIELD_NUMBER)
            if number is None and fields.get(FIELD_PROVISIONAL) is True:
                assigned = self.numbers.assign_provisional(series)
                fields = {**fields, FIELD_NUMBER: assigned, FIELD_PROVISIONAL: False}
                return fields, assigned, None
            if number is None:
                return fields, None, None
            if not _is_number(number):
                return fields, None, _rejected(ErrorKind.INVALID_FIELDS, "bad register number")
            assert isinstance(number, int)
            if kind := self.numbers.check_number(series, number, str(op.entity_id), restored=self.restoring):
                return fields, None, _rejected(kind, "register number refused")
        if op.entity is Entity.ATTACHMENT:
            sha = fields.get(FIELD_SHA256, old.get(FIELD_SHA256))
            if (rec is None or sha != old.get(FIELD_SHA256)) and not self._blob_complete(sha):
                return (
                    fields,
                    None,
                    _rejected(ErrorKind.BLOB_INCOMPLETE, "upload the blob before its metadata"),
                )
        return fields, None, None

    def _take_numbers(self, op: Operation, fields: dict[str, Any]) -> None:
        entity, entity_id = op.entity.value, str(op.entity_id)
        if op.entity is Entity.DOSSIER and isinstance(fields.get(FIELD_CODE), str):
            self.numbers.take_code(fields[FIELD_CODE], entity, entity_id)
        elif op.entity in _REGISTER_KINDS and isinstance(fields.get(FIELD_NUMBER), int):
            self.numbers.take_number(fields[FIELD_SERIES], fields[FIELD_NUMBER], entity, entity_id)

    def _recovered(self) -> bool:
        """Whether this commune's history was ever rewound (only then are records given back)."""
        return self.epoch_at is not None

    def _blob_complete(self, sha: object) -> bool:
        if not isinstance(sha, str):
            return False
        return bool(
            self.session.scalar(
                select(Blob.complete).where(Blob.commune_id == self.ctx.commune_id, Blob.sha256 == sha)
            )
        )

    # -- append-only entities ----------------------------------------------

    def _event(self, op: Operation) -> Outcome:
        dossier_id = op.fields.get(FIELD_DOSSIER_ID)
        try:
            dossier_id = str(uuid.UUID(str(dossier_id)))
        except ValueError:
            return _rejected(ErrorKind.INVALID_FIELDS, "dossier_id must be a UUID")
        try:
            event = EventKind(str(op.fields.get(FIELD_EVENT_KIND)))
        except ValueError:
            return _rejected(ErrorKind.UNKNOWN_EVENT_KIND, "unknown event kind")
        dossier = self._get(Entity.DOSSIER.value, dossier_id)
        if dossier is None or dossier.deleted:
            return _rejected(ErrorKind.UNKNOWN_DOSSIER, "no such dossier")
        current = DossierStatus(dossier.status) if dossier.status is not None else None
        try:
            new_status = next_status(current, event)
        except IllegalTransition as exc:
            conflict = {
                "status": FieldConflict(server=dossier.status, client=event.value),
                "event": FieldConflict(server=None, client=op.fields),
            }
            cid = self._conflict(
                op, ErrorKind.ILLEGAL_TRANSITION, Entity.DOSSIER, dossier_id, dossier.version, conflict
            )
            return Outcome(OpStatus.CONFLICT, ErrorKind.ILLEGAL_TRANSITION, str(exc), conflict_id=cid)
        self._create(op.entity.value, str(op.entity_id), op.fields, parent_id=dossier_id)
        dossier.status = int(new_status)
        dossier.dirty = True
        return Outcome(OpStatus.APPLIED, version=1)

    def _void(self, op: Operation) -> Outcome:
        series, number = op.fields.get(FIELD_SERIES), op.fields.get(FIELD_NUMBER)
        try:
            kind, _ = parse_series(series) if isinstance(series, str) else (None, None)
        except DomainError:
            kind = None
        if kind not in REGISTER_BOOKS or not _is_number(number):
            return _rejected(ErrorKind.INVALID_FIELDS, "void needs a register series and number")
        assert isinstance(series, str) and isinstance(number, int)
        if error := self.numbers.void(series, number, str(op.entity_id)):
            return _rejected(error, "cannot void this number")
        self._create(op.entity.value, str(op.entity_id), op.fields)
        return Outcome(OpStatus.APPLIED, version=1)

    def _resolution(self, op: Operation) -> Outcome:
        try:
            body = ConflictResolutionFields.model_validate(op.fields)
        except ValidationError:
            return _rejected(ErrorKind.INVALID_FIELDS, "bad conflict resolution")
        conflict = self._get(Entity.CONFLICT.value, str(body.conflict_id))
        if conflict is None:
            return _rejected(ErrorKind.UNKNOWN_CONFLICT, "no such conflict")
        if conflict.fields.get("status") == "resolved":
            return _rejected(ErrorKind.CONFLICT_ALREADY_RESOLVED, "conflict already resolved")
        info = ConflictFields.model_validate(conflict.fields)
        if body.chosen:
            target = self._get(info.target_entity.value, str(info.target_entity_id))
            if target is None or target.deleted:
                return _rejected(ErrorKind.RECORD_DELETED, "the conflicting record is gone")
            if {FIELD_CODE, FIELD_SERIES, FIELD_NUMBER} & body.chosen.keys():
                return _rejected(ErrorKind.NUMBER_IMMUTABLE, "numbers cannot be chosen")
            rules = RECORDS.get(info.target_entity)
            refusal = fields_refusal(rules, body.chosen) if rules is not None else None
            if refusal is not None:
                return _rejected(refusal.kind, f"chosen value refused: {refusal.message}")
            changes = {k: v for k, v in body.chosen.items() if target.fields.get(k, _MISSING) != v}
            if changes:
                self._write(target, changes)
        by = op.actor or self.ctx.username  # the person on the PC, checked by RoleCheck
        resolution = self._create(op.entity.value, str(op.entity_id), {**op.fields, "resolved_by": by})
        self._write(
            conflict,
            {"status": "resolved", "resolution_id": str(op.entity_id), "resolved_by": by},
        )
        return Outcome(OpStatus.APPLIED, version=resolution.version)
