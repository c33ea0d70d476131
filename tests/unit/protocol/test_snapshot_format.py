"""The snapshot file's stored forms are the ones the pull's bulk path writes, and its digest holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commune_desk import protocol as p
from commune_desk.protocol import snapshot as snap
from commune_desk.protocol.validation import field_problem
from commune_desk.sync.bulk import plan_for
from commune_desk.sync.index import keys_for
from commune_desk.sync.records import ENTITY_MODELS

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30)
MOMENT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.isoformat())
OFFSET = st.tuples(MOMENT, st.integers(-12, 14)).map(
    lambda m: datetime.fromisoformat(m[0]).astimezone(timezone(timedelta(hours=m[1]))).isoformat()
)


def _value(kind: p.FieldType) -> st.SearchStrategy[object]:
    return {
        p.FieldType.TEXT: TEXT,
        p.FieldType.MULTILINE: TEXT,
        p.FieldType.INT: st.integers(1, 60),
        p.FieldType.BOOL: st.booleans(),
        p.FieldType.DATE: st.dates().map(lambda d: d.isoformat()),
        p.FieldType.DATETIME: st.one_of(MOMENT, OFFSET),
        p.FieldType.UUID: st.uuids().map(str),
        p.FieldType.OBJECT: st.dictionaries(TEXT, st.one_of(TEXT, st.integers()), max_size=3),
        p.FieldType.LIST: st.lists(TEXT, max_size=3),
        p.FieldType.OBJECTS: st.lists(st.dictionaries(TEXT, TEXT, max_size=2), max_size=2),
    }[kind]


@st.composite
def records(draw: st.DrawFn) -> tuple[p.Entity, dict[str, object]]:
    entity = draw(st.sampled_from(snap.BULK_ENTITIES))
    rules = p.RECORDS[entity].fields
    names = draw(st.sets(st.sampled_from(snap.columns(entity))))
    return entity, {n: draw(_value(rules[n].type)) for n in sorted(names)}


@settings(max_examples=300)
@given(records())
def test_stored_forms_and_keys_are_the_bulk_paths(record: tuple[p.Entity, dict[str, object]]) -> None:
    """Every valid field the wire carries is stored as the pull's bulk insert stores it, and
    the search text is the one the PC builds (invalid ones: see the damaged-row test)."""
    entity, fields = record
    rules = p.RECORDS[entity].fields
    assume(all(field_problem(name, rules[name], value) is None for name, value in fields.items()))
    change = p.Change(seq=1, entity=entity, entity_id=uuid.uuid4(), version=1, deleted=False, fields=fields)
    bulk = plan_for(ENTITY_MODELS[entity]).values(str(change.entity_id), change, "now")
    row = snap.row_of(entity, fields)
    for name in fields:
        if name != "status":  # a dossier's status is derived on the PC, never taken
            assert row[name] == bulk[name], name
    merged = {**bulk, **{k: v for k, v in row.items() if v is not None}}
    assert snap.search_text(entity, merged) == keys_for(entity, merged)


def test_a_changed_byte_fails_the_digest(tmp_path: Path) -> None:
    raw = tmp_path / "s.sqlite3"
    writer = snap.SnapshotWriter(raw)
    writer.finish(snap.SnapshotMeta("C01", "e", "s", 0, 0, "now"))
    packed = tmp_path / "s.gz"
    digest = snap.compress(raw, packed)
    snap.expand(packed, tmp_path / "ok.sqlite3", digest)
    data = bytearray(packed.read_bytes())
    data[-5] ^= 1
    packed.write_bytes(bytes(data))
    with pytest.raises(snap.SnapshotError):
        snap.expand(packed, tmp_path / "bad.sqlite3", digest)
    with pytest.raises(snap.SnapshotError):  # without the digest, the gzip check still refuses it
        snap.expand(packed, tmp_path / "bad.sqlite3")
