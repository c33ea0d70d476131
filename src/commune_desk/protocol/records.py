"""The rules of each synchronised record type, defined once for the client and the server.

For every entity: which fields travel in operations and changes (the synced
columns of the client's table, plus wire-only fields such as ``provisional``),
each field's type and limits, the wire codec (:func:`to_wire`,
:func:`from_wire`) and the parts of the record its search keys are built from.

The client's store models must have exactly these columns besides its own
bookkeeping (:data:`LOCAL_COLUMNS`); ``tests/unit/protocol/test_records.py``
checks that they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from commune_desk.domain.numbers import SeriesKind
from commune_desk.protocol.wire import Entity


class FieldType(StrEnum):
    """JSON shape of a field on the wire (and the Python value it stands for)."""

    TEXT = "text"
    """One line of text."""
    MULTILINE = "multiline"
    """Text that may hold line breaks and tabs (notes, addresses, summaries)."""
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    """``YYYY-MM-DD``."""
    DATETIME = "datetime"
    """ISO 8601 with an offset; sent in UTC."""
    UUID = "uuid"
    """Lower-case hyphenated UUID text."""
    OBJECT = "object"
    """A JSON object of free values (bounded in depth and size)."""
    LIST = "list"
    """A JSON list of one-line texts."""
    OBJECTS = "objects"
    """A JSON list of JSON objects of free values (received papers, calendar days)."""


@dataclass(frozen=True)
class FieldRule:
    """One field of a record type: its wire type and limits."""

    type: FieldType
    max_length: int | None = None
    """Longest text (characters), or most list items."""
    nullable: bool = False
    column: bool = True
    """False for wire-only fields that no client column stores (``provisional``)."""


@dataclass(frozen=True)
class RecordRules:
    """What the protocol knows about one entity."""

    entity: Entity
    fields: Mapping[str, FieldRule]
    append_only: bool = False
    """Only ``create`` (dossier events, number voids, conflict resolutions)."""
    series_kinds: frozenset[SeriesKind] = frozenset()
    """Register books its ``series`` field may name (register entries and voids)."""
    search: Callable[[Callable[[str], Any]], tuple[Any, ...]] | None = None
    """The parts its search keys are built from, given a field getter."""
    derived: frozenset[str] = frozenset()
    """Fields computed from the record's event history on every PC: never merged as
    values (a create may carry the first value; later changes of them are ignored)."""

    @property
    def columns(self) -> list[str]:
        """Names of the synced columns of the client's table, in declaration order."""
        return [name for name, rule in self.fields.items() if rule.column]


#: Columns that are a client's bookkeeping, never part of the synced content.
LOCAL_COLUMNS = frozenset({"id", "server_version", "dirty", "local_order", "uploaded"})

#: Lengths of text that must fit the client's columns (String(n)); free text is bounded too.
NAME_LENGTH = 200
LINE_LENGTH = 500
NOTE_LENGTH = 4000

_T, _M = FieldType.TEXT, FieldType.MULTILINE


def _text(max_length: int, *, nullable: bool = False) -> FieldRule:
    return FieldRule(_T, max_length, nullable)


def _long(max_length: int = NOTE_LENGTH) -> FieldRule:
    return FieldRule(_M, max_length)


def _of(kind: FieldType, *, nullable: bool = False) -> FieldRule:
    return FieldRule(kind, None, nullable)


_DT, _DATE, _INT = FieldType.DATETIME, FieldType.DATE, FieldType.INT

