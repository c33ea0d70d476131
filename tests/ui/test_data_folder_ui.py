"""The desktop app and its data folder: settings.json of any shape (finding 12), one app per
store, the restore offered after a vanished store, automatic backups and the damaged-store
alert on the settings page."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.paths import AppPaths

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def _pump(until: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if until():
            return True
        time.sleep(0.01)
    return False


# --- finding 12: settings.json that is valid JSON but not an object ---------------------------


@pytest.mark.parametrize(
    "content", ["[1, 2]", '"vi"', "null", "42", '{"ui": [1]}', '{"ui": {"language": 5}}']
)
def test_f12_settings_json_of_another_shape_does_not_stop_the_app(
    content: str, make_desktop: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "settings.json").write_text(content, encoding="utf-8")
    desktop = make_desktop()
    assert desktop.ui_settings.language == "vi"
    desktop.ui_settings.language = "en"
    desktop.ui_settings.save()  # and saving over it gives an object again
    assert json.loads((folder / "settings.json").read_text(encoding="utf-8"))["ui"]["language"] == "en"


@settings(max_examples=60, deadline=None)
@given(value=JSON)
def test_any_settings_json_loads_without_error(value: object) -> None:
    import tempfile

    from commune_desk.ui.settings_store import UiSettings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "settings.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        loaded = UiSettings.load(path)
        assert isinstance(loaded.language, str) and loaded.language


# --- one app per store (finding 1, the app's side) ------------------------------------------


def test_a_second_app_on_the_same_store_is_refused(qapp: Any, tmp_path: Path, dialogs: list[str]) -> None:
    from commune_desk.store.lock import StoreLock
    from commune_desk.ui.app import run_app

    data = tmp_path / "data"
    open_context(data).close()
    with StoreLock.acquire(data, purpose="app"):  # the first app, as far as the file lock goes
        args = argparse.Namespace(data_dir=str(data), lang=None, self_test=False, demo=False)
        assert run_app(args) == 1
    assert len(dialogs) == 1 and "đang được" in dialogs[0], dialogs


# --- a vanished store: the newest verified backup is offered and restored -------------------


def test_a_vanished_store_offers_the_newest_backup_and_restores_it(qapp: Any, tmp_path: Path) -> None:
    from commune_desk.services.backup import create_backup
    from commune_desk.ui.app import DesktopApp

    data = tmp_path / "data"
    ctx = open_context(data)
    code = ctx.services.register_dossier(new_dossier()).value.summary.code
    ctx.close()
    archive = create_backup(AppPaths.resolve(data)).path
    (data / "commune-desk.sqlite3").unlink()  # e.g. deleted by mistake
    asked: list[str] = []
    desktop = DesktopApp(AppPaths.resolve(data), lang="vi", show_dialogs=True, first_run=False)
    desktop.errors.dialog_hook = lambda title, text: asked.append(text)
    desktop.ask_restore = lambda text: asked.append(text) is None  # the clerk says yes
    try:
        desktop.start_opening()
        assert _pump(lambda: desktop.app_context is not None, 60), asked
        assert len(asked) == 1 and str(archive) in asked[0] and "không tạo dữ liệu trống" in asked[0]
        codes = desktop.call_on_store(lambda: [r.code for r in desktop.ctx.services.list_dossiers().rows])
        assert codes == [code]
    finally:
        desktop.close()


# --- automatic backups and the settings page -------------------------------------------------


def _desktop(data: Path, **kwargs: Any) -> Any:
    from commune_desk.ui.app import DesktopApp

    desktop = DesktopApp(AppPaths.resolve(data), lang="vi", show_dialogs=False, first_run=False, **kwargs)
    desktop.wait_ready()
    desktop.create_window()
    desktop.window.show()
    return desktop


def test_automatic_backup_at_start_shown_on_the_settings_page(qapp: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_context(data).close()
    desktop = _desktop(data, auto_backup=True)
    try:
        assert _pump(lambda: desktop.backups.state.last_at is not None and not desktop.backups.state.running)
        backups = sorted((data / "backups").glob("commune-desk-backup-*.zip"))
        assert len(backups) == 1
        page = desktop.window.show_page("settings")
        box = page.backup_box
        assert _pump(lambda: backups[0].name in box.last_label.toolTip())
        assert "đã kiểm tra" in box.last_label.text() and box.next_label.text()
        desktop.backups.run_if_due()  # the hourly tick: the one at start is recent
        assert _pump(lambda: not desktop.backups.state.running)
        assert len(list((data / "backups").glob("commune-desk-backup-*.zip"))) == 1
        box.button.click()  # "Sao lưu ngay"
        assert _pump(lambda: len(list((data / "backups").glob("commune-desk-backup-*.zip"))) == 2)
        assert _pump(lambda: not desktop.backups.state.running and box.button.isEnabled())
        assert box.alert.text() == ""
        page.grab().save(str(tmp_path / "settings-backups.png"))
    finally:
        desktop.close()


def test_a_damaged_store_raises_an_alert_at_start_and_on_the_settings_page(qapp: Any, tmp_path: Path) -> None:
    from tests.integration.store.accidents_support import damage_index_page

    data = tmp_path / "data"
    ctx = open_context(data)
    for _ in range(3):
        ctx.services.register_dossier(new_dossier())
    ctx.close()
    damage_index_page(data / "commune-desk.sqlite3")
    desktop = _desktop(data, auto_backup=True)
    try:
        assert _pump(lambda: bool(desktop.backups.state.damaged))
        assert any("bị hỏng một phần" in text for text in desktop.errors.shown)
        page = desktop.window.show_page("settings")
        alert = page.backup_box.alert
        assert "bị hỏng một phần" in alert.text() and "gọi cán bộ CNTT" in alert.toolTip()
        page.grab().save(str(tmp_path / "settings-damaged.png"))
        assert not list((data / "backups").glob("commune-desk-backup-*.zip"))  # no bad archive
    finally:
        desktop.close()


def test_packing_runs_off_the_store_thread_and_stops_when_the_app_closes(qapp: Any, tmp_path: Path) -> None:
    import os
    import threading

    data = tmp_path / "data"
    ctx = open_context(data)
    dossier = ctx.services.register_dossier(new_dossier()).value.summary
    ctx.services.add_attachment("dossier", dossier.id, source=os.urandom(60 << 20), filename="scan.pdf")
    ctx.close()
    desktop = _desktop(data, auto_backup=True)
    closed = False
    try:
        assert _pump(lambda: any((data / "backups").glob(".backup-*/archive.zip")), 60)
        assert desktop.call_on_store(lambda: desktop.ctx.services.count_dossiers()) == 1
        # answered while the archive is still being packed: the counter does not wait for it
        assert any((data / "backups").glob(".backup-*/archive.zip"))
        desktop.close()
        closed = True
        assert not [t.name for t in threading.enumerate() if t.name.startswith("cd-")]
        assert not list((data / "backups").glob(".backup-*"))  # abandoned cleanly
    finally:
        if not closed:
            desktop.close()
