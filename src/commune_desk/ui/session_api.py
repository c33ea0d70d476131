"""The session's calls into the services and the sync layer (run on the store or network thread).

Kept apart from ``ui/api.py`` so the sign-in screen, the staff dialog and the
support tools read as one piece.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SignInScreen:
    """What the sign-in screen shows: the accounts, the office, and whether a server exists."""

    clerks: tuple[Any, ...]
    office_name: str
    policy: Any
    #: True when the PC has logged in to a city server (first sign-ins are confirmed there).
    server_managed: bool
    #: True when no account exists at all: the first leader account is created here.
    first_account: bool


def sign_in_screen(services: Any) -> SignInScreen:
    """Store thread: accounts and office name for the sign-in screen."""
    return _screen(
        tuple(services.list_clerks()),
        services.get_settings().unit_name,
        services.access_policy(),
        any_account=bool(services.list_clerks(include_inactive=True)),
    )


def sign_in_screen_of(glance: Any) -> SignInScreen:
    """The sign-in screen as the store's first glance (``commune_desk.glance``) sees it."""
    return _screen(glance.clerks, glance.office_name, glance.policy, any_account=glance.any_account)


def _screen(clerks: tuple[Any, ...], office_name: str, policy: Any, *, any_account: bool) -> SignInScreen:
    return SignInScreen(
        clerks=clerks,
        office_name=office_name,
        policy=policy,
        server_managed=policy.server_managed,
        first_account=not any_account and not policy.server_managed,
    )


def sign_in(services: Any, username: str, password: str) -> Any:
    """Store thread: check the password offline; the Actor, or SignInError."""
    return services.sign_in(username, password)


def with_server(bridge: Any, work: Callable[[Any, Any], T]) -> T:
    """Network thread: ``work(store, client)`` with a client of this PC's server account.

    Raises SyncError ``not_logged_in`` when the PC has no server account.
    """
    from commune_desk.sync.account import load_account
    from commune_desk.sync.errors import SyncError, SyncErrorKind

    engine = getattr(bridge, "engine", None)
    account = load_account(engine.store) if engine is not None else None
    if engine is None or account is None:
        raise SyncError(SyncErrorKind.NOT_LOGGED_IN, "this PC has no server account")
    client = engine.open_client(account)
    try:
        return work(engine.store, client)
    finally:
        client.close()


def verify_online(bridge: Any, username: str, password: str) -> None:
    """Network thread: have the city server confirm a first sign-in (raises SyncError)."""
    from commune_desk.sync.staff import verify_online as confirm

    with_server(bridge, lambda store, client: confirm(store, client, username, password))


def accept_online(services: Any, username: str, password: str) -> Any:
    """Store thread: the server confirmed the password: keep a verifier, sign in."""
    return services.accept_online_sign_in(username, password)


def create_first_leader(services: Any, username: str, full_name: str, password: str) -> Any:
    """Store thread: the first account of a PC that has never been online, then sign in."""
    from commune_desk.domain.accounts import NewClerk
    from commune_desk.domain.roles import Role

    services.create_clerk(NewClerk(username, full_name, Role.LEADER, password))
    return services.sign_in(username.strip().lower(), password)


def access_state(services: Any, username: str | None) -> tuple[Any, Any]:
    """Store thread: (the rules and idle time in force, the account ``username`` now or None)."""
    policy = services.access_policy()
    if username is None:
        return policy, None
    account = next((c for c in services.list_clerks(include_inactive=True) if c.username == username), None)
    return policy, account
