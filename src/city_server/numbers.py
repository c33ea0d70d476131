"""Number series: counter-slot and block leases, uniqueness, voids, provisional numbers, gaps.

Two kinds of series (see docs/protocol.md):

* ``dossier-code/{unit}``: a device leases a counter slot k (1..9) and issues
  the daily numbers ``k*1000+1 .. k*1000+999``; uniqueness is per unit and day.
* register books ``incoming/{yyyy}``, ``outgoing/{yyyy}``,
  ``outgoing-secret/{yyyy}``: a device leases blocks of consecutive numbers;
  ``series_state.next_number`` is the first number never leased or assigned.

All writes here run while the caller holds the commune lock
(:func:`lock_commune`), so checks and inserts cannot race.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from city_server.db import as_utc
from city_server.errors import ApiError
from city_server.models import CodeMark, Commune, LeaseRow, NumberUse, SeriesState, utcnow
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.codes import COUNTER_SLOTS, DossierCode, counter_slot_range
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import SeriesKind, dossier_code_series, parse_series
from commune_desk.protocol import (
    ErrorKind,
    Gap,
    Lease,
    LeaseRequest,
)


def _code_use(code: DossierCode) -> tuple[str, int]:
    """The number-use key of a dossier code: its unit's series and day, and its daily number."""
    return f"{dossier_code_series(code.unit)}/{code.day:%y%m%d}", code.number


def lock_commune(session: Session, commune_id: int) -> Commune:
    """Lock the commune row until commit: serialises writers of one commune."""
    return session.execute(select(Commune).where(Commune.id == commune_id).with_for_update()).scalar_one()


def lease_to_wire(row: LeaseRow) -> Lease:
    """Protocol form of a lease row."""
    return Lease(
        lease_id=row.id,
        series=row.series,
        device_id=UUID(row.device_id),
        first=row.first,
        last=row.last,
        slot=row.slot,
        granted_at=as_utc(row.granted_at),
    )


def active_leases(session: Session, commune_id: int, device_id: str) -> list[LeaseRow]:
    """Leases the device holds (not released), oldest first."""
    return list(
        session.scalars(
            select(LeaseRow)
            .where(LeaseRow.commune_id == commune_id, LeaseRow.device_id == device_id)
            .where(LeaseRow.released_at.is_(None))
            .order_by(LeaseRow.id)
        )
    )


def _next_state(session: Session, commune_id: int, series: str) -> SeriesState:
    state = session.get(SeriesState, (commune_id, series))
    if state is None:
        highest = session.scalar(
            select(func.max(NumberUse.number)).where(
                NumberUse.commune_id == commune_id, NumberUse.series == series
            )
        )
        state = SeriesState(commune_id=commune_id, series=series, next_number=(highest or 0) + 1)
        session.add(state)
    return state


def check_not_recovering(commune: Commune) -> None:
    """Refuse a new slot or block while the commune recovers from a restore (409 ``recovering``)."""
    until = commune.recovery_until
    if until is not None and as_utc(until) > utcnow():
        raise ApiError(
            409,
            ErrorKind.RECOVERING,
            "the server was restored: new counter slots and number blocks wait for the PCs' reports",
            until=as_utc(until).isoformat(),
        )


#: Days of code marks a newly granted counter slot comes with.
SLOT_MARK_DAYS = 31


def slot_marks(session: Session, commune_id: int, lease: LeaseRow, days: int) -> dict[str, int]:
    """Per code day (the last ``days``), the highest number used in ``lease``'s counter slot:
    by codes the server holds, or as reported by the PCs that held the slot."""
    since = (utcnow().astimezone(VN_TZ).date() - timedelta(days=days - 1)).strftime("%y%m%d")
    low, high = f"{lease.series}/{since}", f"{lease.series}/999999"
    used = session.execute(
        select(NumberUse.series, func.max(NumberUse.number))
        .where(
            NumberUse.commune_id == commune_id,
            NumberUse.series >= low,
            NumberUse.series <= high,
            NumberUse.number.between(lease.first, lease.last),
        )
        .group_by(NumberUse.series)
    ).all()
    reported = session.execute(
        select(CodeMark.series, CodeMark.number).where(
            CodeMark.commune_id == commune_id,
            CodeMark.series >= low,
            CodeMark.series <= high,
            CodeMark.slot == lease.slot,
        )
    ).all()
    marks: dict[str, int] = {}
    for series, number in [*used, *reported]:
        marks[series] = max(marks.get(series, 0), int(number))
    return marks


