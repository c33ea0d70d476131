"""Stored records on their way out: written as JSON safely, checked and repaired.

Every value a push stores has passed the protocol's validation, but a
database written by an older server may hold what no JSON writer can send (a
lone UTF-16 surrogate, NaN) or what the protocol now refuses (control
characters, over-long text). Pull never fails on such a row: it is skipped,
logged and counted (:func:`change_json`, :class:`SkipCounter`).
``city-server check`` (:func:`check_records`) finds these rows and, with
``--repair``, writes a clean version of each as a new change, so every PC
receives it at its next pull.
"""

from __future__ import annotations

import json
import math
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, select, update
from sqlalchemy.orm import Session

from city_server.models import Commune, Record, utcnow
from city_server.numbers import lock_commune
from commune_desk.protocol import RECORDS, Entity, FieldRule, FieldType
from commune_desk.protocol.text import is_clean_text, replace_surrogates
from commune_desk.protocol.validation import MAX_FIELD_DEPTH, change_refusal, field_problem

_BATCH = 500


class SkipCounter:
    """How many unserialisable rows pulls have skipped, per commune (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_commune: dict[int, int] = {}

    def add(self, commune_id: int) -> None:
        """Count one skipped row of ``commune_id``."""
        with self._lock:
            self.by_commune[commune_id] = self.by_commune.get(commune_id, 0) + 1

    @property
    def total(self) -> int:
        """Rows skipped since the server started."""
        with self._lock:
            return sum(self.by_commune.values())


def _canonical_id(text: object) -> str:
    value = str(uuid.UUID(str(text)))
    if value != text:
        raise ValueError("entity id not in canonical form")
    return value


def change_json(row: Record) -> str | None:
    """The ``Change`` of ``row`` as compact JSON, or None when it cannot be sent.

    None for an unknown entity, a malformed id, a lone surrogate (no UTF-8 for
    it), a non-finite number or nesting no JSON writer finishes.
    """
    try:
        fields = {} if row.deleted else row.fields
        if not isinstance(fields, dict):
            return None
        change = {
            "seq": row.change_seq,
            "entity": Entity(row.entity).value,
            "entity_id": _canonical_id(row.entity_id),
            "version": row.version,
            "deleted": bool(row.deleted),
            "fields": fields,
        }
        text = json.dumps(change, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text.encode("utf-8")
    except (ValueError, TypeError, RecursionError):
        return None
    return text


# -- check and repair ------------------------------------------------------------------


@dataclass
class CheckReport:
    """What ``check_records`` found and did; ``problems`` empty means healthy (or repaired)."""

    checked: int = 0
    found: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is left for a person to do."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """Plain form for ``--json``."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "found": self.found,
            "repaired": self.repaired,
            "problems": self.problems,
        }


def _clean_text(value: str, rule: FieldRule | None) -> str:
    """Surrogates become U+FFFD, disallowed control characters go, text is cut to length."""
    multiline = rule is None or rule.type is FieldType.MULTILINE
    value = replace_surrogates(value)
    if not is_clean_text(value, multiline=multiline):
        value = "".join(
            (" " if ch in "\t\n\r" else "") if not is_clean_text(ch, multiline=multiline) else ch
            for ch in value
        )
    if rule is not None and rule.max_length is not None and rule.type is not FieldType.LIST:
        value = value[: rule.max_length]
    return value


def _clean(value: Any, rule: FieldRule | None) -> Any:
    """``value`` with what cannot cross the wire replaced; nesting deeper than allowed cut off.

    Iterative: a value nested thousands of levels deep is cut, not recursed into.
    """
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 1)]
    while stack:
        parent, key, depth = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            parent[key] = _clean_text(item, rule if parent is root else None)
        elif isinstance(item, float) and not math.isfinite(item):
            parent[key] = None
        elif isinstance(item, dict | list):
            if depth > MAX_FIELD_DEPTH:
                parent[key] = None
                continue
            if isinstance(item, dict):
                copy = {_clean_text(str(k), None)[:100]: v for k, v in item.items()}
                parent[key] = copy
                stack.extend((copy, k, depth + 1) for k in copy)
            else:
                items = list(item)
                parent[key] = items
                stack.extend((items, i, depth + 1) for i in range(len(items)))
    return root[0]