DOSSIER = RecordRules(
    Entity.DOSSIER,
    {
        "code": _text(60),
        "procedure_code": _text(40),
        "applicant_name": _text(NAME_LENGTH),
        "applicant_id_number": _text(12),
        "applicant_phone": _text(15, nullable=True),
        "applicant_address": _long(LINE_LENGTH),
        "status": _of(_INT),
        "received_at": _of(_DT),
        "appointment_at": _of(_DT),
        "finished_at": _of(_DT, nullable=True),
        "returned_at": _of(_DT, nullable=True),
        "received_by": _text(NAME_LENGTH),
        "counter_slot": _of(_INT),
        "notes": _long(),
        # papers handed in at the counter: [{"name", "form", "count"}] (printed on form 01)
        "received_papers": FieldRule(FieldType.OBJECTS, 40),
        "applicant_date_of_birth": _of(_DATE, nullable=True),
        # code of the statutory extension applied, from the procedure catalogue ("" for none)
        "extension": _text(40),
        "created_at": _of(_DT),
        "updated_at": _of(_DT),
    },
    search=lambda get: (
        get("applicant_name"),
        get("applicant_id_number"),
        get("applicant_phone"),
        get("code"),
    ),
    derived=frozenset({"status", "finished_at", "returned_at", "appointment_at", "extension"}),
)

DOSSIER_EVENT = RecordRules(
    Entity.DOSSIER_EVENT,
    {
        "dossier_id": _of(FieldType.UUID),
        "kind": _text(40),
        "at": _of(_DT),
        "actor": _text(NAME_LENGTH),
        "note": _long(),
        "data": _of(FieldType.OBJECT),
    },
    append_only=True,
)

ATTACHMENT = RecordRules(
    Entity.ATTACHMENT,
    {
        "owner_entity": _text(40),
        "owner_id": _of(FieldType.UUID),
        "sha256": _text(64),
        "filename": _text(255),
        "media_type": _text(100),
        "size": _of(_INT),
        "paper_kind": _text(30),
        "created_at": _of(_DT),
    },
)

_REGISTER_NUMBER = {
    "series": _text(40),
    "number": _of(_INT, nullable=True),
}
_PROVISIONAL = FieldRule(FieldType.BOOL, column=False)

INCOMING_DOCUMENT = RecordRules(
    Entity.INCOMING_DOCUMENT,
    {
        **_REGISTER_NUMBER,
        "received_on": _of(_DATE),
        "author": _text(LINE_LENGTH),
        "number_symbol": _text(100),
        "document_date": _of(_DATE, nullable=True),
        "doc_type": _text(100),
        "summary": _long(),
        "urgency": _text(20),
        "secrecy": _text(20),
        "handler": _text(NAME_LENGTH),
        "co_handlers": FieldRule(FieldType.LIST, 50),
        "deadline": _of(_DATE, nullable=True),
        "assigned_at": _of(_DT, nullable=True),
        "notes": _long(),
        "created_at": _of(_DT),
        "updated_at": _of(_DT),
        "provisional": _PROVISIONAL,
    },
    series_kinds=frozenset({SeriesKind.INCOMING}),
    search=lambda get: (
        get("summary"),
        get("author"),
        get("number_symbol"),
        str(get("number")) if get("number") else None,
    ),
)

OUTGOING_DOCUMENT = RecordRules(
    Entity.OUTGOING_DOCUMENT,
    {
        **_REGISTER_NUMBER,
        "symbol": _text(100),
        "number_symbol": _text(100),
        "state": _text(20),
        "doc_type": _text(100),
        "summary": _long(),
        "signer": _text(NAME_LENGTH),
        "recipients": FieldRule(FieldType.LIST, 200),
        "copies": _of(_INT),
        "issued_on": _of(_DATE, nullable=True),
        "copy_holder": _text(NAME_LENGTH),
        "sent_on": _of(_DATE, nullable=True),
        "notes": _long(),
        "void_reason": _long(LINE_LENGTH),
        "created_at": _of(_DT),
        "updated_at": _of(_DT),
        "provisional": _PROVISIONAL,
    },
    series_kinds=frozenset({SeriesKind.OUTGOING, SeriesKind.OUTGOING_SECRET}),
    search=lambda get: (get("summary"), get("number_symbol") or get("symbol"), get("signer")),
)

NUMBER_VOID = RecordRules(
    Entity.NUMBER_VOID,
    {
        "series": _text(40),
        "number": _of(_INT),
        "reason": _long(LINE_LENGTH),
        # the record that held the number ("" and null for a number voided unused)
        "entity": FieldRule(_T, 40, column=False),
        "entity_id": FieldRule(FieldType.UUID, None, nullable=True, column=False),
    },
    append_only=True,
    series_kinds=frozenset({SeriesKind.INCOMING, SeriesKind.OUTGOING, SeriesKind.OUTGOING_SECRET}),
)

