"""Reading and writing the store's ``settings`` rows in a session.

Every row is declared once, with its key, type and default, in
``store/setting_keys.py`` (imported here, so callers keep using
``store.settings`` for both).

The desktop's own preferences (language, clerk at this PC) live in
``settings.json`` (``ui/settings_store.py``), not here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from commune_desk.store.models import Setting
from commune_desk.store.setting_keys import (  # noqa: F401 - the declarations, re-exported
    CALENDAR_OVERRIDES,
    CARRY_IMPORTED,
    COUNTER_SLOT,
    DEFAULT_UNIT_CODE,
    DEMO_STORE,
    DEVICE_ID,
    INSTALLATION,
    LOCK_AFTER,
    OFFICE,
    OFFICE_FIELDS,
    OFFICE_HOURS,
    OFFICE_START_DATE,
    ROLE_RULES,
    SERVER_URL,
    SETTINGS,
    STORE_ID,
    SYNC_ACCOUNT,
    SYNC_CLOCK,
    SYNC_RELAY,
    SYNC_SOURCE,
    TRACKING_URL,
    UNIT_CODE,
    UNIT_NAME,
    OfficeField,
    SettingKey,
    office_field,
    setting_value,
)


def get_setting(session: Session, setting: SettingKey) -> Any:
    """The stored value of a setting, or its default."""
    row = session.get(Setting, setting.key)
    return setting_value(None if row is None else row.value, setting)


def put_setting(session: Session, setting: SettingKey, value: Any) -> None:
    """Insert or replace one settings row (caller's transaction)."""
    row = session.get(Setting, setting.key)
    if row is None:
        session.add(Setting(key=setting.key, value=value))
    else:
        row.value = value


def office_value(session: Session, field: OfficeField) -> Any:
    """One field of the office row (its default when unset)."""
    return office_field(get_setting(session, OFFICE), field)


def merge_office(session: Session, **values: Any) -> None:
    """Set some fields of the office row, keeping the others."""
    known = {f.name for f in OFFICE_FIELDS}
    unknown = set(values) - known
    if unknown:
        raise KeyError(f"not office fields: {sorted(unknown)}")
    put_setting(session, OFFICE, {**(get_setting(session, OFFICE) or {}), **values})


def server_managed(session: Session) -> bool:
    """Whether this PC has logged in to a city server (its accounts and rules are then the server's)."""
    return bool(get_setting(session, SYNC_ACCOUNT))


def ensure_uuid(session: Session, setting: SettingKey) -> str:
    """The UUID kept in ``setting``, created on first use in the caller's transaction."""
    current = get_setting(session, setting)
    if current:
        return str(current)
    value = str(uuid.uuid4())
    put_setting(session, setting, value)
    return value


def ensure_device_id(session: Session) -> str:
    """This installation's device UUID, created on first use in the caller's transaction."""
    return ensure_uuid(session, DEVICE_ID)
