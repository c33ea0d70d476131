"""Run the real city server in-process for tests: uvicorn on 127.0.0.1, ephemeral port.

Typical use::

    from tests.helpers.city_server import run_city_server, sqlite_url

    with run_city_server(sqlite_url(tmp_path)) as server:
        clerk = server.user("C01")                       # a clerk of commune C01
        tokens = server.login(clerk, device_id)          # TokenResponse (real HTTP)
        requests.post(server.base_url + "/v1/push", ...)

:func:`run_city_server` migrates the database, creates the communes and users
you ask for (passwords hashed with a cheap argon2id profile), starts uvicorn
in a background thread and stops it on exit. :func:`database_urls` yields one
fresh database URL per backend: SQLite always, PostgreSQL when
``COMMUNE_TEST_PG_URL`` is set (a fresh schema per call, dropped afterwards).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from city_server.admin import add_commune, add_user
from city_server.app import create_app
from city_server.db import make_engine, session_factory
from city_server.throttle import LoginThrottle
from commune_desk.protocol import PROOF_LOGIN, PROOF_REFRESH, Role, TokenResponse
from commune_desk.sync.device_key import DeviceKey

PG_ENV = "COMMUNE_TEST_PG_URL"


def sqlite_url(directory: Path, name: str = "city.sqlite3") -> str:
    """URL of a (new) SQLite database file in ``directory``."""
    return f"sqlite:///{directory / name}"


@contextlib.contextmanager
def postgres_schema_url(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema in the database of ``base_url``; dropped on exit.

    The returned URL sets ``search_path`` to the schema, so the server, Alembic
    and the CLI all work inside it without knowing.
    """
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=None)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def backends() -> list[str]:
    """Backends to test: ``sqlite`` always, ``postgresql`` when COMMUNE_TEST_PG_URL is set."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@contextlib.contextmanager
def database_url(backend: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database of ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        yield sqlite_url(directory)
        return
    base = os.environ.get(PG_ENV)
    if not base:
        raise RuntimeError(f"{PG_ENV} is not set")
    with postgres_schema_url(base) as url:
        yield url


@dataclass(frozen=True)
class ServerUser:
    """Credentials of a user created by the fixture."""

    username: str
    password: str
    commune_code: str
    role: Role


@dataclass
class RunningServer:
    """A live server: ``base_url`` (no trailing slash, without ``/v1``) and its users."""

    base_url: str
    db_url: str
    users: list[ServerUser]
    port: int
    _sessions: object = field(repr=False, default=None)
    keys: dict[str, DeviceKey] = field(default_factory=dict, repr=False)
    """The private key of every device this fixture logged in (by device id)."""

    def user(self, commune_code: str, role: Role | str = Role.CLERK) -> ServerUser:
        """The first fixture user of ``commune_code`` with ``role``."""
        for u in self.users:
            if u.commune_code == commune_code and u.role == Role(role):
                return u
        raise KeyError((commune_code, role))

    def add_user(
        self,
        commune_code: str,
        role: Role | str = Role.CLERK,
        username: str | None = None,
        password: str = "secret-pass",
    ) -> ServerUser:
        """Create one more user in ``commune_code``."""
        username = username or f"{commune_code.lower()}-{Role(role)}-{uuid.uuid4().hex[:6]}"
        with self._sessions() as session:  # type: ignore[operator]
            add_user(
                session,
                commune_code=commune_code,
                username=username,
                role=Role(role),
                password=password,
                fast_hash=True,
            )
            session.commit()
        created = ServerUser(username, password, commune_code, Role(role))
        self.users.append(created)
        return created

    def key(self, device_id: uuid.UUID | str) -> DeviceKey:
        """The device key of ``device_id`` (made on first use, like a PC at its first login)."""
        return self.keys.setdefault(str(device_id), DeviceKey.generate())

    def proof(
        self, device_id: uuid.UUID | str, purpose: str = PROOF_LOGIN, key: DeviceKey | None = None
    ) -> dict[str, object]:
        """A fresh challenge signed by ``key`` (default: the device's own key), as JSON."""
        nonce = httpx.post(
            f"{self.base_url}/v1/auth/challenge", json={"device_id": str(device_id)}, timeout=30
        ).json()["nonce"]
        return (key or self.key(device_id)).prove(purpose, str(device_id), nonce).model_dump()

    def login_reply(
        self,
        user: ServerUser,
        device_id: uuid.UUID | str,
        device_name: str = "test",
        key: DeviceKey | None = None,
        password: str | None = None,
    ) -> httpx.Response:
        """POST a signed login (the raw reply, whatever its status)."""
        key = key or self.key(device_id)
        return httpx.post(
            f"{self.base_url}/v1/auth/login",
            json={
                "username": user.username,
                "password": password or user.password,
                "device_id": str(device_id),
                "device_name": device_name,
                "public_key": key.public_key,
                "proof": self.proof(device_id, key=key),
            },
            timeout=30,
        )

    def login(
        self, user: ServerUser, device_id: uuid.UUID | str | None = None, device_name: str = "test"
    ) -> TokenResponse:
        """Log ``user`` in over HTTP from ``device_id`` (a new random device by default)."""
        reply = self.login_reply(user, device_id or uuid.uuid4(), device_name)
        reply.raise_for_status()
        return TokenResponse.model_validate(reply.json())

    def refresh_reply(
        self, refresh_token: str, device_id: uuid.UUID | str, key: DeviceKey | None = None
    ) -> httpx.Response:
        """POST a signed refresh (the raw reply)."""
        return httpx.post(
            f"{self.base_url}/v1/auth/refresh",
            timeout=30,
            json={
                "refresh_token": refresh_token,
                "device_id": str(device_id),
                "proof": self.proof(device_id, PROOF_REFRESH, key),
            },
        )

    def client(self, tokens: TokenResponse, **kwargs: object) -> httpx.Client:
        """An httpx client with the bearer token of ``tokens`` set."""
        return httpx.Client(
            base_url=self.base_url,
            timeout=30,
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            **kwargs,  # type: ignore[arg-type]
        )


@contextlib.contextmanager
def run_city_server(
    db_url: str,
    communes: Sequence[str] = ("C01", "C02"),
    roles: Sequence[Role | str] = (Role.CLERK, Role.LEADER),
    password: str = "secret-pass",
    throttle: LoginThrottle | None = None,
) -> Iterator[RunningServer]:
    """Migrate ``db_url``, create ``communes`` with one user per role, serve on 127.0.0.1:0.

    Usernames are ``{code lower-case}-{role}`` (e.g. ``c01-clerk``), all with
    ``password``. Yields a :class:`RunningServer`; the server stops on exit.
    """
    engine = make_engine(db_url)
    app = create_app(engine=engine, throttle=throttle)
    sessions = session_factory(engine)
    users: list[ServerUser] = []
    with sessions() as session:
        for code in communes:
            add_commune(session, code=code, name=f"Commune {code}")
            for role in roles:
                name = f"{code.lower()}-{Role(role)}"
                add_user(
                    session,
                    commune_code=code,
                    username=name,
                    role=Role(role),
                    password=password,
                    fast_hash=True,
                )
                users.append(ServerUser(name, password, code, Role(role)))
        session.commit()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="city-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("city server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningServer(f"http://127.0.0.1:{port}", db_url, users, port, sessions)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        engine.dispose()


class SyncDevice:
    """A minimal protocol client for server tests: one device, its op seq, raw HTTP.

    ``op()`` builds an operation dict with the next seq; ``push()`` returns the
    results as dicts; ``pull_all()`` follows pages to the end.
    """

    def __init__(self, server: RunningServer, user: ServerUser, device_id: uuid.UUID | None = None) -> None:
        self.server = server
        self.user = user
        self.id = device_id or uuid.uuid4()
        self.tokens = server.login(user, self.id)
        self.http = server.client(self.tokens)
        self.seq = 0

    def op(
        self,
        entity: str,
        entity_id: uuid.UUID | str | None = None,
        action: str = "create",
        fields: dict[str, object] | None = None,
        base_version: int | None = None,
    ) -> dict[str, object]:
        """The next operation of this device (seq incremented)."""
        self.seq += 1
        return {
            "op_id": str(uuid.uuid4()),
            "device_id": str(self.id),
            "seq": self.seq,
            "entity": entity,
            "entity_id": str(entity_id or uuid.uuid4()),
            "action": action,
            "base_version": base_version,
            "fields": fields or {},
        }

    def push(self, *ops: dict[str, object]) -> list[dict[str, object]]:
        """Push ``ops``; assert HTTP 200 and return the per-op results."""
        reply = self.http.post("/v1/push", json={"ops": list(ops)})
        assert reply.status_code == 200, reply.text
        return reply.json()["results"]

    def push_one(self, op: dict[str, object]) -> dict[str, object]:
        """Push one op and return its result."""
        return self.push(op)[0]

    def lease(self, series: str, size: int = 20) -> dict[str, object]:
        """Lease a slot or block of ``series``."""
        reply = self.http.post("/v1/leases", json={"series": series, "size": size})
        assert reply.status_code == 200, reply.text
        return reply.json()

    def pull_all(self, after: int = 0, limit: int = 500) -> tuple[list[dict[str, object]], int]:
        """All changes after ``after`` (following pages); returns (changes, cursor)."""
        changes: list[dict[str, object]] = []
        while True:
            reply = self.http.get("/v1/pull", params={"after": after, "limit": limit})
            assert reply.status_code == 200, reply.text
            page = reply.json()
            changes += page["changes"]
            after = page["cursor"]
            if not page["has_more"]:
                return changes, after

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()
