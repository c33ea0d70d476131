"""Login abuse: growing waits then a lock, per username and address, shared by server processes.

Each test runs its own servers (a lock must not leak into other tests) with a
throttle whose clock the test moves, so hours of waiting take no time.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import extract_parameters
from sqlalchemy import select
from tests.helpers.city_server import (
    RunningServer,
    ServerUser,
    backends,
    database_url,
    run_city_server,
)

from city_server.db import make_engine
from city_server.models import SecurityEvent
from city_server.security import PRODUCTION_PARAMETERS, dummy_hash
from city_server.throttle import LoginThrottle

BACKENDS = [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else []) for b in backends()]


class Clock:
    """A settable clock for the throttle (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@contextlib.contextmanager
def _servers(backend: str, tmp_path: Path, count: int = 1) -> Iterator[tuple[Clock, list[RunningServer]]]:
    """``count`` server processes' worth of apps on one database, all on one clock."""
    clock = Clock()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(database_url(backend, tmp_path))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        servers = [
            stack.enter_context(
                run_city_server(
                    url, communes=("C01",) if i == 0 else (), throttle=LoginThrottle(engine, clock=clock)
                )
            )
            for i in range(count)
        ]
        for other in servers[1:]:
            other.users.extend(servers[0].users)
        yield clock, servers


def _try(server: RunningServer, user: ServerUser, password: str) -> httpx.Response:
    return server.login_reply(user, uuid.uuid4(), password=password)


def _events(server: RunningServer) -> list[tuple[str, str | None]]:
    with server._sessions() as session:  # type: ignore[operator]
        return [
            (e.kind, e.username) for e in session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))
        ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_failures_make_the_username_wait_longer_then_lock_it(backend: str, tmp_path: Path) -> None:
    """Thirty wrong passwords in a row no longer end with the right one accepted at once."""
    with _servers(backend, tmp_path) as (clock, [server]):
        user = server.user("C01")
        waits = []
        for _ in range(4):  # rounds of five failures, each followed by the wait it earns
            for _ in range(5):
                assert _try(server, user, "wrong").status_code == 401
            locked = _try(server, user, user.password)  # even the right password waits
            assert (locked.status_code, locked.json()["kind"]) == (429, "rate_limited")
            assert locked.json()["retryable"] is True
            waits.append(int(locked.headers["Retry-After"]))
            assert locked.json()["details"]["retry_after"] == waits[-1]
            clock.now += waits[-1] - 1
            assert _try(server, user, user.password).status_code == 429  # not a second early
            clock.now += 1
        # A minute, then the rest of ten minutes, a minute, then the rest of the hour.
        assert waits[0] <= 60 and 60 < waits[1] <= 600 and waits[2] <= 60
        assert 600 < waits[3] <= 3600
        assert _try(server, user, user.password).status_code == 200
        kinds = [k for k, _ in _events(server)]
        assert kinds.count("login_failed") == 20 and kinds.count("login_locked") == 7


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_usernames_lock_like_known_ones_and_success_clears(backend: str, tmp_path: Path) -> None:
    with _servers(backend, tmp_path) as (clock, [server]):
        ghost = ServerUser("nobody-here", "x", "C01", server.user("C01").role)
        real = server.user("C01")
        for user in (ghost, real):
            replies = [_try(server, user, "wrong") for _ in range(6)]
            assert [r.status_code for r in replies] == [401] * 5 + [429]
            assert replies[0].json() == {
                "kind": "invalid_credentials",
                "message": "wrong username or password",
                "retryable": False,
                "details": {},
            }
        clock.now += 61
        for _ in range(4):
            _try(server, real, "wrong")
        assert _try(server, real, real.password).status_code == 200  # clears the counters
        for _ in range(4):
            assert _try(server, real, "wrong").status_code == 401
        assert _try(server, real, real.password).status_code == 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_address_trying_many_usernames_is_locked(backend: str, tmp_path: Path) -> None:
    with _servers(backend, tmp_path) as (_clock, [server]):
        for i in range(30):
            ghost = ServerUser(f"guess-{i}", "x", "C01", server.user("C01").role)
            assert _try(server, ghost, "wrong").status_code == 401
        real = server.user("C01")
        reply = _try(server, real, real.password)
        assert reply.status_code == 429 and 0 < int(reply.headers["Retry-After"]) <= 60
        assert ("login_locked", "guess-29") in _events(server)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_server_processes_share_the_counters(backend: str, tmp_path: Path) -> None:
    """Attempts spread over processes count together: the state is in the database."""
    with _servers(backend, tmp_path, count=2) as (_clock, servers):
        user = servers[0].user("C01")
        for i in range(5):
            assert _try(servers[i % 2], user, "wrong").status_code == 401
        assert [_try(s, user, user.password).status_code for s in servers] == [429, 429]


def test_the_dummy_hash_has_the_production_cost() -> None:
    """An unknown user costs what a known one does: argon2 cost follows the hash's parameters."""
    assert extract_parameters(dummy_hash()) == PRODUCTION_PARAMETERS


def test_security_log_lists_failures_and_locks(tmp_path: Path) -> None:
    with _servers("sqlite", tmp_path) as (_clock, [server]):
        user = server.user("C01")
        for _ in range(5):
            _try(server, user, "wrong")
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                "from city_server.cli import main; raise SystemExit(main())",
                "security-log",
                "--db",
                server.db_url,
                "--kind",
                "login_locked",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert "login_locked" in run.stdout and user.username in run.stdout
        unlock = subprocess.run(
            [
                sys.executable,
                "-c",
                "from city_server.cli import main; raise SystemExit(main())",
                "unlock",
                "--db",
                server.db_url,
                "--username",
                user.username,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert unlock.returncode == 0, unlock.stderr
        assert _try(server, user, user.password).status_code == 200
        devices = subprocess.run(
            [
                sys.executable,
                "-c",
                "from city_server.cli import main; raise SystemExit(main())",
                "devices",
                "--db",
                server.db_url,
                "--commune",
                "C01",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert devices.returncode == 0 and user.username in devices.stdout, devices.stderr
