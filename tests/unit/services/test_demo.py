"""The demo generator's bulk path, on a real store."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.dossier import DossierStatus
from commune_desk.services import DossierQuery
from commune_desk.services.demo import generate_demo
from commune_desk.store.models import Dossier, DossierEvent, OutboxOp, SearchKey


def test_demo_covers_every_status_and_keeps_the_store_consistent(ctx: AppContext) -> None:
    seen: list[tuple[int, int]] = []
    summary = generate_demo(ctx, 300, seed=3, progress=lambda done, total: seen.append((done, total)))
    assert summary.dossiers == 300 and summary.incoming >= 1 and summary.outgoing >= 1
    assert seen[-1] == (300, 300)
    s = ctx.services
    for status in DossierStatus:
        assert s.count_dossiers(DossierQuery(statuses=(status,))) > 0, status
    assert [r.applicant_name for r in s.search_dossiers("dang thi dao")][:1] == ["Đặng Thị Đào"]
    rows = s.list_dossiers(limit=300).rows
    oldest, newest = rows[-1].received_at, rows[0].received_at
    assert (newest - oldest).days > 300 and newest <= TUESDAY_9AM
    report = s.check_store()
    assert report.ok, report.problems
    with ctx.store.read() as session:  # demo dossiers are local-only: no outbox operations
        assert (
            session.scalar(select(func.count()).select_from(OutboxOp).where(OutboxOp.entity == "dossier"))
            == 0
        )
        assert session.scalar(select(func.count()).select_from(Dossier).where(Dossier.dirty)) == 0


def test_intake_after_demo_continues_the_day_counter(ctx: AppContext, clock: Clock) -> None:
    generate_demo(ctx, 400, seed=1, documents=False)
    codes = {r.code for r in ctx.services.list_dossiers(limit=1000).rows}
    clock.advance(minutes=5)
    new_code = ctx.services.register_dossier(new_dossier()).value.summary.code
    assert new_code not in codes
    generate_demo(ctx, 50, seed=2, documents=False)  # a second run appends, still unique
    assert ctx.services.count_dossiers() == 451
    assert ctx.services.check_store().ok


def test_same_seed_same_people(tmp_path: Path) -> None:
    names = []
    for name in ("a", "b"):
        context = open_context(tmp_path / name)
        try:
            generate_demo(context, 40, seed=9, documents=False)
            names.append([r.applicant_name for r in context.services.list_dossiers(limit=40).rows])
        finally:
            context.close()
    assert names[0] == names[1]


def test_demo_documents_are_local_only_and_the_store_is_flagged(ctx: AppContext) -> None:
    from commune_desk.store.identity import is_demo_store

    summary = generate_demo(ctx, 600, seed=4)
    assert summary.incoming >= 1 and summary.outgoing >= 1
    with ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0
        assert is_demo_store(session)
    by_series: dict[str, list[int]] = {}
    for doc in ctx.services.list_incoming(limit=1000):
        by_series.setdefault(doc.series, []).append(doc.number)
    for numbers in by_series.values():  # numbered as the register does: 1, 2, 3... each year
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert ctx.services.check_store().ok


def test_demo_refuses_a_store_with_real_records(ctx: AppContext) -> None:
    import pytest

    from commune_desk.domain.errors import ValidationError

    ctx.services.register_dossier(new_dossier())
    with pytest.raises(ValidationError) as info:
        generate_demo(ctx, 10)
    assert info.value.kind == "demo_refused"
    generate_demo(ctx, 0)  # nothing to write is no demo: allowed (the desktop's empty fill)
    assert ctx.services.count_dossiers() == 1


def test_demo_rows_are_stored_as_the_orm_would_store_them(tmp_path: Path) -> None:
    """The batches are written as prepared statements; the stored forms are the ORM's own."""
    demo = open_context(tmp_path / "demo")
    orm = open_context(tmp_path / "orm")
    try:
        generate_demo(demo, 120, seed=4, documents=False)
        for model in (Dossier, DossierEvent, SearchKey):
            with demo.store.read() as session:
                values = [
                    {c.key: getattr(obj, c.key) for c in model.__mapper__.column_attrs}
                    for obj in session.scalars(select(model))
                ]
            with orm.store.write.begin() as session:
                session.execute(insert(model), values)
            assert _stored(demo, model) == _stored(orm, model), model.__tablename__
        assert {type(v) for v in _stored(demo, DossierEvent)[0]} == {str}  # quoted values
    finally:
        demo.close()
        orm.close()


def test_demo_ids_follow_the_receipt_order(ctx: AppContext) -> None:
    """Time-ordered (version 7) ids: each batch appends to the primary-key indexes."""
    generate_demo(ctx, 200, seed=2, documents=False)
    with ctx.store.read() as session:
        rows = session.execute(select(Dossier.id, Dossier.received_at).order_by(Dossier.received_at)).all()
    ids = [row.id for row in rows]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)  # the millisecond prefix


def _stored(ctx: AppContext, model: type[Any]) -> list[tuple[Any, ...]]:
    columns = ", ".join(f"quote({c.name})" for c in model.__table__.columns)
    with ctx.store.read() as session:
        return [
            tuple(r)
            for r in session.execute(text(f"SELECT {columns} FROM {model.__tablename__} ORDER BY 1"))  # noqa: S608
        ]
