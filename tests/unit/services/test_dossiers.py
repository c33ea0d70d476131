"""Registering dossiers and recording their events through the services, on a real store."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.domain.errors import IllegalTransition, ValidationError
from commune_desk.domain.intake import PaperForm, ReceivedPaper
from commune_desk.services import NotFound
from commune_desk.store.models import Dossier, DossierEvent, OutboxOp, SearchKey, StagedSearchKey


def _count(ctx: AppContext, model: type) -> int:
    with ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_register_writes_dossier_event_outbox_and_index_together(ctx: AppContext) -> None:
    outcome = ctx.services.register_dossier(new_dossier())
    d = outcome.value.summary
    assert d.code == "000.00.00.H26-260310-1001"
    assert d.status == DossierStatus.ACCEPTED
    # HT-GH: 3 working days from Tuesday 09:00 -> Friday 09:00
    assert d.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 13, 9, 0, tzinfo=VN_TZ)
    assert outcome.changes.ids("dossier") == {d.id}
    assert [e.kind for e in outcome.value.events] == [EventKind.RECEIVED]
    with ctx.store.read() as s:
        ops = list(s.scalars(select(OutboxOp).order_by(OutboxOp.seq)))
        assert [(o.entity, o.action, o.seq) for o in ops] == [
            ("dossier", "create", 1),
            ("dossier_event", "create", 2),
        ]
        assert ops[0].entity_id == d.id and ops[0].device_id == ctx.device_id
        assert ops[0].fields["applicant_name"] == "Đặng Thị Đào"
        # the keys wait in the staging table (one page of the save) ...
        staged = s.scalar(select(StagedSearchKey.keys).where(StagedSearchKey.entity_id == d.id))
        assert staged.startswith("dang thi dao")
        assert s.scalar(select(SearchKey.keys).where(SearchKey.entity_id == d.id)) is None
    # ... and reach search_keys and the index before a search reads it
    assert [r.id for r in ctx.services.search_dossiers("dang thi dao")] == [d.id]
    with ctx.store.read() as s:
        assert s.scalar(select(SearchKey.keys).where(SearchKey.entity_id == d.id)) == staged
        assert s.scalar(select(func.count()).select_from(StagedSearchKey)) == 0


def test_codes_count_up_per_day_and_restart_the_next_day(ctx: AppContext, clock: Clock) -> None:
    codes = [ctx.services.register_dossier(new_dossier()).value.summary.code for _ in range(3)]
    assert [c[-4:] for c in codes] == ["1001", "1002", "1003"]
    clock.advance(days=1)
    assert ctx.services.register_dossier(new_dossier()).value.summary.code.endswith("260311-1001")


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("applicant_name", "   ", "name_required"),
        ("applicant_id_number", "12345", "invalid_id_number"),
        ("applicant_phone", "0123", "invalid_phone"),
        ("procedure_code", "NO-SUCH", "unknown_procedure"),
        ("received_at", datetime(2026, 3, 10, 9, 0), "naive_datetime"),
    ],
)
def test_invalid_intake_writes_nothing(ctx: AppContext, field: str, value: object, kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        ctx.services.register_dossier(new_dossier(**{field: value}))
    assert info.value.kind == kind
    assert _count(ctx, Dossier) == 0 and _count(ctx, OutboxOp) == 0
    assert _count(ctx, SearchKey) == 0 and _count(ctx, StagedSearchKey) == 0


def test_full_life_cycle_and_illegal_transition(ctx: AppContext, clock: Clock) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    assert s.record_event(d.id, EventKind.ASSIGNED, actor="Cán bộ tư pháp").value.summary.status == (
        DossierStatus.PROCESSING
    )
    with pytest.raises(IllegalTransition) as info:
        s.record_event(d.id, EventKind.RETURNED)
    assert info.value.kind == "illegal_transition"
    clock.advance(hours=2)
    detail = s.record_event(d.id, "result_ready").value
    assert detail.summary.status == DossierStatus.RESULT_READY
    assert detail.finished_at == clock.now
    detail = s.record_event(d.id, "returned").value
    assert detail.summary.status == DossierStatus.RETURNED
    assert detail.allowed_events == (EventKind.NOTE, EventKind.UNDO_RETURNED)
    assert [e.kind.value for e in s.get_dossier(d.id).events] == [
        "received",
        "assigned",
        "result_ready",
        "returned",
    ]
    assert _count(ctx, DossierEvent) == 4
    assert ctx.services.check_store().ok


def test_supplement_wait_moves_the_appointment(ctx: AppContext) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    s.record_event(d.id, "assigned")
    s.record_event(d.id, "supplement_requested", at=TUESDAY_9AM + timedelta(hours=1))
    # waiting from Tue 10:00 to Thu 10:00 = two full working days paused
    after = s.record_event(d.id, "supplement_received", at=TUESDAY_9AM + timedelta(days=2, hours=1))
    assert after.value.summary.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)
    with ctx.store.read() as session:
        # Derived from the events on every PC: the appointment never travels as a field.
        assert session.scalars(select(OutboxOp).where(OutboxOp.action == "update")).all() == []


def test_extension_sets_the_new_date(ctx: AppContext) -> None:
    d = ctx.services.register_dossier(new_dossier()).value.summary
    new_date = datetime(2026, 3, 20, 16, 0, tzinfo=VN_TZ)
    detail = ctx.services.record_event(
        d.id,
        "extended",
        note="Chờ ý kiến cơ quan cấp trên",
        data={"appointment_at": new_date.isoformat(), "fault": "processing_agency"},
    ).value
    assert detail.summary.appointment_at == new_date
    event = detail.events[-1]
    assert event.data["fault"] == "processing_agency"
    assert event.data["previous_appointment_at"] == datetime(2026, 3, 13, 9, 0, tzinfo=VN_TZ).isoformat()


def test_unknown_dossier_is_not_found(ctx: AppContext) -> None:
    with pytest.raises(NotFound) as info:
        ctx.services.record_event("nope", "assigned")
    assert info.value.kind == "not_found"
    with pytest.raises(NotFound):
        ctx.services.get_dossier_by_code("000.00.00.H26-260310-9999")


def test_get_by_code(ctx: AppContext) -> None:
    d = ctx.services.register_dossier(new_dossier()).value.summary
    assert ctx.services.get_dossier_by_code(d.code.lower()).summary.id == d.id


def test_same_day_procedures_honour_the_supplement_pause(ctx: AppContext, clock: Clock) -> None:
    """Received 09:00, supplement asked 09:30, brought back two days later: due that day."""
    s = ctx.services
    d = s.register_dossier(new_dossier(procedure_code="HT-KS")).value.summary
    assert d.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 10, 17, 0, tzinfo=VN_TZ)
    s.record_event(d.id, "supplement_requested", at=TUESDAY_9AM + timedelta(minutes=30), note="Thiếu tờ khai")
    clock.now = TUESDAY_9AM + timedelta(days=2, hours=1)  # Thursday 10:00
    after = s.record_event(d.id, "supplement_received", at=clock.now).value.summary
    assert after.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 12, 17, 0, tzinfo=VN_TZ)
    assert not after.overdue


def test_statutory_extension_is_applied_once_with_its_legal_basis(ctx: AppContext) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier(procedure_code="HT-NCMC")).value
    assert EventKind.EXTENSION_APPLIED in d.allowed_events
    assert [e.code for e in d.available_extensions] == ["XAC-MINH"]
    after = s.record_event(d.summary.id, "extension_applied", data={"extension": "xac-minh"}).value
    assert after.summary.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 20, 9, 0, tzinfo=VN_TZ)
    assert after.events[-1].data["legal_basis"] == "Khoản 2 Điều 25 Luật Hộ tịch năm 2014"
    assert EventKind.EXTENSION_APPLIED not in after.allowed_events
    with pytest.raises(ValidationError) as err:
        s.record_event(d.summary.id, "extension_applied", data={"extension": "XAC-MINH"})
    assert err.value.kind == "extension_already_applied"
    plain = s.register_dossier(new_dossier(procedure_code="HT-GH")).value
    assert EventKind.EXTENSION_APPLIED not in plain.allowed_events
    with pytest.raises(ValidationError) as err:
        s.record_event(plain.summary.id, "extension_applied", data={"extension": "XAC-MINH"})
    assert err.value.kind == "unknown_extension"


def test_an_extension_known_at_intake_sets_the_first_date(ctx: AppContext) -> None:
    d = ctx.services.register_dossier(new_dossier(procedure_code="HT-KH", extension="XAC-MINH")).value
    assert d.extension is not None and d.extension.legal_basis == "Khoản 2 Điều 18 Luật Hộ tịch năm 2014"
    assert d.summary.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"appointment_at": "2026-03-15T10:00:00+07:00", "fault": "one_stop"}, "appointment_not_working_day"),
        ({"appointment_at": "2026-03-09T10:00:00+07:00", "fault": "one_stop"}, "appointment_before_receipt"),
        ({"appointment_at": "2026-03-16T12:00:00+07:00", "fault": "one_stop"}, "appointment_outside_hours"),
        ({"appointment_at": "2026-03-16T10:00:00+07:00", "fault": "the weather"}, "invalid_fault"),
        ({"appointment_at": "2026-03-16T10:00:00+07:00"}, "invalid_fault"),
        ({"fault": "one_stop"}, "appointment_required"),
    ],
)
def test_form_04_dates_and_faults_are_checked(ctx: AppContext, data: dict, kind: str) -> None:  # type: ignore[type-arg]
    d = ctx.services.register_dossier(new_dossier()).value.summary
    with pytest.raises(ValidationError) as err:
        ctx.services.record_event(d.id, "extended", note="Chậm", data=data)
    assert err.value.kind == kind
    assert _count(ctx, DossierEvent) == 1


def test_form_04_proposes_two_working_days_after_the_old_date(ctx: AppContext, clock: Clock) -> None:
    d = ctx.services.register_dossier(new_dossier()).value.summary  # due Fri 13/3 09:00
    proposal = ctx.services.propose_apology_date(d.id)
    assert proposal.astimezone(VN_TZ) == datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)  # over the weekend
    clock.now = datetime(2026, 4, 29, 16, 0, tzinfo=VN_TZ)  # late, just before 30/4–3/5
    proposal = ctx.services.propose_apology_date(d.id)
    assert proposal.astimezone(VN_TZ) == datetime(2026, 5, 5, 16, 0, tzinfo=VN_TZ)  # Mon, Tue


def test_papers_and_date_of_birth_are_stored_as_given(ctx: AppContext) -> None:
    papers = (
        ReceivedPaper("Tờ khai đăng ký giám hộ", PaperForm.ORIGINAL, 1),
        ReceivedPaper("Văn bản cử người giám hộ", PaperForm.PHOTOCOPY, 3),
    )
    d = ctx.services.register_dossier(new_dossier(papers=papers, date_of_birth=date(2001, 1, 1))).value
    again = ctx.services.get_dossier(d.summary.id)
    assert again.papers == papers and again.date_of_birth == date(2001, 1, 1)
    none = ctx.services.register_dossier(new_dossier()).value
    assert ctx.services.get_dossier(none.summary.id).papers == ()  # nothing ticked: nothing listed
    with pytest.raises(ValidationError) as err:
        ctx.services.register_dossier(new_dossier(date_of_birth=date(2002, 1, 1)))
    assert err.value.kind == "id_number_birth_mismatch"


def test_a_mistaken_return_is_taken_back_by_an_audited_correction(ctx: AppContext, clock: Clock) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    s.record_event(d.id, "result_ready")
    returned = s.record_event(d.id, "returned", actor="Nguyễn Thu Hà").value
    assert returned.returned_at is not None
    assert returned.allowed_events == (EventKind.NOTE, EventKind.UNDO_RETURNED)
    with pytest.raises(ValidationError) as info:
        s.record_event(d.id, "undo_returned", actor="Nguyễn Thu Hà", note="  ")
    assert info.value.kind == "correction_reason_required"
    clock.advance(minutes=5)
    fixed = s.record_event(
        d.id, "undo_returned", actor="Nguyễn Thu Hà", note="Bấm nhầm: công dân chưa đến nhận"
    ).value
    assert fixed.summary.status == DossierStatus.RESULT_READY and fixed.returned_at is None
    assert EventKind.RETURNED in fixed.allowed_events
    assert EventKind.UNDO_RESULT_READY in fixed.allowed_events
    # The wrong step stays in the history, followed by its correction and its reason.
    assert [e.kind for e in fixed.events][-2:] == [EventKind.RETURNED, EventKind.UNDO_RETURNED]
    assert fixed.events[-1].note == "Bấm nhầm: công dân chưa đến nhận"
    with ctx.store.read() as session:
        ops = list(
            session.scalars(select(OutboxOp).where(OutboxOp.entity == "dossier_event").order_by(OutboxOp.seq))
        )
        assert ops[-1].fields["kind"] == "undo_returned"
    assert ctx.services.check_store().ok


def test_a_correction_only_takes_back_the_latest_step(ctx: AppContext) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    s.record_event(d.id, "supplement_requested", note="Thiếu giấy chứng sinh")
    s.record_event(d.id, "supplement_received")
    with pytest.raises(IllegalTransition) as info:  # same status, but no payment was made
        s.record_event(d.id, "undo_paid", note="thử")
    assert info.value.kind == "nothing_to_correct"
    s.record_event(d.id, "undo_supplement_received", note="Công dân chưa nộp đủ")
    assert s.get_dossier(d.id).summary.status == DossierStatus.SUPPLEMENT_REQUESTED


def test_taking_back_a_payment_reopens_the_pause(ctx: AppContext) -> None:
    s = ctx.services
    d = s.register_dossier(new_dossier()).value.summary
    original = d.appointment_at
    s.record_event(d.id, "payment_requested", at=TUESDAY_9AM + timedelta(hours=1))
    paid = s.record_event(d.id, "paid", at=TUESDAY_9AM + timedelta(days=1, hours=1)).value
    assert paid.summary.appointment_at > original  # one working day paused
    undone = s.record_event(
        d.id, "undo_paid", at=TUESDAY_9AM + timedelta(days=1, hours=2), note="Chưa thu tiền"
    ).value
    assert undone.summary.status == DossierStatus.PAYMENT_REQUIRED
    assert undone.summary.appointment_at == original  # the wait is open again
    again = s.record_event(d.id, "paid", at=TUESDAY_9AM + timedelta(days=2, hours=1)).value
    # paused Tue 10:00 -> Thu 10:00 (the wait that really happened): two working days
    assert again.summary.appointment_at.astimezone(VN_TZ) == datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)
