"""Fixtures of the desktop tests: a real store in a temporary folder, offscreen Qt."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from commune_desk.paths import AppPaths
from commune_desk.ui.qt_compat import compensate_none_returns

# PySide 6.12 drops a reference to None on every processEvents()/QTest call from Python;
# a long UI run would run None's count down to zero and abort (see qt_compat).
compensate_none_returns(QCoreApplication, QTest)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` with key events carrying the characters (Vietnamese too)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


#: Password of the accounts the fixtures create.
TEST_PASSWORD = "mat-khau-thu"


def sign_in(
    desktop: Any,
    username: str = "ha.nt",
    full_name: str = "Nguyễn Thu Hà",
    role: str = "leader",
    password: str = TEST_PASSWORD,
) -> Any:
    """Sign ``username`` in: on a PC without a server, create the local account first if
    needed (a leader first, as on a new PC); a server account must have signed in here before.

    Programmatic, for tests about something else; the sign-in screen itself is
    tested with key events in ``test_clerk_session.py``.
    """
    from commune_desk.domain.roles import Role
    from commune_desk.services.actors import NewClerk

    services = desktop.ctx.services

    def work() -> Any:
        if services.access_policy().server_managed:
            return services.sign_in(username, password)
        known = {c.username for c in services.list_clerks(include_inactive=True)}
        if not known and role != "leader":
            services.create_clerk(NewClerk("lanh.dao", "Lãnh Đạo Thử", Role.LEADER, password), actor="test")
        if username not in known:
            services.create_clerk(NewClerk(username, full_name, Role(role), password), actor="test")
        return services.sign_in(username, password)

    actor = desktop.call_on_store(work)
    desktop.ctx.session.sign_in(actor)
    return actor


@pytest.fixture
def make_desktop(tmp_path: Path, qapp: Any) -> Iterator[Any]:
    """Build DesktopApp instances on temporary stores; all are closed at the end.

    A leader (``Nguyễn Thu Hà``) is signed in unless ``signed_in=False`` or the
    store's accounts come from a city server.
    """
    from commune_desk.ui.app import DesktopApp

    made: list[Any] = []

    def make(*, lang: str | None = "vi", folder: str = "data", demo: int = 0, signed_in: bool = True) -> Any:
        base = tmp_path / folder
        desktop = DesktopApp(
            AppPaths(data_dir=base, backup_dir=base / "backups"),
            lang=lang,
            show_dialogs=False,
            first_run=False,
        )
        made.append(desktop)
        desktop.wait_ready()
        desktop.create_window()
        desktop.window.show()
        if demo:
            from commune_desk.ui.demo import _fill

            desktop.call_on_store(lambda: _fill(desktop.ctx.services, demo))
        managed = desktop.call_on_store(lambda: desktop.ctx.services.access_policy().server_managed)
        if signed_in and not managed:
            sign_in(desktop)
        return desktop

    yield make
    for desktop in made:
        desktop.close()
    import gc

    gc.collect()
    assert not [t.name for t in threading.enumerate() if t.name.startswith("cd-")]


@pytest.fixture
def desktop(make_desktop: Any) -> Any:
    """One running app on an empty (but set-up) store, Vietnamese."""
    app = make_desktop()
    from commune_desk.ui.demo import _fill

    # Office identity only (count 0 writes no dossiers).
    app.call_on_store(lambda: _fill(app.ctx.services, 0))
    return app


def wait_idle(qtbot: Any, desktop: Any, timeout: int = 15_000) -> None:
    """Wait until the background workers have delivered everything."""
    from commune_desk.ui.screenshots import wait_idle as _wait

    _wait(desktop, timeout / 1000)
    qtbot.wait(10)


@pytest.fixture
def signer() -> Any:
    """The ``sign_in`` helper, as a fixture."""
    return sign_in


@pytest.fixture
def keys() -> Any:
    """The ``type_text`` helper, as a fixture (test modules are imported by path)."""
    return type_text


@pytest.fixture
def idle(qtbot: Any) -> Any:
    """``idle(desktop)`` waits until the workers have delivered everything."""
    return lambda desktop, timeout=15_000: wait_idle(qtbot, desktop, timeout)
