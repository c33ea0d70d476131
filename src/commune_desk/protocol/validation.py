"""Validation of every value that crosses the wire, in both directions.

One set of rules for the server checking a pushed operation, the client
checking what it is about to push and what a pull brings, and the services
checking what the clerk typed before it is written:

- texts are valid Unicode scalar values (no lone surrogates), hold no NUL and
  no control character (line breaks and tabs only where the field allows
  them), and fit the field's length;
- numbers are integers (never ``true``/``false``) in the field's range, and
  free JSON inside a field holds only finite numbers;
- nesting is bounded, and measured without recursion;
- names and codes the server interprets (dossier codes, series, event kinds,
  hashes, UUIDs) are matched whole (``fullmatch``);
- unknown entities and fields are refused.

A failed check is a :class:`Refusal`: an error kind the clerk can be shown
(``commune_desk.messages``) and an English message for logs that never
echoes the offending value.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from typing import Any

from commune_desk.domain.codes import COUNTER_SLOTS, parse_dossier_code
from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import parse_series
from commune_desk.protocol.records import RECORDS, FieldRule, FieldType, RecordRules
from commune_desk.protocol.text import bad_character_finder, is_clean_text
from commune_desk.protocol.wire import (
    MAX_SAFE_INTEGER,
    Action,
    Change,
    Entity,
    ErrorKind,
    PullResponse,
    ReceivedPull,
)

#: Deepest nesting of free JSON inside one field (event data, chosen values).
MAX_FIELD_DEPTH = 8
#: Most values (objects, lists, scalars) inside one field's free JSON.
MAX_FIELD_NODES = 2000
#: Longest text inside free JSON.
MAX_FREE_TEXT = 4000

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_PROCEDURE_CODE = re.compile(r"[0-9A-Z][0-9A-Z._-]{0,39}")


@dataclass(frozen=True)
class Refusal:
    """Why a value cannot cross the wire: a kind for the clerk, a log message, the field."""

    kind: ErrorKind
    message: str
    field: str | None = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    """Values the clerk's sentence may name (``max_length`` of an over-long text)."""


def _name(name: object) -> str:
    """A field name safe to put in a log message (ASCII, bounded)."""
    return ascii(name)[:60]


# -- texts ------------------------------------------------------------------------------


def text_problem(value: object, *, max_length: int | None, multiline: bool = False) -> ErrorKind | None:
    """Why ``value`` is not an acceptable text (None when it is)."""
    if not isinstance(value, str):
        return ErrorKind.INVALID_FIELDS
    if max_length is not None and len(value) > max_length:
        return ErrorKind.TEXT_TOO_LONG
    if not is_clean_text(value, multiline=multiline):
        return ErrorKind.INVALID_CHARACTERS
    return None


# -- free JSON ----------------------------------------------------------------------------


