"""Every index earns its place: the list's filters and the sync queries read through one.

The statements are the ones the services and the sync engine really run
(captured as they execute), planned by SQLite with ``EXPLAIN QUERY PLAN`` on
a real store. A list ordered by ``(received_at, id)`` must read its rows in
that order from an index (no sort of every matching row), at the first page
and at a keyset page alike. Also: migration 0005 applied to an existing store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, text
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.dossier import DossierStatus
from commune_desk.services import DossierQuery
from commune_desk.services.demo import generate_demo
from commune_desk.services.values import DossierCursor
from commune_desk.store.migrate import alembic_config, current_revision, head_revision
from commune_desk.store.opening import open_store
from commune_desk.sync.pull import open_fields
from commune_desk.sync.push import take_batch


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = open_context(tmp_path_factory.mktemp("indexes") / "data", Clock(TUESDAY_9AM))
    generate_demo(context, 400, seed=3, documents=False)
    yield context
    context.close()


def plans(ctx: AppContext, call: Callable[[], object], table: str) -> list[str]:
    """The query plans of the statements ``call`` runs that read ``table``."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(ctx.store.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(ctx.store.engine, "before_cursor_execute", capture)
    db = sqlite3.connect(ctx.store.path)
    try:
        return [
            " | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
            for statement, parameters in captured
            if statement.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE"))
            and f" {table}" in statement
        ]
    finally:
        db.close()


def filters(ctx: AppContext) -> dict[str, tuple[DossierQuery, str]]:
    """Each filter of the list with the index that must serve it."""
    first = ctx.services.list_dossiers(limit=1).rows[0]
    return {
        "everything": (DossierQuery(), "ix_dossiers_received"),
        "one status": (DossierQuery(statuses=(DossierStatus.RETURNED,)), "ix_dossiers_status_received"),
        "overdue": (DossierQuery(overdue=True), "ix_dossiers_status_appointment"),
        "due today": (DossierQuery(due_today=True), "ix_dossiers_status_appointment"),
        "clerk": (DossierQuery(received_by=first.received_by), "ix_dossiers_clerk_received"),
        "procedure": (DossierQuery(procedure_code=first.procedure_code), "ix_dossiers_procedure"),
    }


#: Filters whose index is in the list's order: no sort, first page or deep page.
ORDERED = {"everything", "one status", "clerk", "procedure"}


@pytest.mark.parametrize("name", ["everything", "one status", "overdue", "due today", "clerk", "procedure"])
def test_each_list_filter_reads_through_its_index(ctx: AppContext, name: str) -> None:
    query, index = filters(ctx)[name]
    middle = ctx.services.list_dossiers(limit=1, offset=200).rows[0]
    cursor = DossierCursor(middle.received_at, middle.id)
    calls = {
        "first page": lambda: ctx.services.list_dossiers(query, limit=200),
        "keyset page": lambda: ctx.services.list_dossiers(query, limit=200, after=cursor),
        "count": lambda: ctx.services.count_dossiers(query),
    }
    for label, call in calls.items():
        (plan,) = plans(ctx, call, "dossiers")
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (label, plan)
        assert "SCAN dossiers" not in plan or name == "everything", (label, plan)
        if label != "count":
            assert index in plan, (label, plan)
            if name in ORDERED:
                assert "TEMP B-TREE" not in plan, (label, plan)
        if label == "keyset page" and name in ORDERED:
            assert "(received_at,id)<(?,?)" in plan, plan  # the whole key, not received_at alone


def test_search_with_filters_starts_from_the_text_index(ctx: AppContext) -> None:
    for name, (query, _index) in filters(ctx).items():
        (plan,) = plans(
            ctx, lambda q=query: ctx.services.search_dossier_page("nguyen", q, limit=200), "dossiers"
        )
        assert "search_fts VIRTUAL TABLE" in plan and "sqlite_autoindex_dossiers_1 (id=?)" in plan, (
            name,
            plan,
        )


def test_the_sync_queries_of_the_outbox_seek_their_rows(ctx: AppContext) -> None:
    """The push walks ``(device_id, seq)``; the pull finds a page's open operations by id."""
    device = "device"
    with ctx.store.write() as session:
        (push,) = plans(ctx, lambda: take_batch(session, 50, device_id=device, expected=1), "outbox")
        (pull,) = plans(ctx, lambda: open_fields(session, ["a", "b"]), "outbox")
        session.rollback()
    assert "sqlite_autoindex_outbox_2 (device_id=?)" in push and "TEMP B-TREE" not in push, push
    assert "ix_outbox_entity_id (entity_id=?)" in pull, pull


def test_migration_0005_on_an_existing_store(tmp_path: Path) -> None:
    """A store made before 0005 (data, outbox rows) is upgraded at open and keeps everything."""
    folder = tmp_path / "data"
    ctx = open_context(folder, Clock(TUESDAY_9AM))
    generate_demo(ctx, 300, seed=5, documents=False)
    ctx.services.update_settings(replace(ctx.services.get_settings(), counter_slot=1))
    ctx.services.register_dossier(new_dossier())  # a real intake: two outbox rows
    path = ctx.store.path
    before = _contents(path)
    command.downgrade(alembic_config(ctx.store.engine), "0004_sync_recovery")
    assert current_revision(ctx.store.engine) == "0004_sync_recovery"
    ctx.close()
    assert _indexes(path)["ix_dossiers_procedure"] == ["procedure_code", "received_at"]
    assert "ix_outbox_state_seq" in _indexes(path) and "ix_outbox_entity" in _indexes(path)

    store = open_store(path)
    try:
        assert current_revision(store.engine) == head_revision()  # 0005 and every later one
        with store.read() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        store.close()
    indexes = _indexes(path)
    assert indexes["ix_dossiers_procedure"] == ["procedure_code", "received_at", "id"]
    assert indexes["ix_outbox_entity_id"] == ["entity_id", "entity"]
    assert "ix_outbox_state_seq" not in indexes and "ix_outbox_entity" not in indexes
    assert _contents(path) == before
    ctx = open_context(folder, Clock(TUESDAY_9AM))
    try:
        assert ctx.services.check_store().ok
        assert ctx.services.count_dossiers() == 301
    finally:
        ctx.close()


def _indexes(path: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('dossiers', 'outbox')"
            )
        ]
        return {name: [row[2] for row in db.execute(f"PRAGMA index_info('{name}')")] for name in names}
    finally:
        db.close()


def _contents(path: Path) -> tuple[Any, ...]:
    """Every row that matters; the search keys as (entity, id, keys) wherever they wait
    (an intake's keys are staged at 0007 and moved into ``search_keys`` by its downgrade)."""
    db = sqlite3.connect(path)
    try:
        tables = ["search_keys"]
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_staged'").fetchone():
            tables.append("search_staged")
        keys = sorted(
            row
            for table in tables
            for row in db.execute(f"SELECT entity, entity_id, keys FROM {table}")  # noqa: S608
        )
        return (
            *(
                db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # noqa: S608
                for table in ("dossiers", "dossier_events", "outbox", "local_counters")
            ),
            keys,
        )
    finally:
        db.close()
