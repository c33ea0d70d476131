"""Vietnamese text normalisation and the folded search key.

Names are stored in NFC. Search uses a folded key so that "dang thi dao"
finds "Đặng Thị Đào": NFC → NFD → drop combining marks → đ/Đ → d → casefold.
SQLite's own helpers cannot do this (FTS5 ``remove_diacritics`` keeps đ and
``lower()`` is ASCII-only), so the key is computed here and stored.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not d plus a mark, so NFD leaves them alone.
_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with runs of whitespace collapsed and ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Return the search key of ``text``: no diacritics, đ→d, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    folded = stripped.translate(_D_MAP).casefold()
    return _SPACES.sub(" ", folded).strip()


def _latin_table() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese included) → its folded ASCII form."""
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            folded = fold(chr(code))
            if folded.isascii() and len(folded) <= 1:
                table[code] = folded
    return table


_LATIN = _latin_table()


def fast_fold(text: str) -> str:
    """:func:`fold` computed with one ``str.translate`` for NFC Latin text.

    Pulls and snapshots index hundreds of thousands of names; the general fold
    (NFD and a per-character category test) dominated their time. Text that
    still has non-ASCII characters after the table (other scripts, combining
    marks of NFD input) takes the general path, so the result is the same.
    """
    mapped = text.translate(_LATIN)
    if mapped.isascii():
        return _SPACES.sub(" ", mapped.lower()).strip()
    return fold(text)


def search_tokens(text: str) -> list[str]:
    """Split a folded query into word tokens (letters and digits only)."""
    return re.findall(r"[0-9a-z]+", fold(text))
