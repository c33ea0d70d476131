"""Save a screenshot of every main screen at 1366×768 into docs/screenshots/.

    .venv/bin/python tests/ui/make_screenshots.py [OUTPUT_FOLDER]

Runs offscreen on a temporary demo store; ``test_screenshots.py`` runs it too.
The sync page is rendered from a second store that has synced with a real city
server (in-process, on an ephemeral port) and holds one refused change and one
conflict, so its lists are not empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: one run at a time is the operator's business there
    fcntl = None  # type: ignore[assignment]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
if str(ROOT) not in sys.path:  # run as a script: make ``tests.helpers`` importable
    sys.path.insert(0, str(ROOT))


def _type(widget: object, text: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()  # type: ignore[attr-defined]
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _key(widget: object, name: str) -> None:
    """Press and release one named key (``Return``, ``Tab``...) on ``widget``."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, getattr(Qt.Key, f"Key_{name}"))  # type: ignore[arg-type]


def main(out: Path = DEFAULT_OUT, *, dossiers: int = 600, lang: str = "vi") -> list[Path]:
    """Render each page with demo data; return the PNG paths written."""
    import commune_desk.update.detect as detect
    from commune_desk.paths import STATE_DIR_ENV

    plugged_in = detect.candidate_roots
    detect.candidate_roots = lambda: []  # no stick: the same settings page on every machine
    # The scratch stores below are deleted and made again at the same paths on every run:
    # keep the list of data folders that held a store away from the user's own.
    state = os.environ.get(STATE_DIR_ENV)
    os.environ[STATE_DIR_ENV] = tempfile.mkdtemp(prefix="commune-desk-screenshots-state-")
    try:
        with _scratch_folders_held():
            return _render(out, dossiers=dossiers, lang=lang)
    finally:
        shutil.rmtree(os.environ[STATE_DIR_ENV], ignore_errors=True)
        if state is None:
            del os.environ[STATE_DIR_ENV]
        else:
            os.environ[STATE_DIR_ENV] = state
        detect.candidate_roots = plugged_in
        _stop_file_logging()  # its folder was a scratch folder, now deleted


@contextlib.contextmanager
def _scratch_folders_held() -> Iterator[None]:
    """Hold the fixed scratch folders for this run alone.

    The folders keep fixed names so the paths the pages show (and so the images) are the
    same on every run; two runs on one machine at once (two checkouts' suites) would then
    delete each other's stores. An exclusive lock on a file next to them makes the second
    run wait for the first instead.
    """
    lock_path = Path(tempfile.gettempdir()) / "CommuneDesk-screenshots.lock"
    with open(lock_path, "a+b") as lock_file:
        if fcntl is not None:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _stop_file_logging() -> None:
    """Detach the app's log file handler (set up by each DesktopApp) from the root logger."""
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_commune_desk", False):
            root.removeHandler(handler)
            handler.close()


def _render(out: Path, *, dossiers: int, lang: str) -> list[Path]:
    from commune_desk.paths import AppPaths
    from commune_desk.ui.app import DesktopApp
    from commune_desk.ui.demo import DEMO_CLERK, DEMO_LEADER, DEMO_PASSWORD, _fill
    from commune_desk.ui.screenshots import wait_idle, wait_page

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # A fixed folder name, so the paths shown (Settings → backup folder) and therefore
    # the images do not change from one run to the next.
    base = Path(tempfile.gettempdir()) / "CommuneDesk-screenshots"
    shutil.rmtree(base, ignore_errors=True)
    try:
        desktop = DesktopApp(
            AppPaths(data_dir=base, backup_dir=base / "backups"),
            lang=lang,
            show_dialogs=False,
            first_run=False,
        )
        try:
            desktop.wait_ready()
            desktop.call_on_store(lambda: _fill(desktop.ctx.services, dossiers))
            services = desktop.ctx.services
            desktop.ctx.session.sign_in(
                desktop.call_on_store(lambda: services.sign_in(DEMO_CLERK, DEMO_PASSWORD))
            )
            window = desktop.create_window()
            window.resize(*SIZE)
            window.show()
            suffix = "" if lang == "vi" else f"-{lang}"

            def shot(name: str) -> None:
                wait_idle(desktop)
                path = out / f"{name}{suffix}.png"
                window.grab().save(str(path))
                written.append(path)

            intake = window.show_page("intake")
            wait_page(desktop, window, "intake", lambda: intake.procedure_list.count() > 0)
            _type(intake.procedure_search, "khai sinh")
            _key(intake.procedure_search, "Return")  # choose the highlighted procedure
            _type(intake.name_edit, "Đặng Thị Đào")
            _type(intake.id_edit, "001190012345")
            _type(intake.birth_edit, "12/03/1990")
            _type(intake.phone_edit, "0912345678")
            _type(intake.address_edit, "Thôn Đoài, xã Đông Anh, Hà Nội")
            intake._appointment_debounce.flush()  # noqa: SLF001 - show the live date now
            shot("01-tiep-nhan")

            dossiers_page = window.show_page("dossiers")
            wait_page(desktop, window, "dossiers", lambda: dossiers_page.model.rowCount() > 0)
            # A dossier with a result ready: its history, and the correction offered.
            rows = dossiers_page.model.rows
            ready = next((n for n, r in enumerate(rows) if r.status == 9), 2)
            dossiers_page.table.selectRow(ready)
            wait_page(desktop, window, "dossiers", lambda: dossiers_page.detail.detail is not None)
            shot("02-ho-so")

            window.show_page("incoming")
            wait_page(desktop, window, "incoming")
            shot("03-van-ban-den")
            # The leader signs in (Ctrl+L, another name): signing outgoing documents and the
            # settings are theirs.
            desktop.ctx.session.sign_in(
                desktop.call_on_store(lambda: services.sign_in(DEMO_LEADER, DEMO_PASSWORD))
            )
            names = {"outgoing": "04-van-ban-di", "reports": "06-bao-cao"}
            for key, name in names.items():
                window.show_page(key)
                wait_page(desktop, window, key)
                shot(name)
            settings = window.show_page("settings")
            wait_idle(desktop)
            settings.usb_box.find_button.click()
            shot("07-cai-dat")

            from commune_desk.ui.first_run import FirstRunWizard

            wizard = FirstRunWizard(desktop.ctx, window)
            wizard.show()
            wizard.next()
            wait_idle(desktop)
            path = out / f"08-thiet-lap-lan-dau{suffix}.png"
            wizard.grab().save(str(path))
            written.append(path)
            wizard.close()
            written += _session_shots(desktop, out, suffix)
        finally:
            desktop.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    written.insert(4, _sync_page_shot(out / f"05-dong-bo{suffix}.png", lang=lang))
    return written


