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
#: Every demo account's password (shown on the demo sign-in screen).
DEMO_PASSWORD = "demo123"
#: Demo accounts ``(user name, full name, role)``: the names the demo history is written with.
DEMO_STAFF = (
    ("minh.tv", "Trần Văn Minh", "leader"),
    ("hong.nt", "Nguyễn Thị Hồng", "clerk"),
    ("trang.lt", "Lê Thu Trang", "clerk"),
    ("huy.pq", "Phạm Quốc Huy", "admin"),
)
DEMO_CLERK = "hong.nt"
DEMO_LEADER = "minh.tv"

#: What a finished demo fill broadcasts: every list reloads.
DEMO_CHANGES = Changes(
    frozenset(
        {
            ("dossier", "*"),
            ("incoming_document", "*"),
            ("outgoing_document", "*"),
            ("settings", "office"),
            ("clerk", "*"),
        }
    )
)


def demo_accounts(services: Any) -> bool:
    """Create the demo accounts (leader first) in a store that has none; whether it did."""
    from commune_desk.domain.accounts import NewClerk
    from commune_desk.domain.roles import Role

    if services.list_clerks(include_inactive=True):
        return False
    for username, full_name, role in DEMO_STAFF:
        services.create_clerk(NewClerk(username, full_name, Role(role), DEMO_PASSWORD), actor="demo")
    return True


def _fill(services: Any, count: int) -> Any:
    from commune_desk.services.demo import generate_demo

    accounts = demo_accounts(services)
    if services.get_settings().unit_name == OfficeSettings().unit_name:
        services.update_settings(
            replace(OfficeSettings(), unit_name=DEMO_UNIT_NAME, unit_code=DEMO_UNIT_CODE),
            actor="demo",
        )
    if services.count_dossiers(DossierQuery()) > 0:
        return Changes.of("clerk", "*") if accounts else None
    summary = generate_demo(services, count)
    log.info("demo store filled: %s", summary)
    return DEMO_CHANGES


def fill_demo_store(ctx: UiContext, *, count: int) -> None:
    """Generate ``count`` demo dossiers (and the demo accounts) on the store thread unless the
    store has some already."""
    StoreOp(ctx, lambda s: _fill(s, count)).success(
        lambda _changes: emit(ctx.events.settings_changed)
    ).run_in_background()
