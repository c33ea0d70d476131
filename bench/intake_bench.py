"""Intake save (the whole service call) vs a raw single-row INSERT + COMMIT, same pragmas, same run.

    .venv/bin/python bench/intake_bench.py --count 300

The intake is ``Services.register_dossier``: validation, code, appointment,
dossier + event + two outbox operations + its search keys (staged, indexed before
the next search: ``store/search.py``), one transaction. The
baseline is a bare ``sqlite3`` connection to a file in the same folder with
the same pragmas (WAL, ``synchronous=FULL``) inserting one row of the same
width into a plain table and committing. The two alternate so that disk and
CPU noise hit both. Target: mean and p50 ratio <= 2. Last line: JSON.

For the record, and alternating with those two, the same run also times the
intake's own SQL statements (procedure and settings reads, counters, the
dossier, event, two outbox rows, staged search keys) on a bare ``sqlite3``
connection to a second store with the same schema and pragmas, values
prepared in advance: the floor a save cannot go below with this schema,
whatever the Python around it. The baseline of the ratio stays the raw
single-row INSERT. Last, the pages one save (its statements) and one raw
insert append to the WAL: what each commit writes and fsyncs.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ
from commune_desk.paths import AppPaths
from commune_desk.services import NewDossier, OfficeSettings
from commune_desk.services.base import _CALENDAR_SQL, _SETTINGS_SQL, CALENDAR_ID
from commune_desk.services.dossiers import _INSERT_DOSSIER_SQL, _INSERT_EVENT_SQL, _PROCEDURE_SQL
from commune_desk.store.engine import apply_pragmas
from commune_desk.store.outbox import _BUMP_SQL, _CLAIM_SQL, _INSERT_OP_SQL, new_ids
from commune_desk.store.search import _STAGE_SQL


def intake_statements(db: sqlite3.Connection, i: int, stamp: str) -> None:
    """One intake's statements with ready values: the SQL floor of a save."""
    db.execute("BEGIN IMMEDIATE")
    db.execute(_PROCEDURE_SQL, ("HT-GH",)).fetchone()
    db.execute(_SETTINGS_SQL, ("office",)).fetchone()
    db.execute(_CALENDAR_SQL, (CALENDAR_ID,)).fetchone()
    counter = f"dossier/{i // 500}/1"
    db.execute(_CLAIM_SQL, (counter, 1001)).fetchone()  # the day's number: one upsert
    dossier_id, event_id = new_ids(2)  # time-ordered, as the service's
    code = f"000.00.06.H26-{i:06d}-1001"
    db.execute(
        _INSERT_DOSSIER_SQL,
        (
            dossier_id,
            code,
            "HT-GH",
            "Đặng Thị Đào",
            "001301012345",
            "0912345678",
            "",
            2,
            stamp,
            stamp,
            "",
            1,
            "",
            "[]",
            None,
            "",
            stamp,
            stamp,
        ),
    )
    db.execute(_INSERT_EVENT_SQL, (event_id, dossier_id, "received", stamp, ""))
    top = db.execute(_BUMP_SQL, ("outbox_seq", 2)).fetchone()[0]
    fields = json.dumps({"code": code, "applicant_name": "Đặng Thị Đào", "received_at": stamp})
    op_ids = new_ids(2)
    db.executemany(
        _INSERT_OP_SQL,
        [
            (op_ids[0], "bench", top - 1, "dossier", dossier_id, "create", None, fields, stamp, None),
            (op_ids[1], "bench", top, "dossier_event", event_id, "create", None, "{}", stamp, None),
        ],
    )
    db.execute(  # staged: indexed before the next search (store/search.py)
        _STAGE_SQL, ("dossier", dossier_id, f"dang thi dao 001301012345 0912345678 {code.lower()}")
    )
    db.execute("COMMIT")


