"""The working calendar as reference data in the store: seeded, upgraded, edited, audited."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ, CalendarDay, DayMark, OfficeHours
from commune_desk.services.calendar import load_base_calendar
from commune_desk.store import settings as stored
from commune_desk.store.models import AuditEntry, OutboxOp, WorkCalendarRow

REPO = Path(__file__).resolve().parents[3]


def _load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("calendar_update", REPO / "resources/calendar/update.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_base_is_exactly_what_the_pinned_release_generates() -> None:
    generator = _load_generator()
    holidays = pytest.importorskip("holidays")
    if holidays.__version__ != generator.PINNED_RELEASE:
        pytest.skip(f"holidays {holidays.__version__} installed, the pin is {generator.PINNED_RELEASE}")
    expected = generator.render(generator.build_document())
    assert (REPO / "resources/calendar/calendar.json").read_text(encoding="utf-8") == expected
    pins = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"holidays=={generator.PINNED_RELEASE}"' in pins


def test_the_base_has_both_halves_of_the_swaps() -> None:
    version, source, days = load_base_calendar()
    marks = {d.day: d.mark for d in days}
    assert version >= 1 and source.startswith("holidays ")
    assert marks[date(2025, 5, 2)] == DayMark.DAY_OFF and marks[date(2025, 4, 26)] == DayMark.WORKING_DAY
    assert marks[date(2026, 8, 31)] == DayMark.DAY_OFF and marks[date(2026, 8, 22)] == DayMark.WORKING_DAY


def test_appointments_never_import_the_holidays_package(tmp_path: Path) -> None:
    script = f"""
import sys
from datetime import datetime, timedelta, timezone
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.services import NewDossier
with AppContext.open(AppPaths.resolve({str(tmp_path)!r})) as ctx:
    d = ctx.services.register_dossier(NewDossier(procedure_code="HT-GH", applicant_name="A",
        applicant_id_number="001301012345")).value
    ctx.services.preview_appointment("HT-KS")
assert "holidays" not in sys.modules, "the holidays package was imported"
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-2000:]


def test_a_fresh_store_holds_the_base_and_sends_nothing(ctx: AppContext) -> None:
    calendar = ctx.services.get_calendar()
    assert calendar.base_version == load_base_calendar()[0] and calendar.overrides == ()
    with ctx.store.read() as s:
        assert s.scalars(select(OutboxOp)).all() == []
        row = s.get(WorkCalendarRow, s.scalars(select(WorkCalendarRow.id)).one())
        assert row.dirty is False and row.server_version is None


def test_an_administrators_change_is_audited_and_queued(ctx: AppContext) -> None:
    s = ctx.services
    hours = OfficeHours(sessions=((time(8), time(12)), (time(13, 30), time(17, 30))))
    s.update_calendar(
        hours=hours, overrides=[CalendarDay(date(2026, 3, 11), DayMark.DAY_OFF, "Họp")], actor="Quản trị viên"
    )
    d = s.register_dossier(new_dossier()).value.summary  # Tue 09:00 + 3 working days, Wed closed
    assert d.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)
    s.update_calendar(hours=hours, actor="Quản trị viên")  # no change: nothing written
    with ctx.store.read() as session:
        ops = session.scalars(select(OutboxOp).where(OutboxOp.entity == "calendar")).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_changed")).all()
    assert [o.action for o in ops] == ["create"]  # the first change carries the whole calendar
    assert set(ops[0].fields) >= {"base_days", "overrides", "hours", "base_version"}
    assert [a.actor for a in audit] == ["Quản trị viên"]
    s.update_calendar(overrides=[], actor="Quản trị viên")
    with ctx.store.read() as session:
        ops = session.scalars(select(OutboxOp).where(OutboxOp.entity == "calendar")).all()
    assert [o.action for o in ops] == ["create", "update"] and set(ops[1].fields) == {"overrides"}


def test_a_newer_bundled_base_replaces_an_older_one_and_is_sent(tmp_path: Path) -> None:
    with open_context(tmp_path / "d") as ctx:
        pass
    raw = json.loads((REPO / "resources/calendar/calendar.json").read_text(encoding="utf-8"))
    raw["version"] += 1
    raw["days"].append({"date": "2030-12-31", "kind": "day_off", "name": "Ngày nghỉ thêm"})
    newer = tmp_path / "calendar.json"
    newer.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with open_context(tmp_path / "d") as ctx:
        assert ctx.services.install_base_calendar(newer).value == raw["version"]
        assert not ctx.services._calendar().is_working_day(date(2030, 12, 31))  # noqa: SLF001
        assert not ctx.services.install_base_calendar(newer).changes  # same version: nothing
        assert ctx.services.install_base_calendar().value == raw["version"]  # older: kept
        with ctx.store.read() as s:
            ops = s.scalars(select(OutboxOp).where(OutboxOp.entity == "calendar")).all()
        assert [o.action for o in ops] == ["create"]


def test_an_older_stores_hours_and_overrides_move_into_the_calendar(tmp_path: Path) -> None:
    with open_context(tmp_path / "d") as ctx, ctx.store.write.begin() as s:
        # what a store of the previous version holds
        s.delete(s.get(WorkCalendarRow, s.scalars(select(WorkCalendarRow.id)).one()))
        stored.put_setting(
            s,
            stored.OFFICE_HOURS,
            {"sessions": [["08:00", "12:00"], ["13:00", "17:00"]], "same_day_cutoff": "15:30"},
        )
        stored.put_setting(s, stored.CALENDAR_OVERRIDES, {"off": ["2026-03-11"], "working": ["2026-03-14"]})
    with open_context(tmp_path / "d") as ctx:
        calendar = ctx.services.get_calendar()
        assert calendar.hours.same_day_cutoff == time(15, 30)
        assert {(d.day, d.mark) for d in calendar.overrides} == {
            (date(2026, 3, 11), DayMark.DAY_OFF),
            (date(2026, 3, 14), DayMark.WORKING_DAY),
        }
        settings = ctx.services.get_settings()
        assert settings.extra_days_off == {date(2026, 3, 11)}
        with ctx.store.read() as s:
            assert [o.action for o in s.scalars(select(OutboxOp))] == ["create"]  # the office's own


def test_a_day_both_off_and_worked_is_refused(ctx: AppContext) -> None:
    from commune_desk.domain.errors import ValidationError
    from commune_desk.services import OfficeSettings

    with pytest.raises(ValidationError) as err:
        ctx.services.update_settings(
            OfficeSettings(
                extra_days_off=frozenset({date(2026, 5, 4)}), extra_working_days=frozenset({date(2026, 5, 4)})
            )
        )
    assert err.value.kind == "calendar_day_twice"
