"""Folded search over N demo dossiers vs a raw FTS5 MATCH on the same table, same run.

    .venv/bin/python bench/search_bench.py --dossiers 200000

The folded search is the whole service call (fold the text, build the match,
run it, load the rows into values). The baseline is a bare ``sqlite3``
connection with the same pragmas running ``SELECT rowid FROM search_fts WHERE
search_fts MATCH ? ORDER BY rowid DESC LIMIT ?`` with the match text already
built. Each query runs ``--repeat`` times alternating between the two and
the best time of each counts (other jobs on a shared machine add spikes of
tens of milliseconds to single runs); p50/p95 are then taken over queries.
Targets: p95 ratio <= 1.5 and folded p95 < 20 ms.
The five slowest raw statements are printed too (they show which prefix
lengths lack a prefix index: ``store.search.FTS_PREFIXES``).

The dossier list's own search is measured the same way: its first page (200
rows, through the same FTS5 index, with the list's filters) and its true count
(stopped past 10,000), against a raw ``count(*)`` of the MATCH stopped at the
same cap. Then the list without search text: its first page under each filter
and their counts, and keyset pages at 15 %, 50 %, 75 % and 95 % of its length
(which should cost what the first page costs). Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from commune_desk.app import AppContext
from commune_desk.domain.dossier import DossierStatus
from commune_desk.domain.text import fold
from commune_desk.paths import AppPaths
from commune_desk.services.demo import generate_demo
from commune_desk.services.values import DossierCursor, DossierQuery
from commune_desk.store.engine import apply_pragmas
from commune_desk.store.search import match_expression

FIXED_QUERIES = [
    "dang thi dao",
    "Đặng Thị Đào",
    "nguyen van",
    "tran thi l",
    "le thu trang",
    "hoang duc",
    "0912",
    "001",
    "pham quoc huy",
    "bui thi h",
    "vu minh",
    "do",
]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def prepare(data_dir: Path, count: int, seed: int) -> AppContext:
    """Open the bench store, filling it with demo data unless it already holds enough."""
    ctx = AppContext.open(AppPaths.resolve(data_dir))
    have = ctx.services.count_dossiers()
    if have < count:
        started = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 10:
                last[0] = time.perf_counter()
                print(f"  demo {have + done}/{count}", file=sys.stderr)

        generate_demo(ctx, count - have, seed, progress)
        print(f"demo data: {count - have} dossiers in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return ctx


def sample_queries(ctx: AppContext, n: int, seed: int) -> list[str]:
    """Fixed queries plus prefixes of real names and ID numbers, as a clerk types them."""
    rng = random.Random(seed)
    rows = ctx.services.list_dossiers(limit=2000, offset=rng.randint(0, 10_000)).rows
    queries = list(FIXED_QUERIES)
    while len(queries) < n:
        row = rng.choice(rows)
        pick = rng.random()
        if pick < 0.5:
            queries.append(row.applicant_name)
        elif pick < 0.8:
            name = fold(row.applicant_name)
            queries.append(name[: rng.randint(3, len(name))])
        else:
            queries.append(row.applicant_id_number[: rng.randint(4, 12)])
    return queries[:n]


#: The dossier list stops counting past this many matches (``ui.api.COUNT_CAP``).
COUNT_CAP = 10_000
RAW_COUNT_SQL = "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT ?)"


def _list_and_count(
    ctx: AppContext, raw: sqlite3.Connection, queries: list[str], repeat: int
) -> tuple[list[float], list[float], list[float]]:
    """Best-of-``repeat`` times (ms) per query: the list's first page, its count, a raw count."""
    list_ms: list[float] = []
    count_ms: list[float] = []
    raw_count_ms: list[float] = []
    everything = DossierQuery()
    for q in queries:
        expression = match_expression(fold(q))
        best = [float("inf")] * 3
        for _ in range(repeat):
            t0 = time.perf_counter()
            ctx.services.search_dossier_page(q, everything, limit=200)
            t1 = time.perf_counter()
            ctx.services.count_dossiers(everything, text_query=q, at_most=COUNT_CAP)
            t2 = time.perf_counter()
            raw.execute(RAW_COUNT_SQL, (expression, COUNT_CAP + 1)).fetchone()
            t3 = time.perf_counter()
            best = [min(best[0], t1 - t0), min(best[1], t2 - t1), min(best[2], t3 - t2)]
        list_ms.append(best[0] * 1000)
        count_ms.append(best[1] * 1000)
        raw_count_ms.append(best[2] * 1000)
    return list_ms, count_ms, raw_count_ms


#: Where the keyset pages are taken, as fractions of the list's length.
DEPTHS = (0.15, 0.5, 0.75, 0.95)


def _best_ms(call: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 3)


