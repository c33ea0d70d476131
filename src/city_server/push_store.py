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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from city_server.models import Commune, Device, NumberUse, OpResultRow, Record, SeqSkip, utcnow

_RECORD = Record.__table__
_RESULT = OpResultRow.__table__
_USE = NumberUse.__table__
_COMMUNE = Commune.__table__
_DEVICE = Device.__table__


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
        return int(
            self.session.execute(
                select(_DEVICE.c.last_seq).where(_DEVICE.c.id == self.device_id)
            ).scalar_one()
        )

    def stored_results(self, seqs: Iterable[int], op_ids: Iterable[str]) -> list[ResultRow]:
        """Outcomes stored under this device's ``seqs`` or this commune's ``op_ids``."""
        t = _RESULT.c
        rows = self.session.execute(
            select(
                t.device_id,
                t.seq,
                t.op_id,
                t.status,
                t.kind,
                t.message,
                t.version,
                t.assigned_number,
                t.conflict_id,
            ).where(
                or_(
                    and_(t.device_id == self.device_id, t.seq.in_(list(seqs))),
                    # op_ids are unique per commune: another commune's never shows through.
                    and_(t.commune_id == self.commune_id, t.op_id.in_(list(op_ids))),
                )
            )
        )
        return [ResultRow(*row) for row in rows]

    def records(self, entity_ids: Iterable[str], entity: str | None = None) -> list[RecordRow]:
        """This commune's records with these ids (of ``entity`` only, when given)."""
        t = _RECORD.c
        query = select(
            t.entity,
            t.entity_id,
            t.version,
            t.deleted,
            t.fields,
            t.field_versions,
            t.change_seq,
            t.parent_id,
            t.status,
            t.id,
            t.updated_at,
        ).where(t.commune_id == self.commune_id, t.entity_id.in_(sorted(entity_ids)))
        if entity is not None:
            query = query.where(t.entity == entity)
        return [RecordRow(*row) for row in self.session.execute(query)]

    def number_uses(self, keys: Iterable[tuple[str, int]]) -> list[UseRow]:
        """Uses of these (series, number) keys in this commune."""
        t = _USE.c
        rows = self.session.execute(
            select(t.series, t.number, t.entity, t.entity_id, t.voided).where(
                t.commune_id == self.commune_id, tuple_(t.series, t.number).in_(sorted(keys))
            )
        )
        return [UseRow(*row) for row in rows]

    # -- writes ------------------------------------------------------------

    def write(self, records: Iterable[RecordRow | None], change_seq: int, last_seq: int) -> None:
        """Everything the batch did, one statement per table and kind of change."""
        now = utcnow()
        if self.skip is not None:
            self.session.execute(
                insert(SeqSkip.__table__).values(  # type: ignore[arg-type]
                    device_id=self.device_id, first=self.skip[0], last=self.skip[1], declared_at=now
                )
            )
        if self.new_records:
            self.session.execute(
                insert(_RECORD),
                [
                    {
                        "commune_id": self.commune_id,
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
                ],
            )
        changed = [r for r in records if r is not None and r.dirty and r.id is not None]
        if changed:
            self.session.execute(
                update(_RECORD).where(_RECORD.c.id == bindparam("rid")),
                [
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
                    for r in changed
                ],
            )
        if self.results:
            self.session.execute(
                insert(_RESULT),
                [
                    {
                        "device_id": r.device_id,
                        "seq": r.seq,
                        "op_id": r.op_id,
                        "commune_id": self.commune_id,
                        "status": r.status,
                        "kind": r.kind,
                        "message": r.message,
                        "version": r.version,
                        "assigned_number": r.assigned_number,
                        "conflict_id": r.conflict_id,
                        "created_at": now,
                    }
                    for r in self.results
                ],
            )
        self._write_uses(now)
        self._write_counters(change_seq, last_seq, now)

    def _write_uses(self, now: datetime) -> None:
        new = [u for u in self.uses if u.new]
        if new:
            self.session.execute(
                insert(_USE),
                [
                    {
                        "commune_id": self.commune_id,
                        "series": u.series,
                        "number": u.number,
                        "entity": u.entity,
                        "entity_id": u.entity_id,
                        "device_id": self.device_id,
                        "voided": u.voided,
                        "used_at": now,
                    }
                    for u in new
                ],
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

    def _write_counters(self, change_seq: int, last_seq: int, now: datetime) -> None:
        """The commune's change sequence and the device's last seq and last contact."""
        self.session.execute(
            update(_COMMUNE).where(_COMMUNE.c.id == self.commune_id).values(change_seq=change_seq)
        )
        self.session.execute(
            update(_DEVICE).where(_DEVICE.c.id == self.device_id).values(last_seq=last_seq, last_seen_at=now)
        )
        # The session's copies of these rows (if loaded) say what the database now holds.
        commune = self.session.identity_map.get(identity_key(Commune, self.commune_id))
        if commune is not None:
            set_committed_value(commune, "change_seq", change_seq)
        device = self.session.identity_map.get(identity_key(Device, self.device_id))
        if device is not None:
            set_committed_value(device, "last_seq", last_seq)
            set_committed_value(device, "last_seen_at", now)