def pages_per_commit(db: sqlite3.Connection, path: Path, write: Callable[[int], None], n: int = 50) -> float:
    """Pages a commit appends to the WAL (automatic checkpoint off while counting)."""
    page = db.execute("PRAGMA page_size").fetchone()[0]
    wal = path.with_name(path.name + "-wal")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for i in range(n):
        write(i)
    frames = (wal.stat().st_size - 32) // (page + 24)
    db.execute("PRAGMA wal_autocheckpoint=1000")
    return round(frames / n, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="intakes (and raw inserts) to time")
    parser.add_argument("--dir", type=Path, help="folder on the disk to measure (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="intake-bench-", dir=args.dir) as work:
        folder = Path(work)
        ctx = AppContext.open(AppPaths.resolve(folder / "data"))
        # one counter slot issues 999 codes a day: intakes are spread over days so any --count fits
        office = OfficeSettings(unit_code="000.00.06.H26", unit_name="UBND", counter_slot=1)
        ctx.services.update_settings(office)
        raw = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
        apply_pragmas(raw)
        raw.execute(
            "CREATE TABLE t (id TEXT PRIMARY KEY, code TEXT, procedure_code TEXT, applicant_name TEXT, "
            "applicant_id_number TEXT, applicant_phone TEXT, received_at TEXT, appointment_at TEXT)"
        )
        floor_ctx = AppContext.open(AppPaths.resolve(folder / "floor"))  # same schema and catalogue
        floor_path = floor_ctx.store.path
        floor_ctx.close()
        floor = sqlite3.connect(floor_path, isolation_level=None)
        apply_pragmas(floor)
        stamp = "2026-01-05T01:30:00.000000Z"
        start = ctx.services._now().astimezone(VN_TZ).replace(hour=8, minute=0) - timedelta(days=400)
        # The first save after opening also parses the stored working calendar (once per
        # stored version of its row): timed and printed on its own, then the steady state.
        t0 = time.perf_counter()
        ctx.services.register_dossier(
            NewDossier("HT-GH", "Đặng Thị Đào", "001301012345", received_at=start - timedelta(days=1))
        )
        first_ms = (time.perf_counter() - t0) * 1000
        raw.execute("INSERT INTO t (id) VALUES ('warm-up')")
        intake_statements(floor, -1, stamp)
        service_ms: list[float] = []
        raw_ms: list[float] = []
        floor_ms: list[float] = []
        try:
            for i in range(args.count):
                received = start + timedelta(days=i // 500, seconds=i)
                new = NewDossier(
                    procedure_code="HT-GH",
                    applicant_name="Đặng Thị Đào",
                    applicant_id_number="001301012345",
                    applicant_phone="0912345678",
                    received_at=received,
                )
                t0 = time.perf_counter()
                ctx.services.register_dossier(new)
                t1 = time.perf_counter()
                raw.execute("BEGIN")
                raw.execute(
                    "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(uuid.uuid4()),
                        f"X-{i}",
                        "HT-GH",
                        "Đặng Thị Đào",
                        "001301012345",
                        "0912345678",
                        received.isoformat(),
                        received.isoformat(),
                    ),
                )
                raw.execute("COMMIT")
                t2 = time.perf_counter()
                intake_statements(floor, i, stamp)
                t3 = time.perf_counter()
                service_ms.append((t1 - t0) * 1000)
                raw_ms.append((t2 - t1) * 1000)
                floor_ms.append((t3 - t2) * 1000)
            assert ctx.services.check_store().ok
            floor_pages = pages_per_commit(
                floor, floor_path, lambda i: intake_statements(floor, args.count + i, stamp)
            )
            raw_pages = pages_per_commit(
                raw,
                folder / "raw.sqlite3",
                lambda i: raw.execute("INSERT INTO t (id) VALUES (?)", (f"pages-{i}",)),
            )
        finally:
            raw.close()
            floor.close()
            ctx.close()
    result = {
        "bench": "intake",
        "count": args.count,
        "first_intake_ms": round(first_ms, 1),
        "intake_p50_ms": round(statistics.median(service_ms), 3),
        "intake_mean_ms": round(statistics.fmean(service_ms), 3),
        "raw_p50_ms": round(statistics.median(raw_ms), 3),
        "raw_mean_ms": round(statistics.fmean(raw_ms), 3),
        "p50_ratio": round(statistics.median(service_ms) / statistics.median(raw_ms), 3),
        "mean_ratio": round(statistics.fmean(service_ms) / statistics.fmean(raw_ms), 3),
        "sql_floor_p50_ms": round(statistics.median(floor_ms), 3),
        "sql_floor_mean_ms": round(statistics.fmean(floor_ms), 3),
        "sql_floor_p50_ratio": round(statistics.median(floor_ms) / statistics.median(raw_ms), 3),
        "pages_per_save": floor_pages,
        "raw_pages_per_insert": raw_pages,
    }
    print(f"first save after opening (not in the figures below): {result['first_intake_ms']} ms")
    print(f"intake save p50 {result['intake_p50_ms']} ms, mean {result['intake_mean_ms']} ms")
    print(f"raw INSERT+COMMIT p50 {result['raw_p50_ms']} ms, mean {result['raw_mean_ms']} ms")
    print(f"ratio p50 {result['p50_ratio']}, mean {result['mean_ratio']} (target <= 2)")
    print(
        f"the intake's statements alone on bare sqlite3: p50 {result['sql_floor_p50_ms']} ms, "
        f"mean {result['sql_floor_mean_ms']} ms, ratio p50 {result['sql_floor_p50_ratio']}"
    )
    print(f"pages a save appends to the WAL: {floor_pages} (raw insert: {raw_pages})")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
