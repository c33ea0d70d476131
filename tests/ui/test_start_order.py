"""The desktop app's real start order: shell painted first, then the sign-in screen, then the
store and the first page; the idle lock watches input from the first paint on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commune_desk.paths import AppPaths


@pytest.fixture
def started(tmp_path: Path, qapp: Any) -> Iterator[Any]:
    """A DesktopApp started as ``run_app`` starts it (no ``wait_ready`` before the window)."""
    from commune_desk.ui.app import DesktopApp

    base = tmp_path / "data"
    desktop = DesktopApp(
        AppPaths(data_dir=base, backup_dir=base / "backups"), show_dialogs=False, first_run=False
    )
    try:
        yield desktop
    finally:
        desktop.close()


def test_no_page_is_shown_without_the_sign_in_screen_over_it(started: Any, qtbot: Any) -> None:
    """The sign-in screen is added after the shell's first paint but before any page is built."""
    desktop = started
    window = desktop.create_window()
    covered: list[bool] = []
    window.page_changed.connect(
        lambda _key: covered.append(
            desktop._session_ui is not None and desktop._session_ui.lock_screen.isVisible()  # noqa: SLF001
        )
    )
    window.show()
    qtbot.waitUntil(lambda: bool(covered), timeout=10_000)
    assert covered == [True]
    qtbot.waitUntil(lambda: desktop.ctx.services is not None, timeout=30_000)
    lock = desktop.session_ui.lock_screen
    # On a new store (nothing to glance at) the accounts arrive with the store: the first
    # leader account is made here.
    qtbot.waitUntil(lambda: lock.state is not None, timeout=30_000)
    assert lock.state.first_account and lock.isVisible()


def test_the_idle_lock_watches_input_from_the_first_paint(
    started: Any, qtbot: Any, idle: Any, signer: Any, idle_lock: Any
) -> None:
    """Started the real way, typing keeps the PC open and doing nothing locks it."""
    desktop = started
    window = desktop.create_window()
    window.show()
    qtbot.waitUntil(lambda: desktop.ctx.services is not None and desktop._sync_ready, timeout=30_000)  # noqa: SLF001
    signer(desktop)
    intake = window.show_page("intake")
    idle(desktop)
    idle_lock(desktop, intake.name_edit, "b")


def test_closing_before_the_first_paint_leaves_nothing_behind(started: Any, qtbot: Any) -> None:
    """A window closed before its paint's timers fire: no scheduler, no sign-in screen made later."""
    desktop = started
    window = desktop.create_window()
    window.show()
    desktop.close()
    qtbot.wait(100)  # the paint's timers, had they survived, would have fired by now
    assert desktop._backups is None  # noqa: SLF001
    assert desktop.session_ui is None


def test_the_rail_is_finished_after_the_first_paint(started: Any, qtbot: Any) -> None:
    """Focus and page keys of the navigation rail, set just after the first paint."""
    from PySide6.QtCore import Qt

    desktop = started
    window = desktop.create_window()
    window.show()

    def keys() -> list[Any]:
        return [window.rail.item(n).data(Qt.ItemDataRole.UserRole) for n in range(window.rail.count())]

    qtbot.waitUntil(lambda: keys() == window.page_keys(), timeout=10_000)
    assert window.rail.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_page_asked_for_before_the_paint_finishes_the_rail(started: Any) -> None:
    """A page shown before any paint (a test, a script) still gets a finished rail."""
    from PySide6.QtCore import Qt

    window = started.create_window()
    window.show_page("dossiers")
    assert window.rail.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert window.rail.currentItem().data(Qt.ItemDataRole.UserRole) == "dossiers"


def test_the_first_screen_is_filled_from_the_glance_before_the_store_opens(
    tmp_path: Path, qapp: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a PC where opening the store is slow, the sign-in screen's accounts and office
    name and the intake page's procedures are shown from the store's first glance; the
    clerk can pick a name meanwhile, and the store's answer (the same) moves nothing."""
    import threading

    from commune_desk.app import AppContext
    from commune_desk.ui import app as app_module
    from commune_desk.ui import session_api
    from commune_desk.ui.app import DesktopApp
    from commune_desk.ui.demo import DEMO_UNIT_NAME, _fill

    base = tmp_path / "data"
    paths = AppPaths(data_dir=base, backup_dir=base / "backups")
    with AppContext.open(paths) as context:
        _fill(context.services, 0)  # the office's name and its four demo accounts
        accounts = [c.full_name for c in context.services.list_clerks()]
        procedures = [p.name for p in context.services.list_procedures()]
    # A slow PC: the real opening of the real store, held until the test lets it go.
    gate = threading.Event()
    real_open = app_module._open_app_context  # noqa: SLF001

    def slow_open(*args: Any) -> Any:
        gate.wait(30)
        return real_open(*args)

    monkeypatch.setattr(app_module, "_open_app_context", slow_open)
    desktop = DesktopApp(paths, show_dialogs=False, first_run=False)
    try:
        window = desktop.create_window()
        window.show()
        qtbot.waitUntil(lambda: desktop._session_ui is not None, timeout=10_000)  # noqa: SLF001
        lock = desktop.session_ui.lock_screen
        qtbot.waitUntil(lambda: lock.clerk_list.count() == len(accounts), timeout=10_000)
        assert lock.office_label.text() == DEMO_UNIT_NAME
        shown = [lock.clerk_list.item(i).text().split(" — ")[0] for i in range(lock.clerk_list.count())]
        assert shown == accounts
        intake = window.show_page("intake")
        qtbot.waitUntil(lambda: intake.procedure_list.count() == len(procedures), timeout=10_000)
        listed = [intake.procedure_list.item(i).text() for i in range(intake.procedure_list.count())]
        assert listed == procedures
        assert desktop.ctx.services is None  # all of it before the store opened
        lock.clerk_list.setCurrentRow(2)
        picked = lock.selected_username()
        gate.set()
        qtbot.waitUntil(lambda: desktop.ctx.services is not None and desktop._sync_ready, timeout=30_000)  # noqa: SLF001
        qtbot.waitUntil(lambda: not desktop.tasks.busy, timeout=30_000)
        assert lock.selected_username() == picked
        assert lock.clerk_list.count() == len(accounts)
        assert intake.procedure_list.count() == len(procedures)
        assert lock.state == desktop.call_on_store(lambda: session_api.sign_in_screen(desktop.ctx.services))
    finally:
        gate.set()
        desktop.close()
