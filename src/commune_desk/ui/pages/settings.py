"""Cài đặt: office identity, office hours, holiday overrides, server, language, backups
(``ui/backups.py``), and the update from a USB stick."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.calendar import OfficeHours
from commune_desk.domain.dates import parse_typed_date
from commune_desk.domain.roles import Permission
from commune_desk.ui import api
from commune_desk.ui.backups import BackupBox
from commune_desk.ui.context import UiContext
from commune_desk.ui.i18n import LANGUAGES
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.relay_box import OfficeRelayBox
from commune_desk.ui.staff_box import StaffSupportBox
from commune_desk.ui.usb_update import UsbUpdateBox
from commune_desk.ui.widgets import error_label, hint_label, message_label, page_layout, show_message


def _time_edit(parent: QWidget, value: time) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute), parent)
    edit.setDisplayFormat("HH:mm")
    return edit


def parse_dates(text: str) -> frozenset[date]:
    """Dates typed one per line or comma-separated, day first or as yyyy-mm-dd
    (``domain.dates.parse_typed_date``; raises ValueError)."""
    return frozenset(
        parse_typed_date(chunk) for chunk in text.replace(",", "\n").splitlines() if chunk.strip()
    )


def format_dates(days: frozenset[date]) -> str:
    """Dates one per line as dd/mm/yyyy, in order."""
    return "\n".join(d.strftime("%d/%m/%Y") for d in sorted(days))


class OfficeForm(QWidget):
    """The office identity fields, shared by the settings page and the first-run wizard.

    Signals: none.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.unit_name_edit = QLineEdit(self)
        self.unit_name_edit.setObjectName("unitName")
        self.unit_name_edit.setPlaceholderText(self.tr("ví dụ: UBND xã Đông Anh"))
        self.unit_code_edit = QLineEdit(self)
        self.unit_code_edit.setObjectName("unitCode")
        self.unit_code_edit.setPlaceholderText(self.tr("Mã định danh đơn vị, ví dụ: 000.00.06.H26"))
        self.slot_spin = QSpinBox(self)
        self.slot_spin.setRange(1, 9)
        form.addRow(QLabel(self.tr("Tên đơn vị *"), self), self.unit_name_edit)
        form.addRow(QLabel(self.tr("Mã đơn vị *"), self), self.unit_code_edit)
        form.addRow(QLabel(self.tr("Số quầy (1–9)"), self), self.slot_spin)

    def load(self, settings: Any) -> None:
        """Show ``settings``."""
        self.unit_name_edit.setText(settings.unit_name)
        self.unit_code_edit.setText(settings.unit_code)
        self.slot_spin.setValue(settings.counter_slot)

    def apply(self, settings: Any) -> Any:
        """``settings`` with the typed identity."""
        return replace(
            settings,
            unit_name=self.unit_name_edit.text().strip(),
            unit_code=self.unit_code_edit.text().strip().upper(),
            counter_slot=self.slot_spin.value(),
        )


