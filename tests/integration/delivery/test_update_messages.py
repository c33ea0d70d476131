"""A refused or waiting update names its real cause, and every outcome is logged.

Real sticks from a real release repository, real TUF verification; the causes are
made the way they happen: a copy cut short, a re-copy interrupted half-way, a PC
clock set a year ahead, a stick whose timestamp really ran out.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration.delivery.support import Office, StickMaker, assert_refused, catalogue, holidays
from tuf.api.metadata import Targets

from commune_desk.update import UpdateKind
from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.repository import ReleaseRepository
from commune_desk.update.stick import UPDATE_FOLDER


def _stick_with_msi(sticks: StickMaker, catalogue_version: int = 2) -> Path:
    sticks.reference_data(
        ReferenceDataPackage(procedures=catalogue(catalogue_version), holidays=holidays(1)),
        f"reference-data-{catalogue_version}.json",
    )
    sticks.msi("0.2.0", b"MSI stand-in payload " * 5000)
    return sticks.write()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep=st.floats(0.0, 0.99))
def test_target_cut_short_means_copy_again(office: Office, sticks: StickMaker, keep: float) -> None:
    """A copy that stopped part-way through the MSI is "copy the stick again", not tampering."""
    stick = _stick_with_msi(sticks)
    msi = next((stick / UPDATE_FOLDER / "targets" / "msi").iterdir())
    data = msi.read_bytes()
    msi.write_bytes(data[: int(len(data) * keep)])
    message = assert_refused(office, stick, UpdateKind.INCOMPLETE)
    assert "chép lại USB" in message


def test_metadata_cut_short_means_copy_again(office: Office, sticks: StickMaker) -> None:
    """A metadata file cut short (not even JSON) is an unfinished copy too."""
    stick = _stick_with_msi(sticks)
    path = stick / UPDATE_FOLDER / "metadata" / "snapshot.json"
    path.write_bytes(path.read_bytes()[:100])
    assert_refused(office, stick, UpdateKind.INCOMPLETE)


def test_same_length_other_bytes_is_still_tampered(office: Office, sticks: StickMaker) -> None:
    """A full-length file with different content is not an unfinished copy."""
    stick = _stick_with_msi(sticks)
    msi = next((stick / UPDATE_FOLDER / "targets" / "msi").iterdir())
    msi.write_bytes(bytes(reversed(msi.read_bytes())))
    assert_refused(office, stick, UpdateKind.TAMPERED)


def test_mixed_releases_on_a_fresh_pc_are_not_called_older(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """A re-copy interrupted half-way leaves files of two releases; this PC has trusted
    nothing yet, so "older than installed" would be wrong: it is a mixed stick."""
    old = _stick_with_msi(sticks, 2)
    new = _stick_with_msi(sticks, 3)
    mixed = tmp_path / "mixed"
    shutil.copytree(new, mixed)
    for name in ("snapshot.json", "targets.json"):  # the copy stopped after timestamp.json
        shutil.copyfile(old / UPDATE_FOLDER / "metadata" / name, mixed / UPDATE_FOLDER / "metadata" / name)
    assert not office.updater.trusted_metadata_dir.exists()
    message = assert_refused(office, mixed, UpdateKind.MIXED)
    assert "CŨ" not in message and "chép lại USB" in message


def test_replayed_stick_after_a_newer_one_is_still_replayed(office: Office, sticks: StickMaker) -> None:
    """With newer metadata trusted, an older valid stick is what it is: a replay."""
    old = _stick_with_msi(sticks, 2)
    new = _stick_with_msi(sticks, 3)
    assert office.updater.update_from(new).ok
    assert_refused(office, old, UpdateKind.REPLAYED)


def test_clock_a_year_ahead_is_blamed_on_the_clock(office: Office, sticks: StickMaker) -> None:
    """A PC clock 400 days ahead makes a fresh stick look expired: say the clock is wrong."""
    stick = _stick_with_msi(sticks)
    ahead = datetime.now(UTC) + timedelta(days=400)
    office.updater.now = lambda: ahead
    message = assert_refused(office, stick, UpdateKind.CLOCK_AHEAD)
    assert ahead.date().isoformat() in message and "USB không có lỗi" in message
    assert datetime.now(UTC).date().isoformat() in message  # the day the stick was written


def test_really_expired_stick_names_both_dates(
    office: Office, sticks: StickMaker, release: ReleaseRepository
) -> None:
    """A stick whose timestamp ran out yesterday: the expiry date and today's date are named,
    so the clerk can see for herself whether the PC's date is wrong."""
    yesterday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    sticks.reference_data(ReferenceDataPackage(procedures=catalogue(2), holidays=None), "r.json")
    release.publish(release.load(Targets).signed, timestamp_expires=yesterday)
    message = assert_refused(office, sticks.write(), UpdateKind.EXPIRED)
    assert yesterday.date().isoformat() in message
    assert datetime.now(UTC).date().isoformat() in message


def test_every_outcome_is_logged(
    office: Office, sticks: StickMaker, caplog: pytest.LogCaptureFixture
) -> None:
    """Refusals and successes alike leave a line with the kind and the detail."""
    stick = _stick_with_msi(sticks)
    with caplog.at_level(logging.INFO, logger="commune_desk.update"):
        office.updater.update_from(stick)
        (stick / UPDATE_FOLDER / "metadata" / "timestamp.json").write_text("{", "utf-8")
        office.updater.update_from(stick)
    lines = [r.getMessage() for r in caplog.records]
    assert any("staged_not_installed" in line for line in lines)
    assert any("incomplete" in line and "timestamp.json" in line for line in lines)


def test_written_marker_is_on_the_stick(sticks: StickMaker) -> None:
    """``write-stick`` records when it wrote the stick (used only to word a message)."""
    stick = _stick_with_msi(sticks)
    marker = json.loads((stick / UPDATE_FOLDER / "written.json").read_text("utf-8"))
    written = datetime.fromisoformat(marker["written_at"])
    assert abs(datetime.now(UTC) - written) < timedelta(minutes=5)