def grant_lease(session: Session, commune_id: int, device_id: str, req: LeaseRequest) -> Lease:
    """Grant a slot or block; the caller commits. Raises ApiError for a bad series."""
    try:
        kind, _part = parse_series(req.series)
    except DomainError:
        raise ApiError(400, ErrorKind.UNKNOWN_SERIES, "unknown series", series=req.series) from None
    commune = lock_commune(session, commune_id)
    if kind is SeriesKind.DOSSIER_CODE:
        held = session.scalars(
            select(LeaseRow).where(
                LeaseRow.commune_id == commune_id,
                LeaseRow.series == req.series,
                LeaseRow.released_at.is_(None),
            )
        ).all()
        for row in held:
            if row.device_id == device_id:
                return lease_to_wire(row)
        check_not_recovering(commune)
        taken = {row.slot for row in held}
        free = [k for k in COUNTER_SLOTS if k not in taken]
        if not free:
            raise ApiError(409, ErrorKind.NO_FREE_SLOT, "all counter slots are leased")
        numbers = counter_slot_range(free[0])
        row = LeaseRow(
            commune_id=commune_id,
            series=req.series,
            device_id=device_id,
            first=numbers.start,
            last=numbers.stop - 1,
            slot=free[0],
        )
    else:
        check_not_recovering(commune)
        state = _next_state(session, commune_id, req.series)
        first = state.next_number
        state.next_number = first + req.size
        row = LeaseRow(
            commune_id=commune_id,
            series=req.series,
            device_id=device_id,
            first=first,
            last=first + req.size - 1,
        )
    session.add(row)
    session.flush()
    granted = lease_to_wire(row)
    if row.slot is not None:
        granted.marks = slot_marks(session, commune_id, row, SLOT_MARK_DAYS)
    return granted


def find_gaps(session: Session, commune_id: int) -> list[Gap]:
    """Register numbers below each series' highest used number that are neither used nor voided.

    Linear in the numbers used plus the gaps found: each series' used numbers
    are walked in order (the holes between neighbours are the gaps) while a
    second pointer walks that series' leases sorted by their first number.
    Read-only: it never takes the write lock.
    """
    used: dict[str, list[int]] = {}
    for series, number in session.execute(
        select(NumberUse.series, NumberUse.number)
        .where(NumberUse.commune_id == commune_id)
        .where(NumberUse.series.not_like(f"{SeriesKind.DOSSIER_CODE}/%"))
        .order_by(NumberUse.series, NumberUse.number)
    ):
        used.setdefault(series, []).append(number)
    leases: dict[str, list[LeaseRow]] = {}
    for row in session.scalars(
        select(LeaseRow)
        .where(LeaseRow.commune_id == commune_id, LeaseRow.slot.is_(None))
        .order_by(LeaseRow.series, LeaseRow.first)
    ):
        leases.setdefault(row.series, []).append(row)
    gaps: list[Gap] = []
    for series, numbers in used.items():
        gaps += _series_gaps(series, numbers, leases.get(series, []))
    return gaps


def _series_gaps(series: str, numbers: list[int], leases: list[LeaseRow]) -> list[Gap]:
    """The gaps of one series (``numbers`` ascending), each with the device holding its lease.

    Built without re-validating each value (they come from the database's own
    columns): a report of 100,000 gaps is a few hundred milliseconds.
    """
    out: list[Gap] = []
    holders = {r.device_id: UUID(r.device_id) for r in leases if r.released_at is None}
    index = 0
    expected = 1
    for number in numbers:
        for n in range(expected, number):
            # Blocks of one series never overlap: each is cut from the never-leased rest.
            while index < len(leases) and leases[index].last < n:
                index += 1
            lease = leases[index] if index < len(leases) else None
            holder = holders.get(lease.device_id) if lease is not None and lease.first <= n else None
            out.append(Gap.model_construct(series=series, number=n, leased_to=holder))
        expected = number + 1
    return out
