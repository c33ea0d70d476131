"""A sync round that brings another PC's work refreshes the lists on screen, by itself
(the real city server on an ephemeral loopback port)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.city_server import RunningServer

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.services.values import NewDossier, NewIncomingDocument


def test_lists_refresh_when_a_round_pulls_records(
    city: RunningServer, make_desktop: Any, qtbot: Any, idle: Any, tmp_path: Path
) -> None:
    from commune_desk.sync.account import login
    from commune_desk.sync.engine import SyncEngine

    data = tmp_path / "data"
    with AppContext.open(AppPaths(data_dir=data, backup_dir=data / "backups")) as ctx:
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
    desktop = make_desktop()
    status = desktop.window.status
    qtbot.waitUntil(
        lambda: status.view.state == "idle" and status.view.last_success_at is not None, timeout=30_000
    )
    dossiers = desktop.window.show_page("dossiers")
    incoming = desktop.window.show_page("incoming")
    idle(desktop)
    assert dossiers.model.rowCount() == 0 and incoming.table.rowCount() == 0

    other = tmp_path / "other-pc"
    with AppContext.open(AppPaths(data_dir=other, backup_dir=other / "backups")) as pc:
        login(pc.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
        pc.services.register_dossier(
            NewDossier(
                procedure_code="HT-GH",
                applicant_name="Vũ Thị Ngọc Ánh",
                applicant_id_number="001190012345",
                received_by="Lê Thu Trang",
            )
        )
        pc.services.register_incoming(NewIncomingDocument(author="UBND thành phố", summary="Công văn 12"))
        assert SyncEngine(pc.store, pc.blobs).sync_once().ok

    desktop.sync.worker.trigger()  # the next background round (what the timer would do)
    qtbot.waitUntil(lambda: dossiers.model.rowCount() == 1, timeout=30_000)
    assert dossiers.model.rows[0].applicant_name == "Vũ Thị Ngọc Ánh"
    qtbot.waitUntil(lambda: incoming.table.rowCount() == 1, timeout=10_000)
    assert dossiers.count_label.text().startswith("1 hồ sơ")
