"""Fixtures of the desktop tests: a real store in a temporary folder, offscreen Qt."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

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
    from commune_desk.domain.accounts import NewClerk
    from commune_desk.domain.roles import Role

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


def ime_type(widget: QWidget, text: str) -> None:
    """Type ``text`` as a Vietnamese input method (Telex/Unikey) delivers it.

    Each word is composed in a pre-edit string (the letters so far, as the input
    method shows them while the clerk types "Ddawngj"), then committed whole; the
    space after it is committed too. No key event carries the letters.
    """
    widget.setFocus()
    for n, word in enumerate(text.split(" ")):
        for end in range(1, len(word) + 1):
            QApplication.sendEvent(widget, QInputMethodEvent(word[:end], []))
        commit = QInputMethodEvent("", [])
        commit.setCommitString(word if n == 0 else " " + word)
        QApplication.sendEvent(widget, commit)


def on_next_dialog(
    action: Callable[[QWidget], None], *, popup: bool = False, within_ms: int = 5000
) -> list[QWidget]:
    """Run ``action(dialog)`` as soon as a modal dialog (or a popup menu) is open.

    The dialog's ``exec()`` blocks the test, so the answer is prepared first; the
    returned list receives the dialog, to be inspected afterwards. Nothing happens
    (and the list stays empty) if no dialog opens within ``within_ms``. Armed while a
    dialog is open, it waits for the next dialog (the one that dialog opens).
    """
    seen: list[QWidget] = []
    deadline = time.monotonic() + within_ms / 1000
    current = QApplication.activePopupWidget if popup else QApplication.activeModalWidget
    already_open = current()  # armed inside a dialog: wait for the next one, not this one

    def poll() -> None:
        found = current()
        if found is None or found is already_open or not found.isVisible():
            if time.monotonic() < deadline:
                QTimer.singleShot(10, poll)
            return
        seen.append(found)
        owner = found.parentWidget().window() if found.parentWidget() is not None else None
        if isinstance(found, QDialog) and owner is not None:
            # What a window manager does when a dialog closes (the offscreen platform does not).
            found.finished.connect(lambda _result: owner.activateWindow())
        action(found)

    QTimer.singleShot(0, poll)
    return seen


@pytest.fixture
def city(tmp_path: Path) -> Iterator[Any]:
    """The real city server (commune C01) on an ephemeral loopback port, with an in-memory
    keyring for the clients."""
    from tests.helpers.city_server import run_city_server, sqlite_url
    from tests.helpers.memory_keyring import memory_keyring

    with memory_keyring(), run_city_server(sqlite_url(tmp_path), communes=("C01",)) as server:
        yield server


@pytest.fixture
def ime() -> Any:
    """The ``ime_type`` helper, as a fixture."""
    return ime_type


@pytest.fixture
def answer() -> Any:
    """The ``on_next_dialog`` helper, as a fixture."""
    return on_next_dialog


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes are recorded instead of waiting for a click."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


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


def check_idle_lock(qtbot: Any, desktop: Any, edit: Any, letter: str = "a") -> None:
    """With a 600 ms lock time, typing into ``edit`` keeps the PC open; then doing nothing
    locks it, and what was typed is kept."""
    session = desktop.ctx.session
    session.set_lock_after_ms(600)
    for _ in range(6):  # someone typing keeps it open ...
        type_text(edit, letter)
        qtbot.wait(150)
    assert session.signed_in
    qtbot.waitUntil(lambda: not session.signed_in, timeout=5_000)  # ... nobody touching it locks it
    assert desktop.session_ui.lock_screen.isVisible()
    assert edit.text() == letter * 6  # the half-typed form is kept


@pytest.fixture
def idle_lock(qtbot: Any) -> Any:
    """``idle_lock(desktop, edit, letter)``: the :func:`check_idle_lock` helper, as a fixture."""
    return lambda desktop, edit, letter="a": check_idle_lock(qtbot, desktop, edit, letter)


@pytest.fixture
def idle(qtbot: Any) -> Any:
    """``idle(desktop)`` waits until the workers have delivered everything."""
    return lambda desktop, timeout=15_000: wait_idle(qtbot, desktop, timeout)
