"""Role rules on what PCs push: leader-only changes must come from someone allowed.

Shared PCs sign several people in; each pushed operation names the person who
made it (``Operation.actor``, a user name; absent, the device's own user). A
change that carries the office's authority — giving a signed outgoing
document its number, voiding a number, an extension with its apology slip,
settling a conflict — is refused (``role_forbidden``, quarantined on the PC)
unless that person is an active user of the pushing device's commune whose
role holds the permission under the commune's rules
(:class:`commune_desk.domain.roles.RoleRules`, the defaults of a commune
People's Committee adjusted by the office). The PCs apply the same rules
before the change is ever made; this is the server's own check.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server.auth import AuthContext
from city_server.models import Commune, User
from commune_desk.domain.roles import Permission, RoleRules, permission_for_event
from commune_desk.protocol import (
    FIELD_EVENT_KIND,
    FIELD_NUMBER,
    Action,
    Entity,
    ErrorKind,
    Operation,
)

#: States of an outgoing document that mean "signed and numbered", and "its number voided".
_SIGNED_STATES = frozenset({"issued"})
_VOIDED_STATES = frozenset({"voided"})


def permission_needed(op: Operation) -> Permission | None:
    """The permission an operation needs, or None for everyday work."""
    if op.entity is Entity.NUMBER_VOID:
        return Permission.VOID_NUMBER
    if op.entity is Entity.CONFLICT_RESOLUTION:
        return Permission.RESOLVE_CONFLICT
    if op.entity is Entity.DOSSIER_EVENT:
        return permission_for_event(str(op.fields.get(FIELD_EVENT_KIND)))
    if op.entity is Entity.OUTGOING_DOCUMENT and op.action is not Action.DELETE:
        if op.fields.get("state") in _VOIDED_STATES:
            return Permission.VOID_NUMBER
        if op.fields.get("state") in _SIGNED_STATES or op.fields.get(FIELD_NUMBER) is not None:
            return Permission.SIGN_OUTGOING
    return None


def commune_rules(session: Session, commune_id: int) -> RoleRules:
    """The commune's role rules (the defaults where the office changed nothing)."""
    stored = session.scalar(select(Commune.role_rules).where(Commune.id == commune_id))
    return RoleRules.from_json(stored)


class RoleCheck:
    """Checks the operations of one push batch (rules and users read once per batch)."""

    def __init__(self, session: Session, ctx: AuthContext) -> None:
        self.session = session
        self.ctx = ctx
        self._rules: RoleRules | None = None
        self._roles: dict[str, str | None] = {}

    def refusal(self, op: Operation) -> tuple[ErrorKind, str] | None:
        """``(kind, message)`` when ``op`` must be refused, else None."""
        permission = permission_needed(op)
        if permission is None:
            return None
        username = op.actor or self.ctx.username
        role = self._role_of(username)
        if role is None:
            return ErrorKind.ROLE_FORBIDDEN, f"{username!r} is not an active user of this commune"
        if not self.rules.allows(role, permission):
            return ErrorKind.ROLE_FORBIDDEN, f"role {role!r} may not {permission.value}"
        return None

    @property
    def rules(self) -> RoleRules:
        """The commune's rules, read on first use."""
        if self._rules is None:
            self._rules = commune_rules(self.session, self.ctx.commune_id)
        return self._rules

    def _role_of(self, username: str) -> str | None:
        if username not in self._roles:
            user = self.session.scalar(select(User).where(User.username == username))
            ok = user is not None and user.active and user.commune_id == self.ctx.commune_id
            self._roles[username] = user.role if ok and user is not None else None
        return self._roles[username]
