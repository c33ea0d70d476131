"""USB carry: a PC's pending work goes to the city on a stick and the reply comes back.

Real parts: the city server over HTTP (for the PC's online rounds), the real
``commune-desk carry`` and ``city-server carry`` commands, real SQLite files.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.helpers.city_server import RunningServer
from tests.helpers.cli import run_cli
from tests.helpers.relay import run_relay
from tests.integration.relay.relay_support import assert_equal_to_city, office_work, open_ops
from tests.integration.sync.sync_support import Clerk, make_clerk

from city_server.cli import main as city_main
from city_server.models import OpResultRow, Record
from commune_desk.protocol import CarryExport, Role, canonical_json
from commune_desk.protocol.carry_files import BundleError, read_bundle, signing_message, write_bundle
from commune_desk.sync.account import device_key, vault_for


def _city_counts(city: RunningServer) -> tuple[int, int, int]:
    with city._sessions() as s:  # type: ignore[operator]
        return (
            s.scalar(select(func.count()).select_from(Record)),
            s.scalar(select(func.count()).select_from(OpResultRow)),
            s.scalar(select(func.max(Record.change_seq))) or 0,
        )


def _export(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clerk: Clerk, stick: Path
) -> Path:
    before = set(stick.glob("*.cdcarry")) if stick.exists() else set()
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        ["--data-dir", str(clerk.ctx.paths.data_dir), "carry", "export", "--to", str(stick)],
    )
    assert code == 0, err
    (path,) = set(stick.glob("*.cdcarry")) - before
    return path


def _city_import(
    city: RunningServer, capsys: pytest.CaptureFixture[str], bundle: Path, stick: Path
) -> tuple[int, str, str]:
    code = city_main(["carry", "import", str(bundle), "--reply-to", str(stick), "--db", city.db_url])
    out, err = capsys.readouterr()
    return code, out, err


def _pc_import(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clerk: Clerk, reply: Path
) -> tuple[int, str, str]:
    return run_cli(
        monkeypatch, capsys, ["--data-dir", str(clerk.ctx.paths.data_dir), "carry", "import", str(reply)]
    )


def test_carry_round_trip_with_replay_and_tamper(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    b = make_clerk(tmp_path, "b", city.base_url, city.user("C01"))
    try:
        assert a.engine.sync_once().ok and b.engine.sync_once().ok  # learn the city's key and leases
        office_work(a, "carry", n=3)  # no link from here on: everything goes on the stick
        pending = open_ops(a)
        assert pending > 0
        stick = tmp_path / "stick"
        export = _export(monkeypatch, capsys, a, stick)
        assert open_ops(a) == pending  # exporting changes nothing on the PC

        # At the city: applied once; importing the same bundle again applies nothing.
        code, out, err = _city_import(city, capsys, export, stick / "r1")
        assert code == 0, err
        (reply,) = (stick / "r1").glob("*.cdcarry")
        after_first = _city_counts(city)
        code, out, err = _city_import(city, capsys, export, stick / "r2")
        assert code == 0, err
        assert f"0 mới, {pending} đã có trước đó" in out
        assert _city_counts(city) == after_first

        # A reply for another PC is refused there with nothing changed.
        code, out, err = _pc_import(monkeypatch, capsys, b, reply)
        assert code == 1 and "dành cho máy khác" in err
        assert open_ops(b) == 0

        # Back at the office: the reply settles everything; a second import changes nothing.
        code, out, err = _pc_import(monkeypatch, capsys, a, reply)
        assert code == 0, err
        assert open_ops(a) == 0
        code, out, err = _pc_import(monkeypatch, capsys, a, reply)
        assert code == 0 and "đã được nhập trước đây" in out
        (second,) = (stick / "r2").glob("*.cdcarry")
        code, out, err = _pc_import(monkeypatch, capsys, a, second)
        assert code == 0, err
        assert open_ops(a) == 0

        # Then online again: nothing is sent twice, everyone equals the city.
        assert a.engine.sync_once().ok and b.engine.sync_once().ok
        assert _city_counts(city)[:2] == after_first[:2]
        assert_equal_to_city(city, "C01", [a, b])
    finally:
        a.close()
        b.close()


def _flip(data: bytes, at: int, xor: int) -> bytes:
    out = bytearray(data)
    out[at % len(out)] ^= xor
    return bytes(out)


def test_tampered_bundles_are_refused_with_nothing_changed(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hypothesis flips bytes of an export and of a reply: refused (Vietnamese), or read exactly as before."""
    a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    try:
        assert a.engine.sync_once().ok
        office_work(a, "tamper", n=1)
        stick = tmp_path / "stick"
        export = _export(monkeypatch, capsys, a, stick)
        code, _, err = _city_import(city, capsys, export, stick / "r")
        assert code == 0, err
        (reply,) = (stick / "r").glob("*.cdcarry")
        good_export, good_reply = export.read_bytes(), reply.read_bytes()
        bad = tmp_path / "bad.cdcarry"

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        @given(at=st.integers(min_value=0), xor=st.integers(min_value=1, max_value=255), which=st.booleans())
        def check(at: int, xor: int, which: bool) -> None:
            before = open_ops(a), _city_counts(city)
            original = good_export if which else good_reply
            data = _flip(original, at, xor)
            try:
                same = read_bundle(data) == read_bundle(original)
            except BundleError:
                same = False
            bad.write_bytes(data)
            if which:
                code, _, err = _city_import(city, capsys, bad, tmp_path / "out")
            else:
                code, _, err = _pc_import(monkeypatch, capsys, a, bad)
            if same:
                return  # only zip metadata changed: the content is exactly the signed one (applied)
            assert code != 0
            assert err.strip() and "Traceback" not in err
            assert (open_ops(a), _city_counts(city)) == before

        check()
    finally:
        a.close()


