"""Number-series leases: obtained and renewed while online, used offline.

- Dossier codes: the device leases a counter slot k of ``dossier-code/{unit}``
  once; the office setting ``counter_slot`` is set to k, so every code this PC
  issues (online or not, for any number of days) lies in ``k001..k999``.
- Register books (``incoming/{yyyy}``, ``outgoing/{yyyy}``, and
  ``outgoing-secret/{yyyy}`` once the PC has used it): every round tops the
  PC's unused numbers up to at least :data:`LOW_WATER` by leasing a block of
  :data:`BLOCK_SIZE`. Offline, the services issue from these blocks; when they
  run out an incoming entry gets a provisional number (see docs/protocol.md).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.codes import is_unit_code
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import (
    REGISTER_BOOKS,
    SeriesKind,
    dossier_code_series,
    parse_series,
    series_key,
)
from commune_desk.store.models import IssuedNumber, NumberLease
from commune_desk.store.opening import Store
from commune_desk.store.settings import COUNTER_SLOT, UNIT_CODE, merge_office, office_value
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError
from commune_desk.sync.installation import NO_SLOT, apply_marks

log = logging.getLogger(__name__)

BLOCK_SIZE = 20
LOW_WATER = 5


def store_server_leases(session: Session, leases: list[p.Lease], now: datetime) -> None:
    """Keep the leases the server says this device holds (counter slots and register blocks).

    A slot is kept as the block of daily numbers it covers; only register blocks
    are issued from (the slot's numbers restart every day, see ``domain.codes``).
    """
    for lease in leases:
        lease_id = f"server-{lease.lease_id}"
        same_range = session.scalar(
            select(NumberLease.lease_id).where(
                NumberLease.series == lease.series,
                NumberLease.start == lease.first,
                NumberLease.end == lease.last,
            )
        )
        # A relay's sub-lease comes back from the city under another id: same numbers.
        if session.get(NumberLease, lease_id) is None and same_range is None:
            session.add(
                NumberLease(
                    lease_id=lease_id,
                    series=lease.series,
                    start=lease.first,
                    end=lease.last,
                    source="server",
                    granted_at=now,
                )
            )


def unused_numbers(session: Session, series: str) -> int:
    """How many numbers of this device's leases of ``series`` are still unissued."""
    leases = list(session.scalars(select(NumberLease).where(NumberLease.series == series)))
    issued = set(session.scalars(select(IssuedNumber.number).where(IssuedNumber.series == series)))
    return sum(1 for lease in leases for n in range(lease.start, lease.end + 1) if n not in issued)


def adopt_local_numbers(store: Store, client: SyncClient, handshake: p.HandshakeResponse) -> int:
    """At login, ask the server to lease the numbers this PC issued in single-PC mode.

    A PC used without a server numbered its registers from its own whole-year
    lease. The server grants blocks from the first number never leased in the
    commune, so if nobody else has used the series yet the granted blocks
    cover exactly the PC's numbers and they are accepted as they are. If
    another PC got there first, the documents' pushes are refused
    (``number_outside_lease``/``number_taken``) and wait in the quarantine for
    a person. Returns how many numbers were covered.
    """
    now = datetime.now(UTC)
    with store.read() as session:
        issued: dict[str, set[int]] = {}
        for series, number in session.execute(select(IssuedNumber.series, IssuedNumber.number)):
            try:
                kind, _ = parse_series(series)
            except DomainError:
                continue
            if kind in REGISTER_BOOKS:
                issued.setdefault(series, set()).add(number)
    covered_total = 0
    for series, numbers in sorted(issued.items()):
        covered = {
            n
            for lease in handshake.leases
            if lease.series == series
            for n in range(lease.first, lease.last + 1)
        }
        missing = sorted(numbers - covered)
        while missing:
            size = min(p.MAX_LEASE_SIZE, missing[-1] - missing[0] + 1)
            lease = _lease_or_none(client, p.LeaseRequest(series=series, size=size))
            if lease is None:
                break  # the server is recovering from a restore: next time
            with store.write.begin() as session:
                store_server_leases(session, [lease], now)
            if lease.first > missing[0]:
                break  # another PC holds the lower numbers: a person decides
            covered_total += sum(1 for n in missing if lease.first <= n <= lease.last)
            missing = [n for n in missing if not lease.first <= n <= lease.last]
    return covered_total


#: What an office relay answers when it has nothing to sub-lease while the city is away.
_RELAY_SHORT = {p.ErrorKind.NO_NUMBER_AVAILABLE.value, p.ErrorKind.NO_FREE_SLOT.value}


def _lease(client: SyncClient, handshake: p.HandshakeResponse, req: p.LeaseRequest) -> p.Lease | None:
    """A new lease; None when an office relay has none to give now (the round goes on)."""
    try:
        return _lease_or_none(client, req)
    except SyncError as exc:
        if handshake.relay and exc.detail in _RELAY_SHORT:
            return None
        raise


def renew_leases(store: Store, client: SyncClient, handshake: p.HandshakeResponse) -> int:
    """Store the server's leases, lease the counter slot and top up register blocks.

    Returns how many new leases were granted in this call.
    """
    now = datetime.now(UTC)
    year = now.astimezone(VN_TZ).year
    with store.write.begin() as session:
        store_server_leases(session, handshake.leases, now)
        unit = str(office_value(session, UNIT_CODE))
        held = {lease.series for lease in handshake.leases if lease.slot is not None}
        wanted = [
            series_key(SeriesKind.INCOMING, year),
            series_key(SeriesKind.OUTGOING, year),
        ]
        secret = series_key(SeriesKind.OUTGOING_SECRET, year)
        if session.scalar(select(NumberLease.lease_id).where(NumberLease.series == secret)):
            wanted.append(secret)
        short = [s for s in wanted if unused_numbers(session, s) < LOW_WATER]
    granted: list[p.Lease] = []
    code_series = dossier_code_series(unit) if is_unit_code(unit) else None
    slot: int | None = None
    if code_series and code_series not in held:
        lease = _lease(client, handshake, p.LeaseRequest(series=code_series))
        if lease is not None:
            granted.append(lease)
            slot = lease.slot
        elif not handshake.relay:
            # Without a slot (the server is recovering from a restore) no code is issued.
            slot = NO_SLOT
    elif code_series:
        slot = next(x.slot for x in handshake.leases if x.series == code_series)
    for series in short:
        block = _lease(client, handshake, p.LeaseRequest(series=series, size=BLOCK_SIZE))
        if block is not None:
            granted.append(block)
    with store.write.begin() as session:
        store_server_leases(session, granted, now)
        for lease in granted:
            # A slot held by another PC before: continue above the codes it used.
            apply_marks(session, p.HighWaterMarks(codes=lease.marks))
        if slot is not None and office_value(session, COUNTER_SLOT) != slot:
            merge_office(session, counter_slot=slot)
    return len(granted)


def _lease_or_none(client: SyncClient, request: p.LeaseRequest) -> p.Lease | None:
    """A new lease, or None while the server recovers from a restore (it grants none then)."""
    try:
        return client.lease(request)
    except SyncError as exc:
        if exc.detail != p.ErrorKind.RECOVERING:
            raise
        log.warning("no new %s lease: the server is recovering from a restore", request.series)
        return None
