"""Property: counters of one office, all offline, never issue the same dossier code."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import Clock, new_dossier, open_context

from commune_desk.domain.calendar import VN_TZ
from commune_desk.services import OfficeSettings

START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)

intakes = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 8 * 60)),  # device, day, minute
    min_size=1,
    max_size=12,
)


def test_codes_never_collide_across_offline_devices(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Three PCs (slots 1, 4, 9), each with its own store and no network, register in any order."""
    clocks = [Clock(START) for _ in range(3)]
    contexts = []
    for slot, clock in zip((1, 4, 9), clocks, strict=True):
        ctx = open_context(Path(tmp_path_factory.mktemp(f"pc{slot}")), clock)
        ctx.services.update_settings(
            OfficeSettings(unit_code="000.00.06.H26", unit_name="UBND", counter_slot=slot)
        )
        contexts.append(ctx)
    issued: set[str] = set()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(intakes)
    def check(plan: list[tuple[int, int, int]]) -> None:
        for device, day, minute in plan:
            received = START + timedelta(days=day, minutes=minute)
            clocks[device].now = received  # a time of receipt is never in the PC's future
            code = (
                contexts[device]
                .services.register_dossier(new_dossier(received_at=received))
                .value.summary.code
            )
            assert code not in issued
            issued.add(code)

    try:
        check()
    finally:
        for ctx in contexts:
            ctx.close()
    assert len(issued) > 25
