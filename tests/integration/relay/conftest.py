"""Fixtures of the relay tests: a real city server, an in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer, backends, database_url, run_city_server
from tests.helpers.memory_keyring import MemoryKeyring, memory_keyring


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    """Every test gets its own empty in-memory keyring."""
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(params=backends())
def city(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    """The real city server (SQLite, and PostgreSQL when configured) on an ephemeral 127.0.0.1 port."""
    with database_url(request.param, tmp_path) as url, run_city_server(url, communes=("C01", "C02")) as s:
        yield s
