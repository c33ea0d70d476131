"""Accounts of the people who share this PC, signing in offline, and the office's role rules.

Each person has an account with a salted scrypt verifier of their password
(:class:`~commune_desk.domain.passwords.PasswordVerifier`), so signing in
never needs the network. Accounts come from the city server when the office
syncs (the commune's users with their roles; the verifier is set by the
person's first sign-in on this PC while the server can confirm the password,
no password hash ever leaves the server), or are created here by a leader
when the office has never been online. The very first account of a PC that
has never been online is its leader's, created on the sign-in screen.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commune_desk.domain.accounts import (
    AccessPolicy,
    Actor,
    ActorLike,
    ClerkInfo,
    NewClerk,
    audit_name,
    sign_in_order,
)
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.passwords import PasswordVerifier
from commune_desk.domain.roles import Permission, PermissionDenied, Role, RoleRules, parse_role
from commune_desk.domain.text import normalize_text
from commune_desk.services.base import ServiceBase
from commune_desk.services.errors import NotFound, ServiceError
from commune_desk.services.values import Changes, Outcome
from commune_desk.store.models import ClerkAccount
from commune_desk.store.settings import (
    LOCK_AFTER,
    ROLE_RULES,
    SYNC_ACCOUNT,
    get_setting,
    put_setting,
    server_managed,
)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
MIN_PASSWORD = 6
#: Longest idle time an office may set before the PC locks (minutes).
MAX_LOCK_MINUTES = 240
#: Wrong passwords in a row for one account before sign-in pauses, and for how long.
MAX_FAILURES = 5
FAILURE_PAUSE_SECONDS = 60.0


class SignInError(ServiceError):
    """Signing in failed: ``invalid_credentials``, ``needs_online_sign_in``, ``too_many_attempts``."""


def clerk_info(row: ClerkAccount) -> ClerkInfo:
    """Plain value of an account row."""
    return ClerkInfo(
        username=row.username,
        full_name=row.full_name,
        role=parse_role(row.role),
        active=row.active,
        source=row.source,
        has_password=row.verifier is not None,
        last_sign_in_at=row.last_sign_in_at,
    )


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(
            "password_too_short", "password too short", field="password", minimum=MIN_PASSWORD
        )


def access_policy(session: Session) -> AccessPolicy:
    """The role rules and lock time stored in ``session``'s transaction (defaults if unset)."""
    return AccessPolicy.from_settings(
        get_setting(session, ROLE_RULES), get_setting(session, LOCK_AFTER), get_setting(session, SYNC_ACCOUNT)
    )


def require(session: Session, actor: ActorLike | None, permission: Permission) -> None:
    """Refuse ``permission`` to a signed-in person the office's rules do not allow.

    The role is the account's current one in the store (it may have changed
    since signing in); a locked or unknown account holds nothing. A plain name
    (the installation's own tools) acts as the PC's sync account, whose change the
    city server checks against that account's role: it is refused here when the
    staff list says the server would refuse it. No one at all is refused.
    """
    if actor is None:
        raise PermissionDenied(permission, "")
    if not isinstance(actor, Actor):
        _require_sync_user(session, permission)
        return
    _require_role(session, session.get(ClerkAccount, actor.username), permission)


def _require_sync_user(session: Session, permission: Permission) -> None:
    """Refuse to a plain name what the city server would refuse the PC's sync account.

    Operations made under a plain name carry no user name, so the server checks
    the user the PC logged in as (``role_forbidden``, then quarantined on the PC
    until someone allowed redoes it). A PC that never logged in, or whose staff
    list does not hold that user yet, is left to the server's check.
    """
    account = get_setting(session, SYNC_ACCOUNT)
    username = account.get("username") if isinstance(account, dict) else None
    row = session.get(ClerkAccount, username) if isinstance(username, str) and username else None
    if row is not None:
        _require_role(session, row, permission, sync_user=username)


def _require_role(
    session: Session, row: ClerkAccount | None, permission: Permission, *, sync_user: str | None = None
) -> None:
    """Refuse ``permission`` unless ``row``'s current role holds it (a locked or unknown
    account holds nothing)."""
    role = row.role if row is not None and row.active else ""
    if not access_policy(session).rules.allows(role, permission):
        raise PermissionDenied(permission, role, sync_user=sync_user)