CONFLICT_RESOLUTION = RecordRules(
    Entity.CONFLICT_RESOLUTION,
    {
        "conflict_id": _of(FieldType.UUID),
        "chosen": _of(FieldType.OBJECT),
        "note": _long(2000),
        "resolved_by": FieldRule(_T, 100, column=False),
    },
    append_only=True,
)

CALENDAR = RecordRules(
    Entity.CALENDAR,
    {
        # the national base (from a pinned ``holidays`` release) and its version
        "base_version": _of(_INT),
        "base_source": _text(200),
        "base_days": FieldRule(FieldType.OBJECTS, 2000),
        # days off / worked days on top of the base, and the package version they came from
        "overrides_version": _of(_INT),
        "overrides": FieldRule(FieldType.OBJECTS, 500),
        "hours": _of(FieldType.OBJECT),
        "updated_at": _of(_DT),
    },
)

#: The rules of every entity a client may push.
RECORDS: dict[Entity, RecordRules] = {
    r.entity: r
    for r in (
        DOSSIER,
        DOSSIER_EVENT,
        ATTACHMENT,
        INCOMING_DOCUMENT,
        OUTGOING_DOCUMENT,
        NUMBER_VOID,
        CONFLICT_RESOLUTION,
        CALENDAR,
    )
}

#: Entities that are a plain record in a client table of their own.
TABLE_ENTITIES = (
    Entity.DOSSIER,
    Entity.DOSSIER_EVENT,
    Entity.ATTACHMENT,
    Entity.INCOMING_DOCUMENT,
    Entity.OUTGOING_DOCUMENT,
    Entity.CALENDAR,
)
#: Entities that are only ever created (an update or delete is refused ``append_only``).
APPEND_ONLY = frozenset(e for e, r in RECORDS.items() if r.append_only)
#: Entities whose records carry search keys.
INDEXED = frozenset(e for e, r in RECORDS.items() if r.search is not None)


def synced_columns(entity: Entity | str) -> list[str]:
    """Names of the client columns of ``entity`` that travel in operations and changes."""
    return RECORDS[Entity(entity)].columns


def _getter(record: Mapping[str, Any] | object) -> Callable[[str], Any]:
    if isinstance(record, Mapping):
        return record.get
    return lambda name: getattr(record, name, None)


def search_parts(entity: Entity | str, record: Mapping[str, Any] | object) -> tuple[Any, ...] | None:
    """The texts the search keys of a record are built from (None: the entity is not indexed).

    ``record`` is a mapping of field values or an object with those attributes.
    """
    try:
        rules = RECORDS.get(Entity(entity))
    except ValueError:
        return None
    if rules is None or rules.search is None:
        return None
    return rules.search(_getter(record))


def to_wire(value: Any) -> Any:
    """A field value in its JSON form: aware datetimes in UTC ISO 8601, dates ISO, sets as lists."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | frozenset | set):
        return [to_wire(v) for v in value]
    return value


def from_wire(entity: Entity | str, name: str, value: Any) -> Any:
    """One JSON field value of ``entity`` as the Python value of its client column."""
    if value is None or not isinstance(value, str):
        return value
    rule = RECORDS[Entity(entity)].fields.get(name)
    if rule is None:
        return value
    if rule.type is FieldType.DATETIME:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if rule.type is FieldType.DATE:
        return date.fromisoformat(value[:10])
    return value


def fields_to_wire(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of an operation's fields in its JSON form."""
    return {k: to_wire(v) for k, v in fields.items()}


__all__ = [
    "APPEND_ONLY",
    "INDEXED",
    "LOCAL_COLUMNS",
    "RECORDS",
    "TABLE_ENTITIES",
    "FieldRule",
    "FieldType",
    "RecordRules",
    "fields_to_wire",
    "from_wire",
    "search_parts",
    "synced_columns",
    "to_wire",
]
