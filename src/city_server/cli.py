"""``city-server``: administration and serving of the reference city server.

Commands: ``init``, ``add-commune``, ``add-user``, ``rules``, ``serve``, ``gaps``,
``check``, ``security-log``, ``unlock``, ``devices``, ``restored``, ``end-recovery``,
``numbers``, ``openapi``, ``relay login`` and ``carry import|export|import-reply``
(docs/relay.md). Every command takes ``--db URL`` (default: the environment
variable ``CITY_SERVER_DB``, else ``sqlite:///city-server.sqlite3``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from city_server.admin import AdminError, add_commune, add_user, set_role_rules
from city_server.audit import list_events
from city_server.db import make_engine, migrate, session_factory
from city_server.devices import commune_devices
from city_server.models import Commune, utcnow
from city_server.numbers import find_gaps
from city_server.records import check_records
from city_server.recovery import declare_epoch, numbering_state
from city_server.throttle import LoginThrottle
from commune_desk.domain.roles import Permission, RoleRules
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
    p.add_argument("--full-name", default="", help="printed on slips, e.g. 'Nguyễn Thị Lan'")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )
    p = cmd("rules", "show or change a commune's role rules (who may do leader-only actions)")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PERMISSION=ROLE,ROLE",
        help=f"e.g. sign_outgoing=clerk,leader; permissions: {', '.join(p_.value for p_ in Permission)}",
    )
    p = cmd("serve", "run the HTTP server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="IPS",
        help="addresses of the TLS reverse proxy whose X-Forwarded-For is trusted "
        "(the client address the login throttle counts)",
    )
    p.add_argument(
        "--upstream",
        default=None,
        metavar="URL",
        help="run as the office relay of one commune, syncing with the city server at URL "
        "(after `city-server relay login`)",
    )
    p.add_argument("--advertise", action="store_true", help="relay: announce itself on the LAN (zeroconf)")
    p = cmd("relay", "office relay set-up")
    p.add_argument("action", choices=["login"], help="login: register this relay with the city server")
    p.add_argument("--upstream", required=True, metavar="URL", help="the city server")
    p.add_argument("--username", required=True, help="a leader of the commune")
    p.add_argument("--name", default="", help="a name for the relay device")
    p.add_argument("--password-stdin", action="store_true", required=True)
    p = cmd("carry", "USB carry bundles")
    p.add_argument(
        "action",
        choices=["import", "export", "import-reply"],
        help="import (city): apply a PC's or relay's bundle, write the reply; export (relay): write "
        "the relay's pending work; import-reply (relay): apply the city's reply",
    )
    p.add_argument("file", nargs="?", help="the bundle (.cdcarry) to import")
    p.add_argument("--reply-to", metavar="DIR", help="import: folder (the stick) for the reply")
    p.add_argument("--to", metavar="DIR", help="export: folder (the stick) for the bundle")
    p = cmd("gaps", "report register-number gaps of a commune")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = cmd("check", "find stored records a pull cannot send or a client would refuse")
    p.add_argument("--repair", action="store_true", help="write a clean version of each one found")
    p.add_argument("--commune", help="only this commune (code)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p = cmd("security-log", "list failed logins, locks, device keys and revocations")
    p.add_argument("--hours", type=float, default=24.0, help="how far back (default 24)")
    p.add_argument("--kind", action="append", help="only these kinds (repeatable)")
    p.add_argument("--username")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = cmd("unlock", "clear the failed-login counters of a username or client address")
    p.add_argument("--username")
    p.add_argument("--address")
    p = cmd("devices", "list the devices of a commune (key fingerprints, revocations)")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = cmd("restored", "after restoring the database from a backup: start a new epoch")
    p.add_argument("--commune", help="only this commune (default: every commune)")
    p.add_argument("--reason", default="database restored from a backup")
    p.add_argument(
        "--hold-hours",
        type=float,
        default=24.0,
        help="hours during which no new counter slot or number block is granted (default 24)",
    )
    p = cmd("end-recovery", "grant new counter slots and number blocks again (every PC has synced)")
    p.add_argument("--commune", help="only this commune (default: every commune)")
    p = cmd("numbers", "show each series' next number and each counter slot's marks")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = cmd("snapshot", "write a commune's snapshot to a file (to seed a new PC from a USB stick)")
    p.add_argument("--commune", required=True, help="commune code")
    p.add_argument("--out", required=True, metavar="FILE", help="e.g. E:/C01.snapshot.gz")
    p = sub.add_parser("openapi", help="print the OpenAPI schema (JSON)")
    p.set_defaults(db=None)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.upstream:
        from city_server.relay.serve import serve_relay  # noqa: PLC0415

        return serve_relay(args.db, args.upstream, host=args.host, port=args.port, advertise=args.advertise)
    migrate(make_engine(args.db))
    # Trust X-Forwarded-For only from the proxy IT names (else a client could pick its address).
    trusted: str | None = args.forwarded_allow_ips
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
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted,
        )
    else:
        from city_server.app import create_app

        uvicorn.run(
            create_app(args.db),
            host=args.host,
            port=args.port,
            log_level="info",
            access_log=False,
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted,
        )
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
    if args.command == "relay":
        from city_server.relay.serve import relay_login  # noqa: PLC0415

        return relay_login(args)
    if args.command == "carry":
        from city_server.carry import carry_cli  # noqa: PLC0415

        return carry_cli(args)
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
                    full_name=args.full_name,
                )
                session.commit()
                print(f"user {args.username} added to {args.commune}")
            elif args.command == "gaps":
                return _gaps(session, args)
            elif args.command == "check":
                return _check(session, args)
            elif args.command == "security-log":
                return _security_log(session, args)
            elif args.command == "unlock":
                return _unlock(engine, args)
            elif args.command == "devices":
                return _devices(session, args)
            elif args.command in ("restored", "end-recovery"):
                return _restored(session, args)
            elif args.command == "numbers":
                return _numbers(session, args)
            elif args.command == "rules":
                return _rules(session, args)
            elif args.command == "snapshot":
                return _snapshot(engine, session, args)
    except AdminError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def _snapshot(engine: Any, session: Any, args: argparse.Namespace) -> int:
    """Build the commune's snapshot into ``--out`` (gzip), its digest into ``--out``.sha256
    and the server's signature of that digest into ``--out``.sig (a PC seeds only from a
    file its city signed)."""
    from city_server.identity import server_identity  # noqa: PLC0415
    from city_server.snapshot import write_file  # noqa: PLC0415
    from commune_desk.protocol.snapshot import stick_signing_message  # noqa: PLC0415

    commune = session.scalar(select(Commune).where(Commune.code == args.commune))
    if commune is None:
        raise AdminError(f"no commune {args.commune!r}")
    session.rollback()  # the snapshot reads in a transaction of its own
    out = Path(args.out)
    built = write_file(engine, commune.id, out)
    signature = server_identity(session).sign(stick_signing_message(built.sha256))
    built.path.with_name(built.path.name + ".sig").write_text(signature + "\n", encoding="ascii")
    session.rollback()
    print(f"{out}: {built.meta.records} records of {args.commune} up to change {built.meta.cursor}")
    print(f"sha256 {built.sha256}")
    return 0


def _rules(session: Any, args: argparse.Namespace) -> int:
    grants: dict[str, list[str]] = {}
    for item in args.set:
        name, _, roles = item.partition("=")
        grants[name.strip()] = [r.strip() for r in roles.split(",") if r.strip()]
    if grants:
        rules = set_role_rules(session, commune_code=args.commune, grants=grants, by="city-server rules")
        session.commit()
    else:
        commune = session.scalar(select(Commune).where(Commune.code == args.commune))
        if commune is None:
            raise AdminError(f"no commune {args.commune!r}")
        rules = RoleRules.from_json(commune.role_rules).to_json()
    for name, roles in rules.items():
        print(f"{name:<20} {', '.join(roles)}")
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


def _check(session: Session, args: argparse.Namespace) -> int:
    """Exit 0 when every record can be served (after ``--repair``), else 1."""
    commune_id = None
    if args.commune:
        commune = session.scalar(select(Commune).where(Commune.code == args.commune))
        if commune is None:
            raise AdminError(f"no commune {args.commune!r}")
        commune_id = commune.id
    report = check_records(session, repair=args.repair, commune_id=commune_id)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(f"{report.checked} records checked, {len(report.found)} found, {len(report.repaired)} repaired")
        for line in report.repaired:
            print(f"repaired: {line}")
        for line in report.problems:
            print(f"problem: {line}")
        if report.problems and not args.repair:
            print("run again with --repair to write clean versions")
    return 0 if report.ok else 1


def _security_log(session: Session, args: argparse.Namespace) -> int:
    since = utcnow() - timedelta(hours=args.hours)
    events = list_events(session, since=since, kinds=args.kind, username=args.username)
    if args.json:
        for event in events:
            print(json.dumps(event, ensure_ascii=False))
        return 0
    if not events:
        print(f"no security events in the last {args.hours:g} h")
    for e in events:
        detail = " ".join(f"{k}={v}" for k, v in sorted(e["detail"].items()) if v is not None)
        print(
            f"{e['at'][:19]}  {e['kind']:<20} {e['username'] or '-':<20} "
            f"{e['address'] or '-':<16} {e['device_id'] or '-':<36} {detail}"
        )
    return 0


def _unlock(engine: Engine, args: argparse.Namespace) -> int:
    if not args.username and not args.address:
        raise AdminError("give --username and/or --address")
    LoginThrottle(engine).unlock(username=args.username, address=args.address)
    print(f"unlocked {args.username or ''} {args.address or ''}".rstrip())
    return 0


def _devices(session: Session, args: argparse.Namespace) -> int:
    commune = session.scalar(select(Commune).where(Commune.code == args.commune))
    if commune is None:
        raise AdminError(f"no commune {args.commune!r}")
    for info in commune_devices(session, commune.id).devices:
        if args.json:
            print(info.model_dump_json())
            continue
        state = "revoked" if info.revoked_at else "active"
        pending = f"  pending {info.pending_key_fingerprint}" if info.pending_key_fingerprint else ""
        print(
            f"{info.device_id}  {state:<7} {info.key_fingerprint or 'no key':<19} "
            f"{info.username:<20} {info.name}{pending}"
        )
    return 0


def _restored(session: Session, args: argparse.Namespace) -> int:
    query = select(Commune).order_by(Commune.code)
    if args.commune:
        query = query.where(Commune.code == args.commune)
    communes = session.scalars(query).all()
    if args.commune and not communes:
        raise AdminError(f"no commune {args.commune!r}")
    for commune in communes:
        if args.command == "end-recovery":
            commune.recovery_until = None
            print(f"{commune.code}: new counter slots and number blocks are granted again")
            continue
        epoch = declare_epoch(session, commune, args.reason, hold=timedelta(hours=args.hold_hours))
        print(f"{commune.code}: new epoch {epoch}")
    session.commit()
    if args.command == "restored":
        print(
            "PCs pull again from zero and send back what this database lost at their next sync; "
            f"new slots and blocks wait {args.hold_hours:g} hours (city-server end-recovery ends it)."
        )
    return 0


def _numbers(session: Session, args: argparse.Namespace) -> int:
    commune = session.scalar(select(Commune).where(Commune.code == args.commune))
    if commune is None:
        raise AdminError(f"no commune {args.commune!r}")
    report = numbering_state(session, commune.id)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{'series':<30} {'next number':>12}")
    for series, number in report["series"].items():
        print(f"{series:<30} {number:>12}")
    print(f"{'code day':<40} {'slot':>4} {'highest':>8}")
    for mark in report["code_marks"]:
        print(f"{mark['series']:<40} {mark['slot']:>4} {mark['number']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
