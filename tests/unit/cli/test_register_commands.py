"""``number void`` and ``register`` on the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from commune_desk.app import AppContext
from commune_desk.cli.main import main
from commune_desk.paths import AppPaths
from commune_desk.services import NewOutgoingDocument


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_void_from_the_command_line_is_audited_queued_and_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with AppContext.open(AppPaths.resolve(tmp_path)) as ctx:
        doc = ctx.services.register_outgoing(
            NewOutgoingDocument(symbol="QĐ-UBND", summary="Quyết định khen thưởng")
        ).value
    code, out, err = run(
        capsys,
        tmp_path,
        "number",
        "void",
        "--series",
        doc.series,
        "--number",
        str(doc.number),
        "--reason",
        "Ký nhầm người",
        "--clerk",
        "Văn thư",
    )
    assert code == 0, err
    assert "Đã huỷ số 1" in out
    with sqlite3.connect(tmp_path / "commune-desk.sqlite3") as db:
        ops = db.execute("SELECT entity, action FROM outbox ORDER BY seq").fetchall()
        audit = db.execute("SELECT actor FROM audit_log WHERE action = 'number_voided'").fetchall()
    assert ("number_void", "create") in ops and ("outgoing_document", "update") in ops
    assert audit == [("Văn thư",)]
    code, out, _ = run(capsys, tmp_path, "register", "--series", doc.series, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[0]["voided"] and rows[0]["void_reason"] == "Ký nhầm người"
    code, out, err = run(
        capsys,
        tmp_path,
        "number",
        "void",
        "--series",
        doc.series,
        "--number",
        str(doc.number),
        "--reason",
        "again",
    )
    assert code in (1, 2) and "số này" in err


@pytest.mark.parametrize(
    "args",
    [
        ("--series", "outgoing/2026", "--number", "1", "--reason", " "),
        ("--series", "bogus", "--number", "1", "--reason", "x"),
        ("--series", "outgoing/2026", "--number", "-4", "--reason", "x"),
        ("--series", "outgoing/2026", "--number", "1", "--reason", "x\x1b"),
    ],
)
def test_bad_voids_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, tmp_path, "number", "void", *args)
    assert code in (1, 2) and err.strip() and "Traceback" not in err
    with sqlite3.connect(tmp_path / "commune-desk.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
