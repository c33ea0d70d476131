"""The desktop's first glance at the store equals what the services answer, and stays light.

The glance (``commune_desk.glance``) reads the sign-in screen's accounts and office name
and the intake page's procedures with ``sqlite3`` before the store stack is imported.
These tests fill real store files with generated rows (accounts of every kind, settings
rows of the right and of the wrong type, procedures switched off and reordered) and
compare the glance with the services' own answers on the same file.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commune_desk.app import AppContext
from commune_desk.domain.roles import Permission, Role
from commune_desk.glance import Glance, take_glance
from commune_desk.paths import AppPaths
from commune_desk.store import settings as stored
from commune_desk.store.models import ClerkAccount, Procedure, Setting

NAMES = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọờởỡớợùủũúụỳỷỹýỵ ", max_size=30
)
WHEN = st.none() | st.datetimes(
    min_value=datetime(2025, 7, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
ACCOUNT = st.fixed_dictionaries(
    {
        "full_name": NAMES,
        "role": st.sampled_from([r.value for r in Role]),
        "active": st.booleans(),
        "source": st.sampled_from(["local", "server"]),
        "verifier": st.none() | st.just({"algo": "scrypt", "salt": "00", "hash": "11"}),
        "last_sign_in_at": WHEN,
    }
)
ROLE_RULES = (
    st.none()
    | st.dictionaries(
        st.sampled_from([p.value for p in Permission] + ["unknown"]),
        st.lists(st.sampled_from([r.value for r in Role] + ["x"]), max_size=3),
    )
    | st.just(["not", "a", "mapping"])
)
SETTINGS = st.fixed_dictionaries(
    {
        stored.ROLE_RULES.key: ROLE_RULES,
        stored.LOCK_AFTER.key: st.none() | st.integers(0, 240) | st.just("10"),
        stored.SYNC_ACCOUNT.key: st.none() | st.just({"username": "pc.one"}) | st.just({}),
        stored.OFFICE.key: st.none()
        | st.fixed_dictionaries({"unit_name": st.none() | NAMES.filter(bool), "unit_code": st.just("1")}),
    }
)


def _services_view(context: AppContext) -> Glance:
    services = context.services
    return Glance(
        procedures=tuple(services.list_procedures()),
        clerks=tuple(services.list_clerks()),
        any_account=bool(services.list_clerks(include_inactive=True)),
        policy=services.access_policy(),
        office_name=services.get_settings().unit_name,
    )


def _fill(
    context: AppContext,
    accounts: list[dict[str, Any]],
    values: dict[str, Any],
    switched_off: set[int],
    order: list[int],
) -> None:
    """Replace the accounts and the four settings rows; switch off and reorder procedures."""
    with context.store.write.begin() as session:
        session.query(ClerkAccount).delete()
        now = datetime(2026, 1, 1, tzinfo=UTC)
        for number, account in enumerate(accounts):
            session.add(ClerkAccount(username=f"user{number}", created_at=now, updated_at=now, **account))
        for key, value in values.items():
            row = session.get(Setting, key)
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
        procedures = session.query(Procedure).order_by(Procedure.code).all()
        for index, procedure in enumerate(procedures):
            procedure.active = index not in switched_off
            procedure.sort_order = order[index % len(order)] if order else 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    accounts=st.lists(ACCOUNT, max_size=6),
    values=SETTINGS,
    switched_off=st.sets(st.integers(0, 20), max_size=5),
    order=st.lists(st.integers(-3, 3), max_size=6),
)
def test_the_glance_equals_the_services_answers(
    tmp_path: Path,
    accounts: list[dict[str, Any]],
    values: dict[str, Any],
    switched_off: set[int],
    order: list[int],
) -> None:
    paths = AppPaths(data_dir=tmp_path / "data", backup_dir=tmp_path / "backups")
    with AppContext.open(paths) as context:
        _fill(context, accounts, values, switched_off, order)
        expected = _services_view(context)
        assert take_glance(paths.db_path) == expected


def test_no_glance_without_a_store_and_none_is_made(tmp_path: Path) -> None:
    """A missing store gives no glance, and the glance never creates the file."""
    path = tmp_path / "data" / "commune-desk.sqlite3"
    assert take_glance(path) is None
    assert not path.parent.exists()


def test_no_glance_at_another_schema_or_a_damaged_file(tmp_path: Path) -> None:
    """A store a migration is due for, or a file that is not a store, gives no glance
    (the app then waits for the opening, which migrates or explains)."""
    paths = AppPaths(data_dir=tmp_path / "data", backup_dir=tmp_path / "backups")
    with AppContext.open(paths):
        pass
    assert take_glance(paths.db_path) is not None
    with sqlite3.connect(paths.db_path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0004_sync_recovery'")
    assert take_glance(paths.db_path) is None
    with sqlite3.connect(paths.db_path) as db:
        db.execute("DROP TABLE alembic_version")
    assert take_glance(paths.db_path) is None
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    assert take_glance(junk) is None
    assert junk.read_bytes() == b"not a database" * 100


def test_the_glance_reads_a_store_another_connection_is_writing(tmp_path: Path) -> None:
    """The opening (or a command-line intake) may hold a write transaction meanwhile."""
    paths = AppPaths(data_dir=tmp_path / "data", backup_dir=tmp_path / "backups")
    with AppContext.open(paths) as context:
        before = take_glance(paths.db_path)
        with context.store.write.begin() as session:
            session.add(Setting(key=stored.LOCK_AFTER.key, value=5))
            session.flush()
            assert take_glance(paths.db_path) == before  # the committed state only
        after = take_glance(paths.db_path)
        assert after is not None and after.policy.lock_after_minutes == 5
        assert after == _services_view(context)


def test_sign_in_order_puts_the_latest_first(tmp_path: Path) -> None:
    """The order the sign-in screen lists accounts in comes out the same both ways."""
    paths = AppPaths(data_dir=tmp_path / "data", backup_dir=tmp_path / "backups")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    accounts = [
        {
            "full_name": name,
            "role": "clerk",
            "active": True,
            "source": "local",
            "verifier": None,
            "last_sign_in_at": when,
        }
        for name, when in [("Bình", None), ("An", start), ("Chi", start + timedelta(hours=1)), ("Anh", None)]
    ]
    with AppContext.open(paths) as context:
        _fill(context, accounts, {}, set(), [])
        glance = take_glance(paths.db_path)
    assert glance is not None
    assert [c.full_name for c in glance.clerks] == ["Chi", "An", "Anh", "Bình"]


def test_the_glance_imports_no_store_stack(tmp_path: Path) -> None:
    """What makes it worth having: neither SQLAlchemy, pydantic nor Qt is imported."""
    paths = AppPaths(data_dir=tmp_path / "data", backup_dir=tmp_path / "backups")
    with AppContext.open(paths):
        pass
    code = (
        "import sys, json; from pathlib import Path; from commune_desk.glance import take_glance;"
        f"g = take_glance(Path({str(paths.db_path)!r}));"
        "heavy = {'sqlalchemy', 'pydantic', 'PySide6', 'alembic'};"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & heavy);"
        "print(json.dumps([g is not None and len(g.procedures) > 0, heavy]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [True, []]
