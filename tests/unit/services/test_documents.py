"""Incoming and outgoing registers and their numbers, on a real store."""

from __future__ import annotations

from datetime import date

import pytest

from commune_desk.app import AppContext
from commune_desk.domain.errors import NumberingError, ValidationError
from commune_desk.domain.numbers import Lease
from commune_desk.services import NewIncomingDocument, NewOutgoingDocument, OfficeSettings


def _incoming(ctx: AppContext, **kw: object):  # type: ignore[no-untyped-def]
    values = {"author": "Sở Tư pháp Hà Nội", "summary": "Về việc số hóa sổ hộ tịch"} | kw
    return ctx.services.register_incoming(NewIncomingDocument(**values)).value  # type: ignore[arg-type]


def test_incoming_numbers_are_consecutive_per_year(ctx: AppContext) -> None:
    a, b = _incoming(ctx), _incoming(ctx)
    assert (a.series, a.number, b.number) == ("incoming/2026", 1, 2)
    c = _incoming(ctx, received_on=date(2027, 1, 2))
    assert (c.series, c.number) == ("incoming/2027", 1)
    assigned = ctx.services.assign_incoming(
        a.id, handler="Nguyễn Văn A", co_handlers=["Lê B"], deadline=date(2026, 3, 20)
    )
    assert assigned.value.handler == "Nguyễn Văn A" and assigned.value.co_handlers == ("Lê B",)
    assert ctx.services.search_entities("so hoa", entity="incoming_document", limit=5)
    out = ctx.services.register_outgoing(
        NewOutgoingDocument(symbol="QĐ-UBND", summary="Quyết định số hóa")
    ).value
    assert ctx.services.search_documents("SỐ HÓA")[0].id == out.id  # newest first
    assert {d.id for d in ctx.services.search_documents("so hoa")} == {out.id, a.id, b.id, c.id}
    assert ctx.services.search_documents("sở tư pháp", limit=1)[0].id == c.id
    assert [d.number for d in ctx.services.list_incoming(year=2026)] == [2, 1]


def test_incoming_requires_author_and_summary(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as info:
        _incoming(ctx, summary=" ")
    assert info.value.kind == "summary_required"
    with pytest.raises(ValidationError):
        ctx.services.assign_incoming(_incoming(ctx).id, handler="")


def test_incoming_gets_a_provisional_number_when_a_server_holds_the_series(ctx: AppContext) -> None:
    ctx.services.update_settings(OfficeSettings(server_url="https://city.example"))
    doc = _incoming(ctx)
    assert doc.number is None and doc.provisional
    ctx.services.add_lease(Lease("incoming/2026", 41, 50, "L1"))
    assert _incoming(ctx).number == 41


def test_outgoing_numbers_voids_and_secret_series(ctx: AppContext) -> None:
    s = ctx.services
    first = s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="Quyết định A")).value
    assert first.number_symbol == "01/QĐ-UBND" and first.state == "issued"
    voided = s.void_number(first.series, first.number, reason="In sai")
    assert voided.changes.ids("outgoing_document") == {first.id}
    second = s.register_outgoing(NewOutgoingDocument(symbol="UBND-VP", summary="Công văn")).value
    assert second.number_symbol == "02/UBND-VP"  # a voided number is never reused
    secret = s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="Mật", secret=True)).value
    assert (secret.series, secret.number) == ("outgoing-secret/2026", 1)
    draft = s.register_outgoing(NewOutgoingDocument(symbol="TB-UBND", summary="Nháp"), issue=False).value
    assert draft.number is None and draft.state == "draft"
    issued = s.issue_outgoing(draft.id).value
    assert issued.number_symbol == "03/TB-UBND"
    with pytest.raises(ValidationError):
        s.issue_outgoing(draft.id)
    with pytest.raises(NumberingError) as info:
        s.void_number(first.series, first.number, reason="again")
    assert info.value.kind == "number_not_voidable"
    # an unused number can be voided ahead (e.g. a spoiled paper form) and is then skipped
    s.void_number("outgoing/2026", 4, reason="Hỏng phôi")
    assert s.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="B")).value.number == 5
    assert ctx.services.check_store().ok


def test_outgoing_cannot_be_issued_offline_without_a_lease(ctx: AppContext) -> None:
    ctx.services.update_settings(OfficeSettings(server_url="https://city.example"))
    with pytest.raises(NumberingError) as info:
        ctx.services.register_outgoing(NewOutgoingDocument(symbol="QĐ-UBND", summary="A"))
    assert info.value.kind == "series_exhausted"
