"""``new_ids``: time-ordered ids (version 7 UUIDs) in the canonical text the server checks."""

from __future__ import annotations

import time
import uuid

from hypothesis import given
from hypothesis import strategies as st

from commune_desk.protocol.validation import _UUID
from commune_desk.store.outbox import new_ids


@given(st.integers(0, 40))
def test_ids_are_version_7_uuids_of_this_moment_in_their_canonical_text(count: int) -> None:
    before = time.time_ns() // 1_000_000
    ids = new_ids(count)
    after = time.time_ns() // 1_000_000
    assert len(ids) == count
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text  # lower-case, hyphenated: the form str(uuid.UUID) gives
        assert _UUID.fullmatch(text)  # and the one the protocol accepts
        assert before <= parsed.int >> 80 <= after  # RFC 9562: Unix milliseconds first


def test_ids_made_later_sort_after() -> None:
    """What keeps a save's rows at the end of the id indexes: ids of a later millisecond
    sort after, as text (the store compares them as text)."""
    first = new_ids(3)
    time.sleep(0.002)
    second = new_ids(3)
    assert max(first) < min(second)


def test_ids_do_not_repeat() -> None:
    ids = new_ids(10_000)
    assert len(set(ids)) == len(ids)
    # every random bit varies: 74 of them, none stuck at 0 or 1 across 10,000 draws
    values = [uuid.UUID(t).int for t in ids]
    fixed = (1 << 128) - 1
    ored = 0
    for v in values:
        fixed &= v
        ored |= v
    random_bits = ((1 << 12) - 1) << 64 | ((1 << 62) - 1)
    assert ored & random_bits == random_bits
    assert fixed & random_bits == 0
