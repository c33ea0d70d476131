"""Register-book numbers (Decree 30/2020/NĐ-CP).

Incoming ("số đến") and outgoing document numbers run from 1 on 1 January to
31 December, one series per register book and year; secret documents have
their own series. Numbers must be unique, and gapless and ordered within a
series. Offline issuance works from blocks of a series leased to one device;
a voided number is recorded and never reused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from commune_desk.domain.codes import is_unit_code
from commune_desk.domain.errors import NumberingError
from commune_desk.domain.registers import validate_symbol


class SeriesKind(StrEnum):
    """The numbered series: dossier-code counter slots and the register books."""

    DOSSIER_CODE = "dossier-code"
    """``dossier-code/{unit}``: counter slots k of a unit (see ``domain.codes``)."""
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    OUTGOING_SECRET = "outgoing-secret"


#: The register books: one series per book and year, numbered from 1.
REGISTER_BOOKS = frozenset({SeriesKind.INCOMING, SeriesKind.OUTGOING, SeriesKind.OUTGOING_SECRET})
MIN_SERIES_YEAR, MAX_SERIES_YEAR = 2000, 2999
_SERIES = re.compile(r"(?P<kind>dossier-code|incoming|outgoing|outgoing-secret)/(?P<part>[0-9A-Z.]+)")


def series_key(kind: SeriesKind | str, year: int) -> str:
    """The name of a register book's series for a year, e.g. ``incoming/2026``."""
    if SeriesKind(kind) not in REGISTER_BOOKS:
        raise NumberingError("invalid_series", f"{kind} is not a register book")
    if not MIN_SERIES_YEAR <= year <= MAX_SERIES_YEAR:
        raise NumberingError("invalid_series_year", f"bad series year {year}", year=year)
    return f"{SeriesKind(kind).value}/{year}"


def dossier_code_series(unit: str) -> str:
    """The series under which the counter slots of an office unit are leased."""
    if not is_unit_code(unit):
        raise NumberingError("invalid_unit_code", f"bad unit identifier {unit!r}")
    return f"{SeriesKind.DOSSIER_CODE.value}/{unit}"


def parse_series(name: str) -> tuple[SeriesKind, str]:
    """Split a series name into its kind and its unit (dossier codes) or year (register books).

    The whole text must be the name (``"incoming/2026\\n"`` is refused). Raises
    NumberingError(kind='invalid_series').
    """
    match = _SERIES.fullmatch(name) if isinstance(name, str) else None
    if match is not None:
        kind, part = SeriesKind(match["kind"]), match["part"]
        if kind is SeriesKind.DOSSIER_CODE and is_unit_code(part):
            return kind, part
        year_ok = part.isascii() and part.isdigit() and len(part) == 4
        if kind in REGISTER_BOOKS and year_ok and MIN_SERIES_YEAR <= int(part) <= MAX_SERIES_YEAR:
            return kind, part
    raise NumberingError("invalid_series", f"bad series name {name!r}")


def parse_series_key(key: str) -> tuple[SeriesKind, int]:
    """Split a register book's series name, ``incoming/2026``, into its kind and year."""
    kind, part = parse_series(key)
    if kind not in REGISTER_BOOKS:
        raise NumberingError("invalid_series", f"{key!r} is not a register book's series")
    return kind, int(part)


@dataclass(frozen=True)
class Lease:
    """A block ``start..end`` (inclusive) of one series held by one device."""

    series: str
    start: int
    end: int
    lease_id: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.start <= self.end:
            raise NumberingError("invalid_lease", f"bad lease block {self.start}..{self.end}")

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.start <= number <= self.end

    @property
    def size(self) -> int:
        """How many numbers the block holds."""
        return self.end - self.start + 1


def next_number(leases: Sequence[Lease], issued: Collection[int]) -> int | None:
    """The smallest number of the leases not yet issued (or voided); None when all are used.

    Blocks are used in ascending order so that numbers stay ordered.
    """
    for lease in sorted(leases, key=lambda lease: lease.start):
        for number in range(lease.start, lease.end + 1):
            if number not in issued:
                return number
    return None


def remaining(leases: Sequence[Lease], issued: Collection[int]) -> int:
    """How many numbers the leases can still issue."""
    return sum(lease.size - sum(1 for n in issued if n in lease) for lease in leases)


def format_outgoing_number(number: int, symbol: str) -> str:
    """Number/symbol of an outgoing document: ``05/QĐ-UBND`` (below 10 takes a leading zero)."""
    if number < 1:
        raise NumberingError("invalid_document_number", f"bad document number {number}")
    return f"{number:02d}/{validate_symbol(symbol)}"


def find_gaps(issued: Iterable[int], voided: Iterable[int] = (), *, upto: int | None = None) -> list[int]:
    """Numbers from 1 to ``upto`` (default: the highest issued) neither issued nor voided."""
    used = set(issued) | set(voided)
    top = upto if upto is not None else max(used, default=0)
    return [n for n in range(1, top + 1) if n not in used]
