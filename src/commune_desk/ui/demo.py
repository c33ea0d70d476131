"""``--demo``: fill an empty demo store in the background so the window opens at once."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from commune_desk.services.values import Changes, DossierQuery, OfficeSettings
from commune_desk.ui.context import UiContext
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit

log = logging.getLogger(__name__)

DEMO_UNIT_NAME = "UBND xã Đông Anh (dữ liệu mẫu)"
DEMO_UNIT_CODE = "000.00.06.H26"
DEMO_CLERK = "Nguyễn Thu Hà"

#: What a finished demo fill broadcasts: every list reloads.
DEMO_CHANGES = Changes(
    frozenset(
        {("dossier", "*"), ("incoming_document", "*"), ("outgoing_document", "*"), ("settings", "office")}
    )
)


def _fill(services: Any, count: int) -> Any:
    from commune_desk.services.demo import generate_demo

    if services.get_settings().unit_name == OfficeSettings().unit_name:
        services.update_settings(
            replace(OfficeSettings(), unit_name=DEMO_UNIT_NAME, unit_code=DEMO_UNIT_CODE),
            actor="demo",
        )
    if services.count_dossiers(DossierQuery()) > 0:
        return None
    summary = generate_demo(services, count)
    log.info("demo store filled: %s", summary)
    return DEMO_CHANGES


def fill_demo_store(ctx: UiContext, *, count: int) -> None:
    """Generate ``count`` demo dossiers on the store thread unless the store has some already."""
    if not ctx.clerk:
        ctx.clerk = DEMO_CLERK
    StoreOp(ctx, lambda s: _fill(s, count)).success(
        lambda _changes: emit(ctx.events.settings_changed)
    ).run_in_background()
