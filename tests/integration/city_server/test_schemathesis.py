"""Property-based fuzzing from the generated OpenAPI schema: no input yields a 5xx.

Runs against the live server over HTTP, authenticated as a clerk (so the
handlers behind authentication are reached), with valid and invalid inputs.
Examples per operation and mode: ``CITY_SERVER_FUZZ_EXAMPLES`` (default 15).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from tests.helpers.city_server import RunningServer

EXAMPLES = int(os.environ.get("CITY_SERVER_FUZZ_EXAMPLES", "15"))


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_no_server_error_on_any_input(server: RunningServer, mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    tokens = server.login(server.user("C01", "leader"))
    auth = {"Authorization": f"Bearer {tokens.access_token}"}
    failures: list[str] = []
    skipped: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: schemathesis.Case) -> None:
            headers = {**(case.headers or {}), **auth}
            reply = case.call(base_url=server.base_url, headers=headers, timeout=30)
            if reply.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {reply.status_code}: {reply.text[:300]}"
                )

        try:
            run()
        except Unsatisfiable:
            # Nothing invalid can be generated (e.g. an operation without parameters).
            assert mode is schemathesis.GenerationMode.NEGATIVE
            skipped.append(operation.path)
    assert len(skipped) < len(operations) // 2, skipped
    assert not failures, "\n".join(failures[:10])
