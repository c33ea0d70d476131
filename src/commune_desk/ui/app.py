"""Desktop start-up: ``run_app(args)`` is what ``commune-desk`` with no sub-command runs.

``DesktopApp`` is the UI half of the composition root: it takes the
``AppContext`` (engine, services, device id) built by ``commune_desk.app``,
adds the task manager, the broadcast hub, translations, error handling and the
sync bridge, and owns the main window. Tests build it the same way.

Start-up is shell first: the store is opened (and migrated) by the first tasks
of the store thread, which wait for the window's first paint (work queued by
the window's own construction included), so an old PC shows the window at once
and the opening never competes with that paint. Every later service call queues
behind the opening on that same thread. Just before the opening, the store thread
takes the store's first glance (``commune_desk.glance``: the sign-in screen's
accounts and office name, the intake page's procedures, read with ``sqlite3``
alone), so the first page is filled without waiting for the store stack's import.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from commune_desk.paths import PRIVATE_DIR_MODE, AppPaths
from commune_desk.ui.import_scan import scan_imports_cheaply

# Before anything heavy is imported: PySide's import hook would keep the source of every
# module (SQLAlchemy, pydantic, the services) in memory (see ``ui.import_scan``).
scan_imports_cheaply()

log = logging.getLogger(__name__)

#: Delay between the window's first paint and opening the store.
OPEN_DELAY_MS = 30
#: The store thread waits at most this long for the window's first paint (a window that is
#: never shown, for instance, must not hold the store closed).
PAINT_WAIT_S = 5.0

DEMO_FOLDER = "demo"
#: How many dossiers ``--demo`` creates in an empty demo store.
DEMO_DOSSIERS = 400


def demo_paths(paths: AppPaths) -> AppPaths:
    """The separate data folder used by ``--demo`` (never the clerk's real store)."""
    base = paths.data_dir / DEMO_FOLDER
    return AppPaths(data_dir=base, backup_dir=base / "backups", state_dir=paths.state_dir)


def _ensure_qapplication(argv: list[str] | None = None) -> Any:
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0]])
        app.setApplicationName("CommuneDesk")
        app.setOrganizationName("CommuneDesk")
        app.setStyle("Fusion")
    families = set(QFontDatabase.families())
    for family in ("Noto Sans", "Segoe UI", "DejaVu Sans"):
        if family in families:
            app.setFont(QFont(family, 10))  # type: ignore[attr-defined]
            break
    return app


