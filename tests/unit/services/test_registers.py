"""Register books as Decree 30/2020 wants them printed, symbols, fixed marks, voiding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from commune_desk.app import AppContext
from commune_desk.domain.errors import DomainError, NumberingError, ValidationError
from commune_desk.domain.registers import URGENCIES, validate_symbol
from commune_desk.services import NewIncomingDocument, NewOutgoingDocument
from commune_desk.store.models import AuditEntry, IncomingDocument, OutboxOp, OutgoingDocument


def _out(ctx: AppContext, summary: str, *, secret: bool = False, symbol: str = "QĐ-UBND"):  # type: ignore[no-untyped-def]
    return ctx.services.register_outgoing(
        NewOutgoingDocument(symbol=symbol, summary=summary, secret=secret, copy_holder="Văn phòng")
    ).value


def test_one_book_per_series_ordered_by_number_with_voided_rows(ctx: AppContext) -> None:
    s = ctx.services
    first = _out(ctx, "Quyết định thứ nhất")
    secret = _out(ctx, "Quyết định mật", secret=True)
    second = _out(ctx, "Quyết định thứ hai")
    s.void_number(first.series, first.number, reason="In sai trích yếu", actor="Văn thư")
    s.void_number("outgoing/2026", 5, reason="Hỏng phôi", actor="Văn thư")
    third = _out(ctx, "Quyết định thứ ba")
    assert (first.number_symbol, secret.number_symbol, second.number_symbol) == (
        "01/QĐ-UBND",
        "01/QĐ-UBND",
        "02/QĐ-UBND",
    )
    book = s.register_book("outgoing/2026")
    assert [r.number for r in book.rows] == [1, 2, 3, 5]
    assert [r.voided for r in book.rows] == [True, False, False, True]
    assert book.rows[0].void_reason == "In sai trích yếu" and book.rows[0].document.id == first.id
    assert book.rows[0].document.state == "voided"
    assert book.rows[3].document is None and book.rows[3].void_reason == "Hỏng phôi"
    assert book.rows[2].document.id == third.id
    assert book.rows[1].document.sent_on == date(2026, 3, 10)  # sent the day it is issued
    assert book.rows[1].document.copy_holder == "Văn phòng"
    secret_book = s.register_book("outgoing-secret/2026")
    assert [(r.number, r.document.summary) for r in secret_book.rows] == [(1, "Quyết định mật")]
    with ctx.store.read() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert "number_voided" in actions


def test_incoming_book_has_voids_in_place_and_provisional_entries_last(ctx: AppContext) -> None:
    s = ctx.services
    docs = [
        s.register_incoming(NewIncomingDocument(author="Sở Tư pháp", summary=f"Công văn {i}")).value
        for i in range(3)
    ]
    s.void_number("incoming/2026", docs[1].number, reason="Vào sổ nhầm")
    book = s.register_book("incoming/2026")
    assert [(r.number, r.voided) for r in book.rows] == [(1, False), (2, True), (3, False)]
    assert book.rows[1].document.void_reason == "Vào sổ nhầm"
    with ctx.store.write.begin() as session:  # an entry still waiting for its number
        session.get(IncomingDocument, docs[2].id).number = None
    assert s.register_book("incoming/2026").rows[-1].number is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("QĐ-UBND", "QĐ-UBND"), ("/QĐ-UBND", "QĐ-UBND"), (" //UBND-VP ", "UBND-VP"), ("TTr-UBND", "TTr-UBND")],
)
def test_symbols_never_print_a_double_slash(ctx: AppContext, typed: str, stored: str) -> None:
    doc = _out(ctx, "Tờ trình", symbol=typed)
    assert doc.number_symbol == f"01/{stored}"


@pytest.mark.parametrize("typed", ["04/QĐ-UBND", "QĐ UBND", "QĐ--UBND", "", "QĐ-UBND\x1b", "Q" * 41])
def test_bad_symbols_are_refused_and_nothing_is_written(ctx: AppContext, typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        _out(ctx, "Quyết định", symbol=typed)
    assert err.value.kind in ("invalid_symbol", "symbol_required", "invalid_characters")
    with ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutgoingDocument)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0


@pytest.mark.parametrize(
    ("urgency", "stored"), [("Hoả tốc", "HỎA TỐC"), ("hỏa tốc", "HỎA TỐC"), ("KHAN", "KHẨN"), ("", "")]
)
def test_urgency_comes_from_the_fixed_list(ctx: AppContext, urgency: str, stored: str) -> None:
    doc = ctx.services.register_incoming(
        NewIncomingDocument(author="UBND thành phố", summary="Khẩn", urgency=urgency)
    ).value
    assert doc.urgency == stored


@pytest.mark.parametrize(("field", "value"), [("urgency", "Gấp"), ("secrecy", "Nội bộ")])
def test_marks_outside_the_lists_are_refused(ctx: AppContext, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        ctx.services.register_incoming(
            NewIncomingDocument(author="UBND thành phố", summary="x", **{field: value})
        )
    assert err.value.kind == f"invalid_{field}"


def test_voiding_checks_what_it_is_given(ctx: AppContext) -> None:
    s = ctx.services
    doc = _out(ctx, "Quyết định")
    with pytest.raises(ValidationError):
        s.void_number(doc.series, doc.number, reason=" ")
    with pytest.raises(NumberingError):
        s.void_number("nonsense/2026", 1, reason="x")
    with pytest.raises(NumberingError):
        s.void_number(doc.series, 0, reason="x")
    s.void_number(doc.series, doc.number, reason="In sai")
    with pytest.raises(NumberingError) as err:
        s.void_number(doc.series, doc.number, reason="again")
    assert err.value.kind == "number_not_voidable"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=50))
def test_any_symbol_either_validates_or_is_refused_with_a_kind(text: str) -> None:
    try:
        symbol = validate_symbol(text)
    except DomainError as err:
        assert err.kind in ("invalid_symbol", "symbol_required")
        return
    assert "/" not in symbol and " " not in symbol and symbol


def test_the_urgency_list_is_the_decrees() -> None:
    assert URGENCIES == ("", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
