"""The protocol's validation: what it accepts can always be stored and sent; it never recurses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.poison import BAD_CHARACTERS, Deep, json_values

from commune_desk.messages import MESSAGES
from commune_desk.protocol import CLIENT_ENTITIES, RECORDS, Entity, ErrorKind
from commune_desk.protocol.jsontext import TOO_DEEP
from commune_desk.protocol.validation import (
    change_refusal,
    json_problem,
    nesting_depth,
    operation_refusal,
    text_problem,
)


def _materialise(value: Any) -> Any:
    """Turn the strategies' Deep markers into real nested lists (built without recursion)."""
    if isinstance(value, Deep):
        root: list[Any] = []
        node = root
        for _ in range(value.depth - 1):
            child: list[Any] = []
            node.append(child)
            node = child
        return root
    if isinstance(value, dict):
        return {k: _materialise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_materialise(v) for v in value]
    return value


def _sendable(fields: dict[str, Any]) -> None:
    """What every database and JSON writer on the path needs."""
    json.dumps(fields, ensure_ascii=False, allow_nan=False).encode("utf-8")


@settings(max_examples=300)
@given(
    entity=st.sampled_from(sorted(CLIENT_ENTITIES)),
    data=st.data(),
)
def test_whatever_validation_accepts_can_be_stored_and_sent(entity: Entity, data: st.DataObject) -> None:
    names = sorted(RECORDS[entity].fields)
    fields = data.draw(
        st.dictionaries(st.sampled_from(names) | st.text(max_size=5), json_values(), max_size=3)
    )
    fields = _materialise(fields)
    refusal = operation_refusal(entity, "create", fields)
    if refusal is None:
        _sendable(fields)
    else:
        assert refusal.kind in MESSAGES  # the clerk can be told why
        refusal.message.encode("ascii")  # never echoes the value


@given(st.text(BAD_CHARACTERS, min_size=1, max_size=3), st.text(max_size=5), st.text(max_size=5))
def test_bad_characters_are_refused_in_one_line_fields(bad: str, left: str, right: str) -> None:
    value = left + bad + right
    if bad.strip("\u2028\ufeff\ufffe") == "":
        return  # format and noncharacters are text, not control characters
    assert text_problem(value, max_length=100) is ErrorKind.INVALID_CHARACTERS


def test_line_breaks_only_where_the_field_allows_them() -> None:
    assert operation_refusal("dossier", "create", {"notes": "dòng 1\r\ndòng 2\tcột"}) is None
    refusal = operation_refusal("dossier", "create", {"applicant_name": "Nguyễn\nVăn An"})
    assert (
        refusal is not None
        and refusal.kind is ErrorKind.INVALID_CHARACTERS
        and refusal.field == "applicant_name"
    )


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"applicant_name": "x" * 201}, ErrorKind.TEXT_TOO_LONG),
        ({"applicant_name": "An\ud800"}, ErrorKind.INVALID_CHARACTERS),
        ({"notes": "\x00"}, ErrorKind.INVALID_CHARACTERS),
        ({"code": "000.00.06.H26-260101-1001\n"}, ErrorKind.INVALID_CHARACTERS),
        ({"code": "000.00.06.h26-260101-1001"}, ErrorKind.INVALID_FIELDS),
        ({"counter_slot": 10}, ErrorKind.INVALID_FIELDS),
        ({"counter_slot": True}, ErrorKind.INVALID_FIELDS),
        ({"status": 2.0}, ErrorKind.INVALID_FIELDS),
        ({"received_at": "yesterday"}, ErrorKind.INVALID_FIELDS),
        ({"received_at": "2026-02-30T00:00:00+07:00"}, ErrorKind.INVALID_FIELDS),
        ({"applicant_name": None}, ErrorKind.INVALID_FIELDS),
        ({"no_such_field": 1}, ErrorKind.UNKNOWN_FIELD),
    ],
)
def test_dossier_fields(fields: dict[str, Any], kind: ErrorKind) -> None:
    refusal = operation_refusal("dossier", "create", fields)
    assert refusal is not None and refusal.kind is kind


def test_series_and_event_kinds_are_matched_whole() -> None:
    ok = {"series": "incoming/2026", "number": 1}
    assert operation_refusal("incoming_document", "create", ok) is None
    for series in ("incoming/2026\n", "outgoing/2026", "dossier-code/H26", "incoming/2026 "):
        refusal = operation_refusal("incoming_document", "create", {"series": series})
        assert refusal is not None, series
    event = operation_refusal("dossier_event", "create", {"kind": "received\n"})
    assert event is not None and event.kind in (ErrorKind.INVALID_CHARACTERS, ErrorKind.UNKNOWN_EVENT_KIND)
    assert (
        operation_refusal("dossier_event", "create", {"kind": "teleported"}).kind
        is ErrorKind.UNKNOWN_EVENT_KIND
    )  # type: ignore[union-attr]


def test_numbers_stay_below_2_pow_53() -> None:
    assert operation_refusal("incoming_document", "create", {"number": 2**53 - 1}) is None
    for bad in (2**53, 0, -1, 1.5, float("nan")):
        assert operation_refusal("incoming_document", "create", {"number": bad}) is not None, bad
    assert json_problem({"x": 2**60}) is ErrorKind.INVALID_FIELDS
    assert json_problem({"x": float("inf")}) is ErrorKind.INVALID_FIELDS


def test_entities_and_actions() -> None:
    assert operation_refusal("ballot", "create", {}).kind is ErrorKind.UNKNOWN_ENTITY  # type: ignore[union-attr]
    assert operation_refusal("conflict", "create", {}).kind is ErrorKind.ENTITY_NOT_ALLOWED  # type: ignore[union-attr]
    assert operation_refusal("dossier_event", "update", {}).kind is ErrorKind.APPEND_ONLY  # type: ignore[union-attr]


@pytest.mark.parametrize("depth", [9, 1_000, 200_000])
def test_deep_nesting_is_refused_without_recursion(depth: int) -> None:
    value = _materialise(Deep(depth))
    assert json_problem(value) is ErrorKind.INVALID_FIELDS
    assert nesting_depth(value, limit=50) == min(depth, 51)
    refusal = operation_refusal("dossier_event", "create", {"data": {"x": value}})
    assert refusal is not None and refusal.kind is ErrorKind.INVALID_FIELDS


def test_a_value_too_deep_to_read_is_refused() -> None:
    assert json_problem({"x": TOO_DEEP}) is ErrorKind.INVALID_FIELDS


def test_pulled_changes_ignore_fields_of_a_newer_server_but_not_bad_values() -> None:
    assert change_refusal("dossier", {"applicant_name": "An", "field_of_v2": {"any": 1}}) is None
    assert change_refusal("dossier", {"applicant_name": "An\x1b"}) is not None
    assert change_refusal("conflict", {"kind": "field_conflict", "fields": {"x": {"server": 1}}}) is None
    assert change_refusal("conflict", {"fields": {"x": {"server": "\ud800"}}}) is not None
    assert change_refusal("teleport", {}) is not None
