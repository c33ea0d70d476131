"""Dossier codes: ``{unit}-{yyMMdd}-{NNNN}``, e.g. ``000.00.06.H56-231027-0361``.

NNNN restarts every day. Several counters of one office work offline, so
the daily sequence is split into *counter slots*: the device holding slot k
(1–9) issues ``k001``, ``k002`` … ``k999``. A slot is leased to one device by
the city server (or set by the administrator on a single PC), so no two
counters can issue the same code for any number of offline days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from commune_desk.domain.errors import NumberingError, ValidationError

MIN_SLOT, MAX_SLOT = 1, 9
#: The counter slots an office's devices can hold.
COUNTER_SLOTS = range(MIN_SLOT, MAX_SLOT + 1)
SLOT_SIZE = 1000
#: Longest unit identifier (QCVN 102:2016 codes are 13 characters; the columns allow 40).
MAX_UNIT_CODE_LENGTH = 40
_UNIT = re.compile(r"[0-9A-Z]+(?:\.[0-9A-Z]+)*")
_CODE = re.compile(r"(?P<unit>[0-9A-Z.]+)-(?P<day>\d{6})-(?P<number>\d{4})")


@dataclass(frozen=True)
class DossierCode:
    """A parsed dossier code."""

    unit: str
    day: date
    number: int

    def __str__(self) -> str:
        return format_dossier_code(self.unit, self.day, self.number)


def is_unit_code(text: str) -> bool:
    """Whether ``text`` is exactly a unit identifier in its canonical form (no normalising)."""
    return len(text) <= MAX_UNIT_CODE_LENGTH and _UNIT.fullmatch(text) is not None


def validate_unit_code(unit: str) -> str:
    """Return the unit identifier (QCVN 102:2016 style, e.g. ``000.00.06.H56``) or raise.

    What the clerk typed is stripped and upper-cased first.
    """
    unit = (unit or "").strip().upper()
    if not is_unit_code(unit):
        raise ValidationError(
            "invalid_unit_code", f"bad unit identifier {unit!r}", field="unit_code", value=unit
        )
    return unit


def format_dossier_code(unit: str, day: date, number: int) -> str:
    """Format a dossier code; ``number`` must be in 1..9999."""
    if not 1 <= number <= 9999:
        raise NumberingError("invalid_dossier_number", f"number {number} out of range")
    if isinstance(day, datetime):
        day = day.date()
    return f"{validate_unit_code(unit)}-{day:%y%m%d}-{number:04d}"


def normalize_dossier_code(text: str) -> str:
    """A dossier code as typed by a person (spaces, lower case) in its canonical form."""
    return (text or "").strip().upper()


def parse_dossier_code(code: str) -> DossierCode:
    """Parse a canonical dossier code or raise ValidationError(kind='invalid_dossier_code').

    The whole text must be the code (no spaces, no trailing newline, upper case):
    what a person typed goes through :func:`normalize_dossier_code` first.
    """
    match = _CODE.fullmatch(code) if isinstance(code, str) else None
    if not match or not is_unit_code(match["unit"]):
        raise ValidationError("invalid_dossier_code", f"bad dossier code {code!r}", field="code")
    yy, mm, dd = int(match["day"][:2]), int(match["day"][2:4]), int(match["day"][4:])
    try:
        day = date(yy + (2000 if yy < 69 else 1900), mm, dd)  # what strptime's %y gives
    except ValueError as exc:
        raise ValidationError(
            "invalid_dossier_code", f"bad date in dossier code {code!r}", field="code"
        ) from exc
    return DossierCode(unit=match["unit"], day=day, number=int(match["number"]))


def counter_slot_range(slot: int) -> range:
    """The daily numbers that counter slot ``slot`` may issue: ``k001..k999``.

    Slot 0 means this PC holds no slot (it became a new device, or was revoked):
    it must get one from the server before it issues a code.
    """
    if slot == 0:
        raise NumberingError("no_counter_slot", "this PC holds no counter slot: sync online first")
    if slot not in COUNTER_SLOTS:
        raise NumberingError(
            "invalid_counter_slot", f"counter slot must be {MIN_SLOT}..{MAX_SLOT}", slot=slot
        )
    return range(slot * SLOT_SIZE + 1, slot * SLOT_SIZE + SLOT_SIZE)


def next_dossier_number(slot: int, last_issued_today: int | None) -> int:
    """The next daily number for ``slot`` after ``last_issued_today`` (None: first of the day)."""
    numbers = counter_slot_range(slot)
    candidate = numbers.start if last_issued_today is None else last_issued_today + 1
    if candidate < numbers.start:
        candidate = numbers.start
    if candidate not in numbers:
        raise NumberingError(
            "counter_slot_exhausted",
            f"counter slot {slot} has issued all {len(numbers)} codes for today",
            slot=slot,
        )
    return candidate
