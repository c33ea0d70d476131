"""Sync when the world goes backwards: each scenario of the issue, on SQLite and PostgreSQL.

A restored city server, a PC revoked with work it never sent, a cloned data
folder, a deadline derived from two PCs' pauses, a rebase that must not hide
a conflict, and a pulled record the PC cannot apply.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.server_snapshot import restore, snapshot
from tests.integration.sync.sync_support import Clerk, assert_converged, make_clerk, server_snapshot

from city_server.cli import main as city_server_main
from city_server.models import Commune, Record
from commune_desk.app import AppContext
from commune_desk.domain.dossier import EventKind
from commune_desk.domain.errors import NumberingError
from commune_desk.paths import AppPaths
from commune_desk.store.models import Dossier, IncomingDocument, PulledRejection, QuarantinedOp
from commune_desk.sync.account import login
from commune_desk.sync.engine import SyncEngine
from commune_desk.sync.installation import IdentityEvent


def _city(server: RunningServer, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert city_server_main([*args, "--db", server.db_url]) in (0, 1)
    return out.getvalue()


def _codes(clerk: Clerk) -> set[str]:
    with clerk.ctx.store.read() as s:
        return set(s.scalars(select(Dossier.code)))


def _numbers(clerk: Clerk) -> set[tuple[str, int]]:
    with clerk.ctx.store.read() as s:
        return {(d.series, d.number) for d in s.scalars(select(IncomingDocument)) if d.number is not None}


def _relogin(clerk: Clerk, city: RunningServer) -> None:
    user = city.user("C01")
    login(clerk.ctx.store, server_url=city.base_url, username=user.username, password=user.password)


def _dossier_codes(city: RunningServer) -> list[str]:
    return [c["fields"]["code"] for c in server_snapshot(city, "C01") if c["entity"] == "dossier"]


def _settle(*clerks: Clerk, rounds: int = 2) -> None:
    for _ in range(rounds):
        for clerk in clerks:
            result = clerk.engine.sync_once()
            assert result.ok, (clerk.name, result)


def _check_clean(*clerks: Clerk) -> None:
    for clerk in clerks:
        report = clerk.services.check_store(verify_blobs=False)
        assert not report.problems, (clerk.name, report.problems)


# -- 1. the city server is restored from an older backup ------------------------------------


def test_server_restored_from_an_older_backup(tmp_path: Path, any_city: RunningServer) -> None:
    """What the server lost comes back from the PCs; nobody is handed a used slot or block."""
    user = any_city.user("C01")
    older = snapshot(any_city.db_url)  # before any PC logged in
    a = make_clerk(tmp_path, "a", any_city.base_url, user)
    b = make_clerk(tmp_path, "b", any_city.base_url, user)
    c: Clerk | None = None
    try:
        first = a.register(1)
        a.incoming(1)
        _settle(a, b)
        a.register(2)
        a.incoming(2)
        a.services.record_event(first, EventKind.ASSIGNED, actor="a")
        b.register(3)
        b.incoming(3)
        _settle(a, b)
        before = {c["entity_id"] for c in server_snapshot(any_city, "C01")}
        restore(any_city.db_url, older)
        assert "new epoch" in _city(any_city, "restored", "--commune", "C01")
        # A new PC logs in first: while the server recovers it gets no slot and no block.
        c = make_clerk(tmp_path, "c", any_city.base_url, user)
        with pytest.raises(NumberingError) as refused:
            c.register(9)
        assert refused.value.kind == "no_counter_slot"
        provisional = c.incoming(9)
        assert provisional.number is None
        # The server forgot the PCs' devices and tokens: they log in again, report what
        # they hold, send back what it lost and pull again from zero.
        for clerk in (a, b):
            login(
                clerk.ctx.store, server_url=any_city.base_url, username=user.username, password=user.password
            )
        _settle(a, b)
        assert a.engine.status.notice in ("server_restored", None)
        assert before <= {c["entity_id"] for c in server_snapshot(any_city, "C01")}
        _city(any_city, "end-recovery", "--commune", "C01")
        _settle(a, b, c)
        c.register(10)
        c.incoming(10)
        _settle(a, b, c)
        assert_converged(any_city, "C01", [a, b, c])  # no code or number on the server twice
        assert len(_codes(a)) == 4  # 1001, 1002 (A), 2001 (B), 3001 (C): each from its own slot
        gaps = httpx.get(
            f"{any_city.base_url}/v1/numbers/gaps",
            headers={"Authorization": f"Bearer {any_city.login(user).access_token}"},
        ).json()["gaps"]
        assert all(g["leased_to"] is not None for g in gaps), gaps  # only unused numbers of live blocks
        _check_clean(a, b, c)
    finally:
        for clerk in (a, b, c):
            if clerk is not None:
                clerk.close()


def test_server_restore_noticed_without_the_operator(tmp_path: Path, any_city: RunningServer) -> None:
    """A PC that saw more than the restored server has starts a new epoch by itself."""
    user = any_city.user("C01")
    a = make_clerk(tmp_path, "a", any_city.base_url, user)
    b = make_clerk(tmp_path, "b", any_city.base_url, user)
    try:
        a.register(1)
        _settle(a, b)
        backup = snapshot(any_city.db_url)
        lost = a.register(2)
        lost_doc = a.incoming(2)
        _settle(a)
        restore(any_city.db_url, backup)
        fresh = b.register(3)  # B never saw what was lost; the server moves on
        _settle(b)
        with any_city._sessions() as session:  # type: ignore[operator]
            epoch_before = session.scalar(select(Commune.epoch).where(Commune.code == "C01"))
        result = a.engine.sync_once()
        assert result.ok, result
        assert a.engine.status.notice == "server_restored"
        with any_city._sessions() as session:  # type: ignore[operator]
            assert session.scalar(select(Commune.epoch).where(Commune.code == "C01")) != epoch_before
        _settle(a, b)
        ids = {c["entity_id"] for c in server_snapshot(any_city, "C01")}
        assert {lost, lost_doc.id, fresh} <= ids  # A sent it back; A pulled B's new dossier
        with b.ctx.store.read() as s:
            assert s.get(Dossier, lost) is not None
        assert_converged(any_city, "C01", [a, b])
        _check_clean(a, b)
    finally:
        a.close()
        b.close()


# -- 2. a PC revoked with unsent work -------------------------------------------------------


def test_revoked_pc_drains_its_work_and_its_slot_is_not_reused(
    tmp_path: Path, any_city: RunningServer
) -> None:
    user = any_city.user("C01")
    old = make_clerk(tmp_path, "old", any_city.base_url, user)
    new: Clerk | None = None
    third: Clerk | None = None
    try:
        _settle(old)
        offline = [old.register(i) for i in range(3)]  # printed, never sent
        old_codes = _codes(old)
        leader = any_city.login(any_city.user("C01", "leader"))
        reply = httpx.post(
            f"{any_city.base_url}/v1/devices/{old.ctx.device_id}/revoke",
            headers={"Authorization": f"Bearer {leader.access_token}"},
        )
        assert reply.status_code == 200 and reply.json()["drain_until"]
        # The replacement PC logs in the same day: it gets another slot.
        new = make_clerk(tmp_path, "new", any_city.base_url, user)
        new.register(7)
        assert not _codes(new) & old_codes
        _settle(new)
        # The old PC comes back online: it delivers what it made, then stops for good.
        result = old.engine.sync_once()
        assert not result.ok and result.error_kind == "device_revoked", result
        assert old.open_ops() == 0
        ids = {c["entity_id"] for c in server_snapshot(any_city, "C01")}
        assert set(offline) <= ids
        assert not old.engine.sync_once().ok  # its tokens are gone: it never syncs again
        # Its slot is free now; whoever gets it continues above the codes it used today.
        third = make_clerk(tmp_path, "third", any_city.base_url, user)
        third.register(8)
        _settle(new, third)
        every = _dossier_codes(any_city)
        assert len(every) == len(set(every)) == 5
        assert_converged(any_city, "C01", [new, third])
        _check_clean(new, third)
    finally:
        for clerk in (old, new, third):
            if clerk is not None:
                clerk.close()


# -- 3. a cloned PC -------------------------------------------------------------------------


def test_cloned_data_folder_becomes_a_new_device_before_it_numbers(
    tmp_path: Path, any_city: RunningServer
) -> None:
    user = any_city.user("C01")
    original = make_clerk(tmp_path, "pc", any_city.base_url, user)
    try:
        original.register(1)
        _settle(original)
        pending = original.register(2)  # copied along with the folder, unsent
        original.ctx.close()
        shutil.copytree(tmp_path / "pc", tmp_path / "clone")
        original = _open_clerk("pc", tmp_path / "pc")
        assert original.ctx.identity is not None and original.ctx.identity.event is IdentityEvent.SAME
        clone = _open_clerk("clone", tmp_path / "clone")
        identity = clone.ctx.identity
        assert identity is not None and identity.event is IdentityEvent.MOVED
        assert identity.device_id != original.ctx.device_id and identity.set_aside == 2
        try:
            # Before it has its own slot the copy issues no code at all.
            with pytest.raises(NumberingError) as refused:
                clone.register(3)
            assert refused.value.kind == "no_counter_slot"
            assert clone.engine.sync_once().error_kind == "not_logged_in"
            with clone.ctx.store.read() as s:
                kinds = {q.kind for q in s.scalars(select(QuarantinedOp))}
            assert kinds == {"identity_changed"}
            login(
                clone.ctx.store, server_url=any_city.base_url, username=user.username, password=user.password
            )
            clone.register(4)
            original.register(5)
            _settle(original, clone)
            codes = [
                c["fields"]["code"] for c in server_snapshot(any_city, "C01") if c["entity"] == "dossier"
            ]
            assert len(codes) == len(set(codes)) == 4  # 1, 2 (pending, sent by the original), 4, 5
            assert pending in {c["entity_id"] for c in server_snapshot(any_city, "C01")}
            assert_converged(any_city, "C01", [original, clone])
        finally:
            clone.close()
    finally:
        original.close()


def test_a_fork_the_pc_cannot_see_is_device_cloned_and_a_new_login_makes_a_new_device(
    tmp_path: Path, any_city: RunningServer
) -> None:
    """A disk image keeps the machine id and path: the server catches the fork."""
    user = any_city.user("C01")
    a = make_clerk(tmp_path, "pc", any_city.base_url, user)
    try:
        _settle(a)
        a.ctx.close()
        shutil.copytree(tmp_path / "pc", tmp_path / "image")
        # The image runs as the same installation (same machine id, same path on its disk).
        _as_if_same_installation(tmp_path / "image")
        a = _open_clerk("pc", tmp_path / "pc")
        image = _open_clerk("image", tmp_path / "image")
        try:
            assert image.ctx.device_id == a.ctx.device_id
            a.services.record_event(a.register(1), EventKind.ASSIGNED, actor="a")
            image.incoming(2)
            # Both hand the same seq to the server: the first wins, the second is a fork.
            _mark_sent(image)
            assert a.engine.sync_once().ok
            result = image.engine.sync_once()
            assert result.error_kind == "device_cloned", result
            login(
                image.ctx.store, server_url=any_city.base_url, username=user.username, password=user.password
            )
            from commune_desk.sync.account import load_account

            account = load_account(image.ctx.store)
            assert account is not None and account.device_id != a.ctx.device_id
        finally:
            image.close()
    finally:
        a.close()


def _open_clerk(name: str, folder: Path) -> Clerk:
    """A PC's app started (again) on ``folder`` (its account as the folder says)."""
    ctx = AppContext.open(AppPaths.resolve(folder))
    return Clerk(name, ctx, SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 5.0)))