def json_problem(
    value: object,
    *,
    max_depth: int = MAX_FIELD_DEPTH,
    max_nodes: int = MAX_FIELD_NODES,
    max_text: int = MAX_FREE_TEXT,
) -> ErrorKind | None:
    """Why a free JSON value is not acceptable (None when it is); never recursive.

    Walks the value with an explicit stack, so a value nested thousands of
    levels deep is refused without a RecursionError.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes or depth > max_depth:
            return ErrorKind.INVALID_FIELDS
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return ErrorKind.INVALID_FIELDS
        elif isinstance(item, float):
            if not math.isfinite(item):
                return ErrorKind.INVALID_FIELDS
        elif isinstance(item, str):
            if problem := text_problem(item, max_length=max_text, multiline=True):
                return problem
        elif isinstance(item, dict):
            for key, child in item.items():
                if problem := text_problem(key, max_length=100):
                    return problem
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        else:
            return ErrorKind.INVALID_FIELDS
    return None


def nesting_depth(value: object, *, limit: int) -> int:
    """How deeply ``value`` nests, counting up to ``limit + 1`` at most (no recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


# -- one field ----------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _iso_datetime(value: object) -> bool:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _fits(check: Callable[[Any], object]) -> Callable[[Any], bool]:
    """A check from a domain parser: true when it parses (DomainError or ValueError: false)."""

    def run(value: Any) -> bool:
        try:
            check(value)
        except (DomainError, ValueError):
            return False
        return True

    return run


def _in(values: Iterable[object]) -> Callable[[Any], bool]:
    allowed = frozenset(values)
    return lambda value: value in allowed


#: Fields whose value the server interprets: matched whole against their rule.
_SHAPES: dict[str, Callable[[Any], bool]] = {
    "code": _fits(parse_dossier_code),
    "series": _fits(parse_series),
    "kind": _in(e.value for e in EventKind),
    "sha256": lambda v: _SHA256.fullmatch(v) is not None,
    "procedure_code": lambda v: _PROCEDURE_CODE.fullmatch(v) is not None,
    "owner_entity": _in((Entity.DOSSIER, Entity.INCOMING_DOCUMENT, Entity.OUTGOING_DOCUMENT)),
}
_NATURAL = range(MAX_SAFE_INTEGER + 1)
#: What a value of the wrong shape is refused as, where it is more than ``invalid_fields``.
_SHAPE_KINDS = {"kind": ErrorKind.UNKNOWN_EVENT_KIND}
#: Integer fields and their ranges (others: 0 .. MAX_SAFE_INTEGER).
_RANGES: dict[str, range] = {
    "status": range(min(DossierStatus), max(DossierStatus) + 1),
    "counter_slot": COUNTER_SLOTS,
    "number": range(1, MAX_SAFE_INTEGER + 1),
}


Check = Callable[[object], ErrorKind | None]


def _text_check(name: str, rule: FieldRule) -> Check:
    bad = bad_character_finder(multiline=rule.type is FieldType.MULTILINE)
    limit = rule.max_length if rule.max_length is not None else MAX_FREE_TEXT
    shape, shape_kind = _SHAPES.get(name), _SHAPE_KINDS.get(name, ErrorKind.INVALID_FIELDS)
    invalid, too_long, bad_text = (
        ErrorKind.INVALID_FIELDS,
        ErrorKind.TEXT_TOO_LONG,
        ErrorKind.INVALID_CHARACTERS,
    )

    def check(value: object) -> ErrorKind | None:
        if not isinstance(value, str):
            return invalid
        if len(value) > limit:
            return too_long
        if bad(value):
            return bad_text
        if shape is not None and not shape(value):
            return shape_kind
        return None

    return check


def _shape_check(accepts: Callable[[object], bool]) -> Check:
    return lambda value: None if accepts(value) else ErrorKind.INVALID_FIELDS


def _line_item(item: object) -> ErrorKind | None:
    """An item of a list of names (co-handlers, recipients)."""
    return text_problem(item, max_length=500)


def _object_item(item: object) -> ErrorKind | None:
    """An item of a list of objects (received papers, calendar days)."""
    if not isinstance(item, dict):
        return ErrorKind.INVALID_FIELDS
    return json_problem(item, max_depth=MAX_FIELD_DEPTH - 1)


def _list_check(rule: FieldRule, item_problem: Check) -> Check:
    """A list of at most ``rule.max_length`` items, each checked by ``item_problem``."""
    most = rule.max_length or 0

    def check(value: object) -> ErrorKind | None:
        if not isinstance(value, list) or len(value) > most:
            return ErrorKind.INVALID_FIELDS
        for item in value:
            if problem := item_problem(item):
                return problem
        return None

    return check


@functools.cache
def _checker(name: str, rule: FieldRule) -> Check:
    """One function that checks a value of field ``name`` (built once per field)."""
    kind = rule.type
    if kind is FieldType.TEXT or kind is FieldType.MULTILINE:
        check = _text_check(name, rule)
    elif kind is FieldType.INT:
        allowed = _RANGES.get(name, _NATURAL)
        check = _shape_check(lambda v: _is_int(v) and v in allowed)  # type: ignore[operator]
    elif kind is FieldType.BOOL:
        check = _shape_check(lambda v: isinstance(v, bool))
    elif kind is FieldType.UUID:
        check = _shape_check(lambda v: isinstance(v, str) and _UUID.fullmatch(v) is not None)
    elif kind is FieldType.DATE:
        check = _shape_check(_iso_date)
    elif kind is FieldType.DATETIME:
        check = _shape_check(_iso_datetime)
    elif kind is FieldType.LIST:
        check = _list_check(rule, _line_item)
    elif kind is FieldType.OBJECTS:
        check = _list_check(rule, _object_item)
    else:
        check = lambda v: json_problem(v) if isinstance(v, dict) else ErrorKind.INVALID_FIELDS  # noqa: E731
    if not rule.nullable:
        return check
    return lambda value: None if value is None else check(value)


def field_checker(name: str, rule: FieldRule) -> Check:
    """The check of field ``name`` with ``rule``: a function of a value returning why the
    value cannot be that field, or None (built once per field; what :func:`field_problem` runs)."""
    return _checker(name, rule)


def field_problem(name: str, rule: FieldRule, value: object) -> ErrorKind | None:
    """Why ``value`` cannot be field ``name`` with ``rule`` (None when it can)."""
    return _checker(name, rule)(value)


def fields_refusal(
    rules: RecordRules, fields: Mapping[str, Any], *, unknown_ok: bool = False
) -> Refusal | None:
    """The first problem of an operation's or change's fields against ``rules`` (None: fine).

    ``unknown_ok``: fields the rules do not name are let through unchecked (what a
    client does with a change from a newer server: it stores only the fields it knows).
    """
    known = rules.fields
    for name, value in fields.items():
        rule = known.get(name)
        if rule is None:
            if unknown_ok:
                continue
            return Refusal(ErrorKind.UNKNOWN_FIELD, f"{rules.entity} has no field {_name(name)}", None)
        problem = _checker(name, rule)(value)
        if problem is None and name == "series" and value is not None and rules.series_kinds:
            problem = None if parse_series(value)[0] in rules.series_kinds else ErrorKind.INVALID_FIELDS
        if problem is not None:
            params = {"max_length": rule.max_length} if problem is ErrorKind.TEXT_TOO_LONG else {}
            return Refusal(problem, f"field {name} of {rules.entity} refused ({problem})", name, params)
    return None


# -- operations and changes -------------------------------------------------------------


def operation_refusal(
    entity: Entity | str, action: Action | str, fields: Mapping[str, Any]
) -> Refusal | None:
    """Whether an operation of a client may cross the wire: entity, action and every field."""
    try:
        rules = RECORDS[Entity(entity)]
    except (KeyError, ValueError):
        if entity == Entity.CONFLICT:
            return Refusal(ErrorKind.ENTITY_NOT_ALLOWED, "conflicts are written by the server")
        return Refusal(ErrorKind.UNKNOWN_ENTITY, f"unknown entity {_name(entity)}")
    if rules.append_only and action != Action.CREATE:
        return Refusal(ErrorKind.APPEND_ONLY, f"{rules.entity} records are append-only")
    if not isinstance(fields, Mapping):
        return Refusal(ErrorKind.INVALID_FIELDS, "fields must be an object")
    return fields_refusal(rules, fields)


def change_refusal(entity: Entity | str, fields: Mapping[str, Any]) -> Refusal | None:
    """Whether a pulled change may be applied on a client (conflicts are checked as a whole).

    Fields of a server-written ``conflict`` record hold both sides' values of
    other records; they are checked as free JSON. Fields a client does not
    know are ignored, as it ignores them when storing the record.
    """
    try:
        entity = Entity(entity)
    except ValueError:
        return Refusal(ErrorKind.UNKNOWN_ENTITY, f"unknown entity {_name(entity)}")
    if entity is Entity.CONFLICT:
        problem = json_problem(fields, max_depth=MAX_FIELD_DEPTH + 4, max_nodes=MAX_FIELD_NODES * 4)
        return Refusal(problem, "conflict record refused") if problem else None
    return fields_refusal(RECORDS[entity], fields, unknown_ok=True)


def checked_page(page: ReceivedPull) -> tuple[PullResponse, list[Refusal]]:
    """The changes of a pull page that may be applied, and why the others may not."""
    kept: list[Change] = []
    refused: list[Refusal] = []
    for change in page.changes:
        if not isinstance(change, Change):
            refused.append(Refusal(ErrorKind.INVALID_OPERATION, "not a change of protocol v1"))
        elif change.deleted:
            kept.append(change)
        elif (refusal := change_refusal(change.entity, change.fields)) is not None:
            refused.append(Refusal(refusal.kind, f"change {change.seq}: {refusal.message}", refusal.field))
        else:
            kept.append(change)
    return PullResponse(changes=kept, cursor=page.cursor, has_more=page.has_more), refused


__all__ = [
    "checked_page",
    "MAX_FIELD_DEPTH",
    "MAX_SAFE_INTEGER",
    "Refusal",
    "change_refusal",
    "field_problem",
    "fields_refusal",
    "json_problem",
    "nesting_depth",
    "operation_refusal",
    "text_problem",
]
