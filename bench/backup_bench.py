"""Backup of a store of N demo dossiers: how long the store thread is held, and packing.

    .venv/bin/python bench/backup_bench.py --dossiers 200000 [--data-dir DIR]

The automatic backup takes a consistent snapshot on the store thread (SQLite's
online backup) and packs it elsewhere (``integrity_check`` of the copy, zip,
read-back). Baselines measured in the same run: a plain file copy of the
database (what the snapshot costs at best) and ``zip -1``-like deflating of the
same file with ``zipfile`` alone (what packing costs at best). Each step runs
``--repeat`` times; the best time counts (shared machines add spikes). Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.services.backup import finish_backup, take_snapshot
from commune_desk.services.demo import generate_demo


def _best(repeat: int, step: object) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="reuse a store here (filled if it has fewer)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as tmp:
        data = args.data_dir or Path(tmp) / "data"
        paths = AppPaths(data_dir=data, backup_dir=Path(tmp) / "backups", state_dir=Path(tmp) / "state")
        with AppContext.open(paths) as ctx:
            have = ctx.services.count_dossiers()
            if have < args.dossiers:
                generate_demo(ctx, args.dossiers - have, seed=1, documents=False)
        size = paths.db_path.stat().st_size
        scratch = Path(tmp) / "copy.sqlite3"
        copy = _best(args.repeat, lambda: shutil.copyfile(paths.db_path, scratch))

        def deflate() -> None:
            with zipfile.ZipFile(Path(tmp) / "plain.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.write(scratch, "db")

        zipped = _best(args.repeat, deflate)
        snapshots = []
        packs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            snap = take_snapshot(paths)
            snapshots.append(time.perf_counter() - started)
            started = time.perf_counter()
            finish_backup(snap, keep=1)
            packs.append(time.perf_counter() - started)
        result = {
            "dossiers": args.dossiers,
            "db_mb": round(size / 1e6, 1),
            "snapshot_s": round(min(snapshots), 3),
            "file_copy_s": round(copy, 3),
            "snapshot_ratio": round(min(snapshots) / copy, 2),
            "pack_s": round(min(packs), 3),
            "plain_zip_s": round(zipped, 3),
            "pack_ratio": round(min(packs) / zipped, 2),
        }
    print(f"store {result['db_mb']} MB, {args.dossiers} dossiers")
    print(f"store thread held (snapshot): {result['snapshot_s']} s  vs file copy {result['file_copy_s']} s")
    print(f"packing off the store thread: {result['pack_s']} s  vs plain zip {result['plain_zip_s']} s")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
