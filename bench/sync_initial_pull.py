"""Benchmark: initial pull of a whole commune vs one gzip JSON download of the same data.

A real city server (uvicorn, SQLite) is seeded with N records of one commune
(dossiers, their "received" events, incoming register entries). A fresh PC
logs in and runs one sync round that pulls everything into its store: the
server builds the commune's snapshot on this first request, the PC downloads
it, copies it in and pages on from its cursor (``pull_seconds``). A second
fresh PC does the same while the snapshot is already built
(``warm_pull_seconds``), and a third pulls by paging only (``paging_seconds``,
the figure before snapshots; ``--skip-paging`` leaves it out). The baseline, measured in the same
run against the same database and the same server stack (FastAPI + uvicorn +
gzip), downloads the same records as ONE gzip JSON document and parses it.

    .venv/bin/python bench/sync_initial_pull.py --records 200000

The last line is a JSON object; ``ratio`` = pull time (snapshot built on
request) / baseline time (target ≤ 2).
"""

from __future__ import annotations

import argparse
import gzip
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Response  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402
from tests.helpers.memory_keyring import memory_keyring  # noqa: E402

from city_server.admin import add_commune, add_user  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from city_server.models import Commune, Record  # noqa: E402
from commune_desk.app import AppContext  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.protocol import Role  # noqa: E402
from commune_desk.store.models import Dossier, DossierEvent, IncomingDocument, SyncState  # noqa: E402
from commune_desk.sync.account import login  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402
from commune_desk.sync.first_pull import SNAPSHOT_MIN_CHANGES  # noqa: E402

UNIT = "000.00.00.H26"
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Đặng Thị Đào", "Lê Hoàng Cường", "Phạm Thu Hà"]


