"""What text may cross the wire: Unicode scalar values, no NUL, no control characters.

Line breaks and tabs are allowed only where a field says so (notes,
summaries, addresses). A lone UTF-16 surrogate (``"\\ud800"`` in JSON) is not
a Unicode scalar value: no UTF-8 encoder, JSON writer or PostgreSQL column
accepts it, so it is refused at the door.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Control characters (Unicode category Cc: C0, DEL and C1) and lone surrogates;
# the multi-line variant lets tab, line feed and carriage return through.
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_clean_text(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` has no lone surrogate, no NUL and no control character.

    With ``multiline`` tabs and line breaks are allowed.
    """
    return (_BAD_MULTILINE if multiline else _BAD_LINE).search(value) is None


def bad_character_finder(*, multiline: bool = False) -> Callable[[str], object]:
    """A fast function finding the first character a text may not hold (falsy when none)."""
    return (_BAD_MULTILINE if multiline else _BAD_LINE).search


def has_surrogate(value: str) -> bool:
    """Whether ``value`` holds a lone UTF-16 surrogate (it is not a Unicode scalar value)."""
    return _SURROGATE.search(value) is not None


def replace_surrogates(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (the replacement character)."""
    return _SURROGATE.sub("\ufffd", value)


def printable(value: str, limit: int = 200) -> str:
    """``value`` made safe for a log line or an error reply: surrogates escaped, bounded."""
    return value[:limit].encode("utf-8", "backslashreplace").decode("utf-8")
