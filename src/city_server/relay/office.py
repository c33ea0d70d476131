"""The relay's knowledge of its commune: devices, users, leases, and its sub-leases.

Devices, users and leases are copied from the city (``GET /v1/relay/office``)
into the relay database's own ``device``, ``app_user`` and ``lease`` tables,
so the reference server's authentication and lease code read them as usual.
Users get no password hash: nobody logs in to a relay with a password.
Sub-leases are carved from the relay's own leases in the transaction that
records them, so two counters never receive the same number.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from city_server.errors import ApiError
from city_server.models import Commune, Device, LeaseRow, User
from city_server.numbers import lease_to_wire
from city_server.relay_models import RelayIdentity, RelayOp, SubLease
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import SeriesKind, parse_series
from commune_desk.protocol import ErrorKind, Lease, LeaseRequest, OfficeState

#: Local id of the one commune a relay serves.
COMMUNE_ID = 1
#: Lease ids of sub-leases not yet reported to the city (kept apart from the city's ids).
SUBLEASE_ID_BASE = 1 << 40
#: The relay leases register numbers from the city in blocks of this size.
HELD_BLOCK = 100
#: ... whenever fewer than this many are left to sub-lease.
HELD_LOW_WATER = 40
NO_PASSWORD = "!"


def ensure_commune(session: Session, code: str, name: str) -> Commune:
    """The relay's one commune row (id 1)."""
    commune = session.get(Commune, COMMUNE_ID)
    if commune is None:
        commune = Commune(id=COMMUNE_ID, code=code, name=name, change_seq=0)
        session.add(commune)
    else:
        commune.name = name or commune.name
    session.flush()
    return commune


def identity(session: Session) -> RelayIdentity | None:
    """The relay's own device at the city (None before ``city-server relay login``)."""
    return session.get(RelayIdentity, 1)


def mirror_office(session: Session, office: OfficeState) -> None:
    """Copy the commune's devices, users and active leases from the city (caller commits)."""
    ensure_commune(session, office.commune_code, office.commune_name)
    now = datetime.now(UTC)
    for d in office.devices:
        user = session.get(User, d.user_id)
        if user is None:
            user = User(id=d.user_id, commune_id=COMMUNE_ID, password_hash=NO_PASSWORD, created_at=now)
            session.add(user)
        user.username, user.role, user.active = d.username, d.role.value, True
        device = session.get(Device, str(d.device_id))
        if device is None:
            device = Device(id=str(d.device_id), commune_id=COMMUNE_ID, registered_at=now, name="")
            session.add(device)
        device.user_id, device.public_key, device.last_seq = d.user_id, d.public_key, d.last_seq
        device.revoked_at = now if d.revoked else None
    session.flush()
    session.execute(delete(LeaseRow).where(LeaseRow.commune_id == COMMUNE_ID))
    for d in office.devices:
        for lease in d.leases:
            session.add(
                LeaseRow(
                    id=lease.lease_id,
                    commune_id=COMMUNE_ID,
                    series=lease.series,
                    device_id=str(d.device_id),
                    first=lease.first,
                    last=lease.last,
                    slot=lease.slot,
                    granted_at=lease.granted_at,
                )
            )
    session.flush()


def _held_ranges(session: Session, relay_device: str, series: str) -> list[tuple[int, int]]:
    rows = session.execute(
        select(LeaseRow.first, LeaseRow.last).where(
            LeaseRow.device_id == relay_device, LeaseRow.series == series, LeaseRow.released_at.is_(None)
        )
    ).all()
    return sorted((int(a), int(b)) for a, b in rows)


def free_numbers(session: Session, relay_device: str, series: str) -> list[int]:
    """Numbers of the relay's leases of ``series`` not yet sub-leased, ascending."""
    taken = session.execute(select(SubLease.first, SubLease.last).where(SubLease.series == series)).all()
    used = [(int(a), int(b)) for a, b in taken]
    out: list[int] = []
    for first, last in _held_ranges(session, relay_device, series):
        out.extend(n for n in range(first, last + 1) if not any(a <= n <= b for a, b in used))
    return out


def counter_leases(session: Session, device_id: str) -> list[Lease]:
    """The leases a counter holds: the city's, and sub-leases not reported yet."""
    leases = [
        lease_to_wire(r)
        for r in session.scalars(
            select(LeaseRow)
            .where(LeaseRow.device_id == device_id, LeaseRow.released_at.is_(None))
            .order_by(LeaseRow.id)
        )
    ]
    known = {(lease.series, lease.first, lease.last) for lease in leases}
    for sub in session.scalars(select(SubLease).where(SubLease.device_id == device_id).order_by(SubLease.id)):
        if (sub.series, sub.first, sub.last) not in known:
            leases.append(_sub_to_wire(sub))
    return leases


def _sub_to_wire(sub: SubLease) -> Lease:
    return Lease(
        lease_id=SUBLEASE_ID_BASE + sub.id,
        series=sub.series,
        device_id=sub.device_id,  # type: ignore[arg-type]
        first=sub.first,
        last=sub.last,
        granted_at=sub.granted_at if sub.granted_at.tzinfo else sub.granted_at.replace(tzinfo=UTC),
    )


def sub_lease(session: Session, relay_device: str, device_id: str, req: LeaseRequest) -> Lease:
    """A counter's lease request answered from what the relay holds (caller commits)."""
    try:
        kind, _part = parse_series(req.series)
    except DomainError:
        raise ApiError(400, ErrorKind.UNKNOWN_SERIES, "unknown series", series=req.series) from None
    if kind is SeriesKind.DOSSIER_CODE:
        row = session.scalar(
            select(LeaseRow).where(
                LeaseRow.device_id == device_id, LeaseRow.series == req.series, LeaseRow.released_at.is_(None)
            )
        )
        if row is None:
            raise ApiError(409, ErrorKind.NO_FREE_SLOT, "counter slots are leased by the city at login")
        return lease_to_wire(row)
    free = free_numbers(session, relay_device, req.series)
    if not free:
        raise ApiError(409, ErrorKind.NO_NUMBER_AVAILABLE, "the relay has no numbers of this series left")
    first = free[0]
    last = first
    while last - first + 1 < req.size and last + 1 in free:
        last += 1
    sub = SubLease(series=req.series, device_id=device_id, first=first, last=last, reported=False)
    session.add(sub)
    session.flush()
    return _sub_to_wire(sub)


def last_seq_of(session: Session, device_id: str) -> int:
    """Highest seq of the device the city has or the relay holds."""
    city = session.scalar(select(Device.last_seq).where(Device.id == device_id)) or 0
    here = session.scalar(select(func.max(RelayOp.seq)).where(RelayOp.device_id == device_id)) or 0
    return max(int(city), int(here))


def wanted_series(session: Session, year: int) -> list[str]:
    """Register series the relay keeps numbers of: this year's books, and any asked for."""
    series = {f"incoming/{year}", f"outgoing/{year}"}
    series |= set(session.scalars(select(SubLease.series).distinct()))
    return sorted(series)
