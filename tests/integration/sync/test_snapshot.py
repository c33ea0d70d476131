"""The first pull from a commune snapshot: the same store as paging, and nothing lost when it breaks.

Real city server over HTTP (SQLite, and PostgreSQL when configured), real
stores; the fault proxy cuts the download. A PC seeded by the snapshot and
then paging must hold exactly what a PC that paged from zero holds.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.poison import SCALARS
from tests.integration.sync.sync_support import Clerk, assert_converged, make_clerk

from city_server.admin import add_commune
from city_server.db import make_engine
from city_server.models import Record
from commune_desk import protocol as p
from commune_desk.domain.dossier import EventKind
from commune_desk.protocol import snapshot as snap
from commune_desk.store.models import SyncState
from commune_desk.sync import first_pull, seed

#: Columns compared between two stores (the time a PC stored a record differs, nothing else).
_LOCAL_TIMES = {"created_at", "updated_at"}
_TABLES = (
    "dossiers",
    "dossier_events",
    "attachments",
    "incoming_documents",
    "outgoing_documents",
    "issued_numbers",
    "conflicts",
    "pulled_rejections",
)


def store_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows (sorted), search keys and the FTS5 index's answers."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in _TABLES:
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in _LOCAL_TIMES]
            names = [n for n in names if not (table == "conflicts" and n in ("created_at", "resolved_at"))]
            rows = conn.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        out["search_keys"] = sorted(conn.execute("SELECT entity, entity_id, keys FROM search_keys"))
        out["fts"] = sorted(
            conn.execute(
                "SELECT k.entity_id FROM search_fts JOIN search_keys k ON k.id = search_fts.rowid "
                "WHERE search_fts MATCH 'nguyen OR cong'"
            )
        )
        out["cursor"] = conn.execute("SELECT cursor FROM sync_state").fetchall()
        return out
    finally:
        conn.close()


def seeding_clerk(
    root: Path, name: str, server: RunningServer, user: Any, *, url: str | None = None
) -> Clerk:
    """A fresh PC that takes the snapshot whatever the commune's size."""
    clerk = make_clerk(root, name, server.base_url, user, sync_url=url)
    clerk.engine.snapshot_min_changes = 1
    return clerk


def paging_clerk(root: Path, name: str, server: RunningServer, user: Any) -> Clerk:
    """A fresh PC that pages from zero (the behaviour before snapshots)."""
    clerk = make_clerk(root, name, server.base_url, user)
    clerk.engine.snapshot_min_changes = 0
    return clerk


def synced_author(
    root: Path, city: RunningServer, *, dossiers: int, incoming: int = 0, first: int = 0
) -> tuple[Any, Clerk]:
    """A leader of C01 and the PC on which they registered ``dossiers`` dossiers (and
    ``incoming`` register entries), synced."""
    user = city.user("C01", p.Role.LEADER)
    author = make_clerk(root, "author", city.base_url, user)
    for i in range(first, first + dossiers):
        author.register(i)
    for i in range(incoming):
        author.incoming(i + 1)
    assert author.engine.sync_once().ok
    return user, author


def fetch_snapshot(server: RunningServer, user: Any) -> httpx.Response:
    """GET /v1/snapshot as a fresh device of ``user`` (the server builds and keeps it)."""
    device = SyncDevice(server, user)
    try:
        return device.http.get("/v1/snapshot")
    finally:
        device.close()


def new_commune(server: RunningServer) -> Any:
    """A fresh commune with a leader (one per hypothesis example)."""
    code = f"S{uuid.uuid4().hex[:6].upper()}"
    with server._sessions() as session:  # type: ignore[operator]
        add_commune(session, code=code, name=f"Commune {code}")
        session.commit()
    return server.add_user(code, p.Role.LEADER)


# -- actions on the server: a PC's services create, another device edits and deletes --

ACTION = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 99)),
    st.tuples(st.just("incoming"), st.integers(0, 99)),
    st.tuples(st.just("event"), st.integers(0, 99)),
    st.tuples(st.just("edit"), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
)


