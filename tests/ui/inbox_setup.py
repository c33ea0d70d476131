"""A store with one refused operation and one open conflict, made by real rounds.

Two PCs of commune C01 sync against the real city server: the other PC and
this one (``data_dir``, the folder the desktop then opens) both assign the
same incoming document to different handlers, and this one also queues an
event for a dossier the server has never seen. Used by the sync page test and
by ``make_screenshots.py``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import make_clerk, new_id

from commune_desk.store.outbox import add_op


@dataclass(frozen=True)
class Inbox:
    """What :func:`prepare_inbox` left waiting on this PC."""

    document_id: str
    refused_op_id: str


def prepare_inbox(city: RunningServer, data_dir: Path) -> Inbox:
    """Log ``data_dir`` in to ``city`` and leave a quarantined operation and a conflict there."""
    user = city.user("C01")
    other = make_clerk(data_dir.parent, f"{data_dir.name}-other-pc", city.base_url, user)
    here = make_clerk(data_dir.parent, data_dir.name, city.base_url, user)
    try:
        doc = other.services.register_incoming(_incoming()).value
        assert other.engine.sync_once().ok and here.engine.sync_once().ok
        other.services.assign_incoming(doc.id, handler="Ông Trần Văn Xuân")
        time.sleep(1.0)  # a second apart, as at a real office: the two times read differently
        here.services.assign_incoming(doc.id, handler="Bà Lê Thị Yến")
        with here.ctx.store.write.begin() as s:
            refused = add_op(
                s,
                device_id=here.ctx.device_id,
                entity="dossier_event",
                entity_id=new_id(),
                action="create",
                fields={"dossier_id": new_id(), "kind": "note"},
                created_at=datetime.now(UTC),
            ).op_id
        assert other.engine.sync_once().ok
        result = here.engine.sync_once()
        assert result.ok and result.conflicts == 1 and result.quarantined == 1, result
        return Inbox(document_id=doc.id, refused_op_id=refused)
    finally:
        other.close()
        here.close()


def _incoming() -> object:
    from commune_desk.services import NewIncomingDocument

    return NewIncomingDocument(author="UBND thành phố Hà Nội", summary="V/v rà soát hồ sơ đất đai năm 2026")
