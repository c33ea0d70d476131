"""``city-server``: administration and serving of the reference city server.

Commands: ``init``, ``add-commune``, ``add-user``, ``serve``, ``gaps``,
``openapi``. Every command takes ``--db URL`` (default: the environment
variable ``CITY_SERVER_DB``, else ``sqlite:///city-server.sqlite3``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from sqlalchemy import select

from city_server.admin import AdminError, add_commune, add_user
from city_server.db import make_engine, migrate, session_factory
from city_server.models import Commune
from city_server.numbers import find_gaps
from commune_desk.protocol import Role

DEFAULT_DB = "sqlite:///city-server.sqlite3"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="city-server", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument(
            "--db",
            default=os.environ.get("CITY_SERVER_DB", DEFAULT_DB),
            help="SQLAlchemy URL (sqlite:///file or postgresql+psycopg://...)",
        )
        return p

    cmd("init", "create or upgrade the database schema")
    p = cmd("add-commune", "register a commune or ward")
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p = cmd("add-user", "create a user; the password is read from standard input")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--username", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )
    p = cmd("serve", "run the HTTP server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p = cmd("gaps", "report register-number gaps of a commune")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = sub.add_parser("openapi", help="print the OpenAPI schema (JSON)")
    p.set_defaults(db=None)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    migrate(make_engine(args.db))
    if args.workers > 1:
        os.environ["CITY_SERVER_DB"] = args.db
        uvicorn.run(
            "city_server.cli:worker_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
            access_log=False,
        )
    else:
        from city_server.app import create_app

        uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="info", access_log=False)
    return 0


def worker_app() -> object:
    """App factory for uvicorn worker processes (schema already migrated)."""
    from city_server.app import create_app

    return create_app(os.environ["CITY_SERVER_DB"], run_migrations=False)


def openapi_json() -> str:
    """The server's OpenAPI schema as stable, pretty JSON (what docs/openapi.json holds)."""
    from city_server.app import create_app
    from city_server.db import make_engine as _engine

    app = create_app(engine=_engine("sqlite://"), run_migrations=False)
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``city-server`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "openapi":
        sys.stdout.write(openapi_json())
        return 0
    if args.command == "serve":
        return _serve(args)
    engine = make_engine(args.db)
    migrate(engine)
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            if args.command == "init":
                print(f"database ready: {engine.url.render_as_string(hide_password=True)}")
            elif args.command == "add-commune":
                add_commune(session, code=args.code, name=args.name)
                session.commit()
                print(f"commune {args.code} added")
            elif args.command == "add-user":
                password = sys.stdin.readline().rstrip("\r\n")
                add_user(
                    session,
                    commune_code=args.commune,
                    username=args.username,
                    role=Role(args.role),
                    password=password,
                )
                session.commit()
                print(f"user {args.username} added to {args.commune}")
            elif args.command == "gaps":
                return _gaps(session, args)
    except AdminError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def _gaps(session: object, args: argparse.Namespace) -> int:
    commune = session.scalar(select(Commune).where(Commune.code == args.commune))  # type: ignore[attr-defined]
    if commune is None:
        raise AdminError(f"no commune {args.commune!r}")
    gaps = find_gaps(session, commune.id)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps([g.model_dump(mode="json") for g in gaps]))
    elif not gaps:
        print(f"{args.commune}: no gaps")
    else:
        print(f"{'series':<22} {'number':>8}  leased to")
        for g in gaps:
            print(f"{g.series:<22} {g.number:>8}  {g.leased_to or '-'}")
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
