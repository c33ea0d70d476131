"""The one dialog every step of a dossier goes through: what will happen, then confirm.

It names the dossier and the consequence of the step in words (the new
status, the slip that is printed, whether it can be corrected), asks for the
reason when the law or the audit needs one, and carries the step's own words
on its confirm button (form 04 and a statutory extension have their own
forms, ``ui/event_forms.py``, which ask for their date and basis). Steps
that end the dossier keep "Quay lại" as the default button, so a second Enter
cannot end a dossier by accident; Esc over a typed reason asks before
throwing it away.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from commune_desk.domain.dossier import (
    SLIP_FORMS,
    UNDO_OF,
    UNDOES,
    DossierStatus,
    EventKind,
    next_status,
)
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.labels import action_name, event_name, status_name
from commune_desk.ui.widgets import confirm, error_label

E = EventKind

#: What recording each step does, as the clerk is told before confirming.
CONSEQUENCES: dict[EventKind, str] = {
    E.RECEIVED: QT_TRANSLATE_NOOP(
        "EventDialog", "Hồ sơ đăng ký trực tuyến được tiếp nhận; thời hạn giải quyết bắt đầu tính."
    ),
    E.ASSIGNED: QT_TRANSLATE_NOOP(
        "EventDialog", "Hồ sơ chuyển sang «Đang xử lý», giao cho người hoặc bộ phận ghi dưới đây."
    ),
    E.HANDED_OVER: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Ghi nhận việc bàn giao hồ sơ; trạng thái không đổi. Việc bàn giao có trong phiếu "
        "kiểm soát (mẫu 06).",
    ),
    E.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP(
        "EventDialog",
        "In phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02) để giao công dân. Thời hạn "
        "giải quyết tạm dừng đến khi công dân nộp bổ sung. Phiếu đã giao cho công dân thì không đính "
        "chính được.",
    ),
    E.SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Ghi nhận công dân đã nộp đủ giấy tờ bổ sung. Thời hạn giải quyết tính tiếp và ngày "
        "hẹn trả được tính lại.",
    ),
    E.PAYMENT_REQUESTED: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Hồ sơ chuyển sang «Chờ nộp phí». Thời hạn giải quyết tạm dừng đến khi công dân nộp phí, lệ phí.",
    ),
    E.PAID: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Ghi nhận công dân đã nộp phí, lệ phí. Thời hạn giải quyết tính tiếp và ngày hẹn trả được tính lại.",
    ),
    E.RESULT_READY: QT_TRANSLATE_NOOP(
        "EventDialog", "Hồ sơ chuyển sang «Có kết quả»: kết quả đã sẵn sàng để trả cho công dân."
    ),
    E.RETURNED: QT_TRANSLATE_NOOP(
        "EventDialog", "Ghi nhận đã trao kết quả cho công dân. Hồ sơ kết thúc («Đã trả kết quả»)."
    ),
    E.REFUSED: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Hồ sơ kết thúc với trạng thái «Từ chối»; in phiếu từ chối (mẫu 03) ghi rõ lý do. "
        "Việc từ chối không đính chính được.",
    ),
    E.WITHDRAWN: QT_TRANSLATE_NOOP(
        "EventDialog", "Hồ sơ kết thúc vì công dân rút hồ sơ. Việc này không đính chính được."
    ),
    E.STOPPED: QT_TRANSLATE_NOOP(
        "EventDialog",
        "Hồ sơ kết thúc với trạng thái «Dừng xử lý»; in thông báo dừng xử lý (mẫu 05). "
        "Việc này không đính chính được.",
    ),
    E.NOTE: QT_TRANSLATE_NOOP(
        "EventDialog", "Thêm một ghi chú vào quá trình giải quyết; trạng thái không đổi."
    ),
}

#: What the clerk types, per step (the slip or the audit states it).
PROMPTS: dict[EventKind, str] = {
    E.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP("EventDialog", "Giấy tờ cần bổ sung và lý do"),
    E.REFUSED: QT_TRANSLATE_NOOP("EventDialog", "Lý do từ chối"),
    E.STOPPED: QT_TRANSLATE_NOOP("EventDialog", "Lý do dừng xử lý"),
    E.WITHDRAWN: QT_TRANSLATE_NOOP("EventDialog", "Lý do rút hồ sơ"),
    E.ASSIGNED: QT_TRANSLATE_NOOP("EventDialog", "Chuyển cho (người/bộ phận xử lý)"),
    E.HANDED_OVER: QT_TRANSLATE_NOOP("EventDialog", "Bàn giao cho"),
    E.NOTE: QT_TRANSLATE_NOOP("EventDialog", "Ghi chú"),
    **{undo: QT_TRANSLATE_NOOP("EventDialog", "Lý do đính chính (ghi nhầm thế nào)") for undo in UNDOES},
}

#: Steps that need their text typed: printed on a slip, or the reason of a correction.
REQUIRED_NOTE = frozenset(SLIP_FORMS) | frozenset(UNDOES) | {E.NOTE, E.WITHDRAWN}
#: Steps after which nothing but a note (or a correction) can follow.
ENDING = frozenset({E.RETURNED, E.REFUSED, E.WITHDRAWN, E.STOPPED})


def _tr(text: str) -> str:
    return QCoreApplication.translate("EventDialog", text)


def consequence(kind: EventKind, status: DossierStatus | None) -> str:
    """What recording ``kind`` now does to the dossier, in the clerk's words."""
    if kind in UNDOES:
        after = next_status(status, kind) if status is not None else None
        return _tr(
            "Đính chính bước «{step}» đã ghi nhầm: hồ sơ trở lại trạng thái «{status}». Bước ghi nhầm "
            "vẫn được giữ trong quá trình giải quyết, kèm lý do và người đính chính."
        ).format(step=event_name(UNDOES[kind]), status=status_name(after))
    text = _tr(CONSEQUENCES.get(kind, QT_TRANSLATE_NOOP("EventDialog", "Ghi nhận bước này vào hồ sơ.")))
    if kind in UNDO_OF:
        text += " " + _tr("Nếu ghi nhầm, có thể đính chính ngay sau đó, ghi rõ lý do.")
    return text


