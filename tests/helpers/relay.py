"""Run an office relay in-process for tests: uvicorn on 127.0.0.1, ephemeral port.

:func:`run_relay` migrates the relay's SQLite file, registers it with the
city server as a leader (``city-server relay login``'s code), starts the
relay app (and its forwarder thread, unless ``forwarder=False``) and stops
it on exit. ``RunningRelay.cycle()`` runs one forwarder cycle on the
caller's thread (tests that want to decide when the relay talks to the city).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from city_server.db import make_engine, migrate, session_factory
from city_server.relay.app import create_relay_app
from city_server.relay.forwarder import cycle
from city_server.relay.upstream import register_relay


@dataclass
class RunningRelay:
    """A live relay: ``base_url`` and its database sessions."""

    base_url: str
    db_url: str
    sessions: sessionmaker[Session]

    def cycle(self) -> None:
        """One exchange with the city, now (raises SyncError when the link fails)."""
        cycle(self.sessions)


def register(db_url: str, city_url: str, username: str, password: str) -> None:
    """``city-server relay login`` for a relay database."""
    engine = make_engine(db_url)
    migrate(engine)
    try:
        register_relay(session_factory(engine), city_url=city_url, username=username, password=password)
    finally:
        engine.dispose()


@contextlib.contextmanager
def run_relay(
    directory: Path, city_url: str, username: str, password: str, *, forwarder: bool = False
) -> Iterator[RunningRelay]:
    """A registered relay serving on 127.0.0.1:0 (forwarder thread only when asked)."""
    db_url = f"sqlite:///{directory / 'relay.sqlite3'}"
    register(db_url, city_url, username, password)
    engine = make_engine(db_url)
    app = create_relay_app(engine=engine, forwarder=forwarder, interval=0.5)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="relay", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("relay did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningRelay(f"http://127.0.0.1:{port}", db_url, session_factory(engine))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        engine.dispose()
