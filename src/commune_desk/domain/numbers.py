"""Register-book numbers (Decree 30/2020/NĐ-CP).

Incoming ("số đến") and outgoing document numbers run from 1 on 1 January to
31 December, one series per register book and year; secret documents have
their own series. Numbers must be unique, and gapless and ordered within a
series. Offline issuance works from blocks of a series leased to one device;
a voided number is recorded and never reused.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from commune_desk.domain.errors import NumberingError
from commune_desk.domain.registers import validate_symbol


class SeriesKind(StrEnum):
    """The register books that carry legal numbers."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
    OUTGOING_SECRET = "outgoing-secret"


def series_key(kind: SeriesKind | str, year: int) -> str:
    """The name of a series, e.g. ``incoming/2026``."""
    if not 2000 <= year <= 2999:
        raise NumberingError("invalid_series_year", f"bad series year {year}", year=year)
    return f"{SeriesKind(kind).value}/{year}"


def parse_series_key(key: str) -> tuple[SeriesKind, int]:
    """Split ``incoming/2026`` into its kind and year."""
    kind, _, year = key.partition("/")
    try:
        return SeriesKind(kind), int(year)
    except ValueError as exc:
        raise NumberingError("invalid_series", f"bad series key {key!r}") from exc


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
