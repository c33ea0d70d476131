"""Push load on the city server: N simulated devices pushing realistic batches.

Starts ``city-server serve`` (uvicorn, ``--workers``) on a fresh PostgreSQL
schema (or SQLite file), registers communes, users and devices, leases each
device a dossier-code slot and an incoming-register block, then runs every
device as a closed loop for ``--duration`` seconds: build a batch like a
counter's after a spell offline (new dossiers with codes, their received /
assigned / note events, field updates, incoming documents with leased
numbers), push it, record the latency. A baseline of raw HTTP round trips
(an unknown path: HTTP stack and routing only) is measured with the same
concurrency first, and the push rate is also reported relative to it.

    .venv/bin/python bench/server_push_load.py --db "$COMMUNE_TEST_PG_URL" --duration 20

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 30.0
sys.path.insert(0, str(ROOT))

from tests.helpers.city_server import postgres_schema_url, sqlite_url  # noqa: E402

from city_server.admin import add_commune, add_user  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from commune_desk.protocol import PROOF_LOGIN, Role  # noqa: E402
from commune_desk.sync.device_key import DeviceKey  # noqa: E402


@dataclass
class Device:
    """One simulated counter PC."""

    id: uuid.UUID
    token: str
    unit: str
    slot_first: int = 0
    block: list[int] = field(default_factory=list)
    seq: int = 0
    code_counter: int = 0

    def op(
        self, entity: str, entity_id: str, action: str, fields: dict[str, object], base: int | None = None
    ) -> dict[str, object]:
        self.seq += 1
        return {
            "op_id": str(uuid.uuid4()),
            "device_id": str(self.id),
            "seq": self.seq,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "base_version": base,
            "fields": fields,
        }

    def batch(self, size: int, rng: random.Random) -> list[dict[str, object]]:
        """About a quarter new dossiers, their events and edits, plus incoming documents."""
        ops: list[dict[str, object]] = []
        while len(ops) < size:
            did = str(uuid.uuid4())
            n = self.code_counter % 999
            day = f"{date(2026, 1, 1) + timedelta(days=self.code_counter // 999):%y%m%d}"  # a real date
            self.code_counter += 1
            ops.append(
                self.op(
                    "dossier",
                    did,
                    "create",
                    {
                        "code": f"{self.unit}-{day}-{self.slot_first + n:04d}",
                        "applicant_name": "Nguyễn Thị Hoa",
                        "applicant_id_number": "001190012345",
                        "applicant_phone": "0912345678",
                        "procedure_code": "1.001193",
                        "received_at": "2026-01-05T08:00:00+07:00",
                        "appointment_at": "2026-01-08T08:00:00+07:00",
                        "notes": "Tờ khai; CCCD (bản sao)",
                    },
                )
            )
            ops.append(
                self.op(
                    "dossier_event",
                    str(uuid.uuid4()),
                    "create",
                    {"dossier_id": did, "kind": "received", "actor": "clerk"},
                )
            )
            ops.append(
                self.op(
                    "dossier_event",
                    str(uuid.uuid4()),
                    "create",
                    {"dossier_id": did, "kind": "assigned", "note": "Phòng Tư pháp"},
                )
            )
            ops.append(self.op("dossier", did, "update", {"applicant_phone": "0987654321"}, 1))
            if self.block and rng.random() < 0.5:
                ops.append(
                    self.op(
                        "incoming_document",
                        str(uuid.uuid4()),
                        "create",
                        {
                            "series": f"incoming/{2026}",
                            "number": self.block.pop(0),
                            "author": "UBND tỉnh",
                            "summary": "Về việc triển khai chính quyền hai cấp",
                            "received_on": "2026-01-05",
                        },
                    )
                )
            else:
                ops.append(
                    self.op(
                        "dossier_event",
                        str(uuid.uuid4()),
                        "create",
                        {"dossier_id": did, "kind": "note", "note": "Đã gọi điện"},
                    )
                )
        return ops[:size]


class RawConnection:
    """A minimal keep-alive HTTP/1.1 client connection (asyncio streams).

    The load generator shares the 2 cores with the server; httpx spends more
    CPU per request than the server's own HTTP layer, so the measured loop
    uses this instead (requests and replies are plain, Content-Length framed).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request, return (status, body); reconnects when needed."""
        if self.writer is not None and time.monotonic() - self.last_used > 3.0:
            self.close()  # the server drops keep-alive connections idle for 5 s
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
            "Content-Type: application/json",
        ]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            data = await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        self.last_used = time.monotonic()
        return status, data

    def close(self) -> None:
        """Close the socket."""
        if self.writer is not None:
            self.writer.close()
        self.writer = None


def stop_server(server: subprocess.Popen[str]) -> None:
    """Stop the server and its worker processes (SIGTERM, then SIGKILL after 10 s)."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        server.wait(timeout=10)


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of /proc/PID/stat: process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def db_cpu_seconds(database: str) -> float:
    """CPU seconds used so far by the live PostgreSQL backends connected to ``database``
    (their process titles read ``postgres: USER DATABASE HOST ...``). Use a database of
    its own for the benchmark, or other clients' backends are counted too."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if len(title) > 2 and title[0] == "postgres:" and title[2] == database:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_list(spec: str) -> set[int]:
    """CPUs of a taskset-style list such as ``0``, ``0,1`` or ``0-3``."""
    cpus: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        cpus |= set(range(int(low), int(high or low) + 1))
    return cpus


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(db_url: str, communes: int, devices_per_commune: int) -> list[tuple[str, str]]:
    """Migrate and create communes with one clerk each; returns (username, unit) per commune."""
    engine = make_engine(db_url)
    migrate(engine)
    users = []
    with session_factory(engine)() as session:
        for i in range(communes):
            code = f"B{i:04d}"
            add_commune(session, code=code, name=f"Bench {code}")
            add_user(
                session,
                commune_code=code,
                username=f"bench-{i}",
                role=Role.CLERK,
                password="bench-pass",
                fast_hash=True,
            )
            users.append((f"bench-{i}", f"U{i:04d}"))
        session.commit()
    engine.dispose()
    return users


async def enroll(
    client: httpx.AsyncClient, users: list[tuple[str, str]], per_commune: int, block: int
) -> list[Device]:
    """Log every device in and lease its slot and its register block."""
    sem = asyncio.Semaphore(50)

    async def one(username: str, unit: str) -> Device:
        async with sem:
            dev_id = uuid.uuid4()
            key = DeviceKey.generate()  # logins prove a device key (as a PC's first login does)
            nonce = (await client.post("/v1/auth/challenge", json={"device_id": str(dev_id)})).json()
            r = await client.post(
                "/v1/auth/login",
                json={
                    "username": username,
                    "password": "bench-pass",
                    "device_id": str(dev_id),
                    "public_key": key.public_key,
                    "proof": key.prove(PROOF_LOGIN, str(dev_id), nonce["nonce"]).model_dump(mode="json"),
                },
            )
            r.raise_for_status()
            dev = Device(dev_id, r.json()["access_token"], unit)
            h = {"Authorization": f"Bearer {dev.token}"}
            slot = (
                await client.post("/v1/leases", headers=h, json={"series": f"dossier-code/{unit}"})
            ).json()
            dev.slot_first = slot["first"]
            lease = (
                await client.post("/v1/leases", headers=h, json={"series": "incoming/2026", "size": block})
            ).json()
            dev.block = list(range(lease["first"], lease["last"] + 1))
            return dev

    return list(await asyncio.gather(*(one(u, unit) for u, unit in users for _ in range(per_commune))))


async def baseline(host: str, port: int, concurrency: int, seconds: float) -> float:
    """Raw HTTP round trips per second (unknown path, 404) at the same concurrency."""
    done = 0
    stop = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal done
        conn = RawConnection(host, port)
        try:
            while time.monotonic() < stop:
                try:
                    await asyncio.wait_for(conn.request("GET", "/v1/raw-baseline"), REQUEST_TIMEOUT)
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    conn.close()
                    continue
                done += 1
        finally:
            conn.close()

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done / seconds


async def load(
    host: str, port: int, devices: list[Device], batch: int, seconds: float, rate: float, seed: int
) -> tuple[int, list[float], dict[str, int], int]:
    """Each device pushes a batch every ``devices*batch/rate`` s on average (open loop;
    a device waits for its previous push, as the sync engine does). Returns (ops,
    latencies in s, status counts, HTTP errors)."""
    latencies: list[float] = []
    counts: dict[str, int] = {}
    errors = 0
    ops_done = 0
    stop = time.monotonic() + seconds
    interval = len(devices) * batch / rate if rate > 0 else 0.0

    async def run(dev: Device, rng: random.Random) -> None:
        nonlocal errors, ops_done
        conn = RawConnection(host, port)
        headers = {"Authorization": f"Bearer {dev.token}"}
        next_at = time.monotonic() + rng.random() * max(interval, 1.0)
        try:
            while True:
                delay = min(next_at, stop) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if time.monotonic() >= stop:
                    return
                next_at += rng.uniform(0.5, 1.5) * interval
                body = json.dumps({"ops": dev.batch(batch, rng)}).encode()
                t0 = time.perf_counter()
                try:
                    status, data = await asyncio.wait_for(
                        conn.request("POST", "/v1/push", body, headers), REQUEST_TIMEOUT
                    )
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    conn.close()
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
                    continue
                for res in json.loads(data)["results"]:
                    counts[res["status"]] = counts.get(res["status"], 0) + 1
                ops_done += batch
        finally:
            conn.close()

    await asyncio.gather(*(run(d, random.Random(seed + i)) for i, d in enumerate(devices)))
    return ops_done, latencies, counts, errors


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0..100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def main_async(args: argparse.Namespace, host: str, port: int) -> dict[str, object]:
    """Enroll the devices, measure the raw-HTTP baseline, then the push load."""
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=60) as client:
        per = max(1, args.devices // args.communes)
        devices = (await enroll(client, args.users, per, args.block))[: args.devices]
    print(f"enrolled {len(devices)} devices", file=sys.stderr, flush=True)
    base_rps = await baseline(host, port, args.devices, args.baseline_seconds)
    print(f"baseline {base_rps:.0f} req/s; loading", file=sys.stderr, flush=True)
    t0 = time.monotonic()
    cpu0 = group_cpu_seconds(args.server_pgid)
    db0 = db_cpu_seconds(args.database) if args.database else 0.0
    ops, lat, counts, errors = await load(
        host, port, devices, args.batch, args.duration, args.rate, args.seed
    )
    elapsed = time.monotonic() - t0
    server_cpu = group_cpu_seconds(args.server_pgid) - cpu0
    db_cpu = db_cpu_seconds(args.database) - db0 if args.database else None
    ops_per_s = ops / elapsed
    return {
        "benchmark": "server_push_load",
        "backend": args.backend,
        "devices": len(devices),
        "communes": args.communes,
        "batch": args.batch,
        "workers": args.workers,
        "offered_ops_per_s": args.rate,
        "duration_s": round(elapsed, 1),
        "ops": ops,
        "pushes": len(lat),
        "ops_per_s": round(ops_per_s, 1),
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "results": counts,
        "http_errors": errors,
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_op": round(server_cpu / ops * 1000, 3) if ops else None,
        "server_cores_used": round(server_cpu / elapsed, 2),
        "db_cpu_ms_per_op": round(db_cpu / ops * 1000, 3) if db_cpu is not None and ops else None,
        "db_cores_used": round(db_cpu / elapsed, 2) if db_cpu is not None else None,
        "baseline_raw_http_req_per_s": round(base_rps, 1),
        "push_req_per_s": round(len(lat) / elapsed, 1),
        "push_req_vs_raw_http": round(len(lat) / elapsed / base_rps, 3) if base_rps else None,
        "server_cpus": args.server_cpus or "any",
        "client_cpus": args.client_cpus or "any",
        "target_met": ops_per_s >= 2500 and percentile(lat, 99) < 0.5,
    }


def main() -> int:
    """Parse arguments, set up the database and server, run, print figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db",
        default=os.environ.get("COMMUNE_TEST_PG_URL"),
        help="PostgreSQL URL (a fresh schema is created in it); default "
        "COMMUNE_TEST_PG_URL; without it a SQLite file is used",
    )
    p.add_argument("--devices", type=int, default=500)
    p.add_argument("--communes", type=int, default=100)
    p.add_argument("--batch", type=int, default=20, help="operations per push")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    p.add_argument(
        "--rate",
        type=float,
        default=2500.0,
        help="offered load, operations per second over all devices (0: flat out)",
    )
    p.add_argument("--baseline-seconds", type=float, default=3.0)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--block", type=int, default=500, help="incoming numbers leased per device")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server-log", default=os.devnull, help="file for the server's log")
    p.add_argument(
        "--server-cpus", default="", help="pin the server processes to these CPUs (taskset list, e.g. 0)"
    )
    p.add_argument("--client-cpus", default="", help="pin this load generator to these CPUs (e.g. 1)")
    args = p.parse_args()
    import contextlib
    import signal
    import tempfile

    # Turn SIGTERM (e.g. from `timeout`) into SystemExit so the server is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with contextlib.ExitStack() as stack:
        args.database = None
        if args.db:
            args.backend = "postgresql"
            args.database = make_url(args.db).database
            url = stack.enter_context(postgres_schema_url(args.db))
        else:
            args.backend = "sqlite"
            url = sqlite_url(Path(stack.enter_context(tempfile.TemporaryDirectory())))
            args.workers = 1
        args.users = prepare(url, args.communes, max(1, args.devices // args.communes))
        port = free_port()
        log = stack.enter_context(open(args.server_log, "w"))  # noqa: SIM115 - closed by stack
        pin = ["taskset", "-c", args.server_cpus] if args.server_cpus else []
        if args.client_cpus:
            os.sched_setaffinity(0, cpu_list(args.client_cpus))
        server = subprocess.Popen(
            [
                *pin,
                sys.executable,
                "-m",
                "city_server.cli",
                "serve",
                "--db",
                url,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            cwd=ROOT,
            start_new_session=True,  # its own process group, so workers die with it
        )
        stack.callback(stop_server, server)
        args.server_pgid = server.pid
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.3)
        figures = asyncio.run(main_async(args, "127.0.0.1", port))
    print(
        f"{figures['devices']} devices, batches of {figures['batch']} ops, "
        f"{figures['duration_s']} s on {figures['backend']} ({args.workers} workers), "
        f"offered {args.rate} ops/s"
    )
    print(
        f"  {figures['ops_per_s']} ops/s, p50 {figures['p50_ms']} ms, "
        f"p99 {figures['p99_ms']} ms per push; results {figures['results']}, "
        f"HTTP errors {figures['http_errors']}"
    )
    print(
        f"  server processes used {figures['server_cores_used']} cores, "
        f"{figures['server_cpu_ms_per_op']} ms CPU per op; PostgreSQL backends "
        f"{figures['db_cores_used']} cores, {figures['db_cpu_ms_per_op']} ms CPU per op"
    )
    print(
        f"  baseline raw HTTP {figures['baseline_raw_http_req_per_s']} req/s; pushes "
        f"{figures['push_req_per_s']} req/s = {figures['push_req_vs_raw_http']} x baseline"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
