"""``claim_counter``: one upsert that does what reading the daily counter and setting it did.

The intake numbered a dossier by reading the day's counter, computing the next
number of the counter slot (``next_dossier_number``) and writing it back; it now
claims the number with one statement and checks it with the same rule. Both are
run here from every kind of stored value (no row, 0, negative, below, inside and at the
end of the slot's range, past it) and must give the same number or the same
refusal, and leave the same stored value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commune_desk.domain.codes import (
    COUNTER_SLOTS,
    SLOT_SIZE,
    NumberingError,
    counter_slot_range,
    next_dossier_number,
)
from commune_desk.store.opening import open_store
from commune_desk.store.outbox import claim_counter, counter_value, set_counter

_NAME = "dossier/20260310/1"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path: Path = tmp_path_factory.mktemp("claim") / "s.sqlite3"
    open_store(path).close()  # the real schema
    connection = sqlite3.connect(path, isolation_level=None)
    yield connection
    connection.close()


def _read_then_set(db: sqlite3.Connection, slot: int) -> int:
    number = next_dossier_number(slot, counter_value(db, _NAME) or None)
    set_counter(db, _NAME, number)
    return number


def _claim(db: sqlite3.Connection, slot: int) -> int:
    start = counter_slot_range(slot).start
    return next_dossier_number(slot, claim_counter(db, _NAME, at_least=start) - 1)


def _run(db: sqlite3.Connection, stored: int | str, slot: int, way: Callable[..., int]) -> tuple:
    db.execute("DELETE FROM local_counters")
    if stored != "absent":
        db.execute("INSERT INTO local_counters (name, value) VALUES (?, ?)", (_NAME, stored))
    db.execute("BEGIN IMMEDIATE")
    try:
        outcome: tuple = ("number", way(db, slot))
        db.execute("COMMIT")
    except NumberingError as exc:
        db.execute("ROLLBACK")  # the intake's transaction rolls back on the refusal
        outcome = ("refused", exc.kind, exc.params)
    row = db.execute("SELECT value FROM local_counters WHERE name = ?", (_NAME,)).fetchone()
    return (*outcome, row)


@settings(max_examples=300, deadline=None)
@given(
    slot=st.sampled_from([0, *COUNTER_SLOTS, 10, -1]),
    data=st.data(),
)
def test_claiming_gives_the_number_and_stored_value_that_read_and_set_gave(
    db: sqlite3.Connection, slot: int, data: st.DataObject
) -> None:
    base = max(slot, 0) * SLOT_SIZE
    stored = data.draw(
        st.one_of(
            st.sampled_from(["absent", 0, -3, base, base + 1, base + 998, base + 999, base + 1000]),
            st.integers(min_value=-5, max_value=10 * SLOT_SIZE + 5),
        )
    )
    assert _run(db, stored, slot, _claim) == _run(db, stored, slot, _read_then_set)
