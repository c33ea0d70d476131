"""Benchmark: three counters behind one office relay vs three counters direct, over one WAN link.

A real city server runs in its own process; the WAN is a fault proxy shared by
everyone at ``--kbit`` kbit/s each way with ``--latency`` seconds one way. The
commune already holds ``--history`` dossiers (the counters have pulled them
before the measurement starts). Then each of three counters registers
``--dossiers`` dossiers (each with an event) and one ``--attachment-kb`` scan,
and syncs (three threads, as three PCs would) until every counter holds every
dossier and the city has every operation.

- **direct**: the counters sync with the city over the WAN;
- **relay**: the counters sync with an office relay (its own process) on the
  LAN (loopback, unthrottled); only the relay uses the WAN.

Figures: bytes that crossed the WAN (both directions) and seconds to converge,
for each mode, and their ratios (direct / relay).

    .venv/bin/python bench/relay_wan.py                 # 3 x 60 dossiers, 300 history, 1 Mbit/s
    .venv/bin/python bench/relay_wan.py --dossiers 20   # scaled down

The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from tests.helpers.fault_proxy import FaultProxy  # noqa: E402
from tests.helpers.memory_keyring import memory_keyring  # noqa: E402

from city_server.admin import add_commune, add_user  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from city_server.models import OpResultRow  # noqa: E402
from commune_desk.app import AppContext  # noqa: E402
from commune_desk.domain.dossier import EventKind  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.protocol import Role  # noqa: E402
from commune_desk.services import NewDossier  # noqa: E402
from commune_desk.store.models import Dossier  # noqa: E402
from commune_desk.sync.account import login  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402

PASSWORD = "secret-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(args: list[str], log: Path | None = None) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "city_server.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab") if log else subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.1)


def start_city(root: Path) -> tuple[subprocess.Popen[bytes], int, str]:
    db_url = f"sqlite:///{root / 'city.sqlite3'}"
    engine = make_engine(db_url)
    migrate(engine)
    with session_factory(engine)() as session:
        add_commune(session, code="C01", name="Xã Một")
        for name, role in [("leader", Role.LEADER)] + [(f"clerk{i}", Role.CLERK) for i in range(4)]:
            add_user(session, commune_code="C01", username=name, role=role, password=PASSWORD, fast_hash=True)
        session.commit()
    engine.dispose()
    proc, port = _serve(["--db", db_url])
    return proc, port, db_url


def register(ctx: AppContext, tag: str, n: int, attachment_kb: int) -> None:
    s = ctx.services
    code = s.list_procedures()[0].code
    first = ""
    for i in range(n):
        d = s.register_dossier(
            NewDossier(
                procedure_code=code,
                applicant_name=f"Hoàng Văn {tag} {i}",
                applicant_id_number="001099012345",
                received_by=tag,
            )
        ).value.summary.id
        s.record_event(d, EventKind.ASSIGNED, actor=tag)
        first = first or d
    if attachment_kb and first:
        s.add_attachment("dossier", first, source=os.urandom(attachment_kb * 1024), filename="scan.pdf")


def dossiers(ctx: AppContext) -> int:
    with ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Dossier)) or 0)


def city_results(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(OpResultRow)) or 0)
    finally:
        engine.dispose()


def run(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, memory_keyring():
        root = Path(tmp)
        city, port, db_url = start_city(root)
        wan = FaultProxy("127.0.0.1", port).start()
        relay: subprocess.Popen[bytes] | None = None
        try:
            seed = AppContext.open(AppPaths.resolve(root / "seed"))
            login(seed.store, server_url=f"http://127.0.0.1:{port}", username="clerk3", password=PASSWORD)
            register(seed, "history", args.history, 0)
            assert SyncEngine(seed.store, seed.blobs).sync_once().pending == 0
            seed.close()
            relay_url = None
            if mode == "relay":
                relay_db = f"sqlite:///{root / 'relay.sqlite3'}"
                done = subprocess.run(
                    [sys.executable, "-m", "city_server.cli", "relay", "login", "--db", relay_db,
                     "--upstream", wan.url, "--username", "leader", "--password-stdin"],
                    input=(PASSWORD + "\n").encode(), capture_output=True, cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True,
                )  # fmt: skip
                del done
                relay, relay_port = _serve(["--db", relay_db, "--upstream", wan.url], log=args.relay_log)
                relay_url = f"http://127.0.0.1:{relay_port}"
            counters = []
            for i in range(3):
                ctx = AppContext.open(AppPaths.resolve(root / f"pc{i}"))
                login(ctx.store, server_url=wan.url, username=f"clerk{i}", password=PASSWORD)
                engine = SyncEngine(ctx.store, ctx.blobs, timeout=(10.0, 120.0))
                engine.relay_url_override = relay_url
                counters.append((ctx, engine))
            for _ctx, engine in counters:  # everyone holds the history before the clock starts
                for _ in range(3):  # (a counter new to the relay syncs with the city meanwhile)
                    engine.sync_once()
                    time.sleep(1)
            base_results = city_results(db_url)
            for i, (ctx, _engine) in enumerate(counters):
                register(ctx, f"pc{i}", args.dossiers, args.attachment_kb)
            expected_ops = 3 * (2 * args.dossiers + (1 if args.attachment_kb else 0))
            total = args.history + 3 * args.dossiers
            wan.reset_counters()
            wan.set(bandwidth=args.kbit * 1000 // 8, latency=args.latency)
            started = time.monotonic()
            done_at: dict[int, float] = {}

            def work(i: int, ctx: AppContext, engine: SyncEngine) -> None:
                while time.monotonic() - started < args.timeout:
                    result = engine.sync_once()
                    if result.ok and result.pending == 0 and dossiers(ctx) == total:
                        done_at[i] = time.monotonic()
                        return
                    time.sleep(0.5 if result.ok else 1.0)

            threads = [threading.Thread(target=work, args=(i, c, e)) for i, (c, e) in enumerate(counters)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            while (
                city_results(db_url) - base_results < expected_ops
                and time.monotonic() - started < args.timeout
            ):
                time.sleep(0.2)
            seconds = max([*done_at.values(), time.monotonic()]) - started
            for ctx, _engine in counters:
                ctx.close()
            return {
                "wan_bytes": wan.bytes_up + wan.bytes_down,
                "wan_up": wan.bytes_up,
                "wan_down": wan.bytes_down,
                "seconds": round(seconds, 1),
                "converged": len(done_at) == 3 and city_results(db_url) - base_results >= expected_ops,
            }
        finally:
            wan.close()
            for proc in (relay, city):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=60, help="new dossiers per counter")
    parser.add_argument("--history", type=int, default=300, help="dossiers the commune already holds")
    parser.add_argument("--attachment-kb", type=int, default=100)
    parser.add_argument("--kbit", type=int, default=1000, help="WAN bandwidth, kbit/s each way")
    parser.add_argument("--latency", type=float, default=0.05, help="WAN latency, seconds one way")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--relay-log", type=Path, default=None, help="write the relay's log here")
    args = parser.parse_args()
    direct = run("direct", args)
    print("direct", json.dumps(direct), flush=True)
    relay = run("relay", args)
    print("relay", json.dumps(relay), flush=True)
    print(
        json.dumps(
            {
                "benchmark": "relay_wan",
                "dossiers_per_counter": args.dossiers,
                "history": args.history,
                "attachment_kb": args.attachment_kb,
                "kbit_s": args.kbit,
                "latency_s": args.latency,
                "direct": direct,
                "relay": relay,
                "wan_bytes_ratio": round(direct["wan_bytes"] / max(1, relay["wan_bytes"]), 2),
                "time_ratio": round(direct["seconds"] / max(0.1, relay["seconds"]), 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