class EventDialog(QDialog):
    """Confirms one step of a dossier, with its reason and (extension) new date.

    Signals: the standard QDialog ones.
    """

    def __init__(self, kind: EventKind, detail: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(action_name(kind))
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        status = detail.summary.status if detail is not None else None
        if detail is not None:
            who = QLabel(
                self.tr("Hồ sơ {code} · {name}").format(
                    code=detail.summary.code, name=detail.summary.applicant_name
                ),
                self,
            )
            who.setTextFormat(Qt.TextFormat.PlainText)
            who.setStyleSheet("font-weight: bold;")
            form.addRow(who)
        self.consequence = QLabel(consequence(kind, status), self)
        self.consequence.setObjectName("consequence")
        self.consequence.setWordWrap(True)
        self.consequence.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.consequence)
        self.note: QPlainTextEdit | None = None
        if kind in PROMPTS:
            self.note = QPlainTextEdit(self)
            self.note.setObjectName("eventNote")
            self.note.setTabChangesFocus(True)
            self.note.setMaximumHeight(90)
            form.addRow(QLabel(_tr(PROMPTS[kind]), self), self.note)
        self.error = error_label(self)
        form.addRow(self.error)
        buttons = QDialogButtonBox(self)
        accept_text = self.tr("Ghi đính chính") if kind in UNDOES else action_name(kind)
        self.accept_button = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("confirmStep")
        self.back_button = buttons.addButton(self.tr("Quay lại"), QDialogButtonBox.ButtonRole.RejectRole)
        # Ending a dossier takes a deliberate choice of the button: Enter means "back".
        default = self.back_button if kind in ENDING and self.note is None else self.accept_button
        default.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.note or default).setFocus()

    def typed_note(self) -> str:
        """The reason as typed (stripped)."""
        return self.note.toPlainText().strip() if self.note is not None else ""

    def _accept(self) -> None:
        if self.kind in REQUIRED_NOTE and not self.typed_note():
            if self.kind in UNDOES:
                self.error.setText(self.tr("Cần ghi lý do đính chính: lý do được lưu cùng hồ sơ."))
            else:
                self.error.setText(self.tr("Cần ghi lý do: nội dung này được in trên phiếu."))
            if self.note is not None:
                self.note.setFocus()
            return
        self.accept()

    def reject(self) -> None:
        """Esc or "Quay lại": ask first when a reason has been typed, so it is not lost by mistake."""
        if self.typed_note() and not confirm(
            self,
            title=self.tr("Bỏ nội dung đã gõ?"),
            text=self.tr("Lý do đã gõ sẽ bị bỏ và bước này không được ghi nhận."),
            accept=self.tr("Bỏ, không ghi nhận"),
            reject=self.tr("Tiếp tục gõ"),
        ):
            return
        super().reject()
