"""Each record type's rules agree with the client's tables: columns, nullability, lengths."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String

from commune_desk.protocol import LOCAL_COLUMNS, RECORDS, TABLE_ENTITIES, Entity, FieldType, search_parts
from commune_desk.protocol.records import from_wire, to_wire
from commune_desk.store.models import Dossier, IncomingDocument
from commune_desk.store.types import UTCDateTime
from commune_desk.sync.records import ENTITY_MODELS


@pytest.mark.parametrize("entity", TABLE_ENTITIES)
def test_synced_fields_are_the_tables_columns(entity: Entity) -> None:
    """A column added to a table must be declared in protocol.records (and the reverse)."""
    table: Any = ENTITY_MODELS[entity].__table__
    columns = [c.key for c in table.columns if c.key not in LOCAL_COLUMNS]
    assert RECORDS[entity].columns == columns


@pytest.mark.parametrize("entity", TABLE_ENTITIES)
def test_each_field_fits_its_column(entity: Entity) -> None:
    """Nullable where the column is, a length limit within String(n), the right wire type."""
    table: Any = ENTITY_MODELS[entity].__table__
    for name in RECORDS[entity].columns:
        rule, column = RECORDS[entity].fields[name], table.columns[name]
        assert rule.nullable == column.nullable, name
        if rule.type in (FieldType.TEXT, FieldType.MULTILINE):
            assert rule.max_length is not None, f"{name}: every text has a length limit"
            if isinstance(column.type, String) and column.type.length:
                assert rule.max_length <= column.type.length, name
        if isinstance(column.type, UTCDateTime):
            assert rule.type is FieldType.DATETIME, name


def test_codec_round_trips_times_and_dates() -> None:
    wire = to_wire({"a"})
    assert wire == ["a"]
    assert from_wire(Entity.DOSSIER, "received_at", "2026-01-05T08:30:00+07:00").utcoffset() is not None
    assert str(from_wire(Entity.INCOMING_DOCUMENT, "received_on", "2026-02-01")) == "2026-02-01"
    assert from_wire(Entity.DOSSIER, "unknown", 5) == 5


def test_search_parts_read_rows_and_mappings_alike() -> None:
    row = Dossier(applicant_name="An", applicant_id_number="001", applicant_phone=None, code="C-1")
    mapping = {"applicant_name": "An", "applicant_id_number": "001", "applicant_phone": None, "code": "C-1"}
    assert (
        search_parts(Entity.DOSSIER, row)
        == search_parts(Entity.DOSSIER, mapping)
        == ("An", "001", None, "C-1")
    )
    doc = IncomingDocument(summary="S", author="A", number_symbol="1/UB", number=7)
    assert search_parts("incoming_document", doc) == ("S", "A", "1/UB", "7")
    assert search_parts(Entity.DOSSIER_EVENT, {}) is None
    assert search_parts("no such entity", {}) is None
