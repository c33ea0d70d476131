"""Words the clerk reads: the first-run wizard names what is missing, error codes never
reach the screen, and the window opens using the whole screen."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWizard

from commune_desk.ui.errors import message_for
from commune_desk.ui.labels import action_name, event_name, status_name


def test_the_first_run_wizard_names_each_empty_field(make_desktop: Any, ime: Any) -> None:
    desktop = make_desktop()
    from commune_desk.ui.first_run import FirstRunWizard, needs_first_run

    wizard = FirstRunWizard(desktop.ctx, desktop.window)
    wizard.show()
    wizard.activateWindow()
    QTest.keyClick(wizard.button(QWizard.WizardButton.NextButton), Qt.Key.Key_Space)
    page = wizard.office_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    QTest.keyClick(finish, Qt.Key.Key_Space)
    assert wizard.isVisible()
    assert page.error.text() == "Chưa nhập: tên đơn vị, mã đơn vị."  # each one named
    assert wizard.focusWidget() is page.form.unit_name_edit
    ime(page.form.unit_name_edit, "UBND phường Hoàn Kiếm")
    QTest.keyClick(finish, Qt.Key.Key_Space)
    assert wizard.isVisible() and needs_first_run(desktop.ctx)
    assert page.error.text() == "Chưa nhập: mã đơn vị."
    assert wizard.focusWidget() is page.form.unit_code_edit
    ime(page.form.unit_code_edit, "000.00.01.H26")
    QTest.keyClick(finish, Qt.Key.Key_Space)
    assert not wizard.isVisible() and not needs_first_run(desktop.ctx)


def test_an_unknown_error_kind_is_never_shown_raw() -> None:
    text = message_for(SimpleNamespace(kind="frobnicated_widget_v9"))  # type: ignore[arg-type]
    assert text is not None and "frobnicated" not in text and "_" not in text
    assert "Không thực hiện được thao tác" in text
    # A status or step recorded by a newer version is named, not printed as a code.
    for shown in (status_name(42), event_name("teleported"), action_name("teleported")):
        assert "42" not in shown and "teleported" not in shown
        assert "cần cập nhật phần mềm" in shown


def test_the_window_opens_maximised(tmp_path: Path, qapp: Any) -> None:
    from commune_desk.ui.app import run_app
    from commune_desk.ui.main_window import MainWindow

    seen: list[bool] = []

    def look() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible():
            QTimer.singleShot(20, look)
            return
        seen.append(windows[0].isMaximized())
        QApplication.instance().exit(0)

    QTimer.singleShot(0, look)
    args = argparse.Namespace(data_dir=str(tmp_path / "data"), demo=True, lang="vi", self_test=False)
    from commune_desk.ui import app as app_module

    filling = app_module.DesktopApp.fill_demo_if_empty
    app_module.DesktopApp.fill_demo_if_empty = lambda self, count=0: None  # type: ignore[method-assign]
    try:
        assert run_app(args) == 0
    finally:
        app_module.DesktopApp.fill_demo_if_empty = filling  # type: ignore[method-assign]
    assert seen == [True]
