"""The register gap report against the raw query it is built on.

A commune with ``--leases`` blocks of ``--size`` numbers of one series, one
number used in each block (so almost every number is a gap, each with the
device holding its block), like the 200 leases of 500 that took 12 s and
9 MB before the report became linear. Times ``city_server.numbers.find_gaps``
against a baseline in the same run: the bare ``SELECT series, number FROM
number_use ... ORDER BY`` over the same rows (the least any report must read),
and prints the ratio and the peak memory of the report.

    .venv/bin/python bench/gap_report_bench.py --leases 200 --size 500
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select  # noqa: E402

from city_server.admin import add_commune  # noqa: E402
from city_server.db import make_engine, migrate, session_factory  # noqa: E402
from city_server.models import Device, LeaseRow, NumberUse, User  # noqa: E402
from city_server.numbers import find_gaps  # noqa: E402
from commune_desk.protocol import Gap  # noqa: E402


def _fill(sessions: object, leases: int, size: int) -> int:
    with sessions() as session:  # type: ignore[operator]
        commune = add_commune(session, code="B01", name="Bench")
        user = User(commune_id=commune.id, username="bench", password_hash="x", role="clerk", active=True)
        session.add(user)
        session.flush()
        devices = [Device(id=str(uuid.uuid4()), commune_id=commune.id, user_id=user.id) for _ in range(9)]
        session.add_all(devices)
        session.flush()
        for i in range(leases):
            first = i * size + 1
            device = devices[i % len(devices)].id
            session.add(
                LeaseRow(
                    commune_id=commune.id,
                    series="incoming/2026",
                    device_id=device,
                    first=first,
                    last=first + size - 1,
                )
            )
            session.add(
                NumberUse(
                    commune_id=commune.id,
                    series="incoming/2026",
                    number=first + size // 2,
                    entity="incoming_document",
                    entity_id=str(uuid.uuid4()),
                    device_id=device,
                )
            )
        session.commit()
        return commune.id


def quadratic_gaps(session: object, commune_id: int) -> int:
    """The report as it was before (every gap scanned every lease), for the comparison."""
    rows = session.execute(  # type: ignore[attr-defined]
        select(NumberUse.series, NumberUse.number).where(NumberUse.commune_id == commune_id)
    ).all()
    used: dict[str, set[int]] = {}
    for series, number in rows:
        used.setdefault(series, set()).add(number)
    leases = session.scalars(  # type: ignore[attr-defined]
        select(LeaseRow).where(LeaseRow.commune_id == commune_id, LeaseRow.slot.is_(None))
    ).all()
    gaps = []
    for series in sorted(used):
        numbers = used[series]
        for n in range(1, max(numbers) + 1):
            if n in numbers:
                continue
            holder = next(
                (
                    r.device_id
                    for r in leases
                    if r.series == series and r.first <= n <= r.last and r.released_at is None
                ),
                None,
            )
            gaps.append(Gap(series=series, number=n, leased_to=uuid.UUID(holder) if holder else None))
    return len(gaps)


def main() -> int:
    """Run the comparison; print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leases", type=int, default=200)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/gaps.sqlite3")
        migrate(engine)
        sessions = session_factory(engine)
        commune_id = _fill(sessions, args.leases, args.size)
        report, raw = [], []
        gaps = 0
        for _ in range(args.repeat):
            with sessions() as session:
                started = time.perf_counter()
                rows = session.execute(
                    select(NumberUse.series, NumberUse.number)
                    .where(NumberUse.commune_id == commune_id)
                    .order_by(NumberUse.series, NumberUse.number)
                ).all()
                raw.append(time.perf_counter() - started)
                assert rows
            with sessions() as session:
                started = time.perf_counter()
                gaps = len(find_gaps(session, commune_id))
                report.append(time.perf_counter() - started)
        tracemalloc.start()
        with sessions() as session:
            find_gaps(session, commune_id)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with sessions() as session:
            started = time.perf_counter()
            assert quadratic_gaps(session, commune_id) == gaps
            before = time.perf_counter() - started
        engine.dispose()
    best_report, best_raw = min(report), min(raw)
    print(f"{args.leases} leases of {args.size}: {gaps} gaps")
    print(f"gap report   {best_report * 1000:9.1f} ms   peak {peak / 2**20:.1f} MiB")
    print(f"raw query    {best_raw * 1000:9.1f} ms")
    print(f"before (gaps × leases) {before * 1000:9.1f} ms: {before / best_report:.1f}× slower")
    print(f"ratio        {best_report / best_raw:9.1f}  (per gap: {best_report / max(gaps, 1) * 1e6:.1f} µs)")
    print(
        json.dumps(
            {
                "leases": args.leases,
                "size": args.size,
                "gaps": gaps,
                "report_ms": round(best_report * 1000, 1),
                "raw_ms": round(best_raw * 1000, 2),
                "peak_mib": round(peak / 2**20, 1),
                "before_ms": round(before * 1000, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
