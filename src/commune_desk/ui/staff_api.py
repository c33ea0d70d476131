"""The staff dialog's calls (store or network thread): accounts, rules, the idle lock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StaffState:
    """Every account of the PC (locked ones too) and the policy in force."""

    clerks: tuple[Any, ...]
    policy: Any


def staff_state(services: Any) -> StaffState:
    """Store thread: what the staff dialog shows."""
    return StaffState(tuple(services.list_clerks(include_inactive=True)), services.access_policy())


def save_policy(services: Any, rules: Any, minutes: int, actor: Any) -> Any:
    """Store thread: save the role rules and the idle time where changed (each audited);
    an Outcome holding the policy now."""
    from commune_desk.services.values import Changes, Outcome

    policy = services.access_policy()
    changes = Changes()
    if rules != policy.rules:
        changes |= services.set_role_rules(rules, actor=actor).changes
    if minutes != policy.lock_after_minutes:
        changes |= services.set_lock_after(minutes, actor=actor).changes
    return Outcome(services.access_policy(), changes)


def send_rules(bridge: Any, rules: Any, actor: Any) -> None:
    """Network thread: the city server records the new rules first (it checks the actor)."""
    from commune_desk.sync.staff import push_rules
    from commune_desk.ui.session_api import with_server

    with_server(bridge, lambda store, client: push_rules(store, client, rules.to_json(), actor.username))


def create_clerk(services: Any, username: str, full_name: str, role: Any, password: str, actor: Any) -> Any:
    """Store thread: a new local account."""
    from commune_desk.domain.accounts import NewClerk

    return services.create_clerk(NewClerk(username, full_name, role, password), actor=actor)