def _session_shots(desktop: object, out: Path, suffix: str) -> list[Path]:
    """The sign-in screen after Ctrl+L, the staff dialog (as a leader), the diagnostics panel."""
    from commune_desk.ui.demo import DEMO_LEADER, DEMO_PASSWORD
    from commune_desk.ui.screenshots import wait_idle

    paths = [out / f"{name}{suffix}.png" for name in ("09-dang-nhap", "10-can-bo-phan-quyen", "11-chan-doan")]
    app: Any = desktop
    window = app.window
    app.ctx.session.lock()
    lock = app.session_ui.lock_screen
    wait_idle(app)
    lock.clerk_list.setCurrentRow(1)
    _type(lock.password_edit, "demo")
    lock.setGeometry(window.geometry())
    lock.grab().save(str(paths[0]))
    lock.password_edit.clear()
    services = app.ctx.services
    app.ctx.session.sign_in(app.call_on_store(lambda: services.sign_in(DEMO_LEADER, DEMO_PASSWORD)))
    settings = window.show_page("settings")
    wait_idle(app)
    staff = settings.staff_box.open_staff()
    staff.resize(820, 640)
    wait_idle(app)
    staff.grab().save(str(paths[1]))
    staff.close()
    diagnostics = settings.staff_box.open_diagnostics()
    diagnostics.resize(760, 560)
    wait_idle(app)
    diagnostics.grab().save(str(paths[2]))
    diagnostics.close()
    return paths


def _sync_page_shot(path: Path, *, lang: str) -> Path:
    """The sync page of a PC that synced with a real city server and has things to resolve."""
    from tests.helpers.city_server import run_city_server, sqlite_url
    from tests.helpers.memory_keyring import memory_keyring
    from tests.ui.inbox_setup import prepare_inbox

    from commune_desk.paths import AppPaths
    from commune_desk.ui import session_api
    from commune_desk.ui.app import DesktopApp
    from commune_desk.ui.screenshots import wait_idle

    base = Path(tempfile.gettempdir()) / "CommuneDesk-screenshots-sync"
    scratch = [base, base.with_name(base.name + "-other-pc"), base.with_name(base.name + "-city")]
    _stop_file_logging()  # the first session's log folder is gone
    for folder in scratch:
        shutil.rmtree(folder, ignore_errors=True)
    scratch[2].mkdir()
    try:
        with memory_keyring(), run_city_server(sqlite_url(scratch[2]), communes=("C01",)) as city:
            prepare_inbox(city, base)
            desktop = DesktopApp(
                AppPaths(data_dir=base, backup_dir=base / "backups"),
                lang=lang,
                show_dialogs=False,
                first_run=False,
            )
            try:
                desktop.wait_ready()
                # The leader's first sign-in on this PC: the city server confirms it.
                session_api.verify_online(desktop.sync, "c01-leader", "secret-pass")
                services = desktop.ctx.services
                desktop.ctx.session.sign_in(
                    desktop.call_on_store(lambda: services.accept_online_sign_in("c01-leader", "secret-pass"))
                )
                window = desktop.create_window()
                window.resize(*SIZE)
                window.show()
                page = window.show_page("sync")
                app = desktop.qt_app
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not (
                    page.view.state == "idle"
                    and page.rounds_table.rowCount()
                    and page.quarantine.rowCount()
                    and page.conflicts.rowCount()
                ):
                    app.processEvents()
                    time.sleep(0.02)
                wait_idle(desktop)
                page.conflicts.selectRow(0)
                window.grab().save(str(path))
            finally:
                desktop.close()
    finally:
        for folder in scratch:
            shutil.rmtree(folder, ignore_errors=True)
    return path


if __name__ == "__main__":
    for written_path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT):
        print(written_path)