class SettingsPage(QWidget):
    """Edit and save the installation's settings.

    Signals:
        saved(object): the OfficeSettings after a successful save.
    """

    saved = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings: Any = None
        layout = page_layout(self, self.tr("Cài đặt"))
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        office_box = QGroupBox(self.tr("Đơn vị"), self)
        office_layout = QVBoxLayout(office_box)
        self.office_form = OfficeForm(office_box)
        office_layout.addWidget(self.office_form)
        left.addWidget(office_box)

        hours_box = QGroupBox(self.tr("Giờ làm việc"), self)
        hours_form = QFormLayout(hours_box)
        defaults = OfficeHours()
        (m_start, m_end), (a_start, a_end) = defaults.sessions[0], defaults.sessions[-1]
        self.morning_start = _time_edit(hours_box, m_start)
        self.morning_end = _time_edit(hours_box, m_end)
        self.afternoon_start = _time_edit(hours_box, a_start)
        self.afternoon_end = _time_edit(hours_box, a_end)
        self.cutoff = _time_edit(hours_box, defaults.same_day_cutoff)
        morning = QHBoxLayout()
        morning.addWidget(self.morning_start)
        morning.addWidget(QLabel("–", hours_box))
        morning.addWidget(self.morning_end)
        afternoon = QHBoxLayout()
        afternoon.addWidget(self.afternoon_start)
        afternoon.addWidget(QLabel("–", hours_box))
        afternoon.addWidget(self.afternoon_end)
        hours_form.addRow(QLabel(self.tr("Buổi sáng"), hours_box), morning)
        hours_form.addRow(QLabel(self.tr("Buổi chiều"), hours_box), afternoon)
        hours_form.addRow(QLabel(self.tr("Trả trong ngày nếu nhận trước"), hours_box), self.cutoff)
        left.addWidget(hours_box)

        other_box = QGroupBox(self.tr("Máy chủ, ngôn ngữ"), self)
        other_form = QFormLayout(other_box)
        self.server_edit = QLineEdit(other_box)
        self.server_edit.setPlaceholderText(self.tr("https://… (để trống nếu chỉ dùng trên máy này)"))
        self.language_combo = QComboBox(other_box)
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.tracking_edit = QLineEdit(other_box)
        self.tracking_edit.setObjectName("trackingUrl")
        self.tracking_edit.setPlaceholderText(self.tr("https://…?ma={code} (mã QR trên giấy tiếp nhận)"))
        other_form.addRow(QLabel(self.tr("Địa chỉ máy chủ"), other_box), self.server_edit)
        other_form.addRow(QLabel(self.tr("Địa chỉ tra cứu hồ sơ"), other_box), self.tracking_edit)
        other_form.addRow(QLabel(self.tr("Ngôn ngữ"), other_box), self.language_combo)
        self.secrets_label = error_label(other_box)
        self.secrets_label.hide()
        other_form.addRow(self.secrets_label)
        other_form.addRow(hint_label(self.tr("Đổi ngôn ngữ có hiệu lực khi mở lại phần mềm."), other_box))
        left.addWidget(other_box)
        self.backup_box = BackupBox(ctx, self)
        left.addWidget(self.backup_box)
        left.addStretch(1)

        days_box = QGroupBox(self.tr("Ngày nghỉ, ngày làm bù"), self)
        days_layout = QVBoxLayout(days_box)
        days_layout.addWidget(
            hint_label(
                self.tr(
                    "Ngày lễ, Tết và ngày nghỉ bù, làm bù của Chính phủ đã có sẵn trong lịch làm việc. "
                    "Ghi thêm mỗi dòng một ngày (dd/mm/yyyy); thay đổi được ghi nhật ký và gửi tới "
                    "các máy khác của đơn vị khi đồng bộ."
                ),
                days_box,
            )
        )
        self.calendar_label = hint_label("", days_box)
        self.calendar_label.setObjectName("calendarVersion")
        days_layout.addWidget(self.calendar_label)
        days_layout.addWidget(QLabel(self.tr("Ngày nghỉ thêm"), days_box))
        self.days_off_edit = QPlainTextEdit(days_box)
        days_layout.addWidget(self.days_off_edit)
        days_layout.addWidget(QLabel(self.tr("Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)"), days_box))
        self.working_days_edit = QPlainTextEdit(days_box)
        days_layout.addWidget(self.working_days_edit)
        right.addWidget(days_box, 1)
        self.usb_box = UsbUpdateBox(ctx, self)
        self.usb_box.applied.connect(self.load)  # new holiday overrides are shown at once
        right.addWidget(self.usb_box)
        self.staff_box = StaffSupportBox(ctx, self)
        right.addWidget(self.staff_box)
        self.relay_box = OfficeRelayBox(ctx, self)  # office relay and USB carry (docs/relay.md)
        left.insertWidget(left.count() - 1, self.relay_box)  # above the left column's stretch

        bottom = QHBoxLayout()
        self.message = message_label(self)
        self.message.setObjectName("settingsMessage")
        self.save_button = QPushButton(self.tr("Lưu cài đặt"), self)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        if ctx.session is not None:  # changing the settings is offered to those allowed only
            ctx.session.guard(self.save_button, Permission.SETTINGS)
            ctx.session.changed.connect(self._say_who_may_save)
            self._say_who_may_save()
        self.load()

    def _say_who_may_save(self, _actor: Any = None) -> None:
        hint = self.tr("Chỉ lãnh đạo (hoặc người được giao quyền cài đặt) được thay đổi cài đặt.")
        if not self.ctx.session.allows(Permission.SETTINGS):
            self.message.setText(hint)
        elif self.message.text() == hint:
            self.message.clear()

    def on_shown(self) -> None:
        """Look for an update stick each time the page is opened (quietly)."""
        self.usb_box.find_sticks(quiet=True)

    def load(self) -> None:
        """Read the settings (and which calendar is in use) on the store thread."""
        StoreOp(self.ctx, api.get_settings, parent=self).success(self._show).run_in_background()
        StoreOp(self.ctx, api.get_calendar, parent=self).success(self._show_calendar).run_in_background()
        StoreOp(self.ctx, api.secret_storage, parent=self).success(
            self._show_secret_storage
        ).run_in_background()

    def _show_calendar(self, calendar: Any) -> None:
        self.calendar_label.setText(
            self.tr("Lịch làm việc: bản {base}, {source}; điều chỉnh từ USB: bản {overrides}.").format(
                base=calendar.base_version,
                source=calendar.base_source,
                overrides=calendar.overrides_version or "—",
            )
        )

    def _show_secret_storage(self, storage: str | None) -> None:
        """Say so when the sync secrets are in the insecure-storage file, not the keyring."""
        self.secrets_label.setText(
            self.tr(
                "Cảnh báo: thông tin đăng nhập máy chủ đang lưu trong tệp không mã hóa "
                "(insecure-secrets.json trong thư mục dữ liệu) vì máy không có kho mật khẩu "
                "của hệ điều hành. Ai đọc được tệp này có thể đồng bộ thay máy này."
            )
        )
        self.secrets_label.setVisible(storage == "file")

    def _show(self, settings: Any) -> None:
        self.settings = settings
        self.office_form.load(settings)
        sessions = settings.hours.sessions
        first, last = sessions[0], sessions[-1]
        for edit, value in (
            (self.morning_start, first[0]),
            (self.morning_end, first[1]),
            (self.afternoon_start, last[0]),
            (self.afternoon_end, last[1]),
            (self.cutoff, settings.hours.same_day_cutoff),
        ):
            edit.setTime(QTime(value.hour, value.minute))
        self.server_edit.setText(settings.server_url or "")
        self.tracking_edit.setText(settings.tracking_url or "")
        ui = self.ctx.extras.get("ui_settings")
        language = ui.language if ui is not None else "vi"
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        self.days_off_edit.setPlainText(format_dates(settings.extra_days_off))
        self.working_days_edit.setPlainText(format_dates(settings.extra_working_days))

    def collect(self) -> Any:
        """The settings as typed (raises ValueError on a badly typed date)."""
        assert self.settings is not None

        def at(edit: QTimeEdit) -> time:
            value: time = edit.time().toPython()  # type: ignore[assignment]
            return value

        hours = OfficeHours(
            sessions=(
                (at(self.morning_start), at(self.morning_end)),
                (at(self.afternoon_start), at(self.afternoon_end)),
            ),
            same_day_cutoff=at(self.cutoff),
        )
        return replace(
            self.office_form.apply(self.settings),
            hours=hours,
            server_url=self.server_edit.text().strip() or None,
            tracking_url=self.tracking_edit.text().strip() or None,
            extra_days_off=parse_dates(self.days_off_edit.toPlainText()),
            extra_working_days=parse_dates(self.working_days_edit.toPlainText()),
        )

    def save(self) -> None:
        """Validate and save (office settings in the store, the language in settings.json)."""
        try:
            settings = self.collect()
        except ValueError:
            show_message(self.message, "error", self.tr("Ngày không đúng dạng dd/mm/yyyy."))
            return
        except Exception as exc:  # noqa: BLE001 - typed domain errors carry a kind
            if getattr(exc, "kind", None) is None:
                raise
            self.ctx.errors.report(exc, parent=self)
            return
        actor = self.ctx.actor
        language = str(self.language_combo.currentData())
        StoreOp(self.ctx, lambda s: api.update_settings(s, settings, actor), parent=self).success(
            lambda outcome: self._saved(outcome, language)
        ).run_in_background()

    def _saved(self, outcome: Any, language: str) -> None:
        self.settings = outcome.value
        ui = self.ctx.extras.get("ui_settings")
        if ui is not None:
            changed_language = ui.language != language
            ui.language = language
            ui.save()
        else:
            changed_language = False
        text = self.tr("Đã lưu cài đặt.")
        if changed_language:
            text += " " + self.tr("Ngôn ngữ mới sẽ dùng khi mở lại phần mềm.")
        show_message(self.message, "ok", text)
        emit(self.ctx.events.settings_changed)
        emit(self.saved, outcome.value)
