"""The stateful sync model, bounded for CI (SQLite always, PostgreSQL when configured).

See ``sync_model.py`` for the rules and invariants. ``COMMUNE_SYNC_MODEL_EXAMPLES``
and ``COMMUNE_SYNC_MODEL_STEPS`` widen it; the long soak run is
``bench/sync_model_soak.py`` (recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from tests.helpers.city_server import backends
from tests.integration.sync.sync_model import make_machine

EXAMPLES = int(os.environ.get("COMMUNE_SYNC_MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("COMMUNE_SYNC_MODEL_STEPS", "20"))


@pytest.mark.parametrize(
    "backend",
    [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in backends()],
)
def test_sync_model(tmp_path: Path, backend: str) -> None:
    machine = make_machine(tmp_path, backend)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
