"""Dates as people type them: day first (``5/9/1987``, ``05-09-1987``, ``05.09.1987``),
or the ISO form (``1987-09-05``).

One reading for every place a date is typed: the counter's date of birth, the office's
days off and worked days in the settings, ``commune-desk intake --date-of-birth``.
"""

from __future__ import annotations

import re
from datetime import date

_SEPARATORS = re.compile(r"[/.-]")


def parse_typed_date(text: str) -> date:
    """The date in ``text``: day/month/year with ``/``, ``-`` or ``.`` between them (one
    or two digits for the day and month, four for the year), or ``YYYY-MM-DD``.

    Raises ValueError for anything else: a two-digit year, digits other than ASCII
    ones, no such day. A date typed month first is read day first (as Vietnamese
    dates are written), so it is refused only when that day cannot exist.
    """
    parts = _SEPARATORS.split(text.strip())
    if len(parts) != 3 or not all(part.isdigit() and part.isascii() for part in parts):
        raise ValueError(f"not a date: {text!r}")
    first, month, last = parts
    if len(first) == 4 and len(month) == 2 and len(last) == 2 and text.count("-") == 2:
        return date(int(first), int(month), int(last))  # the ISO form, year first
    if len(first) > 2 or len(month) > 2 or len(last) != 4:
        raise ValueError(f"not a date: {text!r}")
    return date(int(last), int(month), int(first))
