"""The database side of a push batch: a few Core statements instead of the ORM unit of work.

A batch reads what it needs up front (the commune row locked, the device's
last seq, stored results, records and numbers in one query per table), works
on plain Python rows, and writes everything at the end in one statement per
table and kind of change (multi-row INSERT, executemany UPDATE). Measured on
PostgreSQL, the ORM's flush of a 20-operation batch cost more CPU than the
push rules themselves.

ORM objects of the same rows that the session already holds (the caller's
commune or device, loaded by the auth lookup or a relay's lock) are brought
up to date without a query, so code reading them after the push sees its
effect.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from city_server import push_pg
from city_server.models import Commune, Device, NumberUse, OpResultRow, Record, SeqSkip, utcnow

_RECORD: Table = Record.__table__  # type: ignore[assignment]
_RESULT: Table = OpResultRow.__table__  # type: ignore[assignment]
_USE: Table = NumberUse.__table__  # type: ignore[assignment]
_COMMUNE: Table = Commune.__table__  # type: ignore[assignment]
_DEVICE: Table = Device.__table__  # type: ignore[assignment]


@dataclass(slots=True, eq=False)
class RecordRow:
    """One record as the batch sees it; ``id`` is None for a record this batch creates."""

    entity: str
    entity_id: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    field_versions: dict[str, int]
    change_seq: int
    parent_id: str | None = None
    status: int | None = None
    id: int | None = None
    updated_at: datetime | None = None
    #: An existing row this batch changed (written back at the end).
    dirty: bool = False


@dataclass(slots=True)
class ResultRow:
    """A stored operation outcome (read back for replays, or written by this batch)."""

    device_id: str
    seq: int
    op_id: str
    status: str
    kind: str | None = None
    message: str | None = None
    version: int | None = None
    assigned_number: int | None = None
    conflict_id: str | None = None


#: Columns read into the rows above, in their fields' order (``dirty`` is the batch's own).
_RECORD_READ = [f.name for f in fields(RecordRow) if f.name != "dirty"]
_RESULT_READ = [f.name for f in fields(ResultRow)]


@dataclass(slots=True, eq=False)
class UseRow:
    """A taken number (``new``: taken by this batch; ``void_now``: voided by it)."""

    series: str
    number: int
    entity: str
    entity_id: str
    voided: bool = False
    new: bool = False
    void_now: bool = False


@dataclass
class PushStore:
    """Reads and writes of one push batch of one device (inside the caller's transaction)."""

    session: Session
    commune_id: int
    device_id: str
    new_records: list[RecordRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    uses: list[UseRow] = field(default_factory=list)
    skip: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        #: PostgreSQL gets fixed statements with array parameters (:mod:`city_server.push_pg`).
        self.pg = self.session.get_bind().dialect.name == "postgresql"

    # -- reads -------------------------------------------------------------

    def lock_commune(self) -> tuple[int, datetime | None]:
        """Lock the commune row until commit (orders the change sequence): (change_seq, epoch_at)."""
        row = self.session.execute(
            select(_COMMUNE.c.change_seq, _COMMUNE.c.epoch_at)
            .where(_COMMUNE.c.id == self.commune_id)
            .with_for_update()
        ).one()
        return int(row.change_seq), row.epoch_at

    def last_seq(self) -> int:
        """The device's last recorded seq (read under the commune lock: no push of it runs)."""
        query = select(_DEVICE.c.last_seq).where(_DEVICE.c.id == self.device_id)
        return int(self.session.execute(query).scalar_one())

    def stored_results(self, seqs: list[int], op_ids: list[str]) -> list[ResultRow]:
        """Outcomes stored under this device's ``seqs`` or this commune's ``op_ids``
        (op_ids are unique per commune: another commune's never shows through)."""
        if self.pg:
            params = {
                "device": self.device_id,
                "seqs": seqs,
                "commune": self.commune_id,
                "op_ids": push_pg.as_json(op_ids),
            }
            return [ResultRow(*row) for row in self.session.execute(push_pg.SELECT_RESULTS, params)]
        t = _RESULT.c
        query = select(*(t[name] for name in _RESULT_READ)).where(
            or_(
                and_(t.device_id == self.device_id, t.seq.in_(seqs)),
                and_(t.commune_id == self.commune_id, t.op_id.in_(op_ids)),
            )
        )
        return [ResultRow(*row) for row in self.session.execute(query)]

    def records(self, keys: Collection[tuple[str, str]]) -> list[RecordRow]:
        """This commune's records of these entities with these ids (keys: (entity, entity_id))."""
        entities = sorted({k[0] for k in keys})
        ids = sorted({k[1] for k in keys})
        if not ids:
            return []
        if self.pg:
            params = {
                "commune": self.commune_id,
                "entities": push_pg.as_json(entities),
                "ids": push_pg.as_json(ids),
            }
            return [RecordRow(*row) for row in self.session.execute(push_pg.SELECT_RECORDS, params)]
        t = _RECORD.c
        query = select(*(t[name] for name in _RECORD_READ)).where(
            t.commune_id == self.commune_id, t.entity.in_(entities), t.entity_id.in_(ids)
        )
        return [RecordRow(*row) for row in self.session.execute(query)]

    def number_uses(self, keys: Iterable[tuple[str, int]]) -> list[UseRow]:
        """Uses of these (series, number) keys in this commune."""
        ordered = sorted(keys)
        if self.pg:
            keys_json = push_pg.as_json([{"series": k[0], "number": k[1]} for k in ordered])
            params = {"commune": self.commune_id, "keys": keys_json}
            return [UseRow(*row) for row in self.session.execute(push_pg.SELECT_USES, params)]
        t = _USE.c
        query = select(t.series, t.number, t.entity, t.entity_id, t.voided).where(
            t.commune_id == self.commune_id, tuple_(t.series, t.number).in_(ordered)
        )
        return [UseRow(*row) for row in self.session.execute(query)]

    # -- writes ------------------------------------------------------------

    def write(self, records: Iterable[RecordRow | None], change_seq: int, last_seq: int) -> None:
        """Everything the batch did: one statement on PostgreSQL, one per table and kind of
        change on SQLite."""
        now = utcnow()
        if self.skip is not None:
            self.session.execute(
                insert(SeqSkip.__table__).values(  # type: ignore[arg-type]
                    device_id=self.device_id, first=self.skip[0], last=self.skip[1], declared_at=now
                )
            )
        voided = [u for u in self.uses if not u.new]  # earlier uses this batch voided
        if voided:
            t = _USE.c
            self.session.execute(
                update(_USE)
                .where(
                    t.commune_id == self.commune_id, t.series == bindparam("s"), t.number == bindparam("n")
                )
                .values(voided=True),
                [{"s": u.series, "n": u.number} for u in voided],
            )
        cid, dev = self.commune_id, self.device_id
        new = [
            {
                "commune_id": cid,
                "entity": r.entity,
                "entity_id": r.entity_id,
                "version": r.version,
                "deleted": r.deleted,
                "fields": r.fields,
                "field_versions": r.field_versions,
                "change_seq": r.change_seq,
                "parent_id": r.parent_id,
                "status": r.status,
                "updated_at": r.updated_at or now,
            }
            for r in self.new_records
        ]
        changed = [
            {
                "rid": r.id,
                "version": r.version,
                "deleted": r.deleted,
                "fields": r.fields,
                "field_versions": r.field_versions,
                "change_seq": r.change_seq,
                "status": r.status,
                "updated_at": r.updated_at or now,
            }
            for r in records
            if r is not None and r.dirty and r.id is not None
        ]
        results = [
            {
                "device_id": r.device_id,
                "seq": r.seq,
                "op_id": r.op_id,
                "commune_id": cid,
                "status": r.status,
                "kind": r.kind,
                "message": r.message,
                "version": r.version,
                "assigned_number": r.assigned_number,
                "conflict_id": r.conflict_id,
                "created_at": now,
            }
            for r in self.results
        ]
        uses = [
            {
                "commune_id": cid,
                "series": u.series,
                "number": u.number,
                "entity": u.entity,
                "entity_id": u.entity_id,
                "device_id": dev,
                "voided": u.voided,
                "used_at": now,
            }
            for u in self.uses
            if u.new
        ]
        if self.pg:
            counters = {
                "change_seq": change_seq,
                "commune": cid,
                "last_seq": last_seq,
                "now": now,
                "device": dev,
            }
            push_pg.write_all(
                self.session, records=new, changed=changed, results=results, uses=uses, counters=counters
            )
        else:
            for table, rows in ((_RECORD, new), (_RESULT, results), (_USE, uses)):
                if rows:
                    self.session.execute(insert(table), rows)
            if changed:
                self.session.execute(update(_RECORD).where(_RECORD.c.id == bindparam("rid")), changed)
            self._write_counters(change_seq, last_seq, now)
        self._sync_session(change_seq, last_seq, now)

    def _write_counters(self, change_seq: int, last_seq: int, now: datetime) -> None:
        """The commune's change sequence and the device's last seq and last contact."""
        self.session.execute(
            update(_COMMUNE).where(_COMMUNE.c.id == self.commune_id).values(change_seq=change_seq)
        )
        self.session.execute(
            update(_DEVICE).where(_DEVICE.c.id == self.device_id).values(last_seq=last_seq, last_seen_at=now)
        )

    def _sync_session(self, change_seq: int, last_seq: int, now: datetime) -> None:
        """The session's copies of the commune and device rows (if loaded) say what the
        database now holds (a relay or carry import reads them after the batch)."""
        commune = self.session.identity_map.get(identity_key(Commune, self.commune_id))
        if commune is not None:
            set_committed_value(commune, "change_seq", change_seq)
        device = self.session.identity_map.get(identity_key(Device, self.device_id))
        if device is not None:
            set_committed_value(device, "last_seq", last_seq)
            set_committed_value(device, "last_seen_at", now)
