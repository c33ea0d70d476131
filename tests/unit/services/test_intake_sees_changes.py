"""The intake reads the settings, the calendar and the procedure only when another
connection has committed since its last save (``Services._office_in_writer``): every
change made elsewhere must still apply to the very next save.

Generated sequences of saves and changes (through the services, the way the sync engine
merges the office row, and a raw connection as another process would), on a real store
file. Each save's code and appointment are compared with what a fresh read says.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.domain.errors import ValidationError
from commune_desk.store.settings import merge_office

STEPS = st.lists(
    st.one_of(
        st.just(("save",)),
        st.tuples(st.just("slot_by_services"), st.integers(1, 9)),
        st.tuples(st.just("slot_by_sync"), st.integers(1, 9)),
        st.tuples(st.just("unit_by_other_process"), st.sampled_from(["000.00.06.H26", "000.00.31.H26"])),
        st.tuples(st.just("procedure_by_other_process"), st.booleans()),
        st.tuples(st.just("wednesday_off"), st.booleans()),
    ),
    max_size=14,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_every_change_made_elsewhere_applies_to_the_next_save(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[object, ...]]
) -> None:
    ctx = open_context(tmp_path_factory.mktemp("intake"))
    other = sqlite3.connect(ctx.store.path, isolation_level=None)
    version = 0
    try:
        ctx.services.register_dossier(new_dossier())  # the writer has read everything once
        for step in [*steps, ("save",)]:
            kind = step[0]
            if kind == "save":
                office = ctx.services.get_settings()
                active = other.execute("SELECT active FROM procedures WHERE code = 'HT-GH'").fetchone()[0]
                if not active:
                    with pytest.raises(ValidationError) as refused:
                        ctx.services.register_dossier(new_dossier())
                    assert refused.value.kind == "inactive_procedure"
                    continue
                expected_at = ctx.services.preview_appointment("HT-GH")  # a fresh read
                saved = ctx.services.register_dossier(new_dossier()).value.summary
                assert saved.code.startswith(f"{office.unit_code}-260310-{office.counter_slot}")
                assert saved.appointment_at == expected_at
            elif kind == "slot_by_services":
                ctx.services.update_settings(replace(ctx.services.get_settings(), counter_slot=step[1]))
            elif kind == "slot_by_sync":  # what sync.leases does, on a session of its own
                with ctx.store.write.begin() as session:
                    merge_office(session, counter_slot=step[1])
            elif kind == "unit_by_other_process":
                row = other.execute("SELECT value FROM settings WHERE key = 'office'").fetchone()
                office_row = json.loads(row[0]) if row else {}
                office_row["unit_code"] = step[1]
                other.execute(
                    "INSERT INTO settings (key, value) VALUES ('office', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (json.dumps(office_row),),
                )
            elif kind == "procedure_by_other_process":
                other.execute("UPDATE procedures SET active = ? WHERE code = 'HT-GH'", (int(bool(step[1])),))
            elif kind == "wednesday_off":
                version += 1
                days = [date(2026, 3, 11)] if step[1] else []
                ctx.services.replace_holiday_overrides(version=version, extra_days_off=days)
        assert ctx.services.check_store().ok
    finally:
        other.close()
        ctx.close()


def test_a_day_off_set_elsewhere_moves_the_next_appointment(tmp_path: Path) -> None:
    """The example behind the generated test: Tuesday 09:00 + 3 working days is Friday;
    with Wednesday off (set through another connection) it is the next Monday."""
    ctx = open_context(tmp_path)
    try:
        first = ctx.services.register_dossier(new_dossier()).value.summary.appointment_at
        ctx.services.replace_holiday_overrides(version=1, extra_days_off=[date(2026, 3, 11)])
        second = ctx.services.register_dossier(new_dossier()).value.summary.appointment_at
        assert (first.day, second.day) == (13, 16)
    finally:
        ctx.close()
