"""First run: ask for the office identity before the first dossier is received."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from commune_desk.services.values import OfficeSettings
from commune_desk.ui import api
from commune_desk.ui.context import UiContext
from commune_desk.ui.pages.settings import OfficeForm
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import error_label


def needs_first_run(ctx: UiContext) -> bool:
    """True while the office name is still the default one (store never set up)."""
    # Read on the store thread and wait: this runs once before the window is used.
    app = ctx.extras.get("desktop")
    if app is not None:
        current = app.call_on_store(lambda: api.get_settings(ctx.services))
    else:
        current = api.get_settings(ctx.services)
    return current.unit_name == OfficeSettings().unit_name


class FirstRunWizard(QWizard):
    """Two pages: welcome, then office identity (saved through the services).

    Signals: the standard QWizard ones.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Thiết lập lần đầu"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Tiếp >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Quay lại"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Hoàn tất"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Để sau"))
        welcome = QWizardPage(self)
        welcome.setTitle(self.tr("Chào mừng đến với CommuneDesk"))
        text = QLabel(
            self.tr(
                "Phần mềm tiếp nhận hồ sơ một cửa và quản lý văn bản, làm việc được cả khi "
                "mất mạng. Trước khi bắt đầu, hãy nhập tên và mã định danh của đơn vị: "
                "chúng được in trên giấy tiếp nhận và mã hồ sơ."
            ),
            welcome,
        )
        text.setWordWrap(True)
        QVBoxLayout(welcome).addWidget(text)
        self.addPage(welcome)
        self.office_page = _OfficePage(ctx, self)
        self.addPage(self.office_page)
        self.resize(560, 380)


class _OfficePage(QWizardPage):
    """Office identity; Finish saves it and only then closes the wizard.

    Signals: the standard QWizardPage ones.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.setTitle(self.tr("Thông tin đơn vị"))
        layout = QVBoxLayout(self)
        self.form = OfficeForm(self)
        self.error = error_label(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        self.form.load(OfficeSettings(unit_name=""))
        self.form.unit_code_edit.clear()

    def missing_fields(self) -> list[tuple[str, Any]]:
        """(name, field) of each required field still empty, in form order.

        The clerk's name is not asked here: whoever works at the PC signs in, and every
        account has its full name (the first one is created on the sign-in screen).
        """
        form = self.form
        required = (
            (self.tr("tên đơn vị"), form.unit_name_edit),
            (self.tr("mã đơn vị"), form.unit_code_edit),
        )
        return [(name, edit) for name, edit in required if not edit.text().strip()]

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """Name every empty field; else save synchronously on the store thread (error: stay)."""
        missing = self.missing_fields()
        if missing:
            self.error.setText(
                self.tr("Chưa nhập: {fields}.").format(fields=", ".join(name for name, _e in missing))
            )
            missing[0][1].setFocus()
            return False
        settings = self.form.apply(OfficeSettings())
        # The office is set up before anyone has an account: the installation itself saves it.
        actor = self.ctx.actor or "first-run"
        app: Any = self.ctx.extras.get("desktop")
        try:
            if app is not None:
                app.call_on_store(lambda: api.update_settings(self.ctx.services, settings, actor))
            else:
                api.update_settings(self.ctx.services, settings, actor)
        except Exception as exc:  # noqa: BLE001 - typed errors shown inline
            from commune_desk.ui.errors import message_for

            text = message_for(exc)
            if text is None:
                self.ctx.errors.report(exc, parent=self)
                return False
            self.error.setText(text)
            return False
        emit(self.ctx.events.settings_changed)
        self.saved = True
        return True
