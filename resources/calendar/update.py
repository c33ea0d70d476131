"""Regenerate ``resources/calendar/calendar.json``, the base working calendar.

The app never asks the ``holidays`` package for dates at run time: two PCs
with different releases installed would compute different appointments.
Instead this script turns ONE pinned release into data, committed with the
app and kept in each office's store (``services/calendar.py``):

- every Vietnamese public holiday, with the government's swapped days off
  ("Ngày nghỉ (thay cho ngày 26/04/2025)"), as ``day_off`` entries;
- the Saturdays worked in exchange (``weekend_workdays``) as ``working_day``.

Run it with the pinned release installed after moving the pin, and raise
``VERSION`` so offices take the new base::

    .venv/bin/pip install holidays==0.109
    .venv/bin/python resources/calendar/update.py
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

#: The ``holidays`` release the base is generated from (also pinned in pyproject.toml).
PINNED_RELEASE = "0.109"
#: Version of the base data set; raise it whenever the generated days change.
VERSION = 1
#: Years covered (appointments beyond them count weekends only).
FIRST_YEAR, LAST_YEAR = 2020, 2040
OUTPUT = Path(__file__).resolve().parent / "calendar.json"


def build_document() -> dict[str, Any]:
    """The base calendar document from the installed (pinned) ``holidays`` release."""
    import holidays

    if holidays.__version__ != PINNED_RELEASE:
        raise SystemExit(f"holidays {holidays.__version__} is installed; the pin is {PINNED_RELEASE}")
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    vn = holidays.country_holidays("VN", years=years, language="vi")
    days: dict[date, dict[str, str]] = {}
    for day, name in sorted(vn.items()):
        days[day] = {"date": day.isoformat(), "kind": "day_off", "name": name}
    for day in sorted(getattr(vn, "weekend_workdays", ())):
        if day.year in years:
            days[day] = {"date": day.isoformat(), "kind": "working_day", "name": "Ngày làm bù"}
    return {
        "version": VERSION,
        "source": f"holidays {PINNED_RELEASE} (VN)",
        "years": [FIRST_YEAR, LAST_YEAR],
        "days": [days[d] for d in sorted(days)],
    }


def render(document: dict[str, Any]) -> str:
    """The file's exact text (one entry per line, so diffs stay readable)."""
    head = {k: v for k, v in document.items() if k != "days"}
    lines = [json.dumps(entry, ensure_ascii=False) for entry in document["days"]]
    body = ",\n  ".join(lines)
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    return f'{text},\n "days": [\n  {body}\n ]\n}}\n'


def main() -> int:
    """Write the file; exit 1 when the installed release is not the pinned one."""
    OUTPUT.write_text(render(build_document()), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
