"""A real store in a temporary folder for each service test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, open_context

from commune_desk.app import AppContext


@pytest.fixture
def clock() -> Clock:
    return Clock(TUESDAY_9AM)


@pytest.fixture
def ctx(tmp_path: Path, clock: Clock) -> Iterator[AppContext]:
    context = open_context(tmp_path / "data", clock)
    yield context
    context.close()
