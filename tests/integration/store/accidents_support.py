"""Shared pieces of the data-folder accident tests: the CLI in-process and as a real
process, counting rows behind the app's back, crafting archives, damaging files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from commune_desk.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
INTAKE = ("intake", "--procedure", "HT-GH", "--name", "Đặng Thị Đào", "--id-number", "001301012345")


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    """``commune-desk --data-dir DATA ARGS`` in this process: (exit status, stdout, stderr)."""
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def intake(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> str:
    """Register one dossier through the CLI; return its code."""
    code, out, err = run(capsys, data, *INTAKE, "--json", *extra)
    assert code == 0, err
    return str(json.loads(out)["code"])


def spawn(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A real ``python -m commune_desk ARGS`` process (stdout/stderr piped, UTF-8)."""
    full_env = dict(os.environ, PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.Popen(
        [sys.executable, "-m", "commune_desk", *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def child(*args: str) -> subprocess.Popen[str]:
    """The accident child script (see ``accident_child.py``) as a real process."""
    script = Path(__file__).with_name("accident_child.py")
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, step: float = 0.002) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds passed; return whether it was."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def count_rows(db: Path, table: str = "dossiers") -> int:
    """Rows of ``table``, read with a separate read-only connection."""
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        conn.close()


def damage_index_page(db: Path, index: str = "ix_dossiers_procedure") -> None:
    """Scribble over one page of an index: the store still opens, integrity_check fails."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    finally:
        conn.close()
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 200)


def craft(source: Path, target: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """Write ``target``: the members of archive ``source`` after ``change`` (name -> bytes)."""
    with zipfile.ZipFile(source) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    with zipfile.ZipFile(target, "w") as out:
        for name, data in change(members).items():
            out.writestr(name, data)
    return target


def only_archive(folder: Path) -> Path:
    """The single archive in ``folder``."""
    found = sorted(folder.glob("commune-desk-backup-*.zip"))
    assert len(found) == 1, found
    return found[0]
