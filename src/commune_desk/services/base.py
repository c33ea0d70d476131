"""Shared plumbing of the service mixins: sessions, clock, settings, outbox helpers."""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import (
    CalendarData,
    DayKind,
    DayMark,
    StatutoryExtension,
    TimeLimit,
    WorkCalendar,
    calendar_from_values,
)
from commune_desk.domain.errors import ValidationError
from commune_desk.protocol.records import RECORDS, FieldType, fields_to_wire, to_wire
from commune_desk.protocol.validation import field_checker, operation_refusal
from commune_desk.protocol.wire import Action, Entity
from commune_desk.services.values import OfficeSettings
from commune_desk.store import settings as stored
from commune_desk.store.audit import audit
from commune_desk.store.blobs import BlobStore
from commune_desk.store.opening import Store
from commune_desk.store.outbox import Executor, add_op, driver_connection, insert_ops
from commune_desk.store.search import has_staged, index_staged

log = logging.getLogger(__name__)

#: The working calendar record's id: the same in every commune (records are scoped by commune).
CALENDAR_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://commune-desk/work-calendar"))

#: An outbox operation to write: (entity, entity id, action, base version, fields).
Op = tuple[str, str, str, int | None, dict[str, Any]]

_SETTINGS_SQL = "SELECT value FROM settings WHERE key = ?"
_CALENDAR_SQL = (
    "SELECT base_version, base_source, base_days, overrides_version, overrides, hours "
    "FROM work_calendar WHERE id = ?"
)


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ProcedureFacts:
    """What intake needs of one procedure row, parsed once per stored version of the row."""

    #: The stored row ``(code, name, day_kind, time_limit, fee, required_papers, active,
    #: extensions, fee_verified)``.
    row: tuple[Any, ...]
    code: str
    name: str
    limit: TimeLimit
    fee: str
    required_papers: tuple[str, ...]
    active: bool
    extensions: tuple[StatutoryExtension, ...] = ()
    fee_verified: bool = True

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> ProcedureFacts:
        """Parse a stored procedure row (JSON text for lists, 0/1 for booleans)."""
        from commune_desk.services.catalogue import parse_extension

        code, name, day_kind, time_limit, fee, papers, active, extensions, fee_verified = row
        return cls(
            row=tuple(row),
            code=code,
            name=name,
            limit=TimeLimit(DayKind(day_kind), time_limit),
            fee=fee,
            required_papers=tuple(json.loads(papers) or ()) if papers is not None else (),
            active=bool(active),
            extensions=tuple(parse_extension(e) for e in json.loads(extensions or "[]")),
            fee_verified=bool(fee_verified),
        )

    def extension(self, code: str) -> StatutoryExtension | None:
        """The procedure's extension ``code`` (None for ``""``; ValidationError when unknown)."""
        if not code:
            return None
        for ext in self.extensions:
            if ext.code == code:
                return ext
        raise ValidationError(
            "unknown_extension",
            f"procedure {self.code} has no extension {code!r}",
            field="extension",
            code=code,
        )


