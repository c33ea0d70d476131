"""Tiếp nhận: the counter intake form, keyboard first.

Procedure search-as-you-type (folded, so "dang ky khai sinh" finds
"Đăng ký khai sinh"), applicant fields validated inline, the procedure's
required papers as a checklist, the appointment computed live, Enter to save.
Saving produces the receipt slip (form 01) with the dossier code's QR code.

A procedure is only ever *chosen* by the clerk: Enter on the highlighted row
(in the search box or the list) or a click. Typing, arrows and focus merely
highlight a row, and the choice is shown in words above the list. Esc asks
before it wipes a form with anything typed in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.dates import parse_typed_date
from commune_desk.domain.errors import DomainError
from commune_desk.domain.identity import phone_problem, validate_id_number
from commune_desk.domain.text import fold
from commune_desk.ui import api, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.errors import message_for
from commune_desk.ui.format import format_datetime
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.papers_table import ReceivedPapersBox
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import (
    Debouncer,
    action_button,
    confirm,
    error_label,
    hint_label,
    message_label,
    page_layout,
    release_tab,
    show_message,
)

#: What happens to the receipt slip after saving: "preview", "print", "none".
SLIP_PREVIEW = "preview"


class IntakePage(QWidget):
    """The intake form.

    Signals:
        dossier_saved(object): the saved dossier value, after the slip was produced.
    """

    dossier_saved = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.slip_action = SLIP_PREVIEW
        self.procedures: list[Any] = []
        self._procedures_read = False  # the store has answered (the glance no longer counts)
        self.procedure: Any = None
        self.last_dossier: Any = None
        self.last_slip: slips.Slip | None = None
        self._saving = False
        layout = page_layout(self, self.tr("Tiếp nhận hồ sơ"))
        layout.addWidget(
            hint_label(
                self.tr(
                    "Gõ tên thủ tục (có thể không dấu), dùng phím mũi tên rồi nhấn Enter để chọn; "
                    "nhập thông tin người nộp rồi nhấn Enter để lưu và in giấy tiếp nhận."
                ),
                self,
            )
        )
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        body.addWidget(self._build_procedure_box(), 2)
        right = QVBoxLayout()
        body.addLayout(right, 3)
        right.addWidget(self._build_applicant_box())
        right.addWidget(self._build_papers_box(), 1)
        bottom = QHBoxLayout()
        self.appointment_label = QLabel(self)
        self.appointment_label.setObjectName("appointment")
        self.appointment_label.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3b5a;")
        self.form_error = message_label(self)
        self.form_error.setObjectName("intakeMessage")
        self.save_button = action_button(self.tr("Lưu và in giấy tiếp nhận (Enter)"), self)
        self.save_button.setObjectName("saveDossier")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.clear_button = action_button(self.tr("Nhập mới (Esc)"), self)
        self.clear_button.setObjectName("clearForm")
        self.clear_button.clicked.connect(self.ask_clear_form)
        bottom.addWidget(self.appointment_label, 1)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.save_button)
        right.addWidget(self.form_error)
        right.addLayout(bottom)

        self._appointment_debounce = Debouncer(200, self._refresh_appointment, self)
        # Enter in any field moves on or saves (returnPressed works even when another
        # window is active, unlike a shortcut); Ctrl+S saves from anywhere on the page.
        self.procedure_search.returnPressed.connect(self._procedure_entered)
        for edit in (self.name_edit, self.id_edit, self.birth_edit, self.phone_edit, self.address_edit):
            edit.returnPressed.connect(self.save)
        save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        escape = QShortcut(QKeySequence("Escape"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.ask_clear_form)
        # Tab walks the form and leaves the tables, down to the two buttons.
        release_tab(self)
        QWidget.setTabOrder(self.clear_button, self.save_button)
        ctx.events.settings_changed.connect(self.load_procedures)
        self._show_appointment(None)
        self.load_procedures()

    # -- building -----------------------------------------------------------------

    def _build_procedure_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("1. Thủ tục"), self)
        layout = QVBoxLayout(box)
        self.procedure_search = QLineEdit(box)
        self.procedure_search.setObjectName("procedureSearch")
        self.procedure_search.setPlaceholderText(self.tr("Tìm thủ tục, ví dụ: khai sinh"))
        self.procedure_search.setClearButtonEnabled(True)
        self.procedure_search.textChanged.connect(self._filter_procedures)
        # Shortcuts rather than an event filter: a Python eventFilter override runs on
        # every event of the field, which is slow on old PCs.
        for key, step in ((Qt.Key.Key_Down, 1), (Qt.Key.Key_Up, -1)):
            move = QShortcut(QKeySequence(key), self.procedure_search)
            move.setContext(Qt.ShortcutContext.WidgetShortcut)
            move.activated.connect(lambda s=step: self._move_procedure(s))
        self.procedure_list = QListWidget(box)
        self.procedure_list.setObjectName("procedureList")
        self.procedure_list.setWordWrap(True)
        # Highlighting is not choosing: Enter (itemActivated) or a click chooses.
        self.procedure_list.itemActivated.connect(self._choose_item)
        self.procedure_list.itemClicked.connect(self._choose_item)
        self.choice_label = QLabel(box)
        self.choice_label.setObjectName("procedureChoice")
        self.choice_label.setWordWrap(True)
        self.choice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.procedure_info = hint_label("", box)
        layout.addWidget(self.procedure_search)
        layout.addWidget(self.procedure_list, 1)
        layout.addWidget(self.choice_label)
        layout.addWidget(self.procedure_info)
        return box

    def _build_applicant_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("2. Người nộp hồ sơ"), self)
        grid = QGridLayout(box)
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("applicantName")
        self.name_edit.setPlaceholderText(self.tr("Họ và tên, ví dụ: Đặng Thị Đào"))
        self.id_edit = QLineEdit(box)
        self.id_edit.setObjectName("applicantId")
        self.id_edit.setPlaceholderText(self.tr("12 số CCCD hoặc 9 số CMND"))
        self.birth_edit = QLineEdit(box)
        self.birth_edit.setObjectName("applicantBirthDate")
        self.birth_edit.setPlaceholderText(self.tr("Không bắt buộc, ví dụ: 05/09/1987"))
        self.phone_edit = QLineEdit(box)
        self.phone_edit.setObjectName("applicantPhone")
        self.phone_edit.setPlaceholderText(self.tr("Không bắt buộc"))
        self.address_edit = QLineEdit(box)
        self.address_edit.setObjectName("applicantAddress")
        self.name_error = error_label(box)
        self.id_error = error_label(box)
        self.birth_error = error_label(box)
        self.phone_error = error_label(box)
        fields = (
            (self.tr("Họ và tên *"), self.name_edit, self.name_error),
            (self.tr("Số CCCD/CMND *"), self.id_edit, self.id_error),
            (self.tr("Ngày sinh"), self.birth_edit, self.birth_error),
            (self.tr("Điện thoại"), self.phone_edit, self.phone_error),
            (self.tr("Địa chỉ"), self.address_edit, None),
        )
        for row_index, (label, edit, err) in enumerate(fields):
            grid.addWidget(QLabel(label, box), row_index, 0)
            grid.addWidget(edit, row_index, 1)
            if err is not None:
                grid.addWidget(err, row_index, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 1)
        self.name_edit.textChanged.connect(lambda _t: self._validate_name(final=False))
        self.id_edit.textChanged.connect(lambda _t: self._validate_id(final=False))
        self.birth_edit.textChanged.connect(lambda _t: self._validate_birth(final=False))
        self.phone_edit.textChanged.connect(lambda _t: self._validate_phone(final=False))
        return box

    def _build_papers_box(self) -> QGroupBox:
        self.papers_box = ReceivedPapersBox(self)
        self.papers_table = self.papers_box.table
        self.papers_box.extension_changed.connect(lambda _code: self._appointment_debounce.poke())
        return self.papers_box

    # -- procedures -----------------------------------------------------------------

    def load_procedures(self) -> None:
        """Fetch the procedure catalogue on the store thread (until the store has answered
        once, the store's first glance fills the list: ``commune_desk.glance``)."""
        if not self._procedures_read:
            self.ctx.first_glance.when_read(self._glance_procedures)
        StoreOp(self.ctx, api.list_procedures, parent=self).success(self._set_procedures).run_in_background()

    def _glance_procedures(self, glance: Any) -> None:
        if not self._procedures_read and shiboken6.isValid(self):
            self._show_procedures(glance.procedures)

    def _set_procedures(self, procedures: list[Any]) -> None:
        self._procedures_read = True
        self._show_procedures(procedures)

    def _show_procedures(self, procedures: Sequence[Any]) -> None:
        shown = list(procedures)
        if shown == self.procedures:
            return  # the same catalogue (e.g. the store's answer after its glance): nothing moves
        self.procedures = shown
        self._filter_procedures(self.procedure_search.text())

    def _filter_procedures(self, text: str) -> None:
        """Show the procedures matching ``text``; highlight the first match (not a choice)."""
        tokens = fold(text).split()
        chosen = self.procedure
        self.procedure_list.clear()
        for procedure in self.procedures:
            key = fold(f"{procedure.name} {procedure.code} {getattr(procedure, 'field', '')}")
            if all(token in key for token in tokens):
                item = QListWidgetItem(procedure.name)
                item.setData(Qt.ItemDataRole.UserRole, procedure)
                self.procedure_list.addItem(item)
                if chosen is not None and procedure.code == chosen.code:
                    self.procedure_list.setCurrentItem(item)
        if self.procedure_list.currentRow() < 0 and self.procedure_list.count() and tokens:
            self.procedure_list.setCurrentRow(0)
        self._show_choice()

    def _move_procedure(self, step: int) -> None:
        """Up/Down in the search box move the highlight through the procedure list."""
        row_now = max(0, self.procedure_list.currentRow() + step)
        if row_now < self.procedure_list.count():
            self.procedure_list.setCurrentRow(row_now)

    def _choose_item(self, item: QListWidgetItem | None) -> None:
        """The clerk chose this row (Enter or click): it becomes the dossier's procedure."""
        if item is None:
            return
        self.procedure_list.setCurrentItem(item)
        self._set_procedure(item.data(Qt.ItemDataRole.UserRole))

    def _set_procedure(self, procedure: Any) -> None:
        if procedure is not self.procedure:
            self.procedure = procedure
            self._fill_papers(procedure)
            self.procedure_info.setText(api.procedure_summary(procedure) if procedure else "")
            self._appointment_debounce.poke()
        self._show_choice()

    def _show_choice(self) -> None:
        """Say in words which procedure is chosen (and tick its row), or how to choose one."""
        chosen_code = self.procedure.code if self.procedure is not None else None
        for row_index in range(self.procedure_list.count()):
            item = self.procedure_list.item(row_index)
            procedure = item.data(Qt.ItemDataRole.UserRole)
            chosen = procedure.code == chosen_code
            item.setText(("✓ " if chosen else "") + procedure.name)
            font = item.font()
            font.setBold(chosen)
            item.setFont(font)
        if self.procedure is not None:
            self.choice_label.setText(self.tr("Đã chọn: {name}").format(name=self.procedure.name))
            self.choice_label.setProperty("chosen", True)
            self.choice_label.setStyleSheet("font-weight: bold; color: #1b5e20;")
        else:
            self.choice_label.setText(
                self.tr("Chưa chọn thủ tục: nhấn Enter để chọn dòng đang tô sáng, hoặc bấm vào một dòng.")
            )
            self.choice_label.setProperty("chosen", False)
            self.choice_label.setStyleSheet("color: #6d4c00;")

    def select_procedure(self, code: str) -> None:
        """Choose a procedure by code (used by tests and the dossier 'copy' action)."""
        for row_index in range(self.procedure_list.count()):
            item = self.procedure_list.item(row_index)
            if item.data(Qt.ItemDataRole.UserRole).code == code:
                self._choose_item(item)
                return

    def _fill_papers(self, procedure: Any) -> None:
        self.papers_box.set_procedure(procedure)

    def papers(self) -> list[tuple[str, str, int, bool]]:
        """(paper name, form key, count, received?) for each row of the checklist."""
        return self.papers_box.rows()

    # -- appointment ----------------------------------------------------------------

    def _refresh_appointment(self) -> None:
        procedure = self.procedure
        if procedure is None:
            self._show_appointment(None)
            return
        code, extension = procedure.code, self.papers_box.extension()
        StoreOp(self.ctx, lambda s: api.preview_appointment(s, code, extension), parent=self).success(
            lambda due: self._show_appointment(due) if self.procedure is procedure else None
        ).failure(lambda _e: self._show_appointment(None)).run_in_background()

    def _show_appointment(self, due: datetime | None) -> None:
        if due is None:
            self.appointment_label.setText(self.tr("Ngày hẹn trả: chọn thủ tục"))
        else:
            self.appointment_label.setText(self.tr("Ngày hẹn trả: {when}").format(when=format_datetime(due)))

    # -- validation -----------------------------------------------------------------

    def _validate_name(self, *, final: bool) -> bool:
        ok = bool(self.name_edit.text().strip())
        self.name_error.setText("" if ok or not final else self.tr("Nhập họ và tên người nộp."))
        return ok

    def _validate_id(self, *, final: bool) -> bool:
        text = self.id_edit.text().strip()
        if not text:
            self.id_error.setText(self.tr("Nhập số CCCD/CMND.") if final else "")
            return False
        try:
            validate_id_number(text)
        except DomainError as exc:
            digits = sum(ch.isdigit() for ch in text)
            if final or digits >= 12 or not text.replace(" ", "").isdigit():
                self.id_error.setText(_id_message(exc.kind))
            else:
                self.id_error.setText("")
            return False
        self.id_error.setText("")
        if final or self.birth_error.text():
            self._validate_birth(final=final)
        return True

    def _validate_birth(self, *, final: bool) -> bool:
        """The date of birth: optional; a real past date that agrees with the CCCD's year."""
        text = self.birth_edit.text().strip()
        if not text:
            self.birth_error.setText("")
            return True
        try:
            born = parse_typed_date(text)
        except ValueError:
            # While typing, wait for a whole year before saying the form is wrong.
            complete = len(text) >= 8 and text[-4:].isdigit()
            self.birth_error.setText(_birth_format_message() if final or complete else "")
            return False
        try:
            validate_id_number(self.id_edit.text().strip(), date_of_birth=born)
        except DomainError as exc:
            if exc.kind in ("date_of_birth_in_future", "id_number_birth_mismatch"):
                self.birth_error.setText(_id_message(exc.kind))
                return False
            # Other problems are the number's own: shown next to it, not here.
        self.birth_error.setText("")
        return True

    def _validate_phone(self, *, final: bool) -> bool:
        text = self.phone_edit.text().strip()
        if not text:
            self.phone_error.setText("")
            return True
        problem = phone_problem(text)
        if problem is None:
            self.phone_error.setText("")
            return True
        reason, _detail = problem
        digits = sum(ch.isdigit() for ch in text)
        # While typing, speak up only once the rule is surely broken.
        if final or digits >= 10 or reason in ("prefix", "not_digits", "no_leading_zero"):
            self.phone_error.setText(_phone_message(problem))
        else:
            self.phone_error.setText("")
        return False

    def validate(self) -> bool:
        """Check every field, show messages next to them, focus the first bad one."""
        checks = [
            (self.procedure is not None, self.procedure_search),
            (self._validate_name(final=True), self.name_edit),
            (self._validate_id(final=True), self.id_edit),
            (self._validate_birth(final=True), self.birth_edit),
            (self._validate_phone(final=True), self.phone_edit),
        ]
        if self.procedure is None:
            show_message(
                self.form_error,
                "error",
                self.tr("Chưa chọn thủ tục: tìm thủ tục rồi nhấn Enter trên dòng đúng, trước khi lưu."),
            )
        else:
            show_message(self.form_error, "ok", "")
        for ok, widget in checks:
            if not ok:
                widget.setFocus()
                return False
        return True

    # -- saving -----------------------------------------------------------------------

    def _procedure_entered(self) -> None:
        """Enter in the procedure search: choose the highlighted row, go on to the name."""
        item = self.procedure_list.currentItem()
        if item is None:
            if self.procedure_search.text().strip():
                show_message(self.form_error, "warning", self.tr("Không có thủ tục nào khớp với từ đã gõ."))
            return
        self._choose_item(item)
        self.name_edit.setFocus()

    def form_values(self) -> dict[str, Any]:
        """The typed values, as the intake service expects them."""
        return {
            "procedure_code": self.procedure.code if self.procedure else "",
            "applicant_name": self.name_edit.text().strip(),
            "applicant_id_number": self.id_edit.text().strip(),
            "date_of_birth": _birth_or_none(self.birth_edit.text()),
            "applicant_phone": self.phone_edit.text().strip() or None,
            "applicant_address": self.address_edit.text().strip(),
            "papers": self.papers_box.received(),
            "extension": self.papers_box.extension(),
        }

    def save(self) -> None:
        """Validate, save on the store thread, then produce the receipt slip."""
        actor = self.ctx.actor  # who receives it: read now, a later switch does not change it
        if self._saving or actor is None or not self.validate():
            return
        self._saving = True
        self.save_button.setEnabled(False)
        values = self.form_values()
        StoreOp(self.ctx, lambda s: api.receive_dossier(s, values, actor), parent=self).success(
            self._on_saved
        ).failure(self._on_failed).finally_(self._after_save).run_in_background()

    def _after_save(self) -> None:
        self._saving = False
        self.save_button.setEnabled(True)

    def _on_failed(self, error: BaseException) -> None:
        text = message_for(error)
        if text is None:
            self.ctx.errors.report(error, parent=self)
            return
        field = getattr(error, "field", None)
        target = {
            "id_number": self.id_error,
            "date_of_birth": self.birth_error,
            "phone": self.phone_error,
            "name": self.name_error,
        }
        if field in target:
            target[field].setText(text)
        else:
            show_message(self.form_error, "error", text)

    def _on_saved(self, result: Any) -> None:
        dossier = api.dossier_of(result)
        self.last_dossier = dossier
        StoreOp(self.ctx, lambda s: api.receipt_slip_data(s, dossier.id), parent=self).success(
            self._produce_slip
        ).run_in_background()

    def _produce_slip(self, data: Any) -> None:
        slip = slip_builders.receipt_slip(data)
        self.last_slip = slip
        self.clear_form()
        show_message(
            self.form_error, "ok", self.tr("Đã lưu hồ sơ {code}.").format(code=api.dossier_of(data).code)
        )
        emit(self.dossier_saved, self.last_dossier)
        if self.slip_action == "preview":
            slips.preview(slip, self)
        elif self.slip_action == "print":
            slips.print_slip(slip, self)

    def save_last_slip_pdf(self, path: Path) -> Path:
        """Write the last receipt slip to ``path`` as PDF."""
        assert self.last_slip is not None
        return slips.write_pdf(self.last_slip, path)

    def has_typed_values(self) -> bool:
        """Whether the form holds anything the clerk would lose by clearing it."""
        edits = (self.name_edit, self.id_edit, self.birth_edit, self.phone_edit, self.address_edit)
        return self.procedure is not None or any(edit.text().strip() for edit in edits)

    def ask_clear_form(self) -> None:
        """Esc / "Nhập mới": clear the form, asking first when something is typed in it."""
        if self.has_typed_values() and not confirm(
            self,
            title=self.tr("Xoá thông tin đang nhập?"),
            text=self.tr(
                "Thông tin đang nhập cho công dân này (thủ tục, họ tên, số CCCD, điện thoại, "
                "địa chỉ, giấy tờ) chưa được lưu và sẽ bị xoá."
            ),
            accept=self.tr("Xoá, nhập công dân mới"),
            reject=self.tr("Tiếp tục nhập"),
        ):
            return
        self.clear_form()

    def clear_form(self) -> None:
        """Empty the form for the next citizen (no question asked); keep the procedure list."""
        for edit in (self.name_edit, self.id_edit, self.birth_edit, self.phone_edit, self.address_edit):
            edit.clear()
        for label in (self.name_error, self.id_error, self.birth_error, self.phone_error):
            label.clear()
        show_message(self.form_error, "ok", "")
        self.procedure_search.clear()
        self.procedure_list.clearSelection()
        self.procedure_list.setCurrentRow(-1)
        self._set_procedure(None)
        self._fill_papers(None)
        self._show_appointment(None)
        self.procedure_search.setFocus()

    def on_shown(self) -> None:
        """Put the cursor in the procedure search when the page opens."""
        self.procedure_search.setFocus()


def _phone_message(problem: tuple[str, str]) -> str:
    """The rule a typed phone number breaks, in the clerk's words."""
    translate = QCoreApplication.translate
    reason, detail = problem
    if reason == "prefix":
        return translate(
            "IntakePage",
            "Đầu số {prefix} không có: số di động bắt đầu bằng 03, 05, 07, 08, 09; máy bàn bằng 02.",
        ).format(prefix=detail)
    messages = {
        "not_digits": translate("IntakePage", "Số điện thoại chỉ gồm chữ số (có thể viết +84 ở đầu)."),
        "no_leading_zero": translate("IntakePage", "Số điện thoại bắt đầu bằng 0 (hoặc +84)."),
        "landline_length": translate("IntakePage", "Số máy bàn (02…) gồm 11 chữ số."),
        "mobile_length": translate("IntakePage", "Số di động gồm 10 chữ số."),
    }
    return messages.get(reason, translate("IntakePage", "Số điện thoại không hợp lệ."))


def _id_message(kind: str) -> str:
    translate = QCoreApplication.translate
    messages = {
        "id_number_required": translate("IntakePage", "Nhập số CCCD/CMND."),
        "invalid_id_number": translate("IntakePage", "CCCD gồm 12 chữ số (CMND cũ: 9 chữ số)."),
        "id_number_future_birth_year": translate(
            "IntakePage", "Số CCCD không hợp lệ (năm sinh ở tương lai)."
        ),
        "id_number_birth_mismatch": translate("IntakePage", "Năm sinh không khớp với số CCCD."),
        "date_of_birth_in_future": translate("IntakePage", "Ngày sinh ở sau ngày hôm nay."),
    }
    return messages.get(kind, translate("IntakePage", "Số CCCD/CMND không hợp lệ."))


def _birth_or_none(text: str) -> date | None:
    try:
        return parse_typed_date(text) if text.strip() else None
    except ValueError:
        return None  # validate() keeps a bad one from being saved


def _birth_format_message() -> str:
    return QCoreApplication.translate("IntakePage", "Ngày sinh ghi ngày/tháng/năm, ví dụ 05/09/1987.")
