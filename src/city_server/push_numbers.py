"""Number checks of one push batch: dossier codes and register numbers, leases, voids.

All of it runs while the batch holds the commune lock (see
:mod:`city_server.numbers`), so checks and takes cannot race. Uses are read in
one query for the whole batch (:meth:`NumberBook.prefetch`) and written by the
batch's :class:`~city_server.push_store.PushStore` at its end.
"""

from __future__ import annotations

from sqlalchemy import select

from city_server.models import LeaseRow, SeriesState
from city_server.numbers import _code_use, _next_state
from city_server.push_store import PushStore, UseRow
from commune_desk.domain.codes import parse_dossier_code
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import dossier_code_series
from commune_desk.protocol import FIELD_CODE, FIELD_NUMBER, FIELD_SERIES, Entity, ErrorKind

_LEASE = LeaseRow.__table__


class NumberBook:
    """Number checks for one push batch of one device (caches its leases and the uses it read)."""

    def __init__(self, store: PushStore) -> None:
        self.store = store
        self._leases: list[tuple[str, int, int]] | None = None
        self._uses: dict[tuple[str, int], UseRow | None] = {}
        self._states: dict[str, SeriesState] = {}

    @staticmethod
    def keys_of(entity: str, fields: dict[str, object]) -> set[tuple[str, int]]:
        """(series key, number) pairs an operation's fields may take (for prefetching)."""
        code, series, number = fields.get(FIELD_CODE), fields.get(FIELD_SERIES), fields.get(FIELD_NUMBER)
        if entity == Entity.DOSSIER and isinstance(code, str):
            try:
                return {_code_use(parse_dossier_code(code))}
            except DomainError:
                return set()
        if (
            isinstance(series, str)
            and isinstance(number, int)
            and not isinstance(number, bool)
            and 1 <= number <= 2**62
        ):
            return {(series, number)}
        return set()

    def prefetch(self, keys: set[tuple[str, int]]) -> None:
        """Load the uses of ``keys`` in one query (absent ones are remembered as free)."""
        keys = keys - self._uses.keys()
        if not keys:
            return
        self._uses.update(dict.fromkeys(keys))
        for row in self.store.number_uses(keys):
            self._uses[(row.series, row.number)] = row

    def _in_lease(self, series: str, number: int) -> bool:
        if self._leases is None:
            t = _LEASE.c
            rows = self.store.session.execute(
                select(t.series, t.first, t.last).where(
                    t.commune_id == self.store.commune_id,
                    t.device_id == self.store.device_id,
                    t.released_at.is_(None),
                )
            )
            self._leases = [(s, first, last) for s, first, last in rows]
        return any(s == series and first <= number <= last for s, first, last in self._leases)

    def _use(self, key: str, number: int) -> UseRow | None:
        if (key, number) not in self._uses:
            self.prefetch({(key, number)})
        return self._uses[(key, number)]

    def check_code(self, code: object, entity_id: str, *, restored: bool = False) -> ErrorKind | None:
        """Check a dossier code: shape, inside this device's slot (unless it gives back a
        record a restore lost: its slot may have been another PC's), not taken."""
        if not isinstance(code, str):
            return ErrorKind.INVALID_FIELDS
        try:
            parsed = parse_dossier_code(code)
        except DomainError:
            return ErrorKind.INVALID_FIELDS
        if not restored and not self._in_lease(dossier_code_series(parsed.unit), parsed.number):
            return ErrorKind.NUMBER_OUTSIDE_LEASE
        use = self._use(*_code_use(parsed))
        if use is not None and use.entity_id != entity_id:
            return ErrorKind.NUMBER_TAKEN
        return None

    def take_code(self, code: str, entity: str, entity_id: str) -> None:
        """Record a checked dossier code as used."""
        self._take(*_code_use(parse_dossier_code(code)), entity, entity_id)

    def check_number(
        self, series: str, number: int, entity_id: str, *, restored: bool = False
    ) -> ErrorKind | None:
        """Check a register number: inside this device's lease (unless restored) and not taken."""
        if not restored and not self._in_lease(series, number):
            return ErrorKind.NUMBER_OUTSIDE_LEASE
        use = self._use(series, number)
        if use is not None and use.entity_id != entity_id:
            return ErrorKind.NUMBER_TAKEN
        return None

    def take_number(self, series: str, number: int, entity: str, entity_id: str) -> None:
        """Record a checked register number as used."""
        self._take(series, number, entity, entity_id)

    def assign_provisional(self, series: str) -> int:
        """Give a provisional entry the next number of the series (never one of a lease)."""
        if series not in self._states:
            self._states[series] = _next_state(self.store.session, self.store.commune_id, series)
        state = self._states[series]
        number = state.next_number
        state.next_number = number + 1
        return number

    def void(self, series: str, number: int, entity_id: str) -> ErrorKind | None:
        """Void a number: one in this device's lease, or one already used in the commune."""
        use = self._use(series, number)
        if use is not None:
            if not use.new and not use.void_now:
                self.store.uses.append(use)  # an earlier batch's use: updated at the end
            use.voided = use.void_now = True
            return None
        if not self._in_lease(series, number):
            return ErrorKind.NUMBER_OUTSIDE_LEASE
        self._take(series, number, Entity.NUMBER_VOID, entity_id, voided=True)
        return None

    def _take(self, key: str, number: int, entity: str, entity_id: str, *, voided: bool = False) -> None:
        if self._use(key, number) is None:
            use = UseRow(key, number, entity, entity_id, voided=voided, new=True)
            self.store.uses.append(use)
            self._uses[(key, number)] = use
