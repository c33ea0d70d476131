"""Wire models and helpers of the protocol floor: retryable statuses, operation validation."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from commune_desk.protocol import MAX_PUSH_OPS, Operation, PushRequest, is_retryable_status


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
