"""The sync page and status bar against the real city server: offline work goes up on sync."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from tests.helpers.city_server import RunningServer

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths


def test_sync_round_from_the_page_empties_the_queue(
    city: RunningServer,
    make_desktop: Any,
    qtbot: Any,
    keys: Any,
    idle: Any,
    tmp_path: Path,
    signer: Any,
) -> None:
    from commune_desk.sync.account import login

    data = tmp_path / "data"
    with AppContext.open(AppPaths(data_dir=data, backup_dir=data / "backups")) as ctx:
        login(ctx.store, server_url=city.base_url, username="c01-clerk", password="secret-pass")
    desktop = make_desktop()
    signer(desktop, "c01-clerk", password="secret-pass")  # the PC's login set their verifier
    assert desktop.sync is not None and desktop.sync.configured
    page = desktop.window.show_page("sync")
    # The worker's first round runs at start-up.
    qtbot.waitUntil(
        lambda: page.view.state == "idle" and page.view.last_success_at is not None, timeout=30_000
    )
    intake = desktop.window.show_page("intake")
    intake.slip_action = "none"
    idle(desktop)
    keys(intake.procedure_search, "chung thuc chu ky")
    QTest.keyClick(intake.procedure_search, Qt.Key.Key_Return)  # choose the highlighted row
    keys(intake.name_edit, "Vũ Thị Ngọc Ánh")
    keys(intake.id_edit, "001190012345")
    intake.save()
    qtbot.waitUntil(lambda: intake.last_slip is not None, timeout=10_000)
    status = desktop.window.status
    qtbot.waitUntil(lambda: (status.view.pending or 0) >= 2, timeout=10_000)
    page = desktop.window.show_page("sync")
    page.sync_now()
    qtbot.waitUntil(lambda: status.view.pending == 0, timeout=30_000)
    assert "Trực tuyến" in status.state_label.text()
    qtbot.waitUntil(lambda: page.rounds_table.rowCount() >= 1, timeout=30_000)
    desktop.close()
    assert not [t for t in threading.enumerate() if t.name == "sync-worker" and t.is_alive()]


def test_settings_page_says_when_secrets_are_in_the_insecure_file(
    city: RunningServer, make_desktop: Any, qtbot: Any, tmp_path: Path
) -> None:
    from commune_desk.sync.account import login

    data = tmp_path / "data"
    with AppContext.open(AppPaths(data_dir=data, backup_dir=data / "backups")) as ctx:
        login(
            ctx.store,
            server_url=city.base_url,
            username="c01-clerk",
            password="secret-pass",
            insecure_storage=True,
        )
    desktop = make_desktop()
    page = desktop.window.show_page("settings")
    qtbot.waitUntil(lambda: page.secrets_label.isVisible(), timeout=10_000)
    assert "không mã hóa" in page.secrets_label.text()
    desktop.close()
