"""Start-up, shutdown, the lazy list, and what the clerk sees when something fails."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from commune_desk.ui.errors import LOG_FILE_NAME


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("cd-")]


def test_app_starts_and_closes_with_workers_stopped(make_desktop: Any, idle: Any) -> None:
    desktop = make_desktop()
    window = desktop.window
    for key in window.page_keys():
        window.show_page(key)
    idle(desktop)
    assert window.status.state_label.text()
    assert _workers(), "the store worker runs while the app is open"
    desktop.close()
    assert _workers() == []
    desktop.close()  # twice is harmless


def test_self_test_command_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    from commune_desk.cli.main import main

    assert main(["--self-test"]) == 0
    assert "ok" in capsys.readouterr().out
    assert _workers() == []


def test_lazy_dossier_list_fetches_pages_on_demand(make_desktop: Any, qtbot: Any, idle: Any) -> None:
    desktop = make_desktop(demo=450)
    page = desktop.window.show_page("dossiers")
    page.model.reload()
    idle(desktop)
    model = page.model
    assert model.rowCount() == 200  # one page, not the whole store
    assert model.canFetchMore()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 400, timeout=10_000)
    while model.canFetchMore() or model.loading:
        if model.canFetchMore():
            model.fetchMore()
        idle(desktop)
    assert model.rowCount() == 450
    assert "450" in page.count_label.text()
    # Overdue rows are marked.
    overdue = [r for r in model.rows if r.overdue]
    if overdue:
        n = model.rows.index(overdue[0])
        from PySide6.QtCore import Qt

        assert model.data(model.index(n, 0), Qt.ItemDataRole.BackgroundRole) is not None


def test_unexpected_error_is_logged_and_apologised(desktop: Any, qtbot: Any) -> None:
    from commune_desk.ui.ops import StoreOp

    def broken(_services: Any) -> None:
        raise RuntimeError("boom in a service")

    StoreOp(desktop.ctx, broken).run_in_background()
    qtbot.waitUntil(lambda: bool(desktop.errors.shown), timeout=10_000)
    text = desktop.errors.shown[-1]
    assert "Xin lỗi" in text and LOG_FILE_NAME in text
    assert "Traceback" not in text and "boom" not in text
    log = Path(desktop.paths.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "RuntimeError: boom in a service" in log


def test_typed_error_becomes_a_vietnamese_sentence(desktop: Any) -> None:
    from commune_desk.domain.errors import ValidationError

    text = desktop.errors.report(ValidationError("invalid_phone", "bad phone", field="phone"))
    assert text == "Số điện thoại không hợp lệ."


def test_bug_in_a_callback_does_not_crash(desktop: Any, qtbot: Any) -> None:
    from commune_desk.ui.ops import StoreOp

    StoreOp(desktop.ctx, lambda s: 1).success(lambda _r: 1 / 0).run_in_background()
    qtbot.waitUntil(lambda: bool(desktop.errors.shown), timeout=10_000)
    assert "Xin lỗi" in desktop.errors.shown[-1]


def test_store_opens_only_after_the_window_has_painted(tmp_path: Path, qtbot: Any) -> None:
    """Work queued while the window is built (the sign-in screen's reads) does not start
    the store's opening before the first paint: the opening would compete with it."""
    import time

    from PySide6.QtCore import QEvent, QObject

    from commune_desk.paths import AppPaths
    from commune_desk.ui.app import DesktopApp

    desktop = DesktopApp(
        AppPaths(data_dir=tmp_path, backup_dir=tmp_path / "b"), show_dialogs=False, first_run=False
    )
    try:
        window = desktop.create_window()  # queues store reads while it is built
        deadline = time.monotonic() + 3.0
        while not desktop._opened.done() and time.monotonic() < deadline:  # noqa: SLF001
            time.sleep(0.05)  # no event processing: the window cannot paint
        assert not desktop._opened.done()  # noqa: SLF001

        paints: list[bool] = []

        class Watch(QObject):
            def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    paints.append(desktop._opened.done())  # noqa: SLF001
                return False

        watch = Watch()
        window.installEventFilter(watch)
        window.show()
        qtbot.waitUntil(lambda: desktop._opened.done(), timeout=30_000)  # noqa: SLF001
        assert paints and paints[0] is False  # painted first, opened after
        window.removeEventFilter(watch)
    finally:
        desktop.close()
