"""Fixtures: a real city server per test module and backend (SQLite, PostgreSQL if configured)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from tests.helpers.city_server import (
    RunningServer,
    ServerUser,
    SyncDevice,
    backends,
    database_url,
    run_city_server,
)

BACKENDS = [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in backends()]


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A live server with communes C01 and C02, each with a clerk and a leader."""
    with (
        database_url(request.param, tmp_path_factory.mktemp("city")) as url,
        run_city_server(url) as running,
    ):
        yield running


@pytest.fixture
def device(server: RunningServer) -> Iterator[Callable[..., SyncDevice]]:
    """Factory: ``device("C01")`` logs a new device in as that commune's clerk."""
    made: list[SyncDevice] = []

    def make(commune: str = "C01", role: str = "clerk", user: ServerUser | None = None) -> SyncDevice:
        dev = SyncDevice(server, user or server.user(commune, role))
        made.append(dev)
        return dev

    yield make
    for dev in made:
        dev.close()
