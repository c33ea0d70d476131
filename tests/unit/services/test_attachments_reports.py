"""Attachments, the monthly report and the store check."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from tests.helpers.store_fixtures import Clock, new_dossier

from commune_desk.app import AppContext
from commune_desk.services import NotFound


def test_attachment_round_trip_and_dedup(ctx: AppContext, tmp_path: Path) -> None:
    d = ctx.services.register_dossier(new_dossier()).value.summary
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF fake scan")
    a = ctx.services.add_attachment("dossier", d.id, source=scan, paper_kind="original")
    assert a.value.media_type == "application/pdf" and a.value.size == len(b"%PDF fake scan")
    assert a.changes.ids("dossier") == {d.id}
    b = ctx.services.add_attachment("dossier", d.id, source=b"%PDF fake scan", filename="copy.pdf").value
    assert b.sha256 == a.value.sha256
    assert ctx.services.read_attachment(b.id) == b"%PDF fake scan"
    assert [x.filename for x in ctx.services.get_dossier(d.id).attachments] == [
        "giay-chung-sinh.pdf",
        "copy.pdf",
    ]
    with pytest.raises(NotFound):
        ctx.services.add_attachment("dossier", "missing", source=b"x", filename="x.txt")


def test_monthly_report_counts(ctx: AppContext, clock: Clock) -> None:
    s = ctx.services
    on_time = s.register_dossier(new_dossier(procedure_code="HT-GH")).value.summary
    late = s.register_dossier(new_dossier(procedure_code="HT-GH")).value.summary
    s.register_dossier(new_dossier(procedure_code="CT-HD"))
    for d in (on_time, late):
        s.record_event(d.id, "assigned")
    clock.advance(days=1)
    s.record_event(on_time.id, "result_ready")
    s.record_event(on_time.id, "returned")
    clock.advance(days=10)
    s.record_event(late.id, "result_ready")
    rows = {r.procedure_code: r for r in s.monthly_report(2026, 3)}
    assert (
        rows["HT-GH"].received,
        rows["HT-GH"].finished_on_time,
        rows["HT-GH"].finished_late,
        rows["HT-GH"].returned,
    ) == (2, 1, 1, 1)
    assert rows["CT-HD"].received == 1 and rows["HT-KS"].received == 0
    assert all(r.received == 0 for r in s.monthly_report(2026, 4))


def test_check_store_finds_broken_invariants(ctx: AppContext, clock: Clock) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    a = s.add_attachment("dossier", d.id, source=b"scan", filename="a.png").value
    clock.advance(minutes=1)
    assert s.check_store().ok
    with ctx.store.write.begin() as session:
        session.execute(text("DELETE FROM outbox WHERE entity = 'dossier'"))
        session.execute(text("UPDATE dossiers SET status = 10"))
        session.execute(text("UPDATE search_keys SET keys = 'x' WHERE entity = 'dossier'"))
    ctx.blobs.path_for(a.sha256).write_bytes(b"bit rot")
    problems = "\n".join(s.check_store().problems)
    assert "unpushed dossier records have no outbox operation" in problems
    assert "gaps in seq" in problems
    assert "status RETURNED but events say ACCEPTED" in problems
    assert "search keys missing or stale" in problems
    assert "missing or corrupt" in problems


def test_check_store_finds_a_full_text_index_out_of_step(ctx: AppContext) -> None:
    saved = ctx.services.register_dossier(new_dossier()).value
    assert ctx.services.search_dossiers(saved.summary.code)  # its staged keys are indexed by a search
    with ctx.store.write.begin() as session:  # drop the index entry behind the triggers' back
        session.execute(
            text("INSERT INTO search_fts(search_fts, rowid, keys) SELECT 'delete', id, keys FROM search_keys")
        )
    problems = ctx.services.check_store().problems
    assert any("full-text index out of step" in p for p in problems)