def run_actions(
    actions: list[tuple[str, int]], author: Clerk, other: SyncDevice, dossiers: list[str], docs: list[str]
) -> None:
    """Apply ``actions`` (creates through a PC, edits and deletes by another device) and sync.

    Deletes are of register entries: a dossier's tombstone while its events remain
    fails every PC's pull on the events' foreign key (paging and snapshot alike).
    """
    for kind, n in actions:
        if kind == "register" or not dossiers:
            dossiers.append(author.register(n))
        elif kind == "incoming" or (kind == "delete" and not docs):
            docs.append(author.incoming(n).id)
        elif kind == "event":
            target = dossiers[n % len(dossiers)]
            with contextlib.suppress(Exception):  # an illegal step for this dossier, or it is gone
                author.services.record_event(target, EventKind.ASSIGNED, actor=author.name)
        elif kind == "edit":
            # base version 1: the first edit applies, later ones become conflict records
            target = dossiers[n % len(dossiers)]
            other.push_one(other.op("dossier", target, "update", {"notes": f"ghi chú {n}"}, base_version=1))
        else:
            target = docs.pop(n % len(docs))
            other.push_one(other.op("incoming_document", target, "delete", base_version=1))
    assert author.engine.sync_once().ok


@contextlib.contextmanager
def seeds_logged() -> Iterator[list[str]]:
    """The messages of stores seeded from a snapshot while the block runs."""
    seen: list[str] = []

    class Seen(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("commune_desk.sync.seed")
    handler, level = Seen(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    before=st.lists(ACTION, min_size=1, max_size=10),
    after=st.lists(ACTION, max_size=6),
)
def _snapshot_equals_paging(
    root: Path, server: RunningServer, before: list[tuple[str, int]], after: list[tuple[str, int]]
) -> None:
    folder = root / uuid.uuid4().hex
    user = new_commune(server)
    author = make_clerk(folder, "author", server.base_url, user)
    other = SyncDevice(server, user)
    clerks = [author]
    try:
        dossiers: list[str] = []
        docs: list[str] = []
        run_actions(before, author, other, dossiers, docs)
        assert fetch_snapshot(server, user).status_code == 200  # built now, at this cursor
        run_actions(after, author, other, dossiers, docs)  # changes after the snapshot's cursor
        seeded = seeding_clerk(folder, "seeded", server, user)
        paged = paging_clerk(folder, "paged", server, user)
        clerks += [seeded, paged]
        with seeds_logged() as seeds:
            assert seeded.engine.sync_once().ok
        assert len(seeds) == 1, seeds  # the snapshot was taken, then pages after its cursor
        assert paged.engine.sync_once().ok
        assert not (first_pull.snapshot_folder(seeded.ctx.store) / "snapshot.gz.part").exists()
        assert store_rows(seeded.ctx.store.path) == store_rows(paged.ctx.store.path)
        # later pulls keep their rules on both
        run_actions([("edit", 1), ("register", 7), ("delete", 3)], author, other, dossiers, docs)
        assert seeded.engine.sync_once().ok and paged.engine.sync_once().ok
        assert store_rows(seeded.ctx.store.path) == store_rows(paged.ctx.store.path)
    finally:
        other.close()
        for clerk in clerks:
            clerk.close()


def test_seeded_then_paging_equals_paging_only(tmp_path: Path, any_city: RunningServer) -> None:
    """Random histories (creates, events, edits that conflict, tombstones) before and after the
    snapshot's cursor: the seeded PC and the paging PC end with the same rows, keys and cursor."""
    _snapshot_equals_paging(tmp_path, any_city)


def test_first_pull_uses_the_snapshot(
    tmp_path: Path, city: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The round seeds from the snapshot (the server built one) and the store converges."""
    user, author = synced_author(tmp_path, city, dossiers=6, incoming=1)
    seeded = seeding_clerk(tmp_path, "seeded", city, user)
    caplog.set_level("INFO")
    try:
        result = seeded.engine.sync_once()
        assert result.ok and result.pulled == 13
        assert "store seeded from snapshot: 13 records" in caplog.text
        assert_converged(city, "C01", [author, seeded])
    finally:
        author.close()
        seeded.close()


def city_snapshots(server: RunningServer) -> list[Path]:
    """Snapshot files the in-process server has built (its private folder)."""
    import gc

    from city_server.snapshot import SnapshotCache

    caches = [o for o in gc.get_objects() if isinstance(o, SnapshotCache)]
    return [p for cache in caches for built in cache._newest.values() for p in [built.path] if p.exists()]


def test_cut_download_resumes_and_loses_nothing(
    tmp_path: Path, city: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The link is cut mid-download: the part file stays and the next request resumes it."""
    caplog.set_level("INFO")
    user, author = synced_author(tmp_path, city, dossiers=40)
    size = len(fetch_snapshot(city, user).content)
    with FaultProxy("127.0.0.1", city.port) as proxy:
        proxy.set(cut_down_after=size // 2 + 400, match=b"GET /v1/snapshot", times=1)
        seeded = seeding_clerk(tmp_path, "seeded", city, user, url=proxy.url)
        try:
            assert seeded.engine.sync_once().ok
            assert "snapshot download cut" in caplog.text
            assert "store seeded from snapshot" in caplog.text
            assert_converged(city, "C01", [author, seeded])
        finally:
            seeded.close()
            author.close()


def test_a_link_that_keeps_cutting_falls_back_to_paging(
    tmp_path: Path, city: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Every download attempt is cut: the round pages instead and converges."""
    user, author = synced_author(tmp_path, city, dossiers=20)
    with FaultProxy("127.0.0.1", city.port) as proxy:
        proxy.set(cut_down_after=300, match=b"GET /v1/snapshot")
        seeded = seeding_clerk(tmp_path, "seeded", city, user, url=proxy.url)
        try:
            assert seeded.engine.sync_once().ok
            assert "paging instead" in caplog.text
            assert_converged(city, "C01", [author, seeded])
            # paged: the cursor moved, so the part file is forgotten at the next round
            assert seeded.engine.sync_once().ok
            assert not any(first_pull.snapshot_folder(seeded.ctx.store).glob("snapshot*"))
        finally:
            seeded.close()
            author.close()


def test_tampered_snapshot_is_refused_and_paging_takes_over(
    tmp_path: Path, city: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A file whose bytes differ from its digest is never attached: paging pulls everything."""
    user, author = synced_author(tmp_path, city, dossiers=5)
    assert fetch_snapshot(city, user).status_code == 200
    built = max(city_snapshots(city), key=lambda f: f.stat().st_mtime_ns)
    data = bytearray(built.read_bytes())
    data[len(data) // 2] ^= 0xFF
    built.write_bytes(bytes(data))
    seeded = seeding_clerk(tmp_path, "seeded", city, user)
    try:
        assert seeded.engine.sync_once().ok
        assert "snapshot refused" in caplog.text and "digest" in caplog.text
        assert_converged(city, "C01", [author, seeded])
        assert not any(first_pull.snapshot_folder(seeded.ctx.store).glob("snapshot*"))
    finally:
        seeded.close()
        author.close()


def test_local_unsent_work_keeps_the_paging_path(tmp_path: Path, city: RunningServer) -> None:
    """A PC that made records before its first pull is not seeded: its work is pushed and
    kept, and paging brings the rest."""
    user, author = synced_author(tmp_path, city, dossiers=5)
    seeded = seeding_clerk(tmp_path, "seeded", city, user)
    try:
        mine = seeded.register(99)
        with seeded.ctx.store.write.begin() as session:
            # the PC's own work exists before its first pull: the store is not empty
            assert not seed.store_is_empty(session)
        assert seeded.engine.sync_once().ok
        with seeded.ctx.store.read() as session:
            assert session.scalars(select(SyncState.cursor)).one() > 0
        assert seeded.services.get_dossier(mine).summary.id == mine
        assert author.engine.sync_once().ok
        assert_converged(city, "C01", [author, seeded])
    finally:
        seeded.close()
        author.close()


def test_server_without_the_endpoint_means_paging(tmp_path: Path, city: RunningServer) -> None:
    """A 404 (an older server, an office relay) is simply paging."""
    user, author = synced_author(tmp_path, city, dossiers=1, first=1)
    with FaultProxy("127.0.0.1", city.port) as proxy:
        seeded = seeding_clerk(tmp_path, "seeded", city, user, url=proxy.url)
        try:
            client = seeded.engine.open_client
            seeded.engine.open_client = lambda *a, **k: _renamed_snapshot(client(*a, **k))  # type: ignore[method-assign]
            assert seeded.engine.sync_once().ok
            assert_converged(city, "C01", [author, seeded])
        finally:
            seeded.close()
            author.close()


def _renamed_snapshot(client: Any) -> Any:
    """A client that asks for a route the server does not have instead of the snapshot."""
    send = client._send

    def renamed(method: str, path: str, **kw: Any) -> Any:
        return send(method, "/no-such-snapshot" if path == "/snapshot" else path, **kw)

    client._send = renamed
    return client


def test_a_second_pc_later_pulls_are_unaffected(tmp_path: Path, city: RunningServer) -> None:
    """A PC that synced before keeps paging from its cursor while another one is seeded."""
    user, author = synced_author(tmp_path, city, dossiers=1, first=1)
    seeded = seeding_clerk(tmp_path, "seeded", city, user)
    try:
        assert seeded.engine.sync_once().ok
        author.register(2)
        seeded.register(3)
        for _ in range(2):
            assert seeded.engine.sync_once().ok and author.engine.sync_once().ok
        assert_converged(city, "C01", [author, seeded])
    finally:
        seeded.close()
        author.close()


def test_work_made_while_the_snapshot_downloads_is_never_overwritten(
    tmp_path: Path, city: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The store is checked again inside the copy's transaction: a clerk's dossier saved
    after the download started keeps the seed away (nothing written), and paging follows."""
    user, author = synced_author(tmp_path, city, dossiers=4)
    seeded = seeding_clerk(tmp_path, "seeded", city, user)
    try:
        original = first_pull.download

        def download_then_work(client: Any, folder: Path) -> Any:
            got = original(client, folder)
            seeded.register(42)  # the clerk saves a dossier meanwhile
            return got

        first_pull.download = download_then_work  # type: ignore[assignment]
        try:
            assert seeded.engine.sync_once().ok
        finally:
            first_pull.download = original  # type: ignore[assignment]
        assert "already holds records or unsent work" in caplog.text
        assert seeded.open_ops() == 2  # the dossier and its event, pushed at the next round
        assert seeded.engine.sync_once().ok and author.engine.sync_once().ok
        assert_converged(city, "C01", [author, seeded])
    finally:
        seeded.close()
        author.close()


def test_usb_seed_then_sync_pulls_only_what_is_newer(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`city-server snapshot` writes the stick's file; `commune-desk sync seed` fills a new PC
    with it (same copy as the network path) and its next sync pages from the file's cursor."""
    from tests.helpers.cli import run_cli

    from city_server.cli import main as city_cli

    user, author = synced_author(tmp_path, city, dossiers=5)
    stick = tmp_path / "stick" / "C01.snapshot.gz"
    assert city_cli(["snapshot", "--db", city.db_url, "--commune", "C01", "--out", str(stick)]) == 0
    author.register(6)  # newer than the stick
    assert author.engine.sync_once().ok
    pc = make_clerk(tmp_path, "pc", city.base_url, user)
    pc.engine.snapshot_min_changes = 0  # what arrives after the seed comes by paging
    try:
        data_dir = str(pc.ctx.paths.data_dir)
        pc.ctx.close()
        code, out, err = run_cli(monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)])
        assert code == 0, err
        assert "Đã nạp 10 bản ghi" in out
        pc = make_clerk(tmp_path, "pc", city.base_url, user)  # the same data folder, opened again
        with pc.ctx.store.read() as session:
            assert session.scalars(select(SyncState.cursor)).one() == 10
        result = pc.engine.sync_once()
        assert result.ok and result.pulled == 2, result  # only the dossier made after the stick
        assert_converged(city, "C01", [author, pc])
        # a second seed is refused (the store is no longer empty) and changes nothing
        data_dir = str(pc.ctx.paths.data_dir)
        pc.ctx.close()
        code, _out, err = run_cli(monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)])
        assert code == 1 and "Không dùng được tệp dữ liệu ban đầu" in err
    finally:
        pc.close()
        author.close()


def test_a_damaged_stick_file_is_refused_with_a_clear_message(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file cut short or changed on the stick: a Vietnamese sentence, the store untouched."""
    from tests.helpers.cli import run_cli

    from city_server.cli import main as city_cli

    user, author = synced_author(tmp_path, city, dossiers=1, first=1)
    stick = tmp_path / "stick" / "C01.snapshot.gz"
    assert city_cli(["snapshot", "--db", city.db_url, "--commune", "C01", "--out", str(stick)]) == 0
    stick.write_bytes(stick.read_bytes()[:-20])
    pc = make_clerk(tmp_path, "pc", city.base_url, user)
    data_dir = str(pc.ctx.paths.data_dir)
    pc.close()
    try:
        code, _out, err = run_cli(monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)])
        assert code == 1 and "Không dùng được tệp dữ liệu ban đầu" in err and "Traceback" not in err
        assert "digest does not match" in err  # signed digest, other bytes
        pc = make_clerk(tmp_path, "pc", city.base_url, user)
        with pc.ctx.store.read() as session:
            assert seed.store_is_empty(session)
        pc.close()
    finally:
        author.close()


def _sign_for_stick(city: RunningServer, stick: Path, digest: str, *, key: Any = None) -> None:
    """Sign ``stick``'s digest as ``city-server snapshot`` does (or with another ``key``)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from city_server.identity import server_identity

    engine = create_engine(city.db_url)
    try:
        with Session(engine) as session:
            signer = key or server_identity(session).private
    finally:
        engine.dispose()
    signature = base64.b64encode(signer.sign(snap.stick_signing_message(digest))).decode("ascii")
    stick.with_name(stick.name + ".sig").write_text(signature + "\n", encoding="ascii")


def test_a_stick_file_the_city_did_not_sign_is_refused(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stick passes through many hands: a file with no signature, one signed by another key
    (a hand-made or another city's file, its digest beside it made to match) is refused."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from tests.helpers.cli import run_cli

    from city_server.cli import main as city_cli

    user, author = synced_author(tmp_path, city, dossiers=2, first=1)
    stick = tmp_path / "stick" / "C01.snapshot.gz"
    assert city_cli(["snapshot", "--db", city.db_url, "--commune", "C01", "--out", str(stick)]) == 0
    digest = snap.file_sha256(stick)
    signature = stick.with_name(stick.name + ".sig")
    pc = make_clerk(tmp_path, "pc", city.base_url, user)
    data_dir = str(pc.ctx.paths.data_dir)
    pc.close()
    try:
        sidecar = stick.with_name(stick.name + ".sha256")
        kept_digest = sidecar.read_bytes()
        for damage in ("no signature", "another key", "no digest"):
            if damage == "no signature":
                signature.unlink()
            elif damage == "another key":
                _sign_for_stick(city, stick, digest, key=Ed25519PrivateKey.generate())
            else:
                _sign_for_stick(city, stick, digest)
                sidecar.unlink()
            code, _out, err = run_cli(
                monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)]
            )
            assert code == 1 and "Không dùng được tệp dữ liệu ban đầu" in err, damage
            assert "Traceback" not in err
        sidecar.write_bytes(kept_digest)
        _sign_for_stick(city, stick, digest)  # the city's own signature: taken
        code, out, err = run_cli(monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)])
        assert code == 0, err
        assert "Đã nạp" in out
    finally:
        author.close()


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    field=st.sampled_from(["applicant_name", "notes", "counter_slot", "received_at"]),
    value=st.one_of(SCALARS, st.lists(SCALARS, max_size=2)),
)
def _damaged_row_equals_paging(root: Path, server: RunningServer, field: str, value: Any) -> None:
    folder = root / uuid.uuid4().hex
    user = new_commune(server)
    author = make_clerk(folder, "author", server.base_url, user)
    clerks = [author]
    try:
        dossier = author.register(1)
        author.register(2)
        assert author.engine.sync_once().ok
        # an older server stored a value the protocol now refuses
        engine = make_engine(server.db_url)
        with engine.begin() as conn:
            fields = dict(conn.execute(select(Record.fields).where(Record.entity_id == dossier)).scalar_one())
            fields[field] = value
            conn.execute(update(Record).where(Record.entity_id == dossier).values(fields=fields))
        engine.dispose()
        seeded = seeding_clerk(folder, "seeded", server, user)
        paged = paging_clerk(folder, "paged", server, user)
        clerks += [seeded, paged]
        assert seeded.engine.sync_once().ok
        assert paged.engine.sync_once().ok
        assert store_rows(seeded.ctx.store.path) == store_rows(paged.ctx.store.path)
    finally:
        for clerk in clerks:
            clerk.close()


