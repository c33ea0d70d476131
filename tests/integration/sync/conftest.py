"""Fixtures of the sync integration tests: a real city server and an in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer, backends, database_url, run_city_server, sqlite_url
from tests.helpers.memory_keyring import MemoryKeyring, memory_keyring

BACKENDS = [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in backends()]


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    """Every test gets its own empty in-memory keyring."""
    with memory_keyring() as backend:
        yield backend


@pytest.fixture()
def city(tmp_path: Path) -> Iterator[RunningServer]:
    """The real city server (SQLite file) on an ephemeral 127.0.0.1 port."""
    with run_city_server(sqlite_url(tmp_path), communes=("C01", "C02")) as server:
        yield server


@pytest.fixture(params=BACKENDS)
def any_city(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    """The real city server on SQLite, and on PostgreSQL when COMMUNE_TEST_PG_URL is set."""
    with (
        database_url(request.param, tmp_path) as url,
        run_city_server(url, communes=("C01", "C02")) as server,
    ):
        yield server
