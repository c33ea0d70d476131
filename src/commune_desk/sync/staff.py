"""The commune's staff on this PC: accounts and role rules delivered by the city server.

Once the office syncs, the people who may sign in on its PCs are the
commune's server users: each round (and the PC's login) fetches their user
names, full names, roles and the commune's role rules, and keeps them in the
``clerk_accounts`` table and the settings. No password hash travels: a
person's first sign-in on a PC asks the server to confirm the password
(:func:`verify_online`), and the PC keeps its own salted verifier from then on,
so every later sign-in works offline.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.store.audit import audit
from commune_desk.store.models import ClerkAccount
from commune_desk.store.opening import Store
from commune_desk.store.settings import ROLE_RULES, get_setting, put_setting
from commune_desk.sync.client import SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def adopt_staff(
    store: Store, staff: p.StaffList, *, verified: tuple[str, dict[str, Any]] | None = None
) -> bool:
    """Make this PC's accounts and rules the server's; return whether anything changed.

    Server users become (or stay) accounts with their current name, role and
    state; accounts of users the server no longer lists, and accounts created
    on this PC before it went online, are locked. A local account whose user
    name the server also has keeps no verifier: its owner's first sign-in
    must be confirmed by the server. ``verified`` is ``(user name, verifier)``
    of a password the server has just confirmed (the PC's own login).
    """
    now = _now()
    listed = {m.username: m for m in staff.members}
    changed: list[str] = []
    with store.write.begin() as session:
        rows = {r.username: r for r in session.scalars(select(ClerkAccount))}
        for username, member in listed.items():
            if _take_member(session, rows.get(username), member, now):
                changed.append(username)
        for username, row in rows.items():
            if username not in listed and row.active:
                row.active, row.updated_at = False, now
                changed.append(username)
        if verified is not None and verified[0] in listed:
            session.flush()
            confirmed = session.get(ClerkAccount, verified[0])
            if confirmed is not None:
                confirmed.verifier = verified[1]
        if get_setting(session, ROLE_RULES) != staff.rules:
            put_setting(session, ROLE_RULES, dict(staff.rules))
            changed.append("rules")
        if changed:
            audit(
                session,
                "staff_updated",
                actor="sync",
                entity="clerk",
                details={"changed": sorted(changed)[:50]},
                at=now,
            )
    return bool(changed)


def refresh_staff(store: Store, client: SyncClient) -> bool:
    """Fetch the commune's staff and adopt it (each sync round); return whether it changed.

    Never fails the round: an older server without the list, or a cut link,
    leaves the accounts as they were (logged).
    """
    try:
        return adopt_staff(store, client.staff())
    except SyncError as exc:
        log.warning("staff list not refreshed: %s", exc)
        return False


def adopt_after_login(
    store: Store, client: SyncClient, tokens: p.TokenResponse, verifier: dict[str, Any]
) -> None:
    """The PC's login: adopt the commune's staff; the user who logged in signs in offline at once."""
    try:
        staff = client.staff()
    except SyncError as exc:
        if exc.kind is not SyncErrorKind.REQUEST_REFUSED:
            raise
        staff = p.StaffList(members=[p.StaffMember(username=tokens.username, role=tokens.role)])
    adopt_staff(store, staff, verified=(tokens.username, verifier))


def verify_online(store: Store, client: SyncClient, username: str, password: str) -> p.StaffMember:
    """Ask the server to confirm a person's password; keep their current name and role.

    Raises SyncError (``invalid_credentials`` for a wrong password or a user of
    another commune, ``offline`` when the server cannot be reached).
    """
    member = client.verify_user(p.VerifyUserRequest(username=username, password=password))
    adopt_member(store, member)
    return member


def adopt_member(store: Store, member: p.StaffMember) -> None:
    """Create or update one server account from what the server just said about it."""
    with store.write.begin() as session:
        _take_member(session, session.get(ClerkAccount, member.username), member, _now())


def _take_member(session: Session, row: ClerkAccount | None, member: p.StaffMember, now: datetime) -> bool:
    """Make ``row`` (None: a new account) the server's account of ``member``; whether it changed.

    A local account the server also has keeps no verifier: its owner's first
    sign-in is confirmed by the server (the server's password from now on).
    """
    full_name = member.full_name.strip() or member.username
    if row is None:
        session.add(
            ClerkAccount(
                username=member.username,
                full_name=full_name,
                role=member.role.value,
                active=member.active,
                source="server",
                verifier=None,
                created_at=now,
                updated_at=now,
            )
        )
        return True
    before = (row.full_name, row.role, row.active, row.source)
    if row.source != "server":
        row.verifier = None
    row.full_name, row.role, row.active, row.source = full_name, member.role.value, member.active, "server"
    if (row.full_name, row.role, row.active, row.source) == before:
        return False
    row.updated_at = now
    return True


def push_rules(store: Store, client: SyncClient, rules: dict[str, list[str]], actor: str) -> None:
    """Send new role rules to the server (it checks ``actor``) and adopt what it answers."""
    adopt_staff(store, client.put_rules(p.RulesUpdate(rules=rules, actor=actor)))
