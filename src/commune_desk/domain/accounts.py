"""Who does something: the signed-in person every write is attributed to.

The desktop passes the :class:`Actor` it got from signing in to every write;
the services record the person's name in what is printed (``received_by``,
an event's ``actor``), the user name in the audit log and on each outbox
operation (the city server checks that user's role), and refuse leader-only
actions to anyone the office's rules do not allow.

Scripts and maintenance tools of the installation itself (``commune-desk
intake --clerk``, demo data, reference-data updates) pass a plain name
instead: it is recorded as typed, with no account and no role check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commune_desk.domain.roles import Role, RoleRules


@dataclass(frozen=True)
class Actor:
    """A person signed in on this PC."""

    #: Account name (unique; what the server knows the person by).
    username: str
    #: Full name, printed on slips, registers and the log book.
    name: str
    role: Role = Role.CLERK

    def __str__(self) -> str:
        return self.name


#: What the services accept as "who": a signed-in person, or a plain name (installation tools).
ActorLike = Actor | str


def actor_name(actor: ActorLike | None) -> str:
    """The name recorded in printed fields (``received_by``, an event's ``actor``)."""
    return actor.name if isinstance(actor, Actor) else (actor or "")


def actor_username(actor: ActorLike | None) -> str | None:
    """The user name carried by outbox operations (None for a plain name)."""
    return actor.username if isinstance(actor, Actor) else None


def audit_name(actor: ActorLike | None) -> str:
    """What the audit log records as the actor: the user name, else the plain name."""
    return actor.username if isinstance(actor, Actor) else (actor or "")


@dataclass(frozen=True)
class NewClerk:
    """An account created on this PC by a leader (offices that have never been online)."""

    username: str
    full_name: str
    role: Role
    password: str


@dataclass(frozen=True)
class ClerkInfo:
    """One account of this PC, as the sign-in screen and the staff dialog list it."""

    username: str
    full_name: str
    role: Role
    active: bool
    #: ``local`` or ``server``.
    source: str
    #: False until the person's first sign-in here (which then needs the server).
    has_password: bool
    last_sign_in_at: datetime | None = None

    def actor(self) -> Actor:
        """The Actor this account signs in as."""
        return Actor(self.username, self.full_name, self.role)


@dataclass(frozen=True)
class AccessPolicy:
    """The office's role rules and how long an idle PC stays unlocked."""

    rules: RoleRules = field(default_factory=RoleRules)
    #: Minutes without keyboard or mouse before the PC locks (0: never).
    lock_after_minutes: int = 10
    #: Whether the rules and the accounts come from the city server.
    server_managed: bool = False

    @classmethod
    def from_settings(
        cls, role_rules: Any, lock_after_minutes: int | None, sync_account: Any
    ) -> AccessPolicy:
        """The policy given the stored settings' values: the role rules document, the
        idle minutes (None: the default) and the PC's sync account (set once it logged in)."""
        return cls(
            rules=RoleRules.from_json(role_rules),
            lock_after_minutes=cls.lock_after_minutes if lock_after_minutes is None else lock_after_minutes,
            server_managed=bool(sync_account),
        )


def sign_in_order(clerks: Iterable[ClerkInfo]) -> list[ClerkInfo]:
    """Accounts as the sign-in screen lists them: the most recently signed in first,
    then by name."""
    never = 0.0
    return sorted(
        clerks,
        key=lambda c: (-(c.last_sign_in_at.timestamp() if c.last_sign_in_at else never), c.full_name),
    )
