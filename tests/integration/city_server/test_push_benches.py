"""The push benchmarks still run end to end (a tiny load, SQLite): their last line is their JSON.

Both talk to the real server code; the load benchmark logs its devices in over
HTTP as PCs do, so a change in the login rules (such as device keys becoming
mandatory) shows here instead of in the next measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _last_json(args: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_push_load_bench_runs_and_every_op_applies() -> None:
    figures = _last_json(
        [
            "bench/server_push_load.py",
            "--db",
            "",
            "--devices",
            "4",
            "--communes",
            "2",
            "--duration",
            "2",
            "--rate",
            "200",
            "--baseline-seconds",
            "0.3",
            "--block",
            "20",
        ]
    )
    assert figures["backend"] == "sqlite"
    assert figures["http_errors"] == 0
    assert figures["ops"] > 0
    assert figures["results"] == {"applied": figures["ops"]}


def test_push_cpu_bench_runs_and_every_op_applies() -> None:
    figures = _last_json(["bench/server_push_cpu.py", "--db", "", "--pushes", "10", "--communes", "2"])
    assert figures["applied"] == 10 * 20
    assert isinstance(figures["cpu_ms_per_op"], float)
