"""Dossier codes and register-book numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.codes import (
    COUNTER_SLOTS,
    counter_slot_range,
    format_dossier_code,
    next_dossier_number,
    parse_dossier_code,
)
from commune_desk.domain.errors import NumberingError, ValidationError
from commune_desk.domain.numbers import (
    REGISTER_BOOKS,
    Lease,
    SeriesKind,
    dossier_code_series,
    find_gaps,
    format_outgoing_number,
    next_number,
    parse_series,
    parse_series_key,
    series_key,
)


def test_code_format_round_trip() -> None:
    code = format_dossier_code("000.00.06.H56", date(2023, 10, 27), 361)
    assert code == "000.00.06.H56-231027-0361"
    parsed = parse_dossier_code(code)
    assert (parsed.unit, parsed.day, parsed.number) == ("000.00.06.H56", date(2023, 10, 27), 361)
    assert str(parsed) == code


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "H56-231027-361",
        "H56-231399-0001",
        "h 56-231027-0001",
        "h56-231027-0001",  # canonical codes are upper case; typed text is normalised first
        "H56-231027-0001\n",
        " H56-231027-0001",
        "-231027-0361",
        "H56-2310270361",
    ],
)
def test_bad_codes(bad: str) -> None:
    with pytest.raises(ValidationError):
        parse_dossier_code(bad)


def test_slot_runs_out_loudly() -> None:
    assert next_dossier_number(2, None) == 2001
    assert next_dossier_number(2, 2041) == 2042
    with pytest.raises(NumberingError) as err:
        next_dossier_number(2, 2999)
    assert err.value.kind == "counter_slot_exhausted"
    with pytest.raises(NumberingError):
        counter_slot_range(0)


@given(st.lists(st.tuples(st.integers(1, 9), st.integers(0, 3), st.integers(1, 40)), min_size=2, max_size=12))
def test_offline_counters_never_issue_the_same_code(plan: list[tuple[int, int, int]]) -> None:
    """Each (slot, day offset, count) is one offline device's day; slots are unique per office."""
    issued: list[str] = []
    seen_slots: set[tuple[int, int]] = set()
    for slot, day_offset, count in plan:
        if (slot, day_offset) in seen_slots:
            continue  # one device per slot: the lease guarantees it
        seen_slots.add((slot, day_offset))
        day = date(2026, 11, 23 + day_offset)
        last = None
        for _ in range(count):
            last = next_dossier_number(slot, last)
            issued.append(format_dossier_code("000.00.06.H26", day, last))
    assert len(issued) == len(set(issued))


def test_series_keys() -> None:
    assert series_key("incoming", 2026) == "incoming/2026"
    assert parse_series_key("outgoing-secret/2026") == ("outgoing-secret", 2026)
    with pytest.raises(NumberingError):
        parse_series_key("nonsense/2026")
    with pytest.raises(NumberingError):
        series_key(SeriesKind.DOSSIER_CODE, 2026)
    with pytest.raises(NumberingError):
        parse_series_key(dossier_code_series("000.00.06.H56"))


def test_series_names_round_trip() -> None:
    assert parse_series(dossier_code_series("000.00.06.H56")) == (SeriesKind.DOSSIER_CODE, "000.00.06.H56")
    for book in REGISTER_BOOKS:
        assert parse_series(series_key(book, 2026)) == (book, "2026")


@pytest.mark.parametrize(
    "bad",
    [
        "incoming/2026\n",  # a `$` would match before this newline: a second book
        "incoming/26",
        "receipts/2026",
        "dossier-code/",
        "dossier-code/h56",
        "incoming/2026/x",
        " incoming/2026",
        "incoming/1999",
        "incoming/２０２６",  # full-width digits are digits to str.isdigit
        "",
    ],
)
def test_series_names_are_matched_whole(bad: str) -> None:
    with pytest.raises(NumberingError):
        parse_series(bad)


@given(st.text(max_size=20))
def test_only_canonical_series_names_parse(text: str) -> None:
    """Whatever parses prints back to exactly the same text."""
    try:
        kind, part = parse_series(text)
    except NumberingError:
        return
    assert f"{kind}/{part}" == text


def test_slot_ranges() -> None:
    assert counter_slot_range(1) == range(1001, 2000)
    assert counter_slot_range(9) == range(9001, 10000)
    assert list(COUNTER_SLOTS) == list(range(1, 10))
    for bad in (0, 10):
        with pytest.raises(NumberingError):
            counter_slot_range(bad)


def test_next_number_uses_blocks_in_order_and_never_reuses_voided() -> None:
    leases = [Lease("incoming/2026", 51, 60), Lease("incoming/2026", 1, 3)]
    assert next_number(leases, set()) == 1
    assert next_number(leases, {1, 2, 3}) == 51
    assert next_number(leases, {1, 2, 3, *range(51, 61)}) is None
    voided_2 = {1, 2}
    assert next_number(leases, voided_2) == 3


def test_outgoing_number_symbol() -> None:
    assert format_outgoing_number(5, "QĐ-UBND") == "05/QĐ-UBND"
    assert format_outgoing_number(12, "UBND-VP") == "12/UBND-VP"
    with pytest.raises(ValidationError):
        format_outgoing_number(3, " ")


def test_gaps() -> None:
    assert find_gaps([1, 2, 5, 7], voided=[3]) == [4, 6]
    assert find_gaps([1, 2], upto=4) == [3, 4]
