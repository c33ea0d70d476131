"""Building FTS5 match expressions from folded queries."""

from __future__ import annotations

from commune_desk.domain.text import fold
from commune_desk.store.search import build_keys, match_expression


def test_tokens_are_quoted_and_the_last_is_a_prefix() -> None:
    assert match_expression(fold("Đặng Thị Đ")) == '"dang" "thi" "d"*'
    assert match_expression("dang thi dao", prefix_last=False) == '"dang" "thi" "dao"'


def test_fts_syntax_in_user_input_is_neutralised() -> None:
    assert match_expression('a" OR b NEAR(') == '"a" "OR" "b" "NEAR"*'
    assert match_expression("  -- ** ") is None


def test_code_splits_like_the_index() -> None:
    assert match_expression(fold("000.00.06.H56-231027-0361")) == '"000" "00" "06" "h56" "231027" "0361"*'


def test_build_keys_skips_empty_parts() -> None:
    assert build_keys(fold, ("Đào", None, "", "0912")) == "dao 0912"
