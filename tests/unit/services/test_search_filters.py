"""A text search combines with every filter of the list, pages through all its matches,
and its count is the true number of matches (capped only when told, and then said so)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import TUESDAY_9AM, Clock, new_dossier, open_context

from commune_desk.app import AppContext
from commune_desk.domain.dossier import DossierStatus
from commune_desk.domain.text import fold
from commune_desk.services import DossierQuery
from commune_desk.store.search import record_keys

SURNAMES = ["Nguyễn", "Trần", "Lê", "Đặng", "Đỗ"]
GIVEN = ["Văn An", "Thị Đào", "Đức Dũng", "Thu Trang", "Ngọc Ánh"]
#: Events walked for dossier i (by i % len): several statuses.
PATHS = [[], ["assigned"], ["supplement_requested"], ["result_ready"], ["result_ready", "returned"]]
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[AppContext, Clock]]:
    """60 dossiers over a week: several names, statuses, clerks, due dates."""
    clock = Clock(TUESDAY_9AM)
    with tempfile.TemporaryDirectory(prefix="search-filters-") as tmp:
        ctx = open_context(Path(tmp) / "data", clock)
        for i in range(60):
            name = f"{SURNAMES[i % 5]} {GIVEN[(i // 5) % 5]}"
            code = "HT-GH" if i % 3 else "CT-HD"
            summary = ctx.services.register_dossier(
                new_dossier(
                    applicant_name=name,
                    procedure_code=code,
                    received_by="A" if i % 2 else "B",
                    applicant_phone=f"09123{i:05d}",
                )
            ).value.summary
            for kind in PATHS[i % len(PATHS)]:
                ctx.services.record_event(summary.id, kind, note="lý do" if "supp" in kind else "")
            clock.advance(hours=3)
        clock.now = TUESDAY_9AM + timedelta(days=3, hours=2)  # some due today, some overdue
        yield ctx, clock
        ctx.close()


def _matches(summary: object, words: str) -> bool:
    """The search rule, by brute force: every word whole, the last one as a prefix."""
    keys = TOKEN.findall(record_keys("dossier", summary) or "")
    wanted = TOKEN.findall(fold(words))
    if not wanted:
        return False
    *whole, last = wanted
    return all(w in keys for w in whole) and any(k.startswith(last) for k in keys)


queries = st.builds(
    DossierQuery,
    statuses=st.sampled_from(
        [(), (DossierStatus.ACCEPTED,), (DossierStatus.RESULT_READY, DossierStatus.RETURNED)]
    ),
    overdue=st.booleans(),
    due_today=st.booleans(),
    received_by=st.sampled_from([None, "A", "B"]),
    procedure_code=st.sampled_from([None, "HT-GH", "CT-HD"]),
)
words = st.sampled_from(
    [
        "nguyen",
        "nguy",
        "dao",
        "thi dao",
        "DANG THI",
        "đỗ đức",
        "trang",
        "09123",
        "0912300007",
        "an",
        "xyz",
        "!!",
    ]
)


@settings(max_examples=60, deadline=None)
@given(query=queries, text=words, page_size=st.integers(1, 7))
def test_search_pages_and_counts_agree_with_brute_force(
    store: tuple[AppContext, Clock], query: DossierQuery, text: str, page_size: int
) -> None:
    ctx, _clock = store
    s = ctx.services
    everything = s.list_dossiers(query, limit=1000).rows  # the filters alone
    expected = {r.id for r in everything if _matches(r, text)}
    walked: list[str] = []
    cursor = None
    while True:
        page = s.search_dossier_page(text, query, after=cursor, limit=page_size)
        walked += [r.id for r in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(walked) == len(set(walked)), "a row came twice"
    assert set(walked) == expected
    assert s.count_dossiers(query, text_query=text) == len(expected)
    capped = s.count_dossiers(query, text_query=text, at_most=3)
    assert capped == min(len(expected), 4)  # 4 means "more than 3"


def test_due_today_applies_to_a_text_search(store: tuple[AppContext, Clock]) -> None:
    ctx, _clock = store
    s = ctx.services
    due = s.search_dossier_page("nguyen", DossierQuery(due_today=True), limit=100).rows
    everything = s.search_dossier_page("nguyen", limit=100).rows
    assert due and len(due) < len(everything)
    assert s.count_dossiers(DossierQuery(due_today=True), text_query="nguyen") == len(due)
