"""An intake's staged search keys and the sync round: the echo of a dossier saved here
leaves its keys as they are, and the other PC finds it by the same words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.city_server import RunningServer
from tests.integration.sync.sync_support import assert_converged, make_clerk


def _key_rows(path: Path) -> tuple[int, int, list[tuple[str, str]]]:
    db = sqlite3.connect(path)
    try:
        staged = db.execute("SELECT count(*) FROM search_staged").fetchone()[0]
        indexed = db.execute("SELECT count(*) FROM search_keys WHERE entity = 'dossier'").fetchone()[0]
        keys = db.execute("SELECT entity_id, keys FROM search_keys ORDER BY id").fetchall()
        return staged, indexed, keys
    finally:
        db.close()


def test_saves_staged_here_are_pulled_back_and_found_on_both_pcs(tmp_path: Path, city: RunningServer) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        ids = [a.register(i) for i in range(5)]
        assert _key_rows(a.ctx.store.path)[:2] == (5, 0)  # staged, nothing searched yet
        for clerk in (a, b, a):
            assert clerk.engine.sync_once().ok
        staged, indexed, keys = _key_rows(a.ctx.store.path)
        # the pull indexed the staged keys first: one row per dossier, none staged, none twice
        assert (staged, indexed) == (0, 5)
        assert sorted(entity_id for entity_id, _keys in keys) == sorted(ids)
        for clerk in (a, b):
            found = clerk.services.search_dossiers("nguyen van a", limit=10)
            assert sorted(d.id for d in found) == sorted(ids)
            assert clerk.services.check_store().ok
        assert_converged(city, "C01", [a, b])
    finally:
        a.close()
        b.close()
