"""Administration used by the CLI and by test fixtures: communes and users."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server import audit
from city_server.audit import EventKind, Who
from city_server.models import Commune, User
from city_server.security import hash_password
from commune_desk.domain.errors import DomainError
from commune_desk.domain.roles import Permission, RoleRules
from commune_desk.protocol import Role


class AdminError(Exception):
    """An administrative action that cannot be done (duplicate code, unknown commune...)."""


def add_commune(session: Session, *, code: str, name: str) -> Commune:
    """Create a commune; the caller commits."""
    if session.scalar(select(Commune).where(Commune.code == code)) is not None:
        raise AdminError(f"commune {code!r} already exists")
    commune = Commune(code=code, name=name, change_seq=0)
    session.add(commune)
    session.flush()
    return commune


def add_user(
    session: Session,
    *,
    commune_code: str,
    username: str,
    role: Role,
    password: str,
    fast_hash: bool = False,
    full_name: str = "",
) -> User:
    """Create a user of a commune with an argon2id password hash; the caller commits.

    ``full_name`` is what the commune's PCs print on slips and registers.
    """
    commune = session.scalar(select(Commune).where(Commune.code == commune_code))
    if commune is None:
        raise AdminError(f"no commune {commune_code!r}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AdminError(f"user {username!r} already exists")
    if not password:
        raise AdminError("empty password")
    user = User(
        commune_id=commune.id,
        username=username,
        role=Role(role).value,
        password_hash=hash_password(password, fast=fast_hash),
        active=True,
        full_name=full_name.strip()[:200],
    )
    session.add(user)
    session.flush()
    return user


def set_role_rules(
    session: Session, *, commune_code: str, grants: dict[str, list[str]], by: str
) -> dict[str, list[str]]:
    """Change some permissions of a commune's role rules (audited); return the rules now.

    ``grants`` maps a permission to the roles that hold it; leaders always keep
    every permission. The caller commits.
    """
    commune = session.scalar(select(Commune).where(Commune.code == commune_code))
    if commune is None:
        raise AdminError(f"no commune {commune_code!r}")
    current = RoleRules.from_json(commune.role_rules)
    new = current
    for name, roles in grants.items():
        try:
            new = new.with_grant(Permission(name), roles)
        except (ValueError, DomainError) as exc:
            raise AdminError(f"bad rule {name}={','.join(roles)}: {exc}") from exc
    commune.role_rules = new.to_json()
    audit.record(
        session,
        EventKind.ROLE_RULES_CHANGED,
        Who(username=by, commune_id=commune.id, actor=by),
        changes=new.changes_from(current),
    )
    return new.to_json()
