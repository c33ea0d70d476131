"""Catalogue, settings and holiday overrides."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from tests.helpers.store_fixtures import new_dossier

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ, DayKind
from commune_desk.domain.errors import DomainError, ValidationError
from commune_desk.services import OfficeSettings, OutdatedReferenceData, load_catalogue_file
from commune_desk.services.catalogue import parse_catalogue


def test_bundled_catalogue_has_the_thirteen_procedures(ctx: AppContext) -> None:
    procedures = ctx.services.list_procedures()
    assert len(procedures) >= 13
    by_code = {p.code: p for p in procedures}
    assert by_code["HT-KS"].day_kind == DayKind.ON_RECEIPT
    assert by_code["CT-HD"].time_limit == 2 and by_code["CT-HD"].required_papers
    assert ctx.services.catalogue_version() == load_catalogue_file().version


def test_replace_refuses_older_and_keeps_used_procedures_inactive(ctx: AppContext) -> None:
    ctx.services.register_dossier(new_dossier(procedure_code="HT-GH"))
    current = load_catalogue_file()
    newer = dataclasses.replace(
        current,
        version=current.version + 1,
        procedures=tuple(p for p in current.procedures if p.code not in ("HT-GH", "HT-KT")),
    )
    outcome = ctx.services.replace_catalogue(newer)
    assert "HT-GH" in outcome.changes.ids("procedure")
    codes = {p.code for p in ctx.services.list_procedures()}
    assert "HT-GH" not in codes and "HT-KT" not in codes
    all_codes = {p.code: p.active for p in ctx.services.list_procedures(include_inactive=True)}
    assert all_codes["HT-GH"] is False and "HT-KT" not in all_codes  # unused: deleted
    with pytest.raises(ValidationError) as info:
        ctx.services.register_dossier(new_dossier(procedure_code="HT-GH"))
    assert info.value.kind == "inactive_procedure"
    with pytest.raises(OutdatedReferenceData) as old:
        ctx.services.replace_catalogue(current)
    assert old.value.kind == "outdated_reference"
    assert not ctx.services.replace_catalogue(newer).changes  # same version: no-op


def test_bad_catalogue_documents_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        parse_catalogue({"version": 2, "procedures": [{"code": "A", "name": "x", "day_kind": "weeks"}]})
    assert info.value.kind == "invalid_catalogue"
    with pytest.raises(ValidationError):
        parse_catalogue({"version": 2, "procedures": []})


def test_settings_round_trip_and_drive_codes(ctx: AppContext) -> None:
    s = ctx.services
    updated = s.update_settings(
        OfficeSettings(unit_code="000.00.06.h26", unit_name="UBND phường Hoàn Kiếm", counter_slot=3)
    ).value
    assert updated.unit_code == "000.00.06.H26"
    assert s.get_settings() == updated
    code = s.register_dossier(new_dossier()).value.summary.code
    assert code == "000.00.06.H26-260310-3001"
    with pytest.raises(DomainError):
        s.update_settings(OfficeSettings(counter_slot=10))


def test_holiday_overrides_change_appointments_and_refuse_older(ctx: AppContext) -> None:
    s = ctx.services
    s.replace_holiday_overrides(version=5, extra_days_off=[date(2026, 3, 11)], extra_working_days=[])
    d = s.register_dossier(new_dossier()).value.summary  # Tue 09:00 + 3 working days, Wed off
    assert d.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)
    with pytest.raises(OutdatedReferenceData):
        s.replace_holiday_overrides(version=4, extra_days_off=[], extra_working_days=[])
    assert s.get_settings().extra_days_off == {date(2026, 3, 11)}


def test_open_keeps_the_store_catalogue_when_the_bundled_file_is_missing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from commune_desk.app import AppContext
    from commune_desk.paths import AppPaths

    paths = AppPaths.resolve(tmp_path / "data")
    with pytest.raises(ValidationError) as info:  # a new store needs a catalogue
        AppContext.open(paths, catalogue_path=tmp_path / "missing.json")
    assert info.value.kind == "invalid_catalogue"
    AppContext.open(paths).close()
    with AppContext.open(paths, catalogue_path=tmp_path / "missing.json") as ctx:
        assert len(ctx.services.list_procedures()) >= 13


def test_a_package_is_applied_in_one_transaction(ctx: AppContext) -> None:
    """The catalogue fails while being written: the holiday part of the same package is not kept."""
    import dataclasses as dc

    from sqlalchemy import text

    from commune_desk.domain.calendar import CalendarDay, DayMark
    from commune_desk.services.reference import HolidayOverrides

    s = ctx.services
    before = (s.get_calendar(), s.catalogue_version())
    with ctx.store.write.begin() as session:  # the disk refuses the catalogue half-way
        session.execute(
            text(
                "CREATE TRIGGER refuse_catalogue BEFORE INSERT ON procedures "
                "BEGIN SELECT RAISE(ABORT, 'disk said no'); END"
            )
        )
    import json

    from commune_desk.paths import resources_dir
    from commune_desk.update.package import ReferenceDataPackage
    from commune_desk.update.reference_data import ServicesReferenceData

    raw = json.loads((resources_dir() / "procedures.json").read_text(encoding="utf-8"))
    raw["version"] += 1
    raw["procedures"].append(dict(raw["procedures"][0], code="HT-MOI", name="Thủ tục mới"))
    package = ReferenceDataPackage(
        procedures=raw,
        holidays={"version": 9, "overrides": [{"date": "2027-02-15", "kind": "day_off", "note": "nghỉ bù"}]},
    )
    with pytest.raises(Exception, match="disk said no"):  # what a USB stick goes through
        ServicesReferenceData(s).replace(package)
    assert (s.get_calendar(), s.catalogue_version()) == before
    current = load_catalogue_file()
    extra = dc.replace(current.procedures[0], code="HT-MOI", name="Thủ tục mới")
    newer = dc.replace(current, version=current.version + 1, procedures=(*current.procedures, extra))
    holidays = HolidayOverrides(9, (CalendarDay(date(2027, 2, 15), DayMark.DAY_OFF, "nghỉ bù"),))
    with ctx.store.write.begin() as session:
        session.execute(text("DROP TRIGGER refuse_catalogue"))
    outcome = s.replace_reference_data(catalogue=newer, holidays=holidays)
    assert outcome.value == {"holidays": "applied", "procedures": "applied"}
    assert s.get_calendar().overrides_version == 9
