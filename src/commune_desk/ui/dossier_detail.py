"""The detail of one dossier: applicant, papers, attachments, history and allowed actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dossier import SLIP_FORMS, EventKind
from commune_desk.ui import api, event_forms, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_datetime
from commune_desk.ui.labels import action_name, event_name, paper_form_name, status_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label

#: Events that need a reason typed by the clerk (the slip states it).
NEEDS_NOTE = {
    EventKind.SUPPLEMENT_REQUESTED,
    EventKind.REFUSED,
    EventKind.EXTENDED,
    EventKind.STOPPED,
    EventKind.WITHDRAWN,
    EventKind.NOTE,
}


class DossierDetailPanel(QScrollArea):
    """Shows one dossier and offers only the actions its status allows.

    Signals:
        event_recorded(object): the DossierDetail after an action was recorded.
        slip_ready(object): a Slip produced for an action (forms 02–05) or on request (01, 06).
    """

    event_recorded = Signal(object)
    slip_ready = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Any = None
        self.dossier_id: str | None = None
        self.slip_action = "preview"
        self.last_slip: slips.Slip | None = None
        self.setWidgetResizable(True)
        inner = QWidget(self)
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 0, 8, 0)
        self.heading = QLabel(self.tr("Chọn một hồ sơ trong danh sách để xem chi tiết."), inner)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3b5a;")
        layout.addWidget(self.heading)
        self.info = QLabel(inner)
        self.info.setWordWrap(True)
        self.info.setTextFormat(self.info.textFormat().RichText)
        layout.addWidget(self.info)

        self.actions_box = QGroupBox(self.tr("Thao tác được phép"), inner)
        self.actions_layout = QGridLayout(self.actions_box)
        layout.addWidget(self.actions_box)

        printing = QHBoxLayout()
        self.receipt_button = QPushButton(self.tr("In lại giấy tiếp nhận (01)"), inner)
        self.control_button = QPushButton(self.tr("Phiếu kiểm soát (06)"), inner)
        self.receipt_button.clicked.connect(lambda: self.produce_slip("01"))
        self.control_button.clicked.connect(lambda: self.produce_slip("06"))
        self.reprint_button = QPushButton(self.tr("In lại phiếu 02–05"), inner)
        self.reprint_button.setObjectName("reprintEventSlip")
        self.reprint_button.clicked.connect(self.reprint_selected_event)
        printing.addWidget(self.receipt_button)
        printing.addWidget(self.control_button)
        printing.addWidget(self.reprint_button)
        layout.addLayout(printing)

        history_box = QGroupBox(self.tr("Quá trình giải quyết"), inner)
        history_layout = QVBoxLayout(history_box)
        self.history = QTableWidget(0, 4, history_box)
        self.history.setObjectName("historyTable")
        self.history.setHorizontalHeaderLabels(
            [self.tr("Thời gian"), self.tr("Bước"), self.tr("Người thực hiện"), self.tr("Ghi chú")]
        )
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setMinimumHeight(150)
        history_layout.addWidget(self.history)
        layout.addWidget(history_box)

        papers_box = QGroupBox(self.tr("Giấy tờ và tệp đính kèm"), inner)
        papers_layout = QVBoxLayout(papers_box)
        self.papers = QListWidget(papers_box)
        self.papers.setMaximumHeight(90)
        self.attachments = QListWidget(papers_box)
        self.attachments.setMaximumHeight(80)
        self.attachments.itemActivated.connect(self._open_attachment)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton(self.tr("Thêm tệp quét…"), papers_box)
        self.attach_button.clicked.connect(self.choose_attachment)
        self.open_button = QPushButton(self.tr("Mở tệp"), papers_box)
        self.open_button.clicked.connect(lambda: self._open_attachment(self.attachments.currentItem()))
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        papers_layout.addWidget(self.papers)
        papers_layout.addWidget(self.attachments)
        papers_layout.addLayout(buttons)
        layout.addWidget(papers_box)
        layout.addStretch(1)
        self._set_enabled(False)
        ctx.events.store_changed.connect(self._on_store_changed)
        if ctx.session is not None:  # leader-only actions follow who is signed in
            ctx.session.changed.connect(self._refill_actions)
            ctx.session.policy_changed.connect(self._refill_actions)

    # -- loading --------------------------------------------------------------------

    def show_dossier(self, dossier_id: str | None) -> None:
        """Load and show ``dossier_id`` (None clears the panel)."""
        self.dossier_id = dossier_id
        if dossier_id is None:
            self.detail = None
            self._set_enabled(False)
            return
        StoreOp(self.ctx, lambda s: api.get_dossier(s, dossier_id), parent=self).success(
            lambda detail: self._show(detail) if detail.summary.id == self.dossier_id else None
        ).run_in_background()

    def _on_store_changed(self, changes: Any) -> None:
        if self.dossier_id and self.dossier_id in getattr(changes, "ids", lambda _e: ())("dossier"):
            self.show_dossier(self.dossier_id)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.receipt_button,
            self.control_button,
            self.attach_button,
            self.open_button,
            self.actions_box,
        ):
            widget.setEnabled(enabled)
        if not enabled:
            self.heading.setText(self.tr("Chọn một hồ sơ trong danh sách để xem chi tiết."))
            self.info.clear()
            self.history.setRowCount(0)
            self.papers.clear()
            self.attachments.clear()
            self._clear_actions()

    def _show(self, detail: Any) -> None:
        self.detail = detail
        s = detail.summary
        self._set_enabled(True)
        self.heading.setText(f"{s.code} — {status_name(s.status)}")
        late = self.tr("QUÁ HẠN")
        overdue = f' <span style="color:#b00020"><b>{late}</b></span>' if s.overdue else ""
        rows = [
            (self.tr("Người nộp"), s.applicant_name),
            (self.tr("Số CCCD/CMND"), s.applicant_id_number),
            (self.tr("Điện thoại"), s.applicant_phone or "—"),
            (self.tr("Địa chỉ"), detail.applicant_address or "—"),
            (self.tr("Thủ tục"), s.procedure_name),
            (self.tr("Tiếp nhận"), f"{format_datetime(s.received_at)} · {s.received_by}"),
            (self.tr("Hẹn trả"), format_datetime(s.appointment_at) + overdue),
        ]
        self.info.setText(
            "<table>"
            + "".join(f"<tr><td>{k}:&nbsp;</td><td><b>{v}</b></td></tr>" for k, v in rows)
            + "</table>"
        )
        self.history.setRowCount(len(detail.events))
        for n, event in enumerate(detail.events):
            for column, text in enumerate(
                (format_datetime(event.at), event_name(event.kind), event.actor, event.note)
            ):
                self.history.setItem(n, column, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()
        self.papers.clear()
        for paper in slip_builders.received_papers(detail):
            self.papers.addItem(f"✓ {paper.name} — {paper_form_name(paper.form)} × {paper.count}")
        self.attachments.clear()
        for attachment in detail.attachments:
            item = QListWidgetItem(f"📎 {attachment.filename} ({attachment.size // 1024} KB)")
            item.setData(Qt.ItemDataRole.UserRole, attachment)
            self.attachments.addItem(item)
        self._fill_actions(detail.allowed_events)

    def _clear_actions(self) -> None:
        while self.actions_layout.count():
            item = self.actions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _fill_actions(self, allowed: tuple[Any, ...]) -> None:
        self._clear_actions()
        self.action_buttons: dict[str, QPushButton] = {}
        shown = [
            k
            for k in allowed
            if EventKind(k) not in (EventKind.RECEIVED, EventKind.REGISTERED_ONLINE) and self._offered(k)
        ]
        for n, kind in enumerate(shown):
            button = QPushButton(action_name(kind), self.actions_box)
            button.setObjectName(f"action_{EventKind(kind).value}")
            button.clicked.connect(lambda _c=False, k=kind: self.ask_and_record(EventKind(k)))
            self.actions_layout.addWidget(button, n // 2, n % 2)
            self.action_buttons[EventKind(kind).value] = button
        if not shown:
            self.actions_layout.addWidget(
                hint_label(self.tr("Hồ sơ đã kết thúc; không còn thao tác nào."), self.actions_box)
            )

    def _offered(self, kind: Any) -> bool:
        """Whether the person signed in may record ``kind`` (an extension is a leader's)."""
        session = self.ctx.session
        return session is None or session.allows_event(kind)

    def _refill_actions(self, _what: Any = None) -> None:
        if self.detail is not None:
            self._fill_actions(self.detail.allowed_events)

    # -- actions ----------------------------------------------------------------------

    def ask_and_record(self, kind: EventKind) -> None:
        """Ask what the law needs for ``kind`` (reason, new date), then record it."""
        if kind == EventKind.EXTENDED:
            self._ask_apology()
            return
        if kind == EventKind.EXTENSION_APPLIED:
            extension = event_forms.ExtensionDialog(self.detail.available_extensions, self)
            if extension.exec() == QDialog.DialogCode.Accepted:
                reason, data = extension.values()
                self.record(kind, reason, data=data)
            return
        note, new_date = "", None
        if kind in NEEDS_NOTE or kind == EventKind.ASSIGNED or kind == EventKind.HANDED_OVER:
            dialog = EventDialog(kind, self.detail, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            note, new_date = dialog.values()
        self.record(kind, note, new_date)

    def _ask_apology(self) -> None:
        """Form 04: the calendar proposes the new date, the clerk says why and who is at fault."""
        dossier_id = self.detail.summary.id
        StoreOp(self.ctx, lambda s: api.propose_apology_date(s, dossier_id), parent=self).success(
            self._open_apology
        ).run_in_background()

    def _open_apology(self, proposal: datetime) -> None:
        dialog = event_forms.ApologyDialog(self.detail, proposal, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            note, data = dialog.values()
            self.record(EventKind.EXTENDED, note, data=data)

    def record(
        self,
        kind: EventKind,
        note: str = "",
        new_date: datetime | None = None,
        *,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Record ``kind`` on the store thread; produce its slip when the law requires one."""
        if self.detail is None:
            return
        dossier_id = self.detail.summary.id
        data = dict(data or {})
        if new_date is not None:
            data["appointment_at"] = new_date.isoformat()
        actor = self.ctx.actor
        if actor is None:
            return
        before = self.detail
        StoreOp(
            self.ctx,
            lambda s: api.record_event(s, dossier_id, kind, note, data, actor),
            parent=self,
        ).success(
            lambda outcome: self._on_recorded(outcome, kind, note, new_date, before)
        ).run_in_background()

    def _on_recorded(
        self,
        outcome: Any,
        kind: EventKind,
        note: str,
        new_date: datetime | None,
        before: Any,
    ) -> None:
        detail = outcome.value
        if detail.summary.id == self.dossier_id:
            self._show(detail)
        emit(self.event_recorded, detail)
        if kind in SLIP_FORMS and kind != EventKind.RECEIVED:
            # Built from the stored event: what it records (old and new date, fault) is what
            # a reprint shows later.
            event = detail.events[-1]
            office_op = StoreOp(self.ctx, api.get_settings, parent=self)
            office_op.success(
                lambda office: self._emit_slip(
                    slip_builders.stored_event_slip(api.SlipData(detail, office), event)
                )
            ).run_in_background()

    def reprint_selected_event(self) -> None:
        """Print again the slip (02–05) of the step selected in the history."""
        if self.detail is None:
            return
        row = self.history.currentRow()
        events = self.detail.events
        event = events[row] if 0 <= row < len(events) else None
        if event is None or event not in slip_builders.reprintable_events(self.detail):
            self.ctx.errors.report(_NoSlip("no_slip_for_step", "choose a step with a slip"), parent=self)
            return
        dossier_id = self.detail.summary.id
        StoreOp(self.ctx, lambda s: api.receipt_slip_data(s, dossier_id), parent=self).success(
            lambda data: self._emit_slip(slip_builders.stored_event_slip(data, event))
        ).run_in_background()

    def produce_slip(self, form: str) -> None:
        """Form 01 (receipt again) or 06 (control slip) for the shown dossier."""
        if self.detail is None:
            return
        dossier_id = self.detail.summary.id
        build = slip_builders.receipt_slip if form == "01" else slip_builders.control_slip
        StoreOp(self.ctx, lambda s: api.receipt_slip_data(s, dossier_id), parent=self).success(
            lambda data: self._emit_slip(build(data))
        ).run_in_background()

    def _emit_slip(self, slip: slips.Slip) -> None:
        self.last_slip = slip
        emit(self.slip_ready, slip)
        if self.slip_action == "preview":
            slips.preview(slip, self)
        elif self.slip_action == "print":
            slips.print_slip(slip, self)

    # -- attachments ----------------------------------------------------------------

    def choose_attachment(self) -> None:
        """Pick a scanned file and attach it to the dossier."""
        if self.detail is None:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp quét"),
            str(Path.home()),
            self.tr("Tệp quét (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"),
        )
        if path:
            self.attach(path)

    def attach(self, path: str) -> None:
        """Copy ``path`` into the store and attach it (background)."""
        dossier_id = self.detail.summary.id
        StoreOp(self.ctx, lambda s: api.add_attachment(s, dossier_id, path), parent=self).run_in_background()

    def _open_attachment(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        attachment = item.data(Qt.ItemDataRole.UserRole)
        folder = str(self.ctx.paths.data_dir / "open")
        StoreOp(
            self.ctx,
            lambda s: api.attachment_copy(s, attachment.id, attachment.filename, folder),
            parent=self,
        ).success(self._open_path).run_in_background()

    def _open_path(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class _NoSlip(Exception):
    """The selected step has no slip to print (a typed error: the clerk gets a sentence)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class EventDialog(QDialog):
    """Asks for the reason (and new date for an extension) before recording an event.

    Signals: the standard QDialog ones.
    """

    def __init__(self, kind: EventKind, detail: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(action_name(kind))
        form = QFormLayout(self)
        prompts = {
            EventKind.SUPPLEMENT_REQUESTED: self.tr("Giấy tờ cần bổ sung và lý do"),
            EventKind.REFUSED: self.tr("Lý do từ chối"),
            EventKind.EXTENDED: self.tr("Lý do chậm trả kết quả"),
            EventKind.STOPPED: self.tr("Lý do dừng xử lý"),
            EventKind.WITHDRAWN: self.tr("Lý do rút hồ sơ"),
            EventKind.ASSIGNED: self.tr("Chuyển cho (người/bộ phận xử lý)"),
            EventKind.HANDED_OVER: self.tr("Bàn giao cho"),
        }
        self.note = QPlainTextEdit(self)
        self.note.setMaximumHeight(90)
        form.addRow(QLabel(prompts.get(kind, self.tr("Ghi chú")), self), self.note)
        self.date_edit: QDateTimeEdit | None = None
        if kind == EventKind.EXTENDED:
            start = detail.summary.appointment_at if detail else datetime.now(VN_TZ)
            proposed = start.astimezone(VN_TZ) + timedelta(days=2)
            self.date_edit = QDateTimeEdit(QDateTime(proposed.replace(tzinfo=None)), self)
            self.date_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            self.date_edit.setCalendarPopup(True)
            form.addRow(QLabel(self.tr("Ngày hẹn mới"), self), self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Ghi nhận"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Huỷ"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.kind in SLIP_FORMS and not self.note.toPlainText().strip():
            self.error.setText(self.tr("Cần ghi lý do: nội dung này được in trên phiếu."))
            return
        self.accept()

    def values(self) -> tuple[str, datetime | None]:
        """(note, new appointment or None)."""
        new_date = None
        if self.date_edit is not None:
            chosen: datetime = self.date_edit.dateTime().toPython()  # type: ignore[assignment]
            new_date = chosen.replace(tzinfo=VN_TZ)
        return self.note.toPlainText().strip(), new_date