class ServiceBase:
    """State shared by every service mixin (one instance per open store)."""

    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        *,
        device_id: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.device_id = device_id
        self.clock = clock
        # (stored settings rows, their parsed settings, the calendar built from them):
        # replaced as a whole, never mutated, so a reader on another thread sees
        # either the old or the new triple.
        self._office_cache: tuple[tuple[Any, ...], OfficeSettings, WorkCalendar] | None = None
        # procedure code -> facts parsed from its stored row (checked against the row on use)
        self._procedure_cache: dict[str, ProcedureFacts] = {}
        # What the intake read in the store's direct writer (``_office_in_writer``), with the
        # writer's generation then; touched only inside the writer's transactions (one at a time).
        self._writer_office: tuple[int, OfficeSettings, WorkCalendar] | None = None
        self._writer_procedures: tuple[int, dict[str, ProcedureFacts]] = (0, {})

    # -- helpers for subclasses ------------------------------------------------

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the service clock must return aware datetimes")
        return now

    def _searchable(self, conn: sqlite3.Connection | None = None) -> None:
        """Before a dossier search reads the FTS5 index: index the keys intakes staged
        (``store.search.index_staged``), all in one transaction; nothing when none is.

        ``conn``: a connection the caller holds for its read (saves a checkout for the
        check). If the write fails (the store busy past its timeout, a full disk), the
        search still runs, without the staged dossiers; the next search tries again.
        """
        if conn is None:
            pooled = self.store.engine.raw_connection()
            try:
                driver = pooled.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                staged = has_staged(driver)
            finally:
                pooled.close()
        else:
            staged = has_staged(conn)
        if not staged:
            return
        try:
            with self.store.direct_write() as db:
                moved = index_staged(db)
        except (sqlite3.Error, DBAPIError) as exc:
            log.warning("staged search keys not indexed yet: %s", exc)
            return
        log.debug("indexed %d staged search keys", moved)

    def _op(
        self,
        session: Session,
        entity: str,
        entity_id: str,
        action: str,
        fields: dict[str, Any],
        *,
        base_version: int | None = None,
        at: datetime | None = None,
        actor: str | None = None,
    ) -> None:
        """Queue the sync operation for a write in the caller's transaction (``actor``: the
        signed-in person's user name).

        Raises ValidationError (nothing is written: the caller's transaction
        rolls back) when a value breaks the protocol's rules, so a value the
        server would refuse never reaches the outbox.
        """
        add_op(
            session,
            device_id=self.device_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            fields=checked_fields(entity, action, fields),
            created_at=at or self._now(),
            base_version=base_version,
            actor=actor,
        )

    def _ops(
        self,
        session: Executor,
        ops: list[Op],
        *,
        at: datetime | None = None,
        actor: str | None = None,
    ) -> None:
        """Queue several operations ``(entity, id, action, base_version, fields)`` in one statement.

        Checked like :meth:`_op`.
        """
        self._queue(session, self._checked(ops), at=at, actor=actor)

    @staticmethod
    def _checked(ops: list[Op]) -> list[Op]:
        """The operations with their fields checked and in JSON form (raises ValidationError)."""
        return [(e, i, a, b, checked_fields(e, a, f)) for e, i, a, b, f in ops]

    def _queue(
        self,
        session: Executor,
        checked: list[Op],
        *,
        at: datetime | None = None,
        actor: str | None = None,
    ) -> None:
        """Write operations :meth:`_checked` returned, in one prepared statement."""
        insert_ops(session, device_id=self.device_id, ops=checked, created_at=at or self._now(), actor=actor)

    def _audit(self, session: Session, action: str, **entry: Any) -> None:
        """Audit ``action`` at the service clock's time (``store.audit.audit``'s keywords)."""
        audit(session, action, at=self._now(), **entry)

    # -- settings ----------------------------------------------------------------

    def _load_settings(self, session: Session) -> OfficeSettings:
        if session.new or session.dirty or session.deleted:
            session.flush()  # read our own pending writes, as an ORM query would
        return self._office(driver_connection(session))[0]

    def _office(self, db: sqlite3.Connection) -> tuple[OfficeSettings, WorkCalendar]:
        """The office settings and working calendar as stored in ``db``'s transaction.

        The office row and the calendar row are read on every call (two
        prepared SELECTs); they are parsed, and the calendar built, only when
        their stored text differs from the last call's. Keying the cache on
        the stored text keeps it right whoever changes them (these services,
        the sync engine, another process, a restore) with nothing to invalidate.
        """
        office = db.execute(_SETTINGS_SQL, (stored.OFFICE.key,)).fetchone()
        calendar_row = db.execute(_CALENDAR_SQL, (CALENDAR_ID,)).fetchone()
        rows = (office, calendar_row)
        cached = self._office_cache
        if cached is not None and cached[0] == rows:
            return cached[1], cached[2]
        data = calendar_from_stored(calendar_row)
        settings = settings_from_rows(json.loads(office[0]) if office and office[0] else {}, data)
        calendar = data.work_calendar()
        self._office_cache = (rows, settings, calendar)
        return settings, calendar

    def _office_in_writer(self, db: sqlite3.Connection) -> tuple[OfficeSettings, WorkCalendar]:
        """``_office`` inside a ``store.direct_write`` transaction, without reading the rows
        again while the writer's ``generation`` says no other connection has committed
        since they were read (the intake hot path: the calendar row alone is ~30 KB).

        Sound because nothing run through the direct writer writes the settings, the
        calendar or the procedures (``tests/unit/store/test_direct_write.py`` lists every
        caller of ``direct_write``); any other writer is another connection.
        """
        writer = self.store.writer
        assert writer is not None
        cached = self._writer_office
        if cached is not None and cached[0] == writer.generation:
            return cached[1], cached[2]
        settings, calendar = self._office(db)
        self._writer_office = (writer.generation, settings, calendar)
        return settings, calendar

    def _calendar(self, settings: OfficeSettings | None = None) -> WorkCalendar:
        """The working calendar in effect (outside any transaction of the caller)."""
        cached = self._office_cache
        if cached is not None and (settings is None or cached[1] is settings):
            return cached[2]
        with self.store.read() as session:
            return self._office(driver_connection(session))[1]

    def _load_office(self, session: Session) -> tuple[OfficeSettings, WorkCalendar]:
        """Settings and working calendar as seen by ``session``'s transaction."""
        if session.new or session.dirty or session.deleted:
            session.flush()
        return self._office(driver_connection(session))


