"""Recovery from the world going backwards: commune epochs, reports, marks, drains.

- **Epochs.** Each commune has an epoch that changes whenever its history on
  the server was rewound: the operator declares it after restoring the
  database (``city-server restored``), and the server declares it by itself
  when a PC of the commune reports having seen more than the server holds
  (a cursor or a confirmed seq above the server's). A PC that sees a new
  epoch pulls again from zero and re-sends what the server lost.
- **Reports and marks.** Every handshake carries what the PC holds (leases)
  and the highest numbers it issued; the server keeps each series' next
  number above them and records each counter slot's daily high-water mark,
  so a restored server never hands out a number a PC already used. The
  handshake answers with the marks of the caller's own slot and blocks, so
  a restored PC continues above what the server knows.
- **Drains.** A device revoked with a drain may still deliver what it made
  before (handshake, push, blob upload) until it says it has drained or the
  window ends; its leases stay held meanwhile, so nobody else is given its
  numbers.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from city_server.db import as_utc
from city_server.errors import ApiError
from city_server.models import (
    CodeMark,
    Commune,
    Device,
    LeaseRow,
    NumberUse,
    SeriesState,
    new_epoch,
    utcnow,
)
from city_server.numbers import _next_state, active_leases, slot_marks
from commune_desk.domain.codes import COUNTER_SLOTS, SLOT_SIZE, counter_slot_range
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import REGISTER_BOOKS, SeriesKind, parse_series
from commune_desk.protocol import (
    API_PREFIX,
    DeviceReport,
    ErrorKind,
    HandshakeRequest,
    HighWaterMarks,
)

log = logging.getLogger(__name__)

#: Requests a draining device may still make: deliver its work, then say it drained.
_DRAIN_ROUTES = (
    ("POST", f"{API_PREFIX}/handshake"),
    ("POST", f"{API_PREFIX}/push"),
    ("POST", f"{API_PREFIX}/devices/self/drained"),
    ("POST", f"{API_PREFIX}/blobs/"),
    ("PUT", f"{API_PREFIX}/blobs/"),
    ("GET", f"{API_PREFIX}/blobs/"),
)


# -- epochs ------------------------------------------------------------------------------


#: How long new slots and blocks are held back after a restore, unless the operator says.
DEFAULT_RECOVERY_HOLD = timedelta(hours=24)


def declare_epoch(
    session: Session, commune: Commune, reason: str, hold: timedelta = DEFAULT_RECOVERY_HOLD
) -> str:
    """Start a new epoch for ``commune`` (the caller commits); return it.

    For ``hold`` no new counter slot or number block is granted in the commune:
    the PCs' reports give back what the restored database lost first, so a new
    PC is never handed a slot or block another PC has already used.
    """
    now = utcnow()
    commune.epoch = new_epoch()
    commune.epoch_at = now
    commune.epoch_reason = reason[:200]
    commune.recovery_until = now + hold if hold > timedelta(0) else None
    log.warning("commune %s: new epoch %s (%s)", commune.code, commune.epoch, reason)
    return commune.epoch


def notice_rewind(session: Session, commune: Commune, device: Device, req: HandshakeRequest) -> None:
    """Declare a new epoch when this PC has seen more of the commune than the server holds.

    Only a report of the current epoch counts: a PC still in an older epoch is
    about to resynchronise anyway.
    """
    if not req.epoch or req.epoch != commune.epoch:
        return
    if req.seen_cursor > commune.change_seq:
        reason = f"device {device.id} saw cursor {req.seen_cursor} > {commune.change_seq}"
    elif req.confirmed_seq > device.last_seq:
        reason = f"device {device.id} had seq {req.confirmed_seq} confirmed > {device.last_seq}"
    else:
        return
    declare_epoch(session, commune, f"rewound: {reason}")


# -- what PCs report -----------------------------------------------------------------------


def _code_day(series: str) -> tuple[str, date] | None:
    """Split ``dossier-code/{unit}/{yyMMdd}`` into the slot series and the day (None: not one)."""
    head, _, day = series.rpartition("/")
    try:
        kind, _unit = parse_series(head)
        parsed = datetime.strptime(day, "%y%m%d").date()
    except (DomainError, ValueError):
        return None
    if kind is not SeriesKind.DOSSIER_CODE or len(day) != 6:
        return None
    return head, parsed


def absorb_report(session: Session, commune_id: int, device_id: str, report: DeviceReport) -> None:
    """Rebuild numbering state from a PC's report (the caller holds the commune lock).

    - every reported block or provisional number pushes its series' next number above it;
    - a reported lease the server does not know (it was restored from an older backup)
      is given back to the PC when nobody else holds it;
    - each reported daily code number becomes its slot's high-water mark for that day.
    """
    held = active_leases(session, commune_id, device_id)
    for lease in report.leases:
        try:
            kind, _part = parse_series(lease.series)
        except DomainError:
            continue
        if lease.first > lease.last:
            continue
        if kind is SeriesKind.DOSSIER_CODE:
            _readopt_slot(session, commune_id, device_id, lease.series, lease.slot, held)
        elif kind in REGISTER_BOOKS:
            state = _next_state(session, commune_id, lease.series)
            state.next_number = max(state.next_number, lease.last + 1)
            _readopt_block(session, commune_id, device_id, lease.series, lease.first, lease.last, held)
    for series, number in report.numbers.items():
        try:
            kind, _part = parse_series(series)
        except DomainError:
            continue
        if kind in REGISTER_BOOKS and number >= 1:
            state = _next_state(session, commune_id, series)
            state.next_number = max(state.next_number, number + 1)
    for series, number in report.codes.items():
        if _code_day(series) is None or not 1 <= number < SLOT_SIZE * (max(COUNTER_SLOTS) + 1):
            continue
        slot = number // SLOT_SIZE
        if slot not in COUNTER_SLOTS:
            continue
        mark = session.get(CodeMark, (commune_id, series, slot))
        if mark is None:
            session.add(
                CodeMark(commune_id=commune_id, series=series, slot=slot, number=number, device_id=device_id)
            )
        elif number > mark.number:
            mark.number, mark.device_id, mark.reported_at = number, device_id, utcnow()


def _readopt_slot(
    session: Session,
    commune_id: int,
    device_id: str,
    series: str,
    slot: int | None,
    held: list[LeaseRow],
) -> None:
    if slot is None or slot not in COUNTER_SLOTS or any(r.series == series for r in held):
        return
    taken = session.scalar(
        select(LeaseRow.id).where(
            LeaseRow.commune_id == commune_id,
            LeaseRow.series == series,
            LeaseRow.slot == slot,
            LeaseRow.released_at.is_(None),
        )
    )
    if taken is not None:
        return
    numbers = counter_slot_range(slot)
    row = LeaseRow(
        commune_id=commune_id,
        series=series,
        device_id=device_id,
        first=numbers.start,
        last=numbers.stop - 1,
        slot=slot,
    )
    session.add(row)
    held.append(row)
    log.info("slot %s of %s given back to device %s (reported)", slot, series, device_id)


def _readopt_block(
    session: Session,
    commune_id: int,
    device_id: str,
    series: str,
    first: int,
    last: int,
    held: list[LeaseRow],
) -> None:
    if any(r.series == series and r.first <= first and last <= r.last for r in held):
        return
    overlapping = session.scalar(
        select(LeaseRow.id).where(
            LeaseRow.commune_id == commune_id,
            LeaseRow.series == series,
            LeaseRow.first <= last,
            LeaseRow.last >= first,
        )
    )
    if overlapping is not None:
        return
    row = LeaseRow(commune_id=commune_id, series=series, device_id=device_id, first=first, last=last)
    session.add(row)
    held.append(row)
    log.info("block %s %s-%s given back to device %s (reported)", series, first, last, device_id)


# -- what the server tells a PC ----------------------------------------------------------


def marks_for(session: Session, commune_id: int, device_id: str, days: int) -> HighWaterMarks:
    """The highest numbers used in the device's own slot (recent days) and blocks."""
    codes: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for lease in active_leases(session, commune_id, device_id):
        if lease.slot is not None:
            for series, number in slot_marks(session, commune_id, lease, days).items():
                codes[series] = max(codes.get(series, 0), number)
            continue
        top = session.scalar(
            select(func.max(NumberUse.number)).where(
                NumberUse.commune_id == commune_id,
                NumberUse.series == lease.series,
                NumberUse.number.between(lease.first, lease.last),
            )
        )
        if top is not None:
            numbers[lease.series] = max(numbers.get(lease.series, 0), int(top))
    return HighWaterMarks(codes=codes, numbers=numbers)