def seed(db_url: str, commune_code: str, total: int, procedure: str) -> None:
    """Insert ``total`` records of one commune straight into the server's table."""
    engine = make_engine(db_url)
    start = datetime(2025, 7, 1, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        commune_id = conn.scalar(select(Commune.id).where(Commune.code == commune_code))
        rows: list[dict[str, Any]] = []
        seq = 0
        n_docs = total // 5
        n_dossiers = (total - n_docs) // 2

        def add(
            entity: str,
            entity_id: str,
            fields: dict[str, Any],
            parent: str | None = None,
            status: int | None = None,
        ) -> None:
            nonlocal seq
            seq += 1
            rows.append(
                dict(
                    commune_id=commune_id,
                    entity=entity,
                    entity_id=entity_id,
                    version=1,
                    deleted=False,
                    fields=fields,
                    field_versions=dict.fromkeys(fields, 1),
                    change_seq=seq,
                    parent_id=parent,
                    status=status,
                    updated_at=datetime.now(UTC),
                )
            )
            if len(rows) >= 5000:
                conn.execute(insert(Record), rows)
                rows.clear()

        for i in range(n_dossiers):
            day = start + timedelta(days=i // 900)
            received = day + timedelta(minutes=i % 900)
            dossier_id = str(uuid.uuid4())
            add(
                "dossier",
                dossier_id,
                {
                    "code": f"{UNIT}-{day:%y%m%d}-{1001 + i % 900:04d}",
                    "procedure_code": procedure,
                    "applicant_name": f"{NAMES[i % len(NAMES)]} {i}",
                    "applicant_id_number": f"001{i % 10**9:09d}",
                    "applicant_phone": "0912345678",
                    "applicant_address": "Phường Hoàn Kiếm, Hà Nội",
                    "received_at": received.isoformat(),
                    "appointment_at": (received + timedelta(days=3)).isoformat(),
                    "received_by": "Cán bộ một cửa",
                    "counter_slot": 1,
                    "notes": "",
                },
                status=2,
            )
            add(
                "dossier_event",
                str(uuid.uuid4()),
                {
                    "dossier_id": dossier_id,
                    "kind": "received",
                    "at": received.isoformat(),
                    "actor": "Cán bộ một cửa",
                    "note": "",
                    "data": {},
                },
                parent=dossier_id,
            )
        for i in range(total - 2 * n_dossiers):
            add(
                "incoming_document",
                str(uuid.uuid4()),
                {
                    "series": "incoming/2025",
                    "number": i + 1,
                    "received_on": "2025-08-01",
                    "author": "UBND thành phố Hà Nội",
                    "number_symbol": f"{i + 1}/UBND-VP",
                    "document_date": "2025-07-30",
                    "doc_type": "Công văn",
                    "summary": f"V/v triển khai nhiệm vụ {i}",
                    "urgency": "",
                    "secrecy": "",
                },
            )
        if rows:
            conn.execute(insert(Record), rows)
        conn.execute(update(Commune).where(Commune.id == commune_id).values(change_seq=seq))
    engine.dispose()


def dump_app(db_url: str, commune_code: str) -> FastAPI:
    """The baseline endpoint on the same stack: all records as one gzip JSON document."""
    engine = make_engine(db_url)
    app = FastAPI()

    @app.get("/dump")
    def dump() -> Response:
        with engine.connect() as conn:
            commune_id = conn.scalar(select(Commune.id).where(Commune.code == commune_code))
            rows = conn.execute(
                select(
                    Record.change_seq,
                    Record.entity,
                    Record.entity_id,
                    Record.version,
                    Record.deleted,
                    Record.fields,
                )
                .where(Record.commune_id == commune_id)
                .order_by(Record.change_seq)
            ).all()
        body = json.dumps(
            [
                {
                    "seq": r[0],
                    "entity": r[1],
                    "entity_id": r[2],
                    "version": r[3],
                    "deleted": r[4],
                    "fields": r[5],
                }
                for r in rows
            ],
            ensure_ascii=False,
        ).encode("utf-8")
        return Response(
            gzip.compress(body, compresslevel=6),
            media_type="application/json",
            headers={"Content-Encoding": "gzip"},
        )

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(args: list[str], port: int) -> subprocess.Popen[bytes]:
    """Start a server process and wait until it accepts connections."""
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server {args} did not start") from None
            time.sleep(0.1)


def prepare(db_url: str) -> None:
    """Schema, one commune, one clerk."""
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


def first_pull(folder: Path, server_url: str, records: int, *, snapshot: bool = True) -> float:
    """A fresh PC logs in and runs one round; return its seconds (the whole round)."""
    ctx = AppContext.open(AppPaths.resolve(folder))
    login(ctx.store, server_url=server_url, username="c01-clerk", password="secret-pass")
    engine = SyncEngine(
        ctx.store,
        ctx.blobs,
        timeout=(5.0, 120.0),
        snapshot_min_changes=SNAPSHOT_MIN_CHANGES if snapshot else 0,
    )
    t0 = time.perf_counter()
    result = engine.sync_once()
    seconds = time.perf_counter() - t0
    assert result.ok, result
    with ctx.store.read() as s:
        local = sum(
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Dossier, DossierEvent, IncomingDocument)
        )
        cursor = s.scalar(select(SyncState.cursor))
    ctx.close()
    assert local == records, (local, records)
    assert cursor == records, (cursor, records)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--skip-paging", action="store_true", help="do not measure the paging-only pull")
    parser.add_argument("--serve-dump", nargs=2, metavar=("DB_URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_dump:
        uvicorn.run(
            dump_app(args.serve_dump[0], "C01"),
            host="127.0.0.1",
            port=int(args.serve_dump[1]),
            log_level="warning",
            access_log=False,
        )
        return 0
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp, memory_keyring():
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'city.sqlite3'}"
        prepare(db_url)
        probe = AppContext.open(AppPaths.resolve(root / "probe"))
        procedure = probe.services.list_procedures()[0].code
        probe.close()
        t0 = time.perf_counter()
        seed(db_url, "C01", args.records, procedure)
        print(f"seeded {args.records} records in {time.perf_counter() - t0:.1f} s", flush=True)
        try:
            # Both servers run in their own processes, as on a real network.
            api_port, dump_port = free_port(), free_port()
            procs.append(
                spawn(
                    [
                        "-c",
                        "import sys; from city_server.cli import main; sys.exit(main())",
                        "serve",
                        "--db",
                        db_url,
                        "--port",
                        str(api_port),
                    ],
                    api_port,
                )
            )
            procs.append(spawn([__file__, "--serve-dump", db_url, str(dump_port)], dump_port))
            url = f"http://127.0.0.1:{dump_port}/dump"
            requests.get(url, timeout=600).json()  # warm-up (page cache, imports)
            t0 = time.perf_counter()
            reply = requests.get(url, timeout=600)
            data = reply.json()
            baseline = time.perf_counter() - t0
            assert len(data) == args.records
            wire = int(reply.headers.get("Content-Length", 0))
            print(
                f"baseline: one gzip JSON of {len(data)} records ({wire} bytes) in {baseline:.2f} s",
                flush=True,
            )
            server_url = f"http://127.0.0.1:{api_port}"
            cold = first_pull(root / "pc-snapshot", server_url, args.records)
            print(f"first pull with the snapshot (server builds it): {cold:.2f} s", flush=True)
            warm = first_pull(root / "pc-snapshot-2", server_url, args.records)
            print(f"first pull with the snapshot (built already): {warm:.2f} s", flush=True)
            paging = None
            if not args.skip_paging:
                paging = first_pull(root / "pc-paging", server_url, args.records, snapshot=False)
                print(f"first pull by paging only: {paging:.2f} s", flush=True)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
    figures = {
        "benchmark": "sync_initial_pull",
        "records": args.records,
        "pull_seconds": round(cold, 2),
        "warm_pull_seconds": round(warm, 2),
        "paging_seconds": round(paging, 2) if paging is not None else None,
        "baseline_seconds": round(baseline, 2),
        "baseline_gzip_bytes": wire,
        "ratio": round(cold / baseline, 2),
        "warm_ratio": round(warm / baseline, 2),
        "paging_ratio": round(paging / baseline, 2) if paging is not None else None,
        "target": 2.0,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