class ClerkServices(ServiceBase):
    """Sign-in, accounts and the office's role rules."""

    _failures: dict[str, list[float]]
    _failures_lock = threading.Lock()

    # -- reading -------------------------------------------------------------------

    def list_clerks(self, *, include_inactive: bool = False) -> list[ClerkInfo]:
        """Accounts of this PC, the most recently signed in first, then by name."""
        stmt = select(ClerkAccount)
        if not include_inactive:
            stmt = stmt.where(ClerkAccount.active.is_(True))
        with self.store.read() as session:
            return sign_in_order(clerk_info(r) for r in session.scalars(stmt))

    def access_policy(self) -> AccessPolicy:
        """The role rules in force and the idle time before the PC locks."""
        with self.store.read() as session:
            return access_policy(session)

    # -- signing in ----------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Actor:
        """Check ``password`` against the account's verifier, with no network; audited.

        Raises SignInError: ``invalid_credentials`` (unknown, inactive, wrong
        password), ``needs_online_sign_in`` (a server account never signed in
        here), ``too_many_attempts`` (wait a minute after five wrong passwords).
        """
        username = (username or "").strip()
        self._check_not_paused(username)
        with self.store.read() as session:
            row = session.get(ClerkAccount, username)
            info = clerk_info(row) if row is not None else None
            verifier = dict(row.verifier) if row is not None and row.verifier is not None else None
        if info is not None and info.active and verifier is None:
            raise SignInError(
                "needs_online_sign_in", "first sign-in on this PC needs the server", username=username
            )
        # scrypt runs with no transaction open: the sync worker is never kept waiting for it
        ok = info is not None and info.active and PasswordVerifier.from_json(verifier or {}).check(password)
        with self.store.write.begin() as session:
            if ok and info is not None:
                account = session.get(ClerkAccount, info.username)
                if account is not None:
                    account.last_sign_in_at = self._now()
                self._audit(session, "clerk_signed_in", actor=info.username)
            else:
                self._note_failure(username)
                self._audit(session, "clerk_sign_in_failed", actor=username[:100])
        if not ok or info is None:
            raise SignInError("invalid_credentials", "wrong user name or password")
        self._clear_failures(username)
        return info.actor()

    def accept_online_sign_in(self, username: str, password: str) -> Actor:
        """The server has just confirmed ``password``: keep a verifier of it and sign in.

        Called after :func:`commune_desk.sync.staff.verify_online` (which also
        stored the account's current name and role).
        """
        verifier = PasswordVerifier.create(password).to_json()
        with self.store.write.begin() as session:
            row = session.get(ClerkAccount, username)
            if row is None or not row.active:
                raise SignInError("invalid_credentials", "no such active account")
            row.verifier = verifier
            row.updated_at = row.last_sign_in_at = self._now()
            self._audit(session, "clerk_signed_in_online", actor=row.username)
            actor = clerk_info(row).actor()
        self._clear_failures(username)
        return actor

    # -- accounts ------------------------------------------------------------------

    def create_clerk(self, new: NewClerk, *, actor: ActorLike | None = None) -> Outcome[ClerkInfo]:
        """Create an account on this PC (never-online offices); the first one is a leader's.

        Refused once the office syncs (``accounts_from_server``: the commune's
        accounts are then the server's) and to anyone without the settings
        permission.
        """
        username = (new.username or "").strip().lower()
        if not USERNAME_RE.match(username):
            raise ValidationError("invalid_username", "bad user name", field="username")
        full_name = normalize_text(new.full_name or "")
        if not full_name:
            raise ValidationError("full_name_required", "full name required", field="full_name")
        role = parse_role(new.role)
        _check_password(new.password)
        verifier = PasswordVerifier.create(new.password).to_json()
        with self.store.write.begin() as session:
            if server_managed(session):
                raise ServiceError("accounts_from_server", "accounts come from the city server")
            first = not session.scalar(select(func.count()).select_from(ClerkAccount))
            if first and role is not Role.LEADER:
                raise ValidationError(
                    "first_account_leader", "the first account must be a leader", field="role"
                )
            if not first:
                require(session, actor, Permission.SETTINGS)
            if session.get(ClerkAccount, username) is not None:
                raise ValidationError("username_taken", "user name taken", field="username")
            now = self._now()
            row = ClerkAccount(
                username=username,
                full_name=full_name,
                role=role.value,
                active=True,
                source="local",
                verifier=verifier,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            by = actor if actor is not None else username
            self._audit(
                session,
                "clerk_created",
                actor=audit_name(by),
                entity="clerk",
                details={"username": username, "role": role.value},
            )
            info = clerk_info(row)
        return Outcome(info, Changes.of("clerk", username))

    def set_clerk_password(
        self, username: str, password: str, *, actor: ActorLike, old_password: str | None = None
    ) -> Outcome[ClerkInfo]:
        """Change a local account's password: its owner (with the old one) or a leader."""
        _check_password(password)
        verifier = PasswordVerifier.create(password).to_json()
        with self.store.write.begin() as session:
            row = self._local_account(session, username)
            own = isinstance(actor, Actor) and actor.username == row.username
            if own and old_password is not None:
                if row.verifier is None or not PasswordVerifier.from_json(dict(row.verifier)).check(
                    old_password
                ):
                    raise SignInError("invalid_credentials", "old password does not match")
            else:
                require(session, actor, Permission.SETTINGS)
            row.verifier, row.updated_at = verifier, self._now()
            self._audit(
                session,
                "clerk_password_set",
                actor=audit_name(actor),
                entity="clerk",
                details={"username": row.username},
            )
            info = clerk_info(row)
        return Outcome(info, Changes.of("clerk", username))

    def set_clerk_active(self, username: str, active: bool, *, actor: ActorLike) -> Outcome[ClerkInfo]:
        """Lock or unlock a local account (never the last active leader, never oneself)."""
        with self.store.write.begin() as session:
            require(session, actor, Permission.SETTINGS)
            row = self._local_account(session, username)
            if not active and isinstance(actor, Actor) and actor.username == row.username:
                raise ValidationError("cannot_lock_self", "cannot lock oneself", field="active")
            if not active and row.role == Role.LEADER.value and self._active_leaders(session) <= 1:
                raise ValidationError("last_leader", "the last leader stays active", field="active")
            row.active, row.updated_at = active, self._now()
            self._audit(
                session,
                "clerk_unlocked" if active else "clerk_locked",
                actor=audit_name(actor),
                entity="clerk",
                details={"username": row.username},
            )
            info = clerk_info(row)
        return Outcome(info, Changes.of("clerk", username))

    # -- rules ---------------------------------------------------------------------

    def set_role_rules(self, rules: RoleRules, *, actor: ActorLike) -> Outcome[AccessPolicy]:
        """Replace the office's role rules (settings permission; every change audited)."""
        with self.store.write.begin() as session:
            require(session, actor, Permission.SETTINGS)
            before = access_policy(session)
            put_setting(session, ROLE_RULES, rules.to_json())
            self._audit(
                session,
                "role_rules_changed",
                actor=audit_name(actor),
                entity="settings",
                details={"changes": rules.changes_from(before.rules)},
            )
            policy = replace(before, rules=RoleRules.from_json(rules.to_json()))
        return Outcome(policy, Changes.of("settings", "roles"))

    def set_lock_after(self, minutes: int, *, actor: ActorLike) -> Outcome[AccessPolicy]:
        """How many idle minutes before the PC locks (0: never); settings permission."""
        if not 0 <= int(minutes) <= MAX_LOCK_MINUTES:
            raise ValidationError(
                "invalid_lock_minutes",
                "lock time out of range",
                field="lock_after_minutes",
                maximum=MAX_LOCK_MINUTES,
            )
        with self.store.write.begin() as session:
            require(session, actor, Permission.SETTINGS)
            put_setting(session, LOCK_AFTER, int(minutes))
            self._audit(
                session,
                "lock_time_changed",
                actor=audit_name(actor),
                entity="settings",
                details={"minutes": int(minutes)},
            )
            policy = access_policy(session)
        return Outcome(policy, Changes.of("settings", "roles"))

    def require_permission(self, actor: ActorLike, permission: Permission) -> None:
        """Raise PermissionDenied unless ``actor`` may do ``permission`` (for actions run
        outside these services, e.g. settling a sync conflict)."""
        with self.store.read() as session:
            require(session, actor, permission)

    # -- internals -----------------------------------------------------------------

    def _local_account(self, session: Session, username: str) -> ClerkAccount:
        row = session.get(ClerkAccount, username)
        if row is None:
            raise NotFound("clerk", username)
        if row.source != "local":
            raise ServiceError("accounts_from_server", "this account is managed on the server")
        return row

    def _active_leaders(self, session: Session) -> int:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ClerkAccount)
                .where(ClerkAccount.role == Role.LEADER.value, ClerkAccount.active.is_(True))
            )
            or 0
        )

    def _failure_times(self, username: str) -> list[float]:
        if not hasattr(self, "_failures"):
            self._failures = {}
        cutoff = time.monotonic() - FAILURE_PAUSE_SECONDS
        times = [t for t in self._failures.get(username, []) if t > cutoff]
        self._failures[username] = times
        return times

    def _check_not_paused(self, username: str) -> None:
        with self._failures_lock:
            if len(self._failure_times(username)) >= MAX_FAILURES:
                raise SignInError(
                    "too_many_attempts",
                    "too many wrong passwords; wait a minute",
                    seconds=int(FAILURE_PAUSE_SECONDS),
                )

    def _note_failure(self, username: str) -> None:
        with self._failures_lock:
            self._failure_times(username).append(time.monotonic())

    def _clear_failures(self, username: str) -> None:
        with self._failures_lock:
            self._failure_times(username).clear()
