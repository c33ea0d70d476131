"""Search, paging, filters and counts over a real store."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier

from commune_desk.app import AppContext
from commune_desk.domain.dossier import DossierStatus
from commune_desk.services import DossierQuery

NAMES = ["Đặng Thị Đào", "Nguyễn Văn An", "Trần Thị Đào", "Đỗ Đức Dũng", "Lê Thu Trang"]


def _fill(ctx: AppContext, clock: Clock) -> list[str]:
    ids = []
    for i, name in enumerate(NAMES):
        ids.append(
            ctx.services.register_dossier(
                new_dossier(
                    applicant_name=name, applicant_phone=f"09123456{i:02d}", received_by="A" if i % 2 else "B"
                )
            ).value.summary.id
        )
        clock.advance(minutes=10)
    return ids


def test_folded_search_finds_accented_names(ctx: AppContext, clock: Clock) -> None:
    _fill(ctx, clock)
    s = ctx.services
    assert [r.applicant_name for r in s.search_dossiers("dang thi dao")] == ["Đặng Thị Đào"]
    assert [r.applicant_name for r in s.search_dossiers("ĐÀO")] == ["Trần Thị Đào", "Đặng Thị Đào"]
    assert [r.applicant_name for r in s.search_dossiers("do duc d")] == ["Đỗ Đức Dũng"]  # prefix
    assert [r.applicant_name for r in s.search_dossiers("0912345603")] == ["Đỗ Đức Dũng"]
    assert s.search_dossiers("") == [] and s.search_dossiers('"*') == []
    assert len(s.search_dossiers("thi", limit=1)) == 1


def test_search_by_code(ctx: AppContext, clock: Clock) -> None:
    _fill(ctx, clock)
    assert [r.applicant_name for r in ctx.services.search_dossiers("000.00.00.H26-260310-1004")] == [
        "Đỗ Đức Dũng"
    ]


def test_keyset_and_offset_paging_agree(ctx: AppContext, clock: Clock) -> None:
    _fill(ctx, clock)
    s = ctx.services
    everything = [r.applicant_name for r in s.list_dossiers(limit=100).rows]
    assert everything == list(reversed(NAMES))  # newest first
    walked, cursor = [], None
    while True:
        page = s.list_dossiers(limit=2, after=cursor)
        walked += [r.applicant_name for r in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert walked == everything
    assert [r.applicant_name for r in s.list_dossiers(limit=2, offset=2).rows] == everything[2:4]


def test_filters_and_counts(ctx: AppContext, clock: Clock) -> None:
    ids = _fill(ctx, clock)
    s = ctx.services
    s.record_event(ids[0], "assigned")
    assert s.count_dossiers() == 5
    assert s.count_dossiers(DossierQuery(statuses=(DossierStatus.PROCESSING,))) == 1
    assert s.count_dossiers(DossierQuery(received_by="A")) == 2
    assert s.count_dossiers(DossierQuery(overdue=True)) == 0
    # HT-GH: due Friday; on Friday they are due today, the next Monday overdue
    clock.now = TUESDAY_9AM + timedelta(days=3, hours=2)
    assert s.count_dossiers(DossierQuery(due_today=True)) == 5
    clock.now = TUESDAY_9AM + timedelta(days=6)
    assert s.count_dossiers(DossierQuery(overdue=True)) == 5
    rows = s.list_dossiers(DossierQuery(overdue=True, received_by="B")).rows
    assert len(rows) == 3 and all(r.overdue for r in rows)