def checked_fields(entity: str, action: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An operation's fields in their JSON form, checked against the protocol's rules.

    Raises ValidationError with the rule's kind (``invalid_characters``,
    ``text_too_long``, ``invalid_fields``...) and the field it is about.

    The same rules as ``operation_refusal`` (every field through its protocol
    check), run from a table built once per entity and action: a value the
    table does not accept at once goes through ``operation_refusal`` itself,
    which then says why (``tests/unit/services/test_checked_fields.py`` checks
    the two agree on generated operations). Every save queues operations
    through here; the intake's two cost ~27 us checked the long way.
    """
    table = _field_checks(entity, action) if type(fields) is dict else None
    if table is not None:
        checks, datetime_fields = table
        wire: dict[str, Any] = {}
        for name, value in fields.items():
            check = checks.get(name)
            if check is None:
                break  # not a field of the entity, or one checked with its record (series)
            cls = value.__class__
            if cls is datetime:
                value = value.astimezone(UTC).isoformat()  # what to_wire sends
                if name in datetime_fields:  # always ISO 8601 with an offset: what the rule asks
                    wire[name] = value
                    continue
            elif value is not None and cls is not str and cls is not int:
                value = to_wire(value)
            if check(value) is not None:
                break
            wire[name] = value
        else:
            return wire
    return _refused_or_checked(entity, action, fields)


@functools.cache
def _field_checks(
    entity: str, action: str
) -> tuple[dict[str, Callable[[object], object]], frozenset[str]] | None:
    """The field checks of operations ``action`` on ``entity`` and its datetime fields
    (None: always the long way).

    The fields ``operation_refusal`` checks one by one, against the same
    rules; a ``series`` with kinds of register books is left to it (its check
    needs the record's rules), as are unknown entities and refused actions.
    """
    try:
        rules = RECORDS[Entity(entity)]
    except (KeyError, ValueError):
        return None
    if rules.append_only and action != Action.CREATE:
        return None
    checks: dict[str, Callable[[object], object]] = {
        name: field_checker(name, rule)
        for name, rule in rules.fields.items()
        if not (name == "series" and rules.series_kinds)
    }
    return checks, frozenset(n for n, r in rules.fields.items() if r.type is FieldType.DATETIME)


def _refused_or_checked(entity: str, action: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``checked_fields`` the long way: every rule of ``operation_refusal``, and its refusal."""
    wire = fields_to_wire(fields)
    refusal = operation_refusal(entity, action, wire)
    if refusal is not None:
        raise ValidationError(refusal.kind.value, refusal.message, field=refusal.field, **refusal.params)
    return wire


def calendar_from_stored(row: tuple[Any, ...] | None) -> CalendarData:
    """The calendar of a stored ``work_calendar`` row (JSON text columns), or the bundled base.

    A store always has its row once opened (``AppContext.open`` installs it);
    the bundled base stands in only for a store opened without it.
    """
    if row is None:
        from commune_desk.services.calendar import load_base_calendar

        version, source, days = load_base_calendar()
        return CalendarData(base_version=version, base_source=source, base=days)
    base_version, source, base, overrides_version, overrides, hours = row
    return calendar_from_values(
        base_version,
        source,
        json.loads(base) if base else [],
        overrides_version,
        json.loads(overrides) if overrides else [],
        json.loads(hours) if hours else {},
    )


def settings_from_rows(office: dict[str, Any], calendar: CalendarData) -> OfficeSettings:
    """Office settings from the decoded office row and the calendar (defaults where missing)."""
    defaults = OfficeSettings()
    start = office.get(stored.OFFICE_START_DATE.name)
    return OfficeSettings(
        unit_code=stored.office_field(office, stored.UNIT_CODE),
        unit_name=stored.office_field(office, stored.UNIT_NAME),
        counter_slot=int(stored.office_field(office, stored.COUNTER_SLOT)),
        server_url=office.get(stored.SERVER_URL.name),
        hours=calendar.hours,
        extra_days_off=frozenset(d.day for d in calendar.overrides if d.mark == DayMark.DAY_OFF),
        extra_working_days=frozenset(d.day for d in calendar.overrides if d.mark == DayMark.WORKING_DAY),
        office_start_date=date.fromisoformat(start) if start else defaults.office_start_date,
        tracking_url=office.get(stored.TRACKING_URL.name) or None,
    )