# -- revocation drains ---------------------------------------------------------------------


def is_draining(device: Device, now: datetime | None = None) -> bool:
    """Revoked, but still allowed to deliver what it made before."""
    if device.revoked_at is None or device.drained_at is not None or device.drain_until is None:
        return False
    return as_utc(device.drain_until) > (now or utcnow())


def check_device_access(device: Device, method: str, path: str) -> None:
    """Raise ``device_revoked`` unless the device may make this request."""
    if device.revoked_at is None:
        return
    if is_draining(device) and any(
        method == m and (path == p or (p.endswith("/") and path.startswith(p))) for m, p in _DRAIN_ROUTES
    ):
        return
    raise ApiError(401, ErrorKind.DEVICE_REVOKED, "this device has been revoked")


def release_leases(session: Session, device_id: str, now: datetime) -> None:
    """Release every lease the device holds (their unused numbers become gaps)."""
    session.execute(
        update(LeaseRow)
        .where(LeaseRow.device_id == device_id, LeaseRow.released_at.is_(None))
        .values(released_at=now)
    )


def release_ended_drains(session: Session, commune_id: int) -> None:
    """Release the leases of revoked devices whose drain window has ended."""
    now = utcnow()
    ended = session.scalars(
        select(Device.id).where(
            Device.commune_id == commune_id,
            Device.revoked_at.is_not(None),
            Device.drained_at.is_(None),
            and_(Device.drain_until.is_not(None), Device.drain_until <= now),
        )
    ).all()
    for device_id in ended:
        release_leases(session, device_id, now)


def numbering_state(session: Session, commune_id: int) -> dict[str, Any]:
    """What the server will hand out next: each register series' next number and the
    counter slots' reported daily marks (what ``city-server numbers`` prints)."""
    series = {
        row.series: row.next_number
        for row in session.scalars(
            select(SeriesState).where(SeriesState.commune_id == commune_id).order_by(SeriesState.series)
        )
    }
    marks = [
        {"series": m.series, "slot": m.slot, "number": m.number, "device_id": m.device_id}
        for m in session.scalars(
            select(CodeMark).where(CodeMark.commune_id == commune_id).order_by(CodeMark.series, CodeMark.slot)
        )
    ]
    return {"series": series, "code_marks": marks}