class DesktopApp:
    """Builds and tears down the running desktop application (not a QObject; no signals)."""

    def __init__(
        self,
        paths: AppPaths,
        *,
        lang: str | None = None,
        show_dialogs: bool = True,
        first_run: bool = True,
        auto_backup: bool = False,
    ) -> None:
        from commune_desk.ui.context import StoreEvents, UiContext
        from commune_desk.ui.errors import ErrorReporter, setup_logging
        from commune_desk.ui.i18n import Translations
        from commune_desk.ui.settings_store import UiSettings
        from commune_desk.ui.taskman import TaskManager

        self.paths = paths
        self.qt_app = _ensure_qapplication()
        log_path = setup_logging(_log_folder(paths), rotate=False)  # rotation: start_opening
        self.errors = ErrorReporter(log_path, show_dialogs=show_dialogs)
        self.errors.install_excepthook()
        self.translations = Translations()
        self.tasks = TaskManager()
        self.events = StoreEvents()
        self.app_context: Any = None
        self.sync: Any = None
        self.open_error: BaseException | None = None
        self._opened: Future[Any] = Future()
        #: Set once the window has painted (or when there is no window to wait for).
        self._painted = threading.Event()
        self._painted.set()
        self.ctx = UiContext(
            paths=paths,
            services=None,  # set on the store thread by the opening task, before any other
            tasks=self.tasks,
            events=self.events,
            errors=self.errors,
            translations=self.translations,
        )
        self.ui_settings = UiSettings.load(paths.settings_path)
        self.ctx.extras["ui_settings"] = self.ui_settings
        self.ctx.extras["desktop"] = self
        self.ctx.before_store = self.start_opening
        from commune_desk.ui.session import ClerkSession

        self.ctx.session = ClerkSession(watch_input=False)  # from the first paint on
        self._session_ui: Any = None
        self.translations.install(lang or self.ui_settings.language)
        self._backups: Any = None  # built when first needed: after the window's first paint
        self._auto_backup = auto_backup
        #: Asks whether to restore the offered backup after an accident (tests replace it).
        self.ask_restore = lambda text: _ask_restore(self.window, text)
        self._first_run = first_run
        self.window: Any = None
        self._closed = False
        self._open_started = False
        self._sync_ready = False

    @property
    def backups(self) -> Any:
        """The automatic backups' scheduler (GUI thread; built on first use, so its module
        is not imported before the window's first paint)."""
        if self._backups is None:
            from commune_desk.ui.backups import BackupScheduler

            self._backups = BackupScheduler(self.ctx)
            self.ctx.extras["backups"] = self._backups
        return self._backups

    # -- opening the store ------------------------------------------------------------

    def start_opening(self) -> None:
        """Queue the opening of the store as the first task of the store thread (idempotent)."""
        if not self._open_started:
            self._open_started = True
            from commune_desk.logfile import start_rotation

            start_rotation()  # after the first paint (its module is not needed before)
            self.tasks.run_on_store(self._take_glance, self._on_glance)
            self.tasks.run_on_store(self._open_store, self._on_store_opened)

    def _take_glance(self) -> Any:
        """Store thread, once the window has painted: the first screen's values read with
        the standard library (``commune_desk.glance``), before the opening imports the
        store stack; None when there is nothing to glance at."""
        self._painted.wait(PAINT_WAIT_S)
        if self._opened.done():
            return None
        from commune_desk.glance import take_glance

        return take_glance(self.paths.db_path)

    def _on_glance(self, glance: Any, error: BaseException | None) -> None:
        """GUI thread: hand the glance to the pages waiting for it (none after an error)."""
        if error is not None:
            log.warning("first glance at the store failed", exc_info=error)
        if not self._closed:
            self.ctx.first_glance.deliver(glance if error is None else None)

    def _open_store(self, restore_from: str | None = None) -> Any:
        """Store thread, once the window has painted: take the store lock, open (and
        migrate) the store; the services become usable. With ``restore_from``, restore
        that archive first (the clerk chose to after an accident)."""
        self._painted.wait(PAINT_WAIT_S)
        try:
            context = _open_app_context(self.paths, restore_from)
        except BaseException as exc:
            self._opened.set_exception(exc)
            raise
        self.app_context = context
        self.ctx.app_context = context
        self.ctx.services = context.services
        self._opened.set_result(context)
        return context

    def _on_store_opened(self, context: Any, error: BaseException | None) -> None:
        """GUI thread: stop with an apology if the store failed, else set up sync.

        The sync engine is built by a later store task, so the first page's own reads
        (queued while the store was opening) are answered before it.
        """
        if error is not None:
            self.open_error = error
            self._sync_ready = True
            if self._closed:
                return
            log.error("the store could not be opened", exc_info=error)
            if self._offer_restore(error):
                return
            self.errors.report(error, parent=self.window)
            self.errors.silenced = True
            self.qt_app.exit(1)
            return
        if not self._closed:
            self.ctx.session.watch_input()  # already, unless the window never painted
            self.tasks.run_on_store(lambda: _build_sync_engine(context), self._on_engine_built)
            if self._auto_backup:
                self.backups.start()

    def _offer_restore(self, error: BaseException) -> bool:
        """After a vanished, emptied or unreadable store, offer the newest verified backup;
        True when the clerk chose to restore it (the opening is queued again)."""
        from commune_desk.services.data_folder import RECOVERABLE
        from commune_desk.ui.errors import message_for

        backup = getattr(error, "params", {}).get("backup")
        if getattr(error, "kind", None) not in RECOVERABLE or not backup or not self.errors.show_dialogs:
            return False
        text = message_for(error) or ""
        if not self.ask_restore(text):
            return False
        log.info("restoring %s at the clerk's request", backup)
        self.open_error = None
        self._sync_ready = False
        self._opened = Future()
        self._painted.set()  # the window has long painted: the clerk just answered it
        self.tasks.run_on_store(lambda: self._open_store(backup), self._on_store_opened)
        return True

    def _on_engine_built(self, engine: Any, error: BaseException | None) -> None:
        """GUI thread: wire the sync bridge (the counter works without it)."""
        self._sync_ready = True
        if self._closed:  # delivered while closing: starting a worker now would outlive us
            return
        if error is not None:
            log.error("sync engine could not be built", exc_info=error)
            return
        if engine is not None:
            from commune_desk.ui.qt_compat import emit
            from commune_desk.ui.sync_bridge import SyncBridge

            bridge = SyncBridge(*engine)
            bridge.status_changed.connect(lambda status: emit(self.events.sync_status_changed, status))
            bridge.records_pulled.connect(lambda changes: emit(self.events.store_changed, changes))
            self.sync = bridge
            self.ctx.sync = bridge
            if self.window is not None:
                bridge.start()
            emit(self.events.sync_status_changed, None)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the store is open and the sync bridge wired (tests, self-test)."""
        import time

        self._painted.set()  # the caller blocks the GUI thread: no paint to wait for
        self.start_opening()
        self._opened.result(timeout)
        deadline = time.monotonic() + timeout
        while not self._sync_ready and time.monotonic() < deadline:
            self.qt_app.processEvents()
            time.sleep(0.002)
        if self.open_error is not None:
            raise self.open_error

    def call_on_store(self, fn: Any) -> Any:
        """Run ``fn`` on the store thread and wait for it (start-up, first run, shutdown)."""
        self._painted.set()  # the GUI thread blocks here: no paint to wait for
        self.start_opening()
        done: Future[Any] = Future()

        def task() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                done.set_exception(exc)

        self.tasks._store.submit(task)  # noqa: SLF001 - same module family
        return done.result()

    # -- window -----------------------------------------------------------------------

    def create_window(self) -> Any:
        """Build the main window (pages are built when first shown).

        The store opens just after the window's first paint: on a slow PC the clerk
        sees the window at once, and the opening does not compete with painting. The
        sign-in screen (and the clerk badge, Ctrl+L) is added in the event-loop turn
        right after that paint, before the first page is built; the shell it covers
        shows no record. Before the store opens, only the store's first glance is read
        (accounts, office name, procedures: ``commune_desk.glance``).
        """
        from commune_desk.ui.first_paint import after_first_paint
        from commune_desk.ui.main_window import MainWindow

        if not self._opened.done():
            self._painted.clear()
        self.window = MainWindow(self.ctx)
        self.window.resize(1366, 740)
        after_first_paint(self.window, self._after_first_paint)
        if self.sync is not None:
            self.sync.start()
        return self.window

    @property
    def session_ui(self) -> Any:
        """The sign-in screen, badge and Ctrl+L of the window (added on first use, at the
        latest just after the window's first paint); None before there is a window."""
        if self._session_ui is None and self.window is not None and not self._closed:
            from commune_desk.ui.session_ui import attach_session

            self._session_ui = attach_session(self.ctx, self.window)
        return self._session_ui

    def _attach_session(self) -> None:
        _ = self.session_ui  # the property attaches it

    def _after_first_paint(self) -> None:
        """GUI thread, at the window's first paint: add the sign-in screen at once (before
        the first page, which is built later), open the store a little later."""
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._attach_session)
        QTimer.singleShot(OPEN_DELAY_MS, self._on_painted)

    def _on_painted(self) -> None:
        """GUI thread, just after the window's first paint: note the clerk's input from now
        on, let the store open."""
        if self._closed:  # the window went away before this timer fired
            return
        self.ctx.session.watch_input()
        self._painted.set()
        self.start_opening()

    def maybe_first_run(self) -> None:
        """Show the first-run wizard when the office identity is still unset."""
        if not self._first_run or self.open_error is not None:
            return
        self._painted.set()  # the GUI thread blocks on the opening below
        self.start_opening()
        if self._opened.exception() is not None:  # waits for the opening; its apology follows
            return
        from commune_desk.ui.first_run import FirstRunWizard, needs_first_run

        if needs_first_run(self.ctx):
            FirstRunWizard(self.ctx, self.window).exec()

    def fill_demo_if_empty(self, count: int = DEMO_DOSSIERS) -> None:
        """Fill an empty demo store in the background; views refresh when it is done."""
        from commune_desk.ui.demo import fill_demo_store

        fill_demo_store(self.ctx, count=count)

    def close(self) -> None:
        """Stop workers and close the store; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._painted.set()  # an opening still waiting for the paint must not delay the shutdown
        if self._backups is not None:
            self._backups.stop()
        if self._session_ui is not None:
            self._session_ui.close()
        self.ctx.session.stop()
        if self.window is not None:
            self.window.close()
        if self.sync is not None:
            self.sync.stop()
        self.tasks.shutdown(wait=True)
        # Deliver what the workers sent, then destroy the widgets now rather than at
        # interpreter exit (where PySide's teardown order is not to be relied on).
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.processEvents()
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        for obj in (self.events, self.tasks, self.sync, self.ctx.session, self._backups):
            if obj is not None:
                obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        closer = getattr(self.app_context, "close", None)
        if callable(closer):
            try:
                closer()  # the store thread has stopped: nothing else uses the store now
            except Exception:  # noqa: BLE001 - closing must go on
                log.exception("error while closing the store")
        self.translations.uninstall()
        sys.excepthook = sys.__excepthook__


def _ask_restore(window: Any, text: str) -> bool:
    """Whether the clerk chooses to restore the offered backup (see ``ui.backups``)."""
    from commune_desk.ui.backups import ask_restore

    return bool(ask_restore(window, text))


def _log_folder(paths: AppPaths) -> Path:
    """Where this run logs. The data folder itself is checked and completed when the store
    opens: a folder that held a store and is gone (a pulled stick) is never made again
    here, and a store file is never created over a deleted one."""
    elsewhere = Path(tempfile.gettempdir()) / "CommuneDesk-logs"
    if paths.data_dir.is_dir():
        try:
            paths.logs_dir.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        except OSError:  # a read-only folder: the opening explains it; the log goes elsewhere
            return elsewhere
        return paths.logs_dir
    from commune_desk.services.data_folder import had_store  # only when the folder is missing

    if had_store(paths):
        return elsewhere
    paths.ensure()  # the very first start
    return paths.logs_dir


def _build_sync_engine(context: Any) -> Any:
    """Store thread: (engine, worker or None) for the open store, or None if unavailable."""
    from commune_desk.ui.sync_bridge import SyncBridge

    return SyncBridge.build_engine(context)


def _open_app_context(paths: AppPaths, restore_from: str | None = None) -> Any:
    """The app's context, holding the store lock for as long as the app runs (a second
    app, or a restore from the command line, is refused meanwhile)."""
    from commune_desk.app import APP_LOCK, AppContext

    if restore_from is None:
        return AppContext.open(paths, lock=APP_LOCK)
    return AppContext.restore_then_open(paths, Path(restore_from), lock=APP_LOCK)


def run_app(args: argparse.Namespace) -> int:
    """Open the desktop window; returns the exit status."""
    if getattr(args, "self_test", False):
        return _self_test(args)
    paths = AppPaths.resolve(getattr(args, "data_dir", None))
    demo = bool(getattr(args, "demo", False))
    if demo:
        paths = demo_paths(paths)
    _ensure_qapplication(sys.argv[:1])
    try:
        desktop = DesktopApp(
            paths, lang=getattr(args, "lang", None), first_run=not demo, auto_backup=not demo
        )
    except Exception as exc:  # noqa: BLE001 - e.g. the data folder cannot be created
        return _fatal_start(paths, exc)
    if demo:
        desktop.ctx.extras["demo"] = True
    window = desktop.create_window()
    window.showMaximized()  # the offices' screens are small: use all of it from the start
    if demo:
        desktop.fill_demo_if_empty()
    else:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, desktop.maybe_first_run)
    try:
        status = int(desktop.qt_app.exec())
    finally:
        desktop.close()
    return 1 if desktop.open_error is not None else status


def _fatal_start(paths: AppPaths, exc: BaseException) -> int:
    """Nothing could start: log what we can, apologise (never a trace), exit 1."""
    from commune_desk.ui.errors import ErrorReporter, setup_logging

    try:
        log_path = setup_logging(paths.logs_dir)
    except OSError:  # the data folder itself is the problem: log next to the temp files
        log_path = setup_logging(Path(tempfile.gettempdir()) / "CommuneDesk-logs")
    ErrorReporter(log_path).report(exc)
    return 1


def _self_test(args: argparse.Namespace) -> int:
    """Start offscreen, open a store in a temporary folder, render the window once, exit 0."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="commune-desk-selftest-") as tmp:
        paths = AppPaths(data_dir=Path(tmp), backup_dir=Path(tmp) / "backups", state_dir=Path(tmp))
        _ensure_qapplication(sys.argv[:1])
        desktop = DesktopApp(paths, lang=getattr(args, "lang", None), show_dialogs=False, first_run=False)
        try:
            desktop.wait_ready()
            window = desktop.create_window()
            window.show()
            desktop.qt_app.processEvents()
            for key in window.page_keys():
                window.show_page(key)
                desktop.qt_app.processEvents()
            image = window.grab()
            ok = not image.isNull() and image.width() > 0 and not desktop.errors.shown
        finally:
            desktop.close()
        alive = [t.name for t in threading.enumerate() if t.name.startswith("cd-")]
        print("self-test:", "ok" if ok and not alive else f"failed {alive}")
        return 0 if ok and not alive else 1
