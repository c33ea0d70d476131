"""Protocol helpers: series and code parsing, slots, retryable statuses, wire models."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from commune_desk.sync.protocol import (
    MAX_PUSH_OPS,
    Operation,
    PushRequest,
    SeriesKind,
    dossier_code_series,
    is_retryable_status,
    parse_dossier_code,
    parse_series,
    register_series,
    slot_block,
)


def test_series_names_round_trip() -> None:
    assert parse_series(dossier_code_series("000.00.06.H56")) == (SeriesKind.DOSSIER_CODE, "000.00.06.H56")
    for book in (SeriesKind.INCOMING, SeriesKind.OUTGOING, SeriesKind.OUTGOING_SECRET):
        assert parse_series(register_series(book, 2026)) == (book, "2026")
    with pytest.raises(ValueError):
        register_series(SeriesKind.DOSSIER_CODE, 2026)
    for bad in ("incoming/26", "receipts/2026", "dossier-code/", "incoming/2026/x", ""):
        with pytest.raises(ValueError):
            parse_series(bad)


def test_dossier_codes_and_slots() -> None:
    assert parse_dossier_code("000.00.06.H56-231027-0361") == ("000.00.06.H56", "231027", 361)
    for bad in ("H56-2310270361", "H56-231027-361", "-231027-0361"):
        with pytest.raises(ValueError):
            parse_dossier_code(bad)
    assert slot_block(1) == (1001, 1999)
    assert slot_block(9) == (9001, 9999)
    for bad in (0, 10):
        with pytest.raises(ValueError):
            slot_block(bad)


def test_retryable_statuses() -> None:
    assert all(is_retryable_status(s) for s in (408, 425, 429, 500, 502, 503, 504))
    assert not any(is_retryable_status(s) for s in (400, 401, 403, 404, 409, 413, 422))


def test_operation_validation() -> None:
    base = {
        "op_id": str(uuid.uuid4()),
        "device_id": str(uuid.uuid4()),
        "seq": 1,
        "entity": "dossier",
        "entity_id": str(uuid.uuid4()),
        "action": "create",
        "future_field": "ignored",
    }
    op = Operation.model_validate(base)
    assert op.fields == {} and op.base_version is None
    for field, value in (("seq", 0), ("entity", "nope"), ("action", "merge"), ("op_id", "not-a-uuid")):
        with pytest.raises(ValidationError):
            Operation.model_validate({**base, field: value})
    with pytest.raises(ValidationError):
        PushRequest.model_validate({"ops": [base] * (MAX_PUSH_OPS + 1)})
