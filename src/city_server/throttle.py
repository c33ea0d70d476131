"""Login abuse: growing waits, then a temporary lock, per username and per client address.

The counting is the ``limits`` library's fixed-window strategy (the library
behind slowapi and Flask-Limiter); its counters live in the server's own
database through :class:`DatabaseStorage`, so several server processes or
hosts on one PostgreSQL share them (in-process memory would let an attacker
spread attempts over processes, and Redis would be one more service to run).

Only failed logins count. Each key has stacked windows: a few failures in a
minute make the next attempt wait until that minute is over; more failures
over ten minutes, then over an hour, lock the username or address for the
rest of that window. While a window is full every attempt, right password or
not, is answered 429 with ``Retry-After``. A successful login clears the
username's counters.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import CursorResult, Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from city_server.models import RateCounter

USERNAME_LIMITS: tuple[RateLimitItem, ...] = (
    RateLimitItemPerMinute(5, namespace="login-user"),
    RateLimitItemPerMinute(10, 10, namespace="login-user"),
    RateLimitItemPerHour(20, namespace="login-user"),
)
"""Failed logins of one username: 5 a minute, 10 in ten minutes, 20 an hour (then locked)."""
ADDRESS_LIMITS: tuple[RateLimitItem, ...] = (
    RateLimitItemPerMinute(30, namespace="login-address"),
    RateLimitItemPerMinute(100, 10, namespace="login-address"),
    RateLimitItemPerHour(300, namespace="login-address"),
)
"""Failed logins from one client address (an office's clerks may share one address)."""


class DatabaseStorage(Storage):
    """A ``limits`` storage on the city server's database (SQLite or PostgreSQL).

    ``incr`` is one atomic upsert, so concurrent processes never lose a hit.
    """

    STORAGE_SCHEME = ["city-server-db"]

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.engine = engine
        self.clock = clock
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` hits to ``key``; a window that has ended starts again."""
        now = self.clock()
        ended = RateCounter.expires_at <= now
        stmt = self._insert(RateCounter).values(key=key, count=amount, expires_at=now + expiry)
        stmt = stmt.on_conflict_do_update(
            index_elements=[RateCounter.key],
            set_={
                "count": case((ended, amount), else_=RateCounter.count + amount),
                "expires_at": case((ended, now + expiry), else_=RateCounter.expires_at),
            },
        ).returning(RateCounter.count)
        with Session(self.engine) as session:
            stale = (
                select(RateCounter.key)
                .where(RateCounter.expires_at < now - 3600)
                .limit(100)
                .with_for_update(skip_locked=True)
            )
            session.execute(delete(RateCounter).where(RateCounter.key.in_(stale)))
            count = int(session.execute(stmt).scalar_one())
            session.commit()
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(RateCounter.count, RateCounter.expires_at).where(RateCounter.key == key)
            ).first()
            conn.rollback()
        return (row[0], row[1]) if row is not None and row[1] > self.clock() else None

    def get(self, key: str) -> int:
        """Hits of ``key`` in its current window."""
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """Unix time at which ``key``'s window ends."""
        row = self._row(key)
        return row[1] if row else self.clock()

    def check(self) -> bool:
        """Whether the database answers."""
        with self.engine.connect() as conn:
            conn.execute(select(1))
        return True

    def reset(self) -> int | None:
        """Forget every counter (``city-server unlock --all``)."""
        with Session(self.engine) as session:
            count = cast(CursorResult[Any], session.execute(delete(RateCounter))).rowcount
            session.commit()
        return int(count or 0)

    def clear(self, key: str) -> None:
        """Forget one counter."""
        with Session(self.engine) as session:
            session.execute(delete(RateCounter).where(RateCounter.key == key))
            session.commit()


@dataclass(frozen=True)
class Lock:
    """A full window: logins for ``scope`` (username or address) wait ``retry_after`` seconds."""

    scope: str
    key: str
    retry_after: int
    limit: str


class LoginThrottle:
    """Failed-login counting per username and per client address, stored in the database."""

    def __init__(
        self,
        engine: Engine,
        *,
        username_limits: Sequence[RateLimitItem] = USERNAME_LIMITS,
        address_limits: Sequence[RateLimitItem] = ADDRESS_LIMITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = DatabaseStorage(engine, clock)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.username_limits = tuple(username_limits)
        self.address_limits = tuple(address_limits)
        self.clock = clock

    def _keys(self, username: str, address: str | None) -> list[tuple[str, str, RateLimitItem]]:
        keys = [("username", username.casefold(), item) for item in self.username_limits]
        if address:
            keys += [("address", address, item) for item in self.address_limits]
        return keys

    def _lock(self, scope: str, key: str, item: RateLimitItem) -> Lock:
        reset = self.limiter.get_window_stats(item, key).reset_time
        wait = max(1, math.ceil(reset - self.clock()))
        return Lock(scope, key, wait, str(item))

    def locks(self, username: str, address: str | None) -> list[Lock]:
        """The full windows that make a login for ``username`` from ``address`` wait now."""
        return [
            self._lock(scope, key, item)
            for scope, key, item in self._keys(username, address)
            if not self.limiter.test(item, key)
        ]

    def failed(self, username: str, address: str | None) -> list[Lock]:
        """Count one failed login; return the windows this failure has just filled."""
        filled = []
        for scope, key, item in self._keys(username, address):
            self.limiter.hit(item, key)
            if self.storage.get(item.key_for(key)) == item.amount:
                filled.append(self._lock(scope, key, item))
        return filled

    def succeeded(self, username: str) -> None:
        """A correct login clears the username's counters (not the address's)."""
        for item in self.username_limits:
            self.limiter.clear(item, username.casefold())

    def unlock(self, username: str | None = None, address: str | None = None) -> None:
        """Clear the counters of a username and/or an address (IT, after checking)."""
        for scope, key, item in self._keys(username or "", address):
            if (scope == "username" and username) or scope == "address":
                self.limiter.clear(item, key)
