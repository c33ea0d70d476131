"""The services' operation check (a table built once per entity) accepts and refuses exactly
what the protocol's ``operation_refusal`` does, with the same error and the same JSON form.

Every save queues its operations through ``checked_fields``; it must never let
through a value the protocol refuses (a bad value would sit in the outbox and
stop the PC's pushes), nor refuse one the protocol accepts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.poison import SCALARS, STRINGS

from commune_desk.domain.dossier import EventKind
from commune_desk.domain.errors import ValidationError
from commune_desk.protocol import RECORDS, Action, Entity
from commune_desk.protocol.records import FieldType, fields_to_wire
from commune_desk.protocol.validation import operation_refusal
from commune_desk.services.base import checked_fields


def _reference(entity: str, action: str, fields: dict[str, Any]) -> tuple[Any, ...]:
    """What the check was before its table: every value to JSON, then ``operation_refusal``."""
    try:
        wire = fields_to_wire(fields)
        refusal = operation_refusal(entity, action, wire)
    except Exception as exc:  # noqa: BLE001 - the same exception must come out of both
        return ("raised", type(exc))
    if refusal is not None:
        return ("refused", refusal.kind.value, refusal.message, refusal.field, refusal.params)
    return ("accepted", list(wire.items()))


def _fast(entity: str, action: str, fields: dict[str, Any]) -> tuple[Any, ...]:
    try:
        wire = checked_fields(entity, action, fields)
    except ValidationError as exc:
        return ("refused", exc.kind, str(exc), exc.field, {k: v for k, v in exc.params.items()})
    except Exception as exc:  # noqa: BLE001
        return ("raised", type(exc))
    return ("accepted", list(wire.items()))


_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-11, minutes=-30))])
_DATETIMES = st.one_of(
    st.datetimes(timezones=_ZONES),
    st.datetimes(min_value=datetime(9999, 12, 31), timezones=_ZONES),  # past the end in UTC
    st.datetimes(max_value=datetime(1, 1, 2), timezones=_ZONES),
    st.datetimes(),  # naive
)
#: Values each field type accepts, so that the accepting path is taken often.
_GOOD: dict[FieldType, st.SearchStrategy[Any]] = {
    FieldType.TEXT: st.text(max_size=12),
    FieldType.MULTILINE: st.text(max_size=12),
    FieldType.INT: st.integers(min_value=0, max_value=9),
    FieldType.BOOL: st.booleans(),
    FieldType.DATE: st.dates() | st.dates().map(date.isoformat),
    FieldType.DATETIME: _DATETIMES | _DATETIMES.map(lambda d: d.isoformat()),
    FieldType.UUID: st.uuids().map(str),
    FieldType.OBJECT: st.dictionaries(st.text(max_size=4), SCALARS, max_size=3),
    FieldType.LIST: st.lists(st.text(max_size=6), max_size=3) | st.tuples(st.text(max_size=6)),
    FieldType.OBJECTS: st.lists(st.dictionaries(st.text(max_size=4), SCALARS, max_size=2), max_size=2),
}
#: Values of fields the server interprets, valid and nearly valid.
_SHAPED = st.sampled_from(
    [
        "000.00.06.H26-260310-1001",
        "000.00.06.H26-260310-1001\n",
        "000.00.06.H26-261310-1001",
        "HT-GH",
        "ht-gh",
        "dossier-code/000.00.06.H26",
        "incoming/2026",
        "outgoing/2026",
        "register/2026",
        "a" * 64,
        "A" * 64,
        "dossier",
        "incoming_document",
        *(k.value for k in EventKind),
    ]
)
_ANY = st.one_of(SCALARS, STRINGS, _DATETIMES, st.dates(), _SHAPED, st.lists(SCALARS, max_size=3))


@st.composite
def _operations(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    entity = draw(st.sampled_from([*RECORDS, "conflict", "nonsense"]))
    action = draw(st.sampled_from([*Action, "nonsense"]))
    rules = RECORDS.get(entity)  # type: ignore[call-overload]
    fields: dict[str, Any] = {}
    names = sorted(rules.fields) if rules is not None else ["code", "x"]
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))):
        rule = rules.fields[name] if rules is not None and name in rules.fields else None
        good = _GOOD[rule.type] if rule is not None else _ANY
        fields[name] = draw(st.one_of(good, _SHAPED, _ANY, st.none()) if draw(st.booleans()) else good)
    if draw(st.integers(0, 9)) == 0:
        fields[draw(st.text(max_size=5))] = draw(_ANY)  # a field the entity does not have
    return entity, action, fields


@settings(max_examples=400, deadline=None)
@given(_operations())
def test_the_table_accepts_and_refuses_exactly_what_the_protocol_does(
    op: tuple[str, str, dict[str, Any]],
) -> None:
    entity, action, fields = op
    assert _fast(entity, action, fields) == _reference(entity, action, fields)


@settings(max_examples=200, deadline=None)
@given(
    received=_DATETIMES,
    name=STRINGS,
    code=_SHAPED | STRINGS,
    phone=st.none() | STRINGS,
    slot=st.integers(-2, 1000) | st.booleans(),
)
def test_the_intakes_operations_are_checked_as_before(
    received: datetime, name: str, code: str, phone: str | None, slot: int
) -> None:
    """The two operations an intake queues, with the values its own code builds."""
    dossier = {
        "code": code,
        "procedure_code": "HT-GH",
        "applicant_name": name,
        "applicant_id_number": "001301012345",
        "applicant_phone": phone,
        "applicant_address": "",
        "applicant_date_of_birth": None,
        "received_at": received,
        "appointment_at": received,
        "received_by": name,
        "counter_slot": slot,
        "notes": "",
        "received_papers": [],
        "extension": "",
    }
    event = {"dossier_id": str(uuid.uuid4()), "kind": "received", "at": received, "actor": name}
    for entity, fields in ((Entity.DOSSIER, dossier), (Entity.DOSSIER_EVENT, event)):
        assert _fast(entity, Action.CREATE, fields) == _reference(entity, Action.CREATE, fields)


def test_a_bad_value_is_refused_with_the_protocols_words() -> None:
    fields = {"code": "000.00.06.H26-260310-1001", "applicant_name": "Nguyễn\nVăn An"}
    refused = _fast(Entity.DOSSIER, Action.CREATE, fields)
    assert refused[0] == "refused" and refused[1] == "invalid_characters" and refused[3] == "applicant_name"
    assert refused == _reference(Entity.DOSSIER, Action.CREATE, fields)
