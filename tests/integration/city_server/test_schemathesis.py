"""Property-based fuzzing from the generated OpenAPI schema: no input yields a 5xx.

Runs against the live server over HTTP, authenticated as a clerk (so the
handlers behind authentication are reached), with valid and invalid inputs.
Every string and integer of a generated body may be swapped for one of the
poison values of ``tests/helpers/poison.py`` (lone surrogates, control
characters, huge strings, integers past 2**63), the strategies the push
fuzzing uses. Examples per operation and mode: ``CITY_SERVER_FUZZ_EXAMPLES``
(default 15).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from tests.helpers.city_server import RunningServer
from tests.helpers.poison import STRINGS

#: Integers a body may hold instead of the generated one (past what any column holds).
_INTEGERS = st.one_of(st.integers(min_value=2**53 - 1, max_value=2**80), st.integers(max_value=-1))


def poisoned(value: object) -> st.SearchStrategy[object]:
    """``value`` as generated, or with any of its strings and integers swapped for poison."""
    if isinstance(value, str):
        return st.one_of(st.just(value), STRINGS)
    if isinstance(value, bool) or value is None:
        return st.just(value)
    if isinstance(value, int):
        return st.one_of(st.just(value), _INTEGERS)
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: poisoned(v) for k, v in value.items()})
    if isinstance(value, list):
        return st.tuples(*(poisoned(v) for v in value)).map(list)
    return st.just(value)


EXAMPLES = int(os.environ.get("CITY_SERVER_FUZZ_EXAMPLES", "15"))


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_no_server_error_on_any_input(server: RunningServer, mode: schemathesis.GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")

    @schema.hook
    def flatmap_body(_context: object, body: object) -> st.SearchStrategy[object]:
        return poisoned(body)

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
