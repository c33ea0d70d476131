"""Every row of the store's ``settings`` table, declared once: key, type, default.

The services, the sync engine and the composition root read and write
settings only through these declarations (the way MusicBrainz Picard declares
each option once), so a key or a default is never spelled twice. The office
row is a JSON object whose fields are declared too (:data:`OFFICE_FIELDS`).

This module imports neither SQLAlchemy nor the models: the desktop's first glance
at the store (``commune_desk.glance``) reads settings rows with the standard
library through these same declarations. ``store/settings.py`` reads and writes
them in a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingKey:
    """One settings row: its key, the JSON type of its value and the value when absent."""

    key: str
    type: type
    default: Any
    description: str


@dataclass(frozen=True)
class OfficeField:
    """One field of the ``office`` row."""

    name: str
    type: type
    default: Any


OFFICE = SettingKey("office", dict, None, "office identity: unit code and name, counter slot, server")
#: Older versions kept the office hours and day overrides here; they now live in the synced
#: working calendar (``work_calendar``), which takes them over once (``services/calendar.py``).
OFFICE_HOURS = SettingKey("office_hours", dict, None, "older versions: working sessions, cut-off")
CALENDAR_OVERRIDES = SettingKey("calendar_overrides", dict, None, "older versions: day overrides")
DEVICE_ID = SettingKey(
    "device_id", str, None, "this installation's device UUID (a new one when the installation changes)"
)
SYNC_ACCOUNT = SettingKey("sync.account", dict, None, "who this PC syncs as, and the offline verifier")
SYNC_CLOCK = SettingKey("sync.clock", dict, None, "clock offset measured at the last handshake")
INSTALLATION = SettingKey(
    "sync.installation", dict, None, "fingerprint of the installation the device id belongs to"
)
STORE_ID = SettingKey("store_id", str, None, "this store's UUID (kept by backup and restore; names archives)")
DEMO_STORE = SettingKey("demo_store", dict, None, "set when demo data was written: the store never syncs")
ROLE_RULES = SettingKey(
    "access.roles",
    dict,
    None,
    "who may do the leader-only actions {permission: [roles]} (server's if synced)",
)
LOCK_AFTER = SettingKey("access.lock_after_minutes", int, None, "idle minutes before the PC locks (0: never)")
SYNC_SOURCE = SettingKey(
    "sync.source", dict, None, "the server instance the pull cursor belongs to, and the city's carry key"
)
SYNC_RELAY = SettingKey(
    "sync.relay", dict, None, "office relay: configured address, LAN discovery, this PC runs the relay"
)
CARRY_IMPORTED = SettingKey("carry.imported", list, None, "ids of carry replies already imported")

#: Every settings row, by key.
SETTINGS = {
    s.key: s
    for s in (
        OFFICE,
        OFFICE_HOURS,
        CALENDAR_OVERRIDES,
        DEVICE_ID,
        SYNC_ACCOUNT,
        SYNC_CLOCK,
        STORE_ID,
        DEMO_STORE,
        ROLE_RULES,
        LOCK_AFTER,
        SYNC_SOURCE,
        SYNC_RELAY,
        CARRY_IMPORTED,
        INSTALLATION,
    )
}

#: Unit code used while the office has not been configured.
DEFAULT_UNIT_CODE = "000.00.00.H26"
UNIT_CODE = OfficeField("unit_code", str, DEFAULT_UNIT_CODE)
UNIT_NAME = OfficeField("unit_name", str, "UBND phường (chưa cấu hình)")
COUNTER_SLOT = OfficeField("counter_slot", int, 1)
SERVER_URL = OfficeField("server_url", str, None)
#: First day the office takes dossiers (ISO date; the default is 2025-07-01, see OfficeSettings).
OFFICE_START_DATE = OfficeField("office_start_date", str, None)
#: Address citizens follow a dossier at, with ``{code}`` (the QR code of form 01).
TRACKING_URL = OfficeField("tracking_url", str, None)
OFFICE_FIELDS = (UNIT_CODE, UNIT_NAME, COUNTER_SLOT, SERVER_URL, OFFICE_START_DATE, TRACKING_URL)


def setting_value(stored: Any, setting: SettingKey) -> Any:
    """What ``setting`` is worth given its stored (decoded) value: the value, or the
    default when the row is missing (``None``) or holds a value of another type."""
    if stored is None or not isinstance(stored, setting.type):
        return setting.default
    return stored


def office_field(office: Any, field: OfficeField) -> Any:
    """One field of the office row's value (``office``: the row's value, or None)."""
    value = office.get(field.name) if isinstance(office, dict) else None
    return field.default if value is None else value
