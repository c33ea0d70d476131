"""Who may do what: the roles of a commune People's Committee and its leader-only actions.

Three roles, as on the city server: a *clerk* (công chức at the one-stop
counter or the văn thư), a *leader* (Chủ tịch / Phó Chủ tịch UBND, or the head
of the one-stop section) and an *admin* (IT staff looking after the office).

Most work is open to every signed-in person. A few actions carry the
office's authority and are the leader's by default: giving a signed outgoing
document its number, voiding a register number, approving an extension with
its apology slip (form 04), settling a sync conflict or a refused change, and
changing the settings. An office may grant any of them to clerks or admins
as well (for instance numbering to its văn thư); leaders always keep every
one, so an office can never lock itself out. The same rules are applied by
the desktop services and by the city server on what it receives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from commune_desk.domain.dossier import EventKind
from commune_desk.domain.errors import DomainError


class Role(StrEnum):
    """A person's role in the office (the same values as the server's user roles)."""

    CLERK = "clerk"
    LEADER = "leader"
    ADMIN = "admin"


_ROLE_VALUES = frozenset(r.value for r in Role)


class Permission(StrEnum):
    """Actions reserved to some roles; everything else is open to every signed-in person."""

    SIGN_OUTGOING = "sign_outgoing"
    """Record that an outgoing document is signed and give it its number."""
    VOID_NUMBER = "void_number"
    """Void a register-book number (recorded, never reused)."""
    APPROVE_EXTENSION = "approve_extension"
    """Move a dossier's appointment with an apology slip (form 04)."""
    RESOLVE_CONFLICT = "resolve_conflict"
    """Settle a sync conflict, send again or set aside a change the server refused."""
    SETTINGS = "settings"
    """Change the office settings, the staff accounts of this PC and these rules."""


#: Who may do what in a commune People's Committee unless the office decides otherwise.
DEFAULT_GRANTS: Mapping[Permission, frozenset[Role]] = {
    Permission.SIGN_OUTGOING: frozenset({Role.LEADER}),
    Permission.VOID_NUMBER: frozenset({Role.LEADER}),
    Permission.APPROVE_EXTENSION: frozenset({Role.LEADER}),
    Permission.RESOLVE_CONFLICT: frozenset({Role.LEADER}),
    Permission.SETTINGS: frozenset({Role.LEADER, Role.ADMIN}),
}

#: Dossier events that need a permission (the others are every clerk's work).
EVENT_PERMISSIONS: Mapping[EventKind, Permission] = {
    EventKind.EXTENDED: Permission.APPROVE_EXTENSION,
}


class PermissionDenied(DomainError):
    """The person signed in may not do this (kind ``permission_denied``), or, for the
    installation's own tools, the user the PC syncs as may not (``sync_user_forbidden``)."""

    def __init__(self, permission: Permission, role: str, *, sync_user: str | None = None) -> None:
        kind = "permission_denied" if sync_user is None else "sync_user_forbidden"
        super().__init__(
            kind,
            f"role {role!r} may not {permission.value}",
            permission=permission.value,
            role=role,
            sync_user=sync_user,
        )


def parse_role(value: object) -> Role:
    """A role from its stored or typed value (raises ValidationError-like DomainError)."""
    try:
        return Role(str(value))
    except ValueError:
        raise DomainError("invalid_role", f"unknown role {value!r}", field="role") from None


@dataclass(frozen=True)
class RoleRules:
    """The office's grants: for each permission, the roles that hold it (leaders always do)."""

    grants: Mapping[Permission, frozenset[Role]] = field(default_factory=lambda: dict(DEFAULT_GRANTS))

    def allows(self, role: str | Role | None, permission: Permission) -> bool:
        """Whether ``role`` holds ``permission`` (an unknown or missing role holds none)."""
        try:
            parsed = Role(str(role))
        except ValueError:
            return False
        if parsed is Role.LEADER:
            return True
        return parsed in self.grants.get(permission, DEFAULT_GRANTS[permission])

    def roles_for(self, permission: Permission) -> frozenset[Role]:
        """Every role holding ``permission``."""
        return frozenset(r for r in Role if self.allows(r, permission))

    def with_grant(self, permission: Permission, roles: Iterable[str | Role]) -> RoleRules:
        """These rules with ``permission`` held by ``roles`` (plus the leader, always)."""
        chosen = frozenset(parse_role(r) for r in roles) | {Role.LEADER}
        return RoleRules({**self.grants, permission: chosen})

    def changes_from(self, other: RoleRules) -> dict[str, tuple[list[str], list[str]]]:
        """``{permission: (roles before, roles after)}`` for every permission that differs."""
        return {
            p.value: (sorted(other.roles_for(p)), sorted(self.roles_for(p)))
            for p in Permission
            if other.roles_for(p) != self.roles_for(p)
        }

    def to_json(self) -> dict[str, list[str]]:
        """``{permission: [roles]}``, every permission listed, roles sorted."""
        return {p.value: sorted(r.value for r in self.roles_for(p)) for p in Permission}

    @classmethod
    def from_json(cls, data: Any) -> RoleRules:
        """Rules from :meth:`to_json`; unknown permissions or roles are ignored, missing ones
        take their default (so a newer or older peer's rules never break this one)."""
        grants: dict[Permission, frozenset[Role]] = dict(DEFAULT_GRANTS)
        if isinstance(data, Mapping):
            for key, roles in data.items():
                try:
                    permission = Permission(str(key))
                except ValueError:
                    continue
                if isinstance(roles, (list, tuple)):
                    known = [Role(str(r)) for r in roles if str(r) in _ROLE_VALUES]
                    grants[permission] = frozenset(known) | {Role.LEADER}
        return cls(grants)


def permission_for_event(kind: EventKind | str) -> Permission | None:
    """The permission recording a dossier event of ``kind`` needs, or None."""
    try:
        return EVENT_PERMISSIONS.get(EventKind(kind))
    except ValueError:
        return None
