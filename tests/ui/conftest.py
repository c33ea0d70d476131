"""Fixtures of the desktop tests: a real store in a temporary folder, offscreen Qt."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from commune_desk.paths import AppPaths


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` with key events carrying the characters (Vietnamese too)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


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
    """Build DesktopApp instances on temporary stores; all are closed at the end."""
    from commune_desk.ui.app import DesktopApp

    made: list[Any] = []

    def make(*, lang: str | None = "vi", folder: str = "data", demo: int = 0) -> Any:
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
    app.ctx.clerk = "Nguyễn Thu Hà"
    return app


def wait_idle(qtbot: Any, desktop: Any, timeout: int = 15_000) -> None:
    """Wait until the background workers have delivered everything."""
    from commune_desk.ui.screenshots import wait_idle as _wait

    _wait(desktop, timeout / 1000)
    qtbot.wait(10)


@pytest.fixture
def keys() -> Any:
    """The ``type_text`` helper, as a fixture (test modules are imported by path)."""
    return type_text


@pytest.fixture
def idle(qtbot: Any) -> Any:
    """``idle(desktop)`` waits until the workers have delivered everything."""
    return lambda desktop, timeout=15_000: wait_idle(qtbot, desktop, timeout)
