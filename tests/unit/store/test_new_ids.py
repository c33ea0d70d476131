"""``new_ids``: random ids exactly in the form ``str(uuid.uuid4())`` gives (what the server checks)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from commune_desk.protocol.validation import _UUID
from commune_desk.store.outbox import new_ids


@given(st.integers(0, 40))
def test_ids_are_version_4_uuids_in_their_canonical_text(count: int) -> None:
    ids = new_ids(count)
    assert len(ids) == count
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text  # lower-case, hyphenated: the form uuid4 gives
        assert _UUID.fullmatch(text)  # and the one the protocol accepts


def test_ids_do_not_repeat() -> None:
    ids = new_ids(10_000)
    assert len(set(ids)) == len(ids)
    # every random bit varies: 122 of them, none stuck at 0 or 1 across 10,000 draws
    values = [uuid.UUID(t).int for t in ids]
    fixed = (1 << 128) - 1
    ored = 0
    for v in values:
        fixed &= v
        ored |= v
    version_and_variant = (0xF << 76) | (0x3 << 62)
    assert ored | version_and_variant == (1 << 128) - 1
    assert fixed & ~version_and_variant == 0