def test_a_relays_pending_work_carried_on_a_stick(
    tmp_path: Path, city: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No link for the whole office: the relay's pending work (every counter's) goes on one stick."""
    leader = city.user("C01", Role.LEADER)
    with run_relay(tmp_path / "relay", city.base_url, leader.username, leader.password) as relay:
        a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
        b = make_clerk(tmp_path, "b", city.base_url, city.user("C01"))
        relay.cycle()  # the relay learns the counters' keys while the link is up
        a_id = a.ctx.device_id
        a_key = device_key(vault_for(a.ctx.store), a_id)
        try:
            for c in (a, b):
                c.engine.relay_url_override = relay.base_url
                c.engine.server_url_override = "http://127.0.0.1:9"  # no way to the city but the stick
                assert c.engine.sync_once().ok
            office_work(a, "ra", n=2)
            office_work(b, "rb", n=1)
            for c in (a, b):  # the WAN is down: the relay holds everything
                assert c.engine.sync_once().pending > 0
            made = _city_counts(city)
            stick = tmp_path / "stick"
            code = city_main(["carry", "export", "--to", str(stick), "--db", relay.db_url])
            assert code == 0, capsys.readouterr().err
            (bundle,) = stick.glob("*.cdcarry")
            # A clerk's PC cannot carry another PC's operations; the relay can (each is signed).
            manifest, _sig, files = read_bundle(bundle.read_bytes())
            as_a = CarryExport.model_validate_json(manifest).model_copy(update={"device_id": uuid.UUID(a_id)})
            body = canonical_json(as_a.model_dump(mode="json"))
            forged = tmp_path / "forged.cdcarry"
            forged.write_bytes(write_bundle(body, a_key.sign(signing_message(body)), files))
            code, _, err = _city_import(city, capsys, forged, tmp_path / "no-reply")
            assert code == 2 and "máy khác" in err
            assert _city_counts(city) == made
            for attempt in (1, 2):
                code, out, err = _city_import(city, capsys, bundle, stick / f"r{attempt}")
                assert code == 0, err
            (reply,) = (stick / "r1").glob("*.cdcarry")
            for _ in (1, 2):  # twice is harmless
                assert city_main(["carry", "import-reply", str(reply), "--db", relay.db_url]) == 0
            assert _city_counts(city)[1] > made[1]
            for c in (a, b, a, b):
                assert c.engine.sync_once().ok
            assert open_ops(a) == open_ops(b) == 0
            assert_equal_to_city(city, "C01", [a, b])
        finally:
            a.close()
            b.close()