def _as_if_same_installation(folder: Path) -> None:
    """Make a copied folder's store believe it is where it was made (a whole-disk image)."""
    import json
    import sqlite3

    from commune_desk.store.settings import INSTALLATION
    from commune_desk.sync.installation import installation_fingerprint

    db = sqlite3.connect(AppPaths.resolve(folder).db_path)
    try:
        (raw,) = db.execute("SELECT value FROM settings WHERE key = ?", (INSTALLATION.key,)).fetchone()
        value = {**json.loads(raw), "fingerprint": installation_fingerprint(folder)}
        db.execute("UPDATE settings SET value = ? WHERE key = ?", (json.dumps(value), INSTALLATION.key))
        db.commit()
    finally:
        db.close()


def _mark_sent(clerk: Clerk) -> None:
    """As if the image had already tried to send its operations (a lost reply)."""
    from commune_desk.store.models import OutboxOp

    with clerk.ctx.store.write.begin() as s:
        s.execute(update(OutboxOp).where(OutboxOp.state == "pending").values(attempts=1))


# -- 4. a derived deadline ------------------------------------------------------------------


def test_appointment_is_derived_from_the_merged_pauses(tmp_path: Path, any_city: RunningServer) -> None:
    user = any_city.user("C01")
    a = make_clerk(tmp_path, "a", any_city.base_url, user)
    b = make_clerk(tmp_path, "b", any_city.base_url, user)
    try:
        received = datetime(2026, 3, 10, 9, 0, tzinfo=UTC) - timedelta(hours=7)  # Tue 09:00 office
        dossier = a.services.register_dossier(a_new_dossier(a, received_at=received)).value.summary.id
        a.services.record_event(dossier, EventKind.ASSIGNED, actor="a", at=received + timedelta(hours=1))
        _settle(a, b)
        intake = _appointment(a, dossier)
        # A asks for a supplement (two days); B, offline, for a fee (most of a day).
        day = timedelta(days=1)
        hour = timedelta(hours=1)
        a.services.record_event(dossier, EventKind.SUPPLEMENT_REQUESTED, at=received + day + 2 * hour)
        a.services.record_event(dossier, EventKind.SUPPLEMENT_RECEIVED, at=received + 3 * day)
        b.services.record_event(dossier, EventKind.PAYMENT_REQUESTED, at=received + 2 * hour)
        b.services.record_event(dossier, EventKind.PAID, at=received + day)
        a_only, b_only = _appointment(a, dossier), _appointment(b, dossier)
        assert a_only != b_only and min(a_only, b_only) > intake
        _settle(a, b)
        merged = _appointment(a, dossier)
        assert merged == _appointment(b, dossier)
        # Both pauses count on every PC (a last-writer-wins field kept one PC's only).
        assert merged > max(a_only, b_only)
        assert_converged(any_city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def a_new_dossier(clerk: Clerk, received_at: datetime):  # type: ignore[no-untyped-def]
    from commune_desk.services import NewDossier

    working = next(pr for pr in clerk.services.list_procedures() if pr.day_kind == "working_days")
    return NewDossier(
        procedure_code=working.code,
        applicant_name="Trần Thị Hoa",
        applicant_id_number="001099012345",
        received_at=received_at,
        received_by=clerk.name,
    )


def _appointment(clerk: Clerk, dossier: str) -> datetime:
    return clerk.services.get_dossier(dossier).summary.appointment_at


# -- 5. an honest rebase --------------------------------------------------------------------


def test_rebase_never_hides_a_conflict(tmp_path: Path, any_city: RunningServer) -> None:
    user = any_city.user("C01")
    a = make_clerk(tmp_path, "a", any_city.base_url, user)
    b = make_clerk(tmp_path, "b", any_city.base_url, user)
    try:
        doc = a.incoming(1)
        _settle(a, b)
        a.services.assign_incoming(doc.id, handler="Ông An")  # offline, on version 1
        a.services.assign_incoming(doc.id, handler="Ông An", co_handlers=["Bà Ba"])  # again, version 1
        b.services.assign_incoming(doc.id, handler="Bà Bình")  # on another PC: version 2
        _settle(b)
        result = a.engine.sync_once()
        assert result.ok and result.conflicts == 2, result  # both meet B's change
        server = {c["entity_id"]: c for c in server_snapshot(any_city, "C01")}
        assert server[doc.id]["fields"]["handler"] == "Bà Bình"  # nothing applied silently
        conflicts = [c for c in server.values() if c["entity"] == "conflict"]
        handler_values = {
            c["fields"]["fields"]["handler"]["server"]
            for c in conflicts
            if "handler" in c["fields"]["fields"]
        }
        assert handler_values == {"Bà Bình"}  # each offers the value that is current
        _settle(a, b)
        assert_converged(any_city, "C01", [a, b])
    finally:
        a.close()
        b.close()


# -- 6. a pulled record the PC cannot apply -------------------------------------------------


def test_a_record_the_pc_cannot_apply_is_set_aside_and_the_pull_goes_on(
    tmp_path: Path, any_city: RunningServer
) -> None:
    user = any_city.user("C01")
    a = make_clerk(tmp_path, "a", any_city.base_url, user)
    try:
        bad_id = str(uuid.uuid4())
        writer = SyncDevice(any_city, user)
        try:
            # A dossier holding only a name, as an older server stored from any PC.
            with any_city._sessions() as session:  # type: ignore[operator]
                commune = session.scalar(select(Commune).where(Commune.code == "C01").with_for_update())
                commune.change_seq += 1
                session.add(
                    Record(
                        commune_id=commune.id,
                        entity="dossier",
                        entity_id=bad_id,
                        version=1,
                        deleted=False,
                        fields={"applicant_name": "Chỉ có tên"},
                        field_versions={"applicant_name": 1},
                        change_seq=commune.change_seq,
                    )
                )
                session.commit()
            event = writer.op(
                "dossier_event",
                fields={"dossier_id": bad_id, "kind": "received", "at": "2026-03-10T02:00:00+00:00"},
            )
            assert writer.push_one(event)["status"] == "applied"
        finally:
            writer.close()
        good = make_clerk(tmp_path, "b", any_city.base_url, user)
        try:
            good_dossier = good.register(1)
            _settle(good)
        finally:
            good.close()
        result = a.engine.sync_once()
        assert result.ok, result
        with a.ctx.store.read() as s:
            assert s.get(Dossier, good_dossier) is not None  # the page went on
            rejected = {r.entity_id: r.reason for r in s.scalars(select(PulledRejection))}
        assert bad_id in rejected and "missing" in rejected[bad_id]
        assert str(event["entity_id"]) in rejected  # its event waits with it, nothing stuck
        assert a.engine.sync_once().ok
        _check_clean(a)
    finally:
        a.close()