def repaired_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A clean copy of a stored record's fields (the same dict when nothing needed changing)."""
    rules = RECORDS.get(Entity(entity)) if entity in set(Entity) else None
    clean = {}
    for name, value in fields.items():
        rule = rules.fields.get(name) if rules is not None else None
        clean[_clean_text(str(name), None)[:100]] = _clean(value, rule)
    return clean


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values (NaN never is)."""
    try:
        return json.dumps(a, sort_keys=True, allow_nan=False) == json.dumps(
            b, sort_keys=True, allow_nan=False
        )
    except (ValueError, TypeError, RecursionError):
        return False


def _rows(session: Session, commune_id: int | None) -> Iterator[tuple[int, int, str, str, str | None]]:
    """(id, commune, entity, entity_id, fields as JSON text) of every record, in id order."""
    last = 0
    while True:
        query = (
            select(Record.id, Record.commune_id, Record.entity, Record.entity_id, cast(Record.fields, String))
            .where(Record.id > last)
            .order_by(Record.id)
            .limit(_BATCH)
        )
        if commune_id is not None:
            query = query.where(Record.commune_id == commune_id)
        batch = session.execute(query).all()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def _problem(entity: str, entity_id: str, raw: str | None) -> tuple[str, dict[str, Any] | None]:
    """What is wrong with one stored row ("" when nothing), and its parsed fields."""
    try:
        fields = json.loads(raw) if raw is not None else {}
    except (ValueError, RecursionError):
        return "fields unreadable", None
    try:
        Entity(entity)
        _canonical_id(entity_id)
    except ValueError:
        return "unknown entity or malformed id", fields
    if not isinstance(fields, dict):
        return "fields are not an object", None
    try:
        json.dumps(fields, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError):
        return "cannot be written as JSON (lone surrogate or non-finite number)", fields
    refusal = change_refusal(entity, fields)
    if refusal is not None:
        return f"breaks the protocol's rules ({refusal.kind}, field {refusal.field})", fields
    return "", fields


def check_records(session: Session, *, repair: bool = False, commune_id: int | None = None) -> CheckReport:
    """Find stored records a pull cannot send or a client would refuse; repair them if asked.

    A repair writes the cleaned fields as a new version with a new change
    sequence of its commune (so every PC pulls it again) and commits per row.
    Rows whose entity or id is unknown, or whose cleaned fields still break a
    rule (a wrong type), are left for a person and reported in ``problems``.
    """
    report = CheckReport()
    bad: list[tuple[int, str, dict[str, Any] | None]] = []
    for row_id, _commune, entity, entity_id, raw in _rows(session, commune_id):
        report.checked += 1
        problem, fields = _problem(entity, entity_id, raw)
        if problem:
            label = f"record {row_id} ({entity} {entity_id!a}): {problem}"
            report.found.append(label)
            bad.append((row_id, label, fields))
    for row_id, label, fields in bad:
        if not repair:
            report.problems.append(label)
            continue
        outcome = _repair(session, row_id, fields)
        (report.repaired if outcome == "" else report.problems).append(label + (outcome and f"; {outcome}"))
    return report


def _repair(session: Session, row_id: int, fields: dict[str, Any] | None) -> str:
    """Write a clean version of one record; "" when done, else why it needs a person."""
    entity = session.scalar(select(Record.entity).where(Record.id == row_id))
    commune_id = session.scalar(select(Record.commune_id).where(Record.id == row_id))
    if entity is None or commune_id is None or entity not in set(Entity) or fields is None:
        return "not repaired: a person must look at it"
    clean = repaired_fields(entity, fields)
    rules = RECORDS.get(Entity(entity))
    if rules is not None:
        for name, value in clean.items():
            rule = rules.fields.get(name)
            if rule is not None and field_problem(name, rule, value) is not None:
                return f"not repaired: field {name} has the wrong type"
    commune: Commune = lock_commune(session, commune_id)
    # Written with an UPDATE of plain values: the row's own fields may not even load.
    version, versions = session.execute(
        select(Record.version, Record.field_versions).where(Record.id == row_id)
    ).one()
    changed = [name for name in clean if name not in fields or not _same(fields[name], clean[name])]
    versions = {k: v for k, v in dict(versions or {}).items() if k in clean}
    versions.update(dict.fromkeys(changed, version + 1))
    commune.change_seq += 1
    session.execute(
        update(Record)
        .where(Record.id == row_id)
        .values(
            fields=clean,
            field_versions=versions,
            version=version + 1,
            change_seq=commune.change_seq,
            updated_at=utcnow(),
        )
    )
    session.commit()
    return ""
