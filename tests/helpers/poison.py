"""Hypothesis strategies for JSON an attacker (or a broken PC) could send.

Lone UTF-16 surrogates, NaN and infinities, nesting thousands of levels deep,
huge strings, NUL and other control characters, integers past 2**63, keys of
the same kinds: in any field of any entity. :func:`body` writes such values as
the raw JSON text a client would put on the wire (``json.dumps`` cannot write
a value nested 10,000 levels deep, so :class:`Deep` stands for one).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class Deep:
    """A list nested ``depth`` levels deep (written by :func:`body` as raw text)."""

    depth: int


def _mixed(bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Ordinary text with bad characters put in the middle."""
    return st.tuples(st.text(max_size=8), bad, st.text(max_size=8)).map("".join)


#: Single characters a database, a JSON writer or a form field chokes on.
BAD_CHARACTERS = st.one_of(
    st.characters(categories=["Cs"]),  # lone surrogates: not Unicode scalar values
    st.characters(categories=["Cc"]),  # NUL, line breaks, ESC, DEL, C1 controls
    st.sampled_from(["\x00", "\n", "\r", "\t", "\u2028", "\ufeff", "\ufffe"]),
)

#: Strings of every kind: ordinary, with bad characters, huge.
STRINGS = st.one_of(
    st.text(max_size=20),
    _mixed(st.text(BAD_CHARACTERS, min_size=1, max_size=3)),
    st.tuples(st.sampled_from("xĐ\U0001f600"), st.integers(1_000, 300_000)).map(lambda t: t[0] * t[1]),
    st.sampled_from(["incoming/2026\n", "dossier-code/H26\x00", "000.00.06.H26-260101-1001\n", "NaN"]),
)

#: Numbers of every kind, non-finite and far out of range included.
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**53 - 2, max_value=2**53 + 2),
    st.integers(min_value=2**62, max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0]),
)

SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value with poison anywhere, deep nesting included (as :class:`Deep`)."""
    deep = st.integers(min_value=50, max_value=20_000).map(Deep)
    return st.one_of(
        deep,
        st.recursive(
            st.one_of(SCALARS, deep),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(STRINGS, inner, max_size=3),
            max_leaves=max_leaves,
        ),
    )


def body(value: Any) -> bytes:
    """``value`` as JSON text on the wire: NaN as written by Python, surrogates escaped,
    :class:`Deep` as its nested brackets."""
    deep: dict[str, int] = {}

    def default(item: object) -> str:
        if isinstance(item, Deep):
            marker = f"@@deep-{uuid.uuid4().hex}@@"
            deep[marker] = item.depth
            return marker
        raise TypeError(item)

    text = json.dumps(value, allow_nan=True, ensure_ascii=True, default=default)
    for marker, depth in deep.items():
        text = text.replace(json.dumps(marker), "[" * depth + "]" * depth)
    return text.encode("ascii")
