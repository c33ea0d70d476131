"""A record and its outbox operation are committed together or not at all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.helpers.store_fixtures import new_dossier, open_context

import commune_desk.services.base as service_base
from commune_desk.store.models import Dossier, DossierEvent, OutboxOp, SearchKey, StagedSearchKey
from commune_desk.store.outbox import driver_connection

SRC = Path(__file__).resolve().parents[3] / "src"


def _counts(ctx) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """Dossiers, events, outbox operations and search keys (indexed or staged by an intake)."""
    with ctx.store.read() as s:
        dossiers, events, ops, keys, staged = (
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Dossier, DossierEvent, OutboxOp, SearchKey, StagedSearchKey)
        )
    return dossiers, events, ops, keys + staged


def test_failure_after_the_record_insert_rolls_back_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inject a crash inside the transaction after the dossier row reached the database."""
    ctx = open_context(tmp_path)
    try:
        real_insert_ops = service_base.insert_ops

        def crash_in_outbox_write(session, **kwargs):  # type: ignore[no-untyped-def]
            # the dossier and its event are already written in this transaction
            db = driver_connection(session)  # whatever the service's transaction runs on
            assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
            assert db.execute("SELECT count(*) FROM dossier_events").fetchone()[0] == 1
            raise RuntimeError("power cut")

        monkeypatch.setattr(service_base, "insert_ops", crash_in_outbox_write)
        with pytest.raises(RuntimeError, match="power cut"):
            ctx.services.register_dossier(new_dossier())
        assert _counts(ctx) == (0, 0, 0, 0)
        monkeypatch.setattr(service_base, "insert_ops", real_insert_ops)
        # the counter did not advance either: the next code is still the first of the day
        assert ctx.services.register_dossier(new_dossier()).value.summary.code.endswith("-1001")
        assert ctx.services.check_store().ok
    finally:
        ctx.close()


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {src!r})
    from datetime import datetime, timedelta, timezone
    from commune_desk.app import AppContext
    from commune_desk.paths import AppPaths
    from commune_desk.services import NewDossier
    ctx = AppContext.open(AppPaths.resolve({data!r}))
    i = 0
    while True:
        ctx.services.register_dossier(NewDossier("CT-CK", "Bùi Thị Hạnh", "001301012345",
                                                 received_at=datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
                                                 + timedelta(seconds=i)))
        i += 1
        print(i, flush=True)
    """
)


def test_killing_a_writer_mid_stream_leaves_a_consistent_store(tmp_path: Path) -> None:
    """SIGKILL a process that registers dossiers as fast as it can; the store stays whole."""
    if os.name == "nt":  # pragma: no cover
        pytest.skip("SIGKILL is POSIX")
    data = tmp_path / "data"
    open_context(data).close()  # create and migrate first, so the kill lands in intake work
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(src=str(SRC), data=str(data))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if int(line) >= 25:
            break
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    ctx = open_context(data)
    try:
        dossiers, events, ops, keys = _counts(ctx)
        assert dossiers >= 25
        assert events == dossiers and keys == dossiers and ops == 2 * dossiers
        # the keys the killed process staged are indexed by the next search: every save found
        found = ctx.services.search_dossiers("bui thi hanh", limit=dossiers + 10)
        assert len(found) == dossiers
        report = ctx.services.check_store()
        assert report.ok, report.problems
    finally:
        ctx.close()


def test_two_threads_registering_at_once_get_distinct_codes(tmp_path: Path) -> None:
    """Each call has its own session; BEGIN IMMEDIATE serialises the writers without errors."""
    ctx = open_context(tmp_path)
    errors: list[BaseException] = []
    codes: list[str] = []

    def work() -> None:
        try:
            for _ in range(15):
                codes.append(ctx.services.register_dossier(new_dossier()).value.summary.code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    try:
        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(codes) == 45 == len(set(codes))
        assert ctx.services.check_store().ok
    finally:
        ctx.close()
