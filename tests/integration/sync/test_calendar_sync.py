"""The working calendar is one record of the commune: a change on one PC reaches the others."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import assert_converged, make_clerk

from commune_desk.domain.calendar import VN_TZ, CalendarDay, DayKind, DayMark, OfficeHours, TimeLimit
from commune_desk.services.reference import HolidayOverrides


def test_an_administrators_change_and_a_usb_package_reach_every_pc(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        # nothing changed yet: the calendar is the bundled base on both, never sent
        assert a.services.get_calendar() == b.services.get_calendar()
        later_hours = OfficeHours(sessions=((time(8), time(12)), (time(13, 30), time(17, 30))))
        closure = CalendarDay(date(2027, 3, 8), DayMark.DAY_OFF, "Đại hội đại biểu nhân dân phường")
        a.services.update_calendar(overrides=[closure], hours=later_hours, actor="quản trị")
        for clerk in (a, b):
            assert clerk.engine.sync_once().ok
        got = b.services.get_calendar()
        assert got.hours == later_hours and got.overrides == (closure,)
        received = datetime(2027, 3, 5, 9, tzinfo=VN_TZ)  # Friday; Monday closed on both PCs
        for clerk in (a, b):
            calendar = clerk.services._calendar()  # noqa: SLF001
            due = calendar.appointment(received, TimeLimit(DayKind.WORKING_DAYS, 1))
            assert due == datetime(2027, 3, 9, 9, tzinfo=VN_TZ)
        # a reference-data package applied on b arrives on a; an older one is refused
        swap = CalendarDay(date(2027, 4, 24), DayMark.WORKING_DAY, "Làm bù cho ngày 3/5")
        outcome = b.services.replace_reference_data(holidays=HolidayOverrides(5, (swap,)))
        assert outcome.value == {"holidays": "applied"}
        for clerk in (b, a):
            assert clerk.engine.sync_once().ok
        assert a.services.get_calendar().overrides == (swap,)
        assert a.services.get_calendar().overrides_version == 5
        older = a.services.replace_reference_data(holidays=HolidayOverrides(4, ()))
        assert older.value == {"holidays": "not-newer"}
        assert a.services.get_calendar() == b.services.get_calendar()
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()
