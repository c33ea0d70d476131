"""Benchmark: a PC pushes its backlog over a link that keeps breaking.

The PC holds ``--ops`` outbox operations (dossiers registered at the counter
with their "received" events) and ``--attachments-mb`` of scanned files
(incompressible bytes, ``--file-mb`` each). A fault proxy sits between the
PC and a real city server (its own process): latency ``--latency`` each way,
bandwidth ``--kbit`` kbit/s, and the connection is cut every ``--cut-kib`` KiB
of traffic. The engine runs rounds (as the background worker would, with a
short pause after a failed one) until everything is on the server.

Figures: bytes on the wire (both directions, counted by the proxy) / payload
bytes (file bytes + the operations' JSON), target ≤ 1.25; time to converge
against the ideal time of the payload at that bandwidth.

    .venv/bin/python bench/sync_broken_link.py                      # full: 2,000 ops + 50 MB
    .venv/bin/python bench/sync_broken_link.py --attachments-mb 5   # scaled down

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
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from tests.helpers.fault_proxy import FaultProxy  # noqa: E402
from tests.helpers.memory_keyring import memory_keyring  # noqa: E402

from city_server.admin import add_commune, add_user  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from commune_desk.app import AppContext  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.protocol import Role  # noqa: E402
from commune_desk.services import NewDossier  # noqa: E402
from commune_desk.store.models import OutboxOp  # noqa: E402
from commune_desk.sync.account import login  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A real city server in its own process, with one commune and one clerk."""
    db_url = f"sqlite:///{root / 'city.sqlite3'}"
    engine = make_engine(db_url)
    migrate(engine)
    with session_factory(engine)() as session:
        add_commune(session, code="C01", name="Phường Hoàn Kiếm")
        add_user(
            session,
            commune_code="C01",
            username="c01-clerk",
            role=Role.CLERK,
            password="secret-pass",
            fast_hash=True,
        )
        session.commit()
    engine.dispose()
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from city_server.cli import main; sys.exit(main())",
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("city server did not start") from None
            time.sleep(0.1)


def fill(ctx: AppContext, ops: int, attachments_mb: float, file_mb: float) -> int:
    """Queue ``ops`` operations and the attachments; return the attachment bytes."""
    procedure = ctx.services.list_procedures()[0].code
    dossiers = []
    now = datetime.now(UTC)
    for i in range(ops // 2):
        # At most 999 codes per counter slot and day: spread the backlog over days.
        detail = ctx.services.register_dossier(
            NewDossier(
                procedure_code=procedure,
                applicant_name=f"Nguyễn Thị Hồng {i}",
                applicant_id_number="001199012345",
                received_by="Cán bộ một cửa",
                received_at=now - timedelta(days=i // 500, minutes=i % 500),
            )
        ).value
        dossiers.append(detail.summary.id)
    total = int(attachments_mb * 1024 * 1024)
    size = int(file_mb * 1024 * 1024)
    written = 0
    i = 0
    while written < total:
        n = min(size, total - written)
        ctx.services.add_attachment(
            "dossier", dossiers[i % len(dossiers)], source=os.urandom(n), filename=f"scan-{i}.pdf"
        )
        written += n
        i += 1
    return written


def ops_json_bytes(ctx: AppContext) -> int:
    """Size of the queued operations as JSON (the non-file part of the payload)."""
    with ctx.store.read() as s:
        return sum(
            len(json.dumps(o.fields, ensure_ascii=False).encode()) + 200 for o in s.scalars(select(OutboxOp))
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--attachments-mb", type=float, default=50.0)
    parser.add_argument("--file-mb", type=float, default=2.0)
    parser.add_argument("--cut-kib", type=int, default=256)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds, each way")
    parser.add_argument("--kbit", type=int, default=1000, help="bandwidth, kbit/s")
    parser.add_argument("--max-minutes", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, memory_keyring():
        root = Path(tmp)
        server, port = start_server(root)
        try:
            with (
                FaultProxy("127.0.0.1", port) as proxy,
                AppContext.open(AppPaths.resolve(root / "pc")) as ctx,
            ):
                login(ctx.store, server_url=proxy.url, username="c01-clerk", password="secret-pass")
                files = fill(ctx, args.ops, args.attachments_mb, args.file_mb)
                payload = files + ops_json_bytes(ctx)
                engine = SyncEngine(ctx.store, ctx.blobs, timeout=(10.0, 30.0))
                bandwidth = args.kbit * 1000 // 8
                proxy.reset_counters()
                proxy.set(cut_every=args.cut_kib * 1024, latency=args.latency, bandwidth=bandwidth)
                started = time.monotonic()
                rounds = failed = 0
                while True:
                    result = engine.sync_once()
                    rounds += 1
                    if result.ok and result.converged:
                        break
                    failed += 1
                    if time.monotonic() - started > args.max_minutes * 60:
                        raise SystemExit(f"not converged after {args.max_minutes} min: {result}")
                    time.sleep(0.5)  # the worker's backoff, kept short for the benchmark
                elapsed = time.monotonic() - started
                wire = proxy.bytes_up + proxy.bytes_down
                cuts = proxy.fired
                quarantined = result.quarantined
        finally:
            server.terminate()
            server.wait(timeout=30)
    ideal = payload / bandwidth
    figures = {
        "benchmark": "sync_broken_link",
        "ops": args.ops,
        "attachment_bytes": files,
        "payload_bytes": payload,
        "wire_bytes": wire,
        "wire_ratio": round(wire / payload, 3),
        "target_wire_ratio": 1.25,
        "seconds_to_converge": round(elapsed, 1),
        "ideal_seconds": round(ideal, 1),
        "time_ratio": round(elapsed / ideal, 2),
        "rounds": rounds,
        "failed_rounds": failed,
        "cuts": cuts,
        "quarantined": quarantined,
        "cut_every_kib": args.cut_kib,
        "latency_s": args.latency,
        "kbit_s": args.kbit,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
