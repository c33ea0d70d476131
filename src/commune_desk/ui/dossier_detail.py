"""The detail of one dossier: applicant, papers, attachments, history and allowed actions.

Every action goes through :class:`~commune_desk.ui.event_dialog.EventDialog`
(the consequence in words, then confirm); a step recorded by mistake is
offered its correction ("Đính chính: …") right after. Citizens' text is
escaped before it goes into rich text. The panel is empty and disabled when
no listed dossier is selected.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.dossier import SLIP_FORMS, UNDOES, EventKind
from commune_desk.ui import api, event_forms, slip_builders, slips
from commune_desk.ui.context import UiContext
from commune_desk.ui.event_dialog import EventDialog
from commune_desk.ui.format import format_datetime
from commune_desk.ui.labels import action_name, event_name, paper_form_name, status_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import action_button, hint_label, set_role

#: Steps recorded at intake or online, never from the detail panel.
_NOT_OFFERED = (EventKind.RECEIVED, EventKind.REGISTERED_ONLINE)
#: Most history rows shown at full height before the history scrolls on its own.
_HISTORY_ROWS = 12


class DossierDetailPanel(QScrollArea):
    """Shows one dossier and offers only the actions its status (and history) allows.

    Signals:
        event_recorded(object): the DossierDetail after an action was recorded.
        slip_ready(object): a Slip produced for an action (forms 02–05) or on request (01, 06).
        actions_changed(): the action buttons were rebuilt (the page re-chains Tab through them).
    """

    event_recorded = Signal(object)
    slip_ready = Signal(object)
    actions_changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Any = None
        self.dossier_id: str | None = None
        self.slip_action = "preview"
        self.last_slip: slips.Slip | None = None
        self.action_buttons: dict[str, QPushButton] = {}
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the actions
        inner = QWidget(self)
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 0, 8, 0)
        self.heading = QLabel(inner)
        self.heading.setObjectName("detailHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3b5a;")
        layout.addWidget(self.heading)
        self.info = QLabel(inner)
        self.info.setObjectName("detailInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.info)

        self.actions_box = QGroupBox(self.tr("Thao tác được phép"), inner)
        self.actions_layout = QGridLayout(self.actions_box)
        layout.addWidget(self.actions_box)

        printing = QGridLayout()  # two a row: the panel stays within a 1366 px screen
        self.receipt_button = action_button(self.tr("In lại giấy tiếp nhận (01)"), inner)
        self.control_button = action_button(self.tr("Phiếu kiểm soát (06)"), inner)
        self.receipt_button.clicked.connect(lambda: self.produce_slip("01"))
        self.control_button.clicked.connect(lambda: self.produce_slip("06"))
        self.reprint_button = action_button(self.tr("In lại phiếu 02–05"), inner)
        self.reprint_button.setObjectName("reprintEventSlip")
        self.reprint_button.clicked.connect(self.reprint_selected_event)
        printing.addWidget(self.receipt_button, 0, 0)
        printing.addWidget(self.control_button, 0, 1)
        printing.addWidget(self.reprint_button, 1, 0)
        layout.addLayout(printing)

        history_box = QGroupBox(self.tr("Quá trình giải quyết"), inner)
        history_layout = QVBoxLayout(history_box)
        self.history = _HistoryTable(history_box)
        self.history.setObjectName("historyTable")
        self.history.setHorizontalHeaderLabels([self.tr("Thời gian, người"), self.tr("Bước, lý do")])
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setWordWrap(True)  # the note is the legal reason: shown whole, wrapped
        self.history.setTabKeyNavigation(False)
        self.history.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
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
        self.attach_button = action_button(self.tr("Thêm tệp quét…"), papers_box)
        self.attach_button.clicked.connect(self.choose_attachment)
        self.open_button = action_button(self.tr("Mở tệp"), papers_box)
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

    def show_dossier(self, dossier_id: str | None, *, gone: bool = False) -> None:
        """Load and show ``dossier_id``; None empties and disables the panel.

        ``gone`` says why it is empty: the dossier shown before is not among the listed rows.
        """
        self.dossier_id = dossier_id
        if dossier_id is None:
            self.detail = None
            self._set_enabled(False, gone=gone)
            return
        StoreOp(self.ctx, lambda s: api.get_dossier(s, dossier_id), parent=self).success(
            lambda detail: self._show(detail) if detail.summary.id == self.dossier_id else None
        ).run_in_background()

    def _on_store_changed(self, changes: Any) -> None:
        touches = getattr(changes, "touches", None)
        if self.dossier_id and callable(touches) and touches("dossier", self.dossier_id):
            self.show_dossier(self.dossier_id)

    def _set_enabled(self, enabled: bool, *, gone: bool = False) -> None:
        for widget in (
            self.reprint_button,
            self.receipt_button,
            self.control_button,
            self.attach_button,
            self.open_button,
            self.actions_box,
            self.history,
            self.papers,
            self.attachments,
        ):
            widget.setEnabled(enabled)
        if not enabled:
            if gone:
                self.heading.setText(
                    self.tr(
                        "Hồ sơ vừa xem không có trong các dòng đang hiển thị (đã lọc hoặc tìm khác). "
                        "Chọn một hồ sơ trong danh sách."
                    )
                )
            else:
                self.heading.setText(self.tr("Chọn một hồ sơ trong danh sách để xem chi tiết."))
            self.info.clear()
            self.history.setRowCount(0)
            self.papers.clear()
            self.attachments.clear()
            self._clear_actions()
            emit(self.actions_changed)

    def _show(self, detail: Any) -> None:
        self.detail = detail
        s = detail.summary
        self._set_enabled(True)
        self.heading.setText(f"{s.code} — {status_name(s.status)}")
        late = self.tr("QUÁ HẠN")
        overdue = f' <span style="color:#b00020"><b>{late}</b></span>' if s.overdue else ""
        esc = html.escape
        rows = [
            (self.tr("Người nộp"), esc(s.applicant_name)),
            (self.tr("Số CCCD/CMND"), esc(s.applicant_id_number)),
            *(
                [(self.tr("Ngày sinh"), detail.date_of_birth.strftime("%d/%m/%Y"))]
                if detail.date_of_birth
                else []
            ),
            (self.tr("Điện thoại"), esc(s.applicant_phone or "—")),
            (self.tr("Địa chỉ"), esc(detail.applicant_address or "—")),
            (self.tr("Thủ tục"), esc(s.procedure_name)),
            (self.tr("Tiếp nhận"), esc(f"{format_datetime(s.received_at)} · {s.received_by}")),
            (self.tr("Hẹn trả"), esc(format_datetime(s.appointment_at)) + overdue),
        ]
        self.info.setText(
            "<table>"
            + "".join(f"<tr><td>{esc(k)}:&nbsp;</td><td><b>{v}</b></td></tr>" for k, v in rows)
            + "</table>"
        )
        self._fill_history(detail.events)
        self.papers.clear()
        for paper in slip_builders.received_papers(detail):
            self.papers.addItem(f"✓ {paper.name} — {paper_form_name(paper.form)} × {paper.count}")
        self.attachments.clear()
        for attachment in detail.attachments:
            item = QListWidgetItem(f"📎 {attachment.filename} ({attachment.size // 1024} KB)")
            item.setData(Qt.ItemDataRole.UserRole, attachment)
            self.attachments.addItem(item)
        self._fill_actions(detail.allowed_events)

    def _fill_history(self, events: Any) -> None:
        self.history.setRowCount(len(events))
        for n, event in enumerate(events):
            when = format_datetime(event.at) + (f"\n{event.actor}" if event.actor else "")
            step = event_name(event.kind) + (f"\n{event.note}" if event.note else "")
            for column, text in enumerate((when, step)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(n, column, item)
        self.history.resizeColumnToContents(0)
        self.history.fit_rows()

    def _clear_actions(self) -> None:
        self.action_buttons = {}
        while self.actions_layout.count():
            item = self.actions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _fill_actions(self, allowed: tuple[Any, ...]) -> None:
        self._clear_actions()
        steps = [EventKind(k) for k in allowed if EventKind(k) not in _NOT_OFFERED and self._offered(k)]
        # Corrections last, on a row of their own, in their own look.
        ordered = [k for k in steps if k not in UNDOES] + [k for k in steps if k in UNDOES]
        row = column = 0
        for kind in ordered:
            if kind in UNDOES and column:
                row, column = row + 1, 0
            button = action_button(action_name(kind), self.actions_box)
            button.setObjectName(f"action_{kind.value}")
            if kind in UNDOES:
                set_role(button, "correction")
            button.clicked.connect(lambda _c=False, k=kind: self.ask_and_record(k))
            self.actions_layout.addWidget(button, row, column)
            self.action_buttons[kind.value] = button
            row, column = (row + 1, 0) if column else (row, 1)
        if not ordered:
            self.actions_layout.addWidget(
                hint_label(self.tr("Hồ sơ đã kết thúc; không còn thao tác nào."), self.actions_box)
            )
        emit(self.actions_changed)

    def focus_chain(self) -> list[QWidget]:
        """The panel's widgets in Tab order: the allowed actions first, then the rest."""
        return [
            *self.action_buttons.values(),
            self.receipt_button,
            self.control_button,
            self.history,
            self.reprint_button,
            self.papers,
            self.attachments,
            self.attach_button,
            self.open_button,
        ]

    def focus_actions(self) -> None:
        """Put the keyboard on the first allowed action (Enter on a row of the list)."""
        first = next(iter(self.action_buttons.values()), None)
        (first or self.receipt_button).setFocus(Qt.FocusReason.TabFocusReason)

    def _offered(self, kind: Any) -> bool:
        """Whether the person signed in may record ``kind`` (an extension is a leader's)."""
        session = self.ctx.session
        return session is None or session.allows_event(kind)

    def _refill_actions(self, _what: Any = None) -> None:
        if self.detail is not None:
            self._fill_actions(self.detail.allowed_events)

    # -- actions ----------------------------------------------------------------------

    def ask_and_record(self, kind: EventKind) -> None:
        """Say what ``kind`` will do and ask what the law needs (reason, new date); then record.

        Form 04 and a statutory extension have their own forms (``event_forms``); every
        other step goes through :class:`EventDialog`. The step is recorded on the dossier
        the dialog named, even if the panel was refreshed meanwhile (a sync round that
        brought records reloads the list and empties the panel).
        """
        target = self.detail
        if target is None:
            return
        if kind == EventKind.EXTENDED:
            self._ask_apology(target)
            return
        if kind == EventKind.EXTENSION_APPLIED:
            extension = event_forms.ExtensionDialog(target.available_extensions, self)
            if extension.exec() == QDialog.DialogCode.Accepted:
                reason, data = extension.values()
                self.record(kind, reason, data=data, target=target)
            return
        dialog = EventDialog(kind, target, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.record(kind, dialog.typed_note(), target=target)

    def _ask_apology(self, target: Any) -> None:
        """Form 04: the calendar proposes the new date, the clerk says why and who is at fault."""
        dossier_id = target.summary.id
        StoreOp(self.ctx, lambda s: api.propose_apology_date(s, dossier_id), parent=self).success(
            lambda proposal: self._open_apology(proposal, target)
        ).run_in_background()

    def _open_apology(self, proposal: datetime, target: Any) -> None:
        dialog = event_forms.ApologyDialog(target, proposal, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            note, data = dialog.values()
            self.record(EventKind.EXTENDED, note, data=data, target=target)

    def record(
        self,
        kind: EventKind,
        note: str = "",
        new_date: datetime | None = None,
        *,
        data: dict[str, Any] | None = None,
        target: Any = None,
    ) -> None:
        """Record ``kind`` on ``target`` (default: the shown dossier) on the store thread;
        produce its slip when the law requires one."""
        target = target or self.detail
        if target is None:
            return
        dossier_id = target.summary.id
        data = dict(data or {})
        if new_date is not None:
            data["appointment_at"] = new_date.isoformat()
        actor = self.ctx.actor
        if actor is None:
            return
        before = target
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


class _HistoryTable(QTableWidget):
    """The history: rows as tall as their wrapped text, refitted whenever the width changes
    (the legal reason is never cut); the first rows need no inner scrolling.

    Signals: the standard QTableWidget ones.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)

    def fit_rows(self) -> None:
        """Resize the rows to their text and the table to its first rows."""
        self.resizeRowsToContents()
        rows = min(self.rowCount(), _HISTORY_ROWS)
        shown = sum(self.rowHeight(n) for n in range(rows))
        frame = 2 * self.frameWidth() + self.horizontalHeader().height()
        self.setFixedHeight(max(90, shown + frame + 4))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Refit the rows: a new width wraps the text differently."""
        super().resizeEvent(event)
        self.fit_rows()