def test_a_damaged_stored_row_ends_as_paging_would(tmp_path: Path, city: RunningServer) -> None:
    """A value an older server stored that the protocol refuses (lone surrogates, NaN, huge
    numbers, control characters, wrong types...): the seeded PC holds what a paging PC holds."""
    _damaged_row_equals_paging(tmp_path, city)


def test_a_stale_snapshot_is_served_and_a_newer_one_built_behind(
    city: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody waits for a rebuild: the older file is served (the PC pages the rest) while a
    newer one is built for the next PC."""
    import time

    from city_server import snapshot as server_snapshot

    monkeypatch.setattr(server_snapshot, "REUSE_CHANGES", 2)
    user = city.user("C01", p.Role.LEADER)
    device = SyncDevice(city, user)
    try:
        first = fetch_snapshot(city, user)
        assert first.status_code == 200 and first.headers["X-Snapshot-Cursor"] == "0"
        for i in range(3):
            device.push_one(
                device.op(
                    "incoming_document",
                    fields={
                        "series": "incoming/2026",
                        "number": None,
                        "received_on": "2026-01-02",
                        "author": f"UBND {i}",
                    },
                )
            )
        again = fetch_snapshot(city, user)
        assert again.headers["X-Snapshot-Cursor"] == "0" and again.content == first.content
        deadline = time.monotonic() + 30
        while fetch_snapshot(city, user).headers["X-Snapshot-Cursor"] == "0":
            assert time.monotonic() < deadline, "no newer snapshot was built"
            time.sleep(0.1)
    finally:
        device.close()


def test_a_file_of_another_shape_is_refused_and_changes_nothing(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose digest matches but whose tables are not the format (another version, a
    hand-made file): the copy's transaction never commits and the store stays empty."""
    import gzip

    from tests.helpers.cli import run_cli

    from city_server.cli import main as city_cli
    from commune_desk.protocol import snapshot as snap

    user, author = synced_author(tmp_path, city, dossiers=3)
    stick = tmp_path / "stick" / "C01.snapshot.gz"
    assert city_cli(["snapshot", "--db", city.db_url, "--commune", "C01", "--out", str(stick)]) == 0
    raw = tmp_path / "raw.sqlite3"
    raw.write_bytes(gzip.decompress(stick.read_bytes()))
    conn = sqlite3.connect(raw)
    conn.execute('ALTER TABLE dossier DROP COLUMN "notes"')
    conn.commit()
    conn.close()
    digest = snap.compress(raw, stick)
    stick.with_name(stick.name + ".sha256").write_text(f"{digest}  {stick.name}\n", encoding="ascii")
    _sign_for_stick(city, stick, digest)  # a file the city signed, yet of another shape
    pc = make_clerk(tmp_path, "pc", city.base_url, user)
    data_dir = str(pc.ctx.paths.data_dir)
    pc.close()
    try:
        code, _out, err = run_cli(monkeypatch, capsys, ["--data-dir", data_dir, "sync", "seed", str(stick)])
        assert code == 1 and "Không dùng được tệp dữ liệu ban đầu" in err and "Traceback" not in err
        pc = make_clerk(tmp_path, "pc", city.base_url, user)
        with pc.ctx.store.read() as session:
            assert seed.store_is_empty(session)
        pc.engine.snapshot_min_changes = 0
        assert pc.engine.sync_once().ok
        assert_converged(city, "C01", [author, pc])
        pc.close()
    finally:
        author.close()
