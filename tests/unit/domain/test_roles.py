"""The role rules of a commune People's Committee: defaults, adjustments, and what never changes."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.dossier import EventKind
from commune_desk.domain.roles import (
    DEFAULT_GRANTS,
    Permission,
    Role,
    RoleRules,
    permission_for_event,
)


def test_defaults_follow_a_peoples_committee() -> None:
    rules = RoleRules()
    for permission in Permission:
        assert rules.allows(Role.LEADER, permission)
        assert not rules.allows(Role.CLERK, permission)
    assert rules.allows(Role.ADMIN, Permission.SETTINGS)
    assert not rules.allows(Role.ADMIN, Permission.SIGN_OUTGOING)
    assert not rules.allows("", Permission.SETTINGS) and not rules.allows(None, Permission.SETTINGS)
    assert not rules.allows("chairman", Permission.SETTINGS)


def test_an_office_grants_numbering_to_its_clerks_but_leaders_keep_everything() -> None:
    rules = RoleRules().with_grant(Permission.SIGN_OUTGOING, ["clerk"])
    assert rules.allows(Role.CLERK, Permission.SIGN_OUTGOING)
    assert rules.allows(Role.LEADER, Permission.SIGN_OUTGOING)
    assert not rules.allows(Role.CLERK, Permission.VOID_NUMBER)
    stripped = RoleRules().with_grant(Permission.SETTINGS, [])
    assert stripped.allows(Role.LEADER, Permission.SETTINGS)
    assert not stripped.allows(Role.ADMIN, Permission.SETTINGS)
    assert stripped.changes_from(RoleRules()) == {"settings": (["admin", "leader"], ["leader"])}


def test_only_an_extension_needs_a_permission_among_dossier_events() -> None:
    assert permission_for_event(EventKind.EXTENDED) is Permission.APPROVE_EXTENSION
    assert permission_for_event("extended") is Permission.APPROVE_EXTENSION
    assert all(permission_for_event(k) is None for k in EventKind if k is not EventKind.EXTENDED)
    assert permission_for_event("not-an-event") is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=16), inner, max_size=4),
    max_leaves=12,
)
_GRANTS = st.dictionaries(
    st.sampled_from([p.value for p in Permission] + ["bogus", ""]),
    st.lists(st.sampled_from([r.value for r in Role] + ["mayor", ""]), max_size=5) | _JSON,
    max_size=7,
)


@given(_GRANTS | _JSON)
def test_rules_from_any_stored_value_never_break_and_leaders_keep_everything(data: Any) -> None:
    rules = RoleRules.from_json(data)
    for permission in Permission:
        assert rules.allows(Role.LEADER, permission)
    again = RoleRules.from_json(rules.to_json())
    assert again.to_json() == rules.to_json()
    assert set(rules.to_json()) == {p.value for p in Permission}


def test_defaults_are_complete() -> None:
    assert set(DEFAULT_GRANTS) == set(Permission)
