"""``city-server serve --upstream URL`` and ``city-server relay login``."""

from __future__ import annotations

import argparse
import logging
import socket
import sys

from city_server.db import make_engine, migrate, session_factory
from city_server.relay import office as office_mod
from city_server.relay.upstream import register_relay
from commune_desk.sync.errors import SyncError

log = logging.getLogger(__name__)


def relay_login(args: argparse.Namespace) -> int:
    """Register this relay with the city (a leader's password on standard input)."""
    password = sys.stdin.readline().rstrip("\r\n")
    engine = make_engine(args.db)
    migrate(engine)
    try:
        ident = register_relay(
            session_factory(engine),
            city_url=args.upstream,
            username=args.username,
            password=password,
            name=args.name,
        )
    except SyncError as exc:
        print(f"Không đăng ký được máy chủ nội bộ: {exc.kind.value} ({exc.message})", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"relay {ident.device_id} registered for commune {ident.commune_code} at {ident.city_url}")
    return 0


def serve_relay(db_url: str, upstream: str, *, host: str, port: int, advertise: bool = False) -> int:
    """Run the relay app (and its forwarder) until interrupted."""
    import uvicorn

    from city_server.relay.app import create_relay_app

    engine = make_engine(db_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        ident = office_mod.identity(session)
        if ident is None:
            print("Máy chủ nội bộ chưa được đăng ký: chạy `city-server relay login` trước.", file=sys.stderr)
            return 2
        ident.city_url = upstream.rstrip("/")
        commune = ident.commune_code
        session.commit()
    app = create_relay_app(engine=engine)
    announcer = None
    if advertise:
        from city_server.relay.discovery import Announcer

        announcer = Announcer(commune, host if host not in ("0.0.0.0", "") else _lan_address(), port)
        announcer.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    finally:
        if announcer is not None:
            announcer.stop()
    return 0


def _lan_address() -> str:
    """This PC's address on the LAN (the one its default route uses; nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"
