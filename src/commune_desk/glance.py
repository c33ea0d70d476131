"""The desktop's first glance at the store: what the first screen shows, read before the
store stack is imported.

Importing the store stack (SQLAlchemy, the models, the protocol's pydantic types, the
services) costs about half a second of CPU on this project's reference machine and
more on an office PC, and the window's first page waits for it: the sign-in screen's
accounts and office name, the intake page's procedure list. The glance reads those
with the standard library's ``sqlite3`` on a read-only connection, on the store thread,
while the full opening (lock, checks, migration, services) follows behind it; the
answers of the services then replace the glance's (they are equal unless the opening
changed something).

Nothing is read unless the store file exists and its schema is exactly the one this
version of the code ships (its ``alembic_version`` row is the head revision); any
other case, or any SQLite error, gives ``None`` and the first page simply waits for
the store to open. The values are the services' own classes built by the same
functions (``domain.catalogue``, ``domain.accounts``, ``store.setting_keys``);
``tests/unit/test_glance.py`` checks that they equal the services' answers on
generated stores, and that this module imports neither SQLAlchemy nor pydantic.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from commune_desk.domain.accounts import AccessPolicy, ClerkInfo, sign_in_order
from commune_desk.domain.catalogue import ProcedureInfo, procedure_from_columns
from commune_desk.domain.errors import DomainError
from commune_desk.domain.roles import parse_role
from commune_desk.store.migrate import head_revision
from commune_desk.store.setting_keys import (
    LOCK_AFTER,
    OFFICE,
    ROLE_RULES,
    SYNC_ACCOUNT,
    UNIT_NAME,
    office_field,
    setting_value,
)

log = logging.getLogger(__name__)

#: The ``procedures`` columns, named as ``domain.catalogue.procedure_from_columns`` takes them.
_PROCEDURE_COLUMNS = (
    "code",
    "name",
    "day_kind",
    "time_limit",
    "field",
    "fee",
    "required_papers",
    "notes",
    "active",
    "fee_verified",
    "extensions",
)
_JSON_COLUMNS = ("required_papers", "extensions")
_PROCEDURES_SQL = (
    f"SELECT {', '.join(_PROCEDURE_COLUMNS)} FROM procedures WHERE active ORDER BY sort_order, code"  # noqa: S608
)
_CLERKS_SQL = (
    "SELECT username, full_name, role, active, source, verifier, last_sign_in_at FROM clerk_accounts"
)
_SETTINGS_KEYS = (OFFICE, ROLE_RULES, LOCK_AFTER, SYNC_ACCOUNT)


@dataclass(frozen=True)
class Glance:
    """What the first screen shows, as stored."""

    #: The current procedures, in catalogue order (``Services.list_procedures()``).
    procedures: tuple[ProcedureInfo, ...]
    #: The active accounts, in sign-in order (``Services.list_clerks()``).
    clerks: tuple[ClerkInfo, ...]
    #: Whether any account exists at all, locked ones included.
    any_account: bool
    policy: AccessPolicy
    office_name: str


def take_glance(db_path: Path) -> Glance | None:
    """Read the first screen's values from the store at ``db_path``, or None (no store,
    another schema, any SQLite error: the caller waits for the store to open)."""
    if not db_path.is_file():
        return None
    try:
        db = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error as exc:
        log.info("no first glance at the store: %s", exc)
        return None
    try:
        db.execute("PRAGMA query_only = ON")
        with db:  # one read transaction: the rows are consistent with each other
            return _read(db)
    except (sqlite3.Error, DomainError, ValueError, TypeError, KeyError) as exc:
        log.info("no first glance at the store: %s", exc)
        return None
    finally:
        db.close()


def _read(db: sqlite3.Connection) -> Glance | None:
    db.execute("BEGIN")
    version = db.execute("SELECT version_num FROM alembic_version").fetchall()
    if [row[0] for row in version] != [head_revision()]:
        return None  # a migration is due (or the file is from elsewhere): the opening decides
    procedures = tuple(_procedure(row) for row in db.execute(_PROCEDURES_SQL))
    accounts = [_clerk(row) for row in db.execute(_CLERKS_SQL)]
    placeholders = ", ".join("?" for _ in _SETTINGS_KEYS)
    stored: dict[str, Any] = {
        key: _json(value)
        for key, value in db.execute(
            f"SELECT key, value FROM settings WHERE key IN ({placeholders})",  # noqa: S608 - placeholders only
            [setting.key for setting in _SETTINGS_KEYS],
        )
    }
    values = {setting.key: setting_value(stored.get(setting.key), setting) for setting in _SETTINGS_KEYS}
    return Glance(
        procedures=procedures,
        clerks=tuple(sign_in_order(clerk for clerk in accounts if clerk.active)),
        any_account=bool(accounts),
        policy=AccessPolicy.from_settings(
            values[ROLE_RULES.key], values[LOCK_AFTER.key], values[SYNC_ACCOUNT.key]
        ),
        office_name=office_field(values[OFFICE.key], UNIT_NAME),
    )


def _json(stored: str | float | None) -> Any:
    """A JSON column's value: text to decode (SQLite keeps a bare number as a number: the
    columns' declared type ``JSON`` has numeric affinity), or None for SQL NULL."""
    return json.loads(stored) if isinstance(stored, str) else stored


def _procedure(row: tuple[Any, ...]) -> ProcedureInfo:
    columns = dict(zip(_PROCEDURE_COLUMNS, row, strict=True))
    for name in _JSON_COLUMNS:
        columns[name] = _json(columns[name])
    return procedure_from_columns(**columns)


def _clerk(row: tuple[Any, ...]) -> ClerkInfo:
    username, full_name, role, active, source, verifier, last_sign_in_at = row
    return ClerkInfo(
        username=username,
        full_name=full_name,
        role=parse_role(role),
        active=bool(active),
        source=source,
        has_password=_json(verifier) is not None,
        last_sign_in_at=None if last_sign_in_at is None else datetime.fromisoformat(last_sign_in_at),
    )
