"""CPU per operation of the city server's push path, in-process (no HTTP, no other load).

Builds the same batches as ``server_push_load.py`` for a few devices and runs
what the push endpoint runs for each, in this process: body validation
(``ReceivedPush``), token lookup, :class:`~city_server.push.PushBatch`, commit,
reply serialisation. Reports this process's CPU time per operation for each
stage (``time.process_time``: the database's own CPU is not counted), so the
figure barely moves with the machine's load. ``--profile FILE`` also writes a
cProfile of the timed pushes.

    .venv/bin/python bench/server_push_cpu.py --db "$COMMUNE_TEST_PG_URL" --pushes 400

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from server_push_load import Device  # noqa: E402
from tests.helpers.city_server import postgres_schema_url, sqlite_url  # noqa: E402

from city_server.admin import add_commune, add_user  # noqa: E402
from city_server.context import resolve_context  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from city_server.models import AuthToken, User, utcnow  # noqa: E402
from city_server.models import Device as DeviceRow  # noqa: E402
from city_server.numbers import grant_lease  # noqa: E402
from city_server.push import PushBatch  # noqa: E402
from city_server.security import new_token, token_hash  # noqa: E402
from commune_desk.protocol import LeaseRequest, ReceivedPush, Role  # noqa: E402

STAGES = ("parse", "auth", "apply", "commit", "reply")


def enroll(sessions, communes: int, per_commune: int) -> list[Device]:  # type: ignore[no-untyped-def]
    """Communes, one clerk each, devices with tokens, a code slot and a register block."""
    devices = []
    with sessions() as session:
        for i in range(communes):
            code = f"P{i:04d}"
            commune = add_commune(session, code=code, name=f"Profile {code}")
            user: User = add_user(
                session,
                commune_code=code,
                username=f"p-{i}",
                role=Role.CLERK,
                password="x" * 12,
                fast_hash=True,
            )
            for _ in range(per_commune):
                dev_id = str(uuid.uuid4())
                session.add(DeviceRow(id=dev_id, commune_id=commune.id, user_id=user.id, last_seq=0))
                session.flush()
                token = new_token()
                session.add(
                    AuthToken(
                        token_hash=token_hash(token),
                        kind="access",
                        device_id=dev_id,
                        user_id=user.id,
                        expires_at=utcnow().replace(year=2100),
                    )
                )
                session.flush()
                unit = f"U{i:04d}"
                slot = grant_lease(session, commune.id, dev_id, LeaseRequest(series=f"dossier-code/{unit}"))
                block = grant_lease(
                    session, commune.id, dev_id, LeaseRequest(series="incoming/2026", size=500)
                )
                dev = Device(uuid.UUID(dev_id), token, unit, slot_first=slot.first)
                dev.block = list(range(block.first, block.last + 1))
                devices.append(dev)
        session.commit()
    return devices


def push_once(sessions, dev: Device, body: bytes, cpu: dict[str, float]) -> int:  # type: ignore[no-untyped-def]
    """What ``POST /v1/push`` does for one request, stage by stage; returns ops applied."""
    t = time.process_time()
    marks = [t]
    parsed = ReceivedPush.model_validate_json(body)
    marks.append(time.process_time())
    with sessions() as session:
        ctx = resolve_context(session, f"Bearer {dev.token}", "POST", "/v1/push")
        marks.append(time.process_time())
        response = PushBatch(session, ctx).run(parsed.ops, parsed.skip_to)
        marks.append(time.process_time())
        session.commit()
        marks.append(time.process_time())
    response.model_dump_json()
    marks.append(time.process_time())
    for stage, a, b in zip(STAGES, marks, marks[1:], strict=False):
        cpu[stage] += b - a
    return sum(1 for r in response.results if r.status.value == "applied")


def main() -> int:
    """Enroll, warm up, run the timed pushes, print figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default=os.environ.get("COMMUNE_TEST_PG_URL"))
    p.add_argument("--pushes", type=int, default=400)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--communes", type=int, default=10)
    p.add_argument("--profile", help="write a cProfile of the timed pushes here")
    args = p.parse_args()
    with contextlib.ExitStack() as stack:
        if args.db:
            url = stack.enter_context(postgres_schema_url(args.db))
        else:
            url = sqlite_url(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        migrate(engine)
        sessions = session_factory(engine)
        devices = enroll(sessions, args.communes, 2)
        rng = random.Random(1)
        cpu = dict.fromkeys(STAGES, 0.0)
        for dev in devices:  # warm-up: caches, prepared statements
            push_once(sessions, dev, json.dumps({"ops": dev.batch(args.batch, rng)}).encode(), cpu)
        bodies = [
            (dev, json.dumps({"ops": dev.batch(args.batch, rng)}).encode())
            for i in range(args.pushes)
            for dev in [devices[i % len(devices)]]
        ]
        cpu = dict.fromkeys(STAGES, 0.0)
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        applied = sum(push_once(sessions, dev, body, cpu) for dev, body in bodies)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        wall = time.perf_counter() - wall
    ops = args.pushes * args.batch
    figures = {
        "benchmark": "server_push_cpu",
        "backend": "postgresql" if args.db else "sqlite",
        "pushes": args.pushes,
        "batch": args.batch,
        "applied": applied,
        "cpu_ms_per_op": round(sum(cpu.values()) / ops * 1000, 3),
        **{f"{k}_ms_per_op": round(v / ops * 1000, 3) for k, v in cpu.items()},
        "wall_ms_per_push": round(wall / args.pushes * 1000, 2),
        "profiled": bool(profiler),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
