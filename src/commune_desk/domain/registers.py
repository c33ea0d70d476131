"""Register-book entries (Decree 30/2020/NĐ-CP): document symbols and the fixed marks.

- The symbol of an outgoing document is the abbreviation of its type and of
  the issuing body (``QĐ-UBND``), or of the body and the drafting unit for
  letters (``UBND-VP``); the number is given by the register, so what the
  clerk types never holds it nor a slash (``/QĐ-UBND`` would print
  ``04//QĐ-UBND``).
- Urgency (HỎA TỐC, THƯỢNG KHẨN, KHẨN) and secrecy (TUYỆT MẬT, TỐI MẬT, MẬT)
  are fixed lists; any spelling of one of them (``Hoả tốc``, ``hoa toc``) is
  stored in its canonical form, anything else is refused.
"""

from __future__ import annotations

import re

from commune_desk.domain.errors import ValidationError
from commune_desk.domain.text import fold, normalize_text

#: Urgency marks, lowest first ("" = ordinary).
URGENCIES = ("", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
#: Secrecy marks, lowest first ("" = not secret).
SECRECIES = ("", "MẬT", "TỐI MẬT", "TUYỆT MẬT")
MAX_SYMBOL_LENGTH = 40
#: Abbreviations are upper case, a few with a lower-case letter (``TTr`` tờ trình, ``CTr``).
_SYMBOL = re.compile(r"[0-9A-Za-zĐđ]+(?:[-.&][0-9A-Za-zĐđ]+)*")


def validate_symbol(value: str | None) -> str:
    """The symbol as printed after the number: ``QĐ-UBND``; leading slashes are dropped.

    Kinds: ``symbol_required``, ``invalid_symbol`` (a slash, spaces or other
    characters inside; a number typed in front).
    """
    symbol = normalize_text(value or "").lstrip("/").strip()
    if not symbol:
        raise ValidationError("symbol_required", "a document symbol is required", field="symbol")
    if len(symbol) > MAX_SYMBOL_LENGTH or not _SYMBOL.fullmatch(symbol):
        raise ValidationError(
            "invalid_symbol", f"bad document symbol {symbol!r}", field="symbol", value=symbol
        )
    return symbol


def _mark(value: str | None, allowed: tuple[str, ...], field: str) -> str:
    key = fold(value or "")
    for mark in allowed:
        if fold(mark) == key:
            return mark
    raise ValidationError(f"invalid_{field}", f"unknown {field} mark {value!r}", field=field)


def validate_urgency(value: str | None) -> str:
    """One of ``URGENCIES`` (kind ``invalid_urgency`` otherwise)."""
    return _mark(value, URGENCIES, "urgency")


def validate_secrecy(value: str | None) -> str:
    """One of ``SECRECIES`` (kind ``invalid_secrecy`` otherwise)."""
    return _mark(value, SECRECIES, "secrecy")
