"""The intake hot path writes exactly what the ORM would, and its caches follow every change.

``register_dossier`` inserts its rows with prepared statements on the sqlite3
connection and keeps parsed settings, calendar and procedures in memory; these
tests pin both down against the ORM and against writers that bypass the
services (the sync engine, another process).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.errors import ValidationError
from commune_desk.services import Catalogue, OfficeSettings
from commune_desk.store.models import Dossier, DossierEvent, OutboxOp, Procedure, StagedSearchKey
from commune_desk.store.settings import merge_office

_MODELS: tuple[type[Any], ...] = (Dossier, DossierEvent, OutboxOp, StagedSearchKey)


def _stored(ctx: AppContext, model: type[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``model``'s table with each value quoted (type and text exactly as stored)."""
    columns = ", ".join(f"quote({c.name})" for c in model.__table__.columns)
    with ctx.store.read() as s:
        return [tuple(r) for r in s.execute(text(f"SELECT {columns} FROM {model.__tablename__}"))]


def _orm_values(ctx: AppContext, model: type[Any]) -> list[dict[str, Any]]:
    with ctx.store.read() as s:
        return [
            {c.key: getattr(obj, c.key) for c in model.__mapper__.column_attrs}
            for obj in s.scalars(select(model))
        ]


def test_rows_are_stored_exactly_as_the_orm_would_store_them(tmp_path: Path) -> None:
    fast = open_context(tmp_path / "fast")
    orm = open_context(tmp_path / "orm")
    try:
        fast.services.register_dossier(new_dossier(notes="giấy hẹn", date_of_birth=date(2001, 1, 1)))
        fast.services.register_dossier(new_dossier(applicant_phone=None, procedure_code="CT-CK"))
        # write the same values through SQLAlchemy's own type processing into an empty store
        with orm.store.write.begin() as s:
            for model in _MODELS:
                s.execute(insert(model), _orm_values(fast, model))
        for model in _MODELS:
            assert _stored(fast, model) == _stored(orm, model), model.__tablename__
        assert fast.services.check_store().ok
    finally:
        fast.close()
        orm.close()


def test_the_returned_detail_equals_what_is_read_back(ctx: AppContext) -> None:
    detail = ctx.services.register_dossier(new_dossier(notes=" ghi chú ")).value
    again = ctx.services.get_dossier(detail.summary.id)
    assert detail == again


def test_settings_changed_by_the_services_apply_to_the_next_intake(ctx: AppContext) -> None:
    assert ctx.services.register_dossier(new_dossier()).value.summary.code.startswith("000.00.00.H26-")
    ctx.services.update_settings(OfficeSettings(unit_code="000.00.06.H26", unit_name="UBND", counter_slot=3))
    code = ctx.services.register_dossier(new_dossier()).value.summary.code
    assert code == "000.00.06.H26-260310-3001"


def test_a_counter_slot_set_by_the_sync_engine_applies_at_once(ctx: AppContext) -> None:
    ctx.services.register_dossier(new_dossier())
    with ctx.store.write.begin() as s:  # what sync.leases.renew_leases does, bypassing the services
        merge_office(s, counter_slot=7)
    assert ctx.services.register_dossier(new_dossier()).value.summary.code.endswith("-7001")
    assert ctx.services.get_settings().counter_slot == 7


def test_holiday_overrides_move_the_next_appointment(ctx: AppContext) -> None:
    # HT-GH: 3 working days from Tuesday 09:00 -> Friday 09:00
    first = ctx.services.register_dossier(new_dossier()).value.summary.appointment_at
    assert first.astimezone(VN_TZ) == datetime(2026, 3, 13, 9, 0, tzinfo=VN_TZ)
    ctx.services.replace_holiday_overrides(
        version=2, extra_days_off=[date(2026, 3, 11)], extra_working_days=()
    )
    moved = ctx.services.register_dossier(new_dossier()).value.summary.appointment_at
    assert moved.astimezone(VN_TZ) == datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)


def test_a_procedure_changed_outside_the_services_is_read_again(ctx: AppContext) -> None:
    ctx.services.register_dossier(new_dossier())
    with ctx.store.write.begin() as s:
        s.execute(update(Procedure).where(Procedure.code == "HT-GH").values(time_limit=5, fee="9.000 đồng"))
    detail = ctx.services.register_dossier(new_dossier()).value
    assert detail.fee == "9.000 đồng"
    assert detail.summary.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)


def test_a_procedure_dropped_by_a_new_catalogue_is_refused(ctx: AppContext) -> None:
    ctx.services.register_dossier(new_dossier())
    current = [p for p in ctx.services.list_procedures() if p.code != "HT-GH"]
    version = ctx.services.catalogue_version() or 0
    ctx.services.replace_catalogue(Catalogue(version=version + 1, procedures=tuple(current)))
    with pytest.raises(ValidationError) as refused:
        ctx.services.register_dossier(new_dossier())
    assert refused.value.kind == "inactive_procedure"


def test_another_services_object_sees_the_first_ones_changes(tmp_path: Path) -> None:
    """Two processes (here: two contexts) on one file: the cache is keyed by what is stored."""
    clock = Clock(TUESDAY_9AM)
    a = open_context(tmp_path / "data", clock)
    b = open_context(tmp_path / "data", clock)
    try:
        assert b.services.register_dossier(new_dossier()).value.summary.code.endswith("-1001")
        office = OfficeSettings(unit_code="000.00.06.H26", unit_name="UBND", counter_slot=2)
        a.services.update_settings(office)
        assert b.services.register_dossier(new_dossier()).value.summary.code == "000.00.06.H26-260310-2001"
    finally:
        a.close()
        b.close()