def _list_paging(ctx: AppContext, total: int, repeat: int) -> dict[str, float]:
    """The list without search text: first pages (each filter), counts, keyset pages deep down.

    Best of ``repeat`` each; a deep page's cursor is found once by offset, whose
    single time is printed for comparison (offset paging walks every row before it).
    """
    services = ctx.services
    page = 200
    figures: dict[str, float] = {}
    first = services.list_dossiers(limit=page).rows[0]
    filters = {
        "all": DossierQuery(),
        "processing": DossierQuery(statuses=(DossierStatus.PROCESSING,)),
        "overdue": DossierQuery(overdue=True),
        "due_today": DossierQuery(due_today=True),
        "clerk": DossierQuery(received_by=first.received_by),
        "procedure": DossierQuery(procedure_code=first.procedure_code),
    }
    for name, query in filters.items():
        figures[f"first_page_{name}_ms"] = _best_ms(
            lambda q=query: services.list_dossiers(q, limit=page), repeat
        )
        figures[f"count_{name}_ms"] = _best_ms(lambda q=query: services.count_dossiers(q), repeat)
    for depth in DEPTHS:
        position = int(total * depth)
        t0 = time.perf_counter()
        row = services.list_dossiers(limit=1, offset=position).rows[0]
        figures[f"offset_row_{position}_ms"] = round((time.perf_counter() - t0) * 1000, 3)
        cursor = DossierCursor(row.received_at, row.id)
        figures[f"keyset_page_at_{position}_ms"] = _best_ms(
            lambda c=cursor: services.list_dossiers(limit=page, after=c), repeat
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--limit", type=int, default=50, help="rows per search (a screenful)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs per query; the best counts")
    parser.add_argument("--data-dir", type=Path, help="reuse a store (default: a temporary one)")
    args = parser.parse_args()

    tmp = None if args.data_dir else tempfile.TemporaryDirectory(prefix="search-bench-")
    data_dir = args.data_dir or Path(tmp.name)  # type: ignore[union-attr]
    ctx = prepare(data_dir, args.dossiers, args.seed)
    try:
        queries = sample_queries(ctx, args.queries, args.seed)
        raw = sqlite3.connect(ctx.paths.db_path, isolation_level=None)
        apply_pragmas(raw)
        raw_sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        folded_ms: list[float] = []
        raw_ms: list[float] = []
        expressions: list[str] = []
        hits = 0
        for q in queries[:20]:  # warm the page cache for both
            ctx.services.search_dossiers(q, limit=args.limit)
        for q in queries:
            expression = match_expression(fold(q))
            expressions.append(expression or "")
            best_raw = best_folded = float("inf")
            for _ in range(args.repeat):  # best of k per query: the machine is shared
                t0 = time.perf_counter()
                raw.execute(raw_sql, (expression, args.limit)).fetchall()
                t1 = time.perf_counter()
                rows = ctx.services.search_dossiers(q, limit=args.limit)
                t2 = time.perf_counter()
                best_raw = min(best_raw, t1 - t0)
                best_folded = min(best_folded, t2 - t1)
            hits += len(rows)
            raw_ms.append(best_raw * 1000)
            folded_ms.append(best_folded * 1000)
        list_ms, count_ms, raw_count_ms = _list_and_count(ctx, raw, queries, args.repeat)
        paging = _list_paging(ctx, ctx.services.count_dossiers(), args.repeat)
        raw.close()
        dao = ctx.services.search_dossiers("dang thi dao", limit=1000)
    finally:
        ctx.close()
        if tmp:
            tmp.cleanup()
    result = {
        "bench": "search",
        "dossiers": args.dossiers,
        "queries": len(queries),
        "limit": args.limit,
        "repeat": args.repeat,
        "folded_p50_ms": round(statistics.median(folded_ms), 3),
        "folded_p95_ms": round(percentile(folded_ms, 0.95), 3),
        "raw_p50_ms": round(statistics.median(raw_ms), 3),
        "raw_p95_ms": round(percentile(raw_ms, 0.95), 3),
        "p95_ratio": round(percentile(folded_ms, 0.95) / percentile(raw_ms, 0.95), 3),
        "p50_ratio": round(statistics.median(folded_ms) / statistics.median(raw_ms), 3),
        "dang_thi_dao_rows": sum(1 for r in dao if r.applicant_name == "Đặng Thị Đào"),
        "mean_rows": round(hits / len(queries), 1),
        "list_page_p50_ms": round(statistics.median(list_ms), 3),
        "list_page_p95_ms": round(percentile(list_ms, 0.95), 3),
        "count_p50_ms": round(statistics.median(count_ms), 3),
        "count_p95_ms": round(percentile(count_ms, 0.95), 3),
        "raw_count_p95_ms": round(percentile(raw_count_ms, 0.95), 3),
        "count_p95_ratio": round(percentile(count_ms, 0.95) / percentile(raw_count_ms, 0.95), 3),
        **paging,
    }
    print(f"folded search p50 {result['folded_p50_ms']} ms, p95 {result['folded_p95_ms']} ms")
    print(f"raw FTS5 MATCH p50 {result['raw_p50_ms']} ms, p95 {result['raw_p95_ms']} ms")
    print(f"ratio p95 {result['p95_ratio']} (target <= 1.5), p50 {result['p50_ratio']}")
    slowest = sorted(zip(raw_ms, expressions, strict=True), reverse=True)[:5]
    print("slowest raw MATCH: " + ", ".join(f"{e} {ms:.1f} ms" for ms, e in slowest))
    print(
        f"list page p95 {result['list_page_p95_ms']} ms, true count p95 {result['count_p95_ms']} ms "
        f"(raw capped count p95 {result['raw_count_p95_ms']} ms, ratio {result['count_p95_ratio']})"
    )
    print("the list without search text (ms, best of the repeats):")
    for key, value in paging.items():
        print(f"  {key}: {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
