"""Rows an older server stored that no pull can send: skipped by pull, found and repaired by check.

Such rows are written straight into the database here, as a server without
the protocol's validation left them: on SQLite a lone surrogate and NaN
(PostgreSQL's JSONB never took those), on both a control character, a text
longer than its column and a value of the wrong type.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from tests.helpers.city_server import RunningServer, SyncDevice

from city_server.cli import main
from city_server.models import Commune, Record


def _store_raw(server: RunningServer, commune: str, entity: str, fields_json: str) -> str:
    """Insert a record whose fields are ``fields_json`` exactly, as the next change of ``commune``."""
    entity_id = str(uuid.uuid4())
    with server._sessions() as session:  # type: ignore[operator]  # noqa: SLF001 - the test's own database
        row = session.scalar(select(Commune).where(Commune.code == commune).with_for_update())
        row.change_seq += 1
        cast = "CAST(:fields AS JSONB)" if session.bind.dialect.name == "postgresql" else ":fields"
        session.execute(
            text(
                "INSERT INTO record (commune_id, entity, entity_id, version, deleted, fields, "
                "field_versions, change_seq, updated_at) VALUES (:c, :e, :i, 1, false, "
                f"{cast}, CAST(:fv AS {'JSONB' if 'JSONB' in cast else 'TEXT'}), :s, CURRENT_TIMESTAMP)"
            ),
            {
                "c": row.id,
                "e": entity,
                "i": entity_id,
                "fields": fields_json,
                "fv": json.dumps(dict.fromkeys(json.loads(fields_json), 1)),
                "s": row.change_seq,
            },
        )
        session.commit()
    return entity_id


def _check(
    server: RunningServer, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["check", "--db", server.db_url, "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def _is_sqlite(server: RunningServer) -> bool:
    return server.db_url.startswith("sqlite")


def test_pull_skips_what_it_cannot_send_and_check_repairs_it(
    server: RunningServer,
    device: Callable[..., SyncDevice],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    dev = device("C01")
    _, start = dev.pull_all()
    good = dev.op("dossier", fields={"applicant_name": "Lê Thị Hoa"})
    dev.push(good)
    bad: dict[str, str] = {}
    if _is_sqlite(server):
        bad["surrogate"] = _store_raw(server, "C01", "dossier", '{"applicant_name": "An\\ud800"}')
        bad["nan"] = _store_raw(server, "C01", "dossier_event", '{"data": {"x": NaN}, "note": "n"}')
    bad["control"] = _store_raw(server, "C01", "dossier", '{"applicant_name": "An\\u0007\\u001b"}')
    bad["long"] = _store_raw(server, "C01", "incoming_document", json.dumps({"author": "x" * 900}))
    with caplog.at_level(logging.WARNING, logger="city_server.app"):
        changes, cursor = dev.pull_all(after=start)  # every page 200
    pulled = {c["entity_id"] for c in changes}
    assert good["entity_id"] in pulled
    if _is_sqlite(server):
        assert bad["surrogate"] not in pulled and bad["nan"] not in pulled  # skipped, not a 500
        assert sum("skipped unserialisable record" in r.getMessage() for r in caplog.records) == 2
    assert bad["control"] in pulled and bad["long"] in pulled  # sendable: a client checks them

    code, report = _check(server, capsys)
    assert code == 1 and len(report["found"]) == len(bad) and not report["repaired"]
    code, report = _check(server, capsys, "--repair")
    assert code == 0, report
    assert len(report["repaired"]) == len(bad)
    code, report = _check(server, capsys)
    assert (code, report["found"]) == (0, [])

    repaired = {c["entity_id"]: c for c in dev.pull_all(after=cursor)[0]}
    assert set(bad.values()) <= set(repaired)  # every PC gets the clean version
    assert repaired[bad["control"]]["fields"]["applicant_name"] == "An"
    assert repaired[bad["long"]]["fields"]["author"] == "x" * 500
    if _is_sqlite(server):
        assert repaired[bad["surrogate"]]["fields"]["applicant_name"] == "An\ufffd"
        assert repaired[bad["nan"]]["fields"] == {"data": {"x": None}, "note": "n"}


def test_check_leaves_what_it_cannot_mend_to_a_person(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = _store_raw(server, "C02", "dossier", '{"counter_slot": "nine"}')
    stray = _store_raw(server, "C02", "ballot", '{"x": 1}')
    code, report = _check(server, capsys, "--repair", "--commune", "C02")
    assert code == 1
    for entity_id in (wrong, stray):
        assert any(entity_id in line for line in report["problems"]), report
    with server._sessions() as session:  # type: ignore[operator]  # noqa: SLF001
        kept = session.scalar(select(Record.fields).where(Record.entity_id == wrong))
    assert kept == {"counter_slot": "nine"}  # untouched, for a person to decide
