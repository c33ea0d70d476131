"""A stick from the release tool is accepted; every attack on it is refused and changes nothing.

Real parts throughout: keys generated per test, metadata signed by python-tuf,
the client is ngclient reading the stick folder, and reference data lands in a
real SQLite store through the foundation's catalogue and settings services.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.integration.delivery.support import (
    REPO_ROOT,
    Office,
    StickMaker,
    assert_refused,
    catalogue,
    holidays,
)
from tuf.api.metadata import Metadata, TargetFile, Targets

from commune_desk.update import UpdateKind
from commune_desk.update.machine import MachineUpdates
from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.repository import ReleaseError, ReleaseRepository
from commune_desk.update.stick import UPDATE_FOLDER


def _first_stick(sticks: StickMaker) -> Path:
    sticks.reference_data(
        ReferenceDataPackage(procedures=catalogue(2), holidays=holidays(1, "2027-02-15")),
        "reference-data-a.json",
    )
    return sticks.write()


def _second_stick(sticks: StickMaker) -> Path:
    sticks.reference_data(
        ReferenceDataPackage(
            procedures=catalogue(3, extra_name="Đăng ký khai sinh (mẫu mới)"),
            holidays=holidays(2, "2027-02-15", "2027-05-03"),
        ),
        "reference-data-b.json",
    )
    sticks.msi("0.2.0", b"MSI stand-in payload " * 1000)
    return sticks.write()


def test_stick_from_release_tool_is_applied(office: Office, sticks: StickMaker) -> None:
    """Reference data lands in the store in one go; the MSI is staged byte for byte."""
    result = office.updater.update_from(_first_stick(sticks))
    assert result.kind == UpdateKind.APPLIED, result
    assert office.services.catalogue_version() == 2
    assert office.services.get_settings().extra_days_off == {datetime(2027, 2, 15).date()}

    result = office.updater.update_from(_second_stick(sticks))
    assert result.kind == UpdateKind.STAGED_NOT_INSTALLED, result  # the MSI waits for the task
    assert result.ok and "0.2.0" in result.message and "CHƯA" in result.message
    assert office.services.catalogue_version() == 3
    names = {p.code: p.name for p in office.services.list_procedures()}
    assert "Đăng ký khai sinh (mẫu mới)" in names.values()
    assert len(office.services.get_settings().extra_days_off) == 2
    assert result.staged_installer is not None
    assert result.staged_installer.read_bytes() == b"MSI stand-in payload " * 1000
    assert {i.action for i in result.items} == {"applied", "staged"}


def test_same_stick_twice_says_the_msi_still_waits(office: Office, sticks: StickMaker) -> None:
    """Plugging the same stick in again changes nothing, and does not claim "up to date"
    while the staged MSI is not installed."""
    stick = _second_stick(sticks)
    assert office.updater.update_from(stick).kind == UpdateKind.STAGED_NOT_INSTALLED
    before = office.state()
    again = office.updater.update_from(stick)
    assert again.kind == UpdateKind.STAGED_NOT_INSTALLED, again
    assert {i.action for i in again.items} == {"skipped-not-newer", "already-staged"}
    assert again.ok and "CHƯA" in again.message
    assert office.state() == before


def test_reference_data_only_stick_twice_is_up_to_date(office: Office, sticks: StickMaker) -> None:
    """Without an MSI waiting, a stick seen before is "up to date"."""
    stick = _first_stick(sticks)
    assert office.updater.update_from(stick).kind == UpdateKind.APPLIED
    assert office.updater.update_from(stick).kind == UpdateKind.UP_TO_DATE


def test_flipped_byte_in_a_target_is_refused(office: Office, sticks: StickMaker) -> None:
    """One bit changed in the signed package: hash mismatch, nothing applied."""
    office.updater.update_from(_first_stick(sticks))
    stick = _second_stick(sticks)
    target = next((stick / UPDATE_FOLDER / "targets" / "reference-data").iterdir())
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert_refused(office, stick, UpdateKind.TAMPERED)


def test_flipped_byte_in_the_msi_is_refused(office: Office, sticks: StickMaker) -> None:
    """A corrupted MSI stops the whole stick, including its valid reference data."""
    stick = _second_stick(sticks)
    msi = next((stick / UPDATE_FOLDER / "targets" / "msi").iterdir())
    data = bytearray(msi.read_bytes())
    data[-1] ^= 0x80
    msi.write_bytes(bytes(data))
    assert_refused(office, stick, UpdateKind.TAMPERED)


def test_edited_targets_metadata_is_refused(office: Office, sticks: StickMaker) -> None:
    """Someone edits the signed list (here: raises the MSI version) without the key."""
    office.updater.update_from(_first_stick(sticks))
    stick = _second_stick(sticks)
    path = stick / UPDATE_FOLDER / "metadata" / "targets.json"
    doc = json.loads(path.read_text("utf-8"))
    for info in doc["signed"]["targets"].values():
        info["custom"]["commune_desk"]["version"] = "9.9.9"
    path.write_text(json.dumps(doc), "utf-8")
    assert_refused(office, stick, UpdateKind.TAMPERED)


def test_edited_timestamp_expiry_is_refused(office: Office, sticks: StickMaker) -> None:
    """Extending an expiry by hand breaks the signature."""
    stick = _first_stick(sticks)
    path = stick / UPDATE_FOLDER / "metadata" / "timestamp.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["signed"]["expires"] = "2099-01-01T00:00:00Z"
    path.write_text(json.dumps(doc), "utf-8")
    assert_refused(office, stick, UpdateKind.TAMPERED)


def test_older_valid_stick_replayed_is_refused(office: Office, sticks: StickMaker) -> None:
    """After the newer stick, the older one (still validly signed) is a rollback."""
    old_stick = _first_stick(sticks)
    new_stick = _second_stick(sticks)
    assert office.updater.update_from(new_stick).ok
    assert_refused(office, old_stick, UpdateKind.REPLAYED)
    assert office.services.catalogue_version() == 3


def test_expired_timestamp_is_refused(office: Office, sticks: StickMaker, release: ReleaseRepository) -> None:
    """A stick whose timestamp expired yesterday (correctly signed) is refused."""
    office.updater.update_from(_first_stick(sticks))
    yesterday = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    release.publish(release.load(Targets).signed, timestamp_expires=yesterday)
    assert_refused(office, sticks.write(), UpdateKind.EXPIRED)


def test_target_path_escaping_the_folder_is_refused(
    office: Office, sticks: StickMaker, release: ReleaseRepository, tmp_path: Path
) -> None:
    """A signed target named ``reference-data/../../x`` is refused before it is read."""
    office.updater.update_from(_first_stick(sticks))
    evil = ReferenceDataPackage(procedures=catalogue(9), holidays=None).write(tmp_path / "x.json")
    escaping = "reference-data/../../evil.json"

    def add_escaping(targets: Targets) -> None:
        info = TargetFile.from_file(escaping, str(evil), ["sha256"])
        info.unrecognized_fields["custom"] = {
            "commune_desk": {"kind": "reference-data", "version": "procedures-9"}
        }
        targets.targets[escaping] = info

    stick = sticks.write()
    release.publish(release.load(Targets).signed, edit=add_escaping)
    with pytest.raises(ReleaseError):  # the release tool itself never writes such a stick
        sticks.write()
    for name in ("targets.json", "snapshot.json", "timestamp.json"):  # a hand-made stick
        shutil.copyfile(release.folder / "metadata" / name, stick / UPDATE_FOLDER / "metadata" / name)
    shutil.copyfile(evil, stick / UPDATE_FOLDER / "evil.json")  # where the path would land
    assert_refused(office, stick, UpdateKind.UNSAFE_PATH)
    assert office.services.catalogue_version() == 2


def test_stick_signed_by_other_keys_is_refused(office: Office, tmp_path: Path) -> None:
    """A stick from a different (e.g. stolen DEV) repository does not chain to our root."""
    stranger = ReleaseRepository.init(tmp_path / "stranger")
    other = StickMaker(tmp_path / "s", stranger)
    (tmp_path / "s").mkdir()
    assert_refused(office, _first_stick(other), UpdateKind.TAMPERED)


def test_missing_target_file_is_incomplete(office: Office, sticks: StickMaker) -> None:
    """A stick copied half-way tells IT to copy it again."""
    stick = _second_stick(sticks)
    shutil.rmtree(stick / UPDATE_FOLDER / "targets" / "msi")
    assert_refused(office, stick, UpdateKind.INCOMPLETE)


def test_pc_clock_before_build_is_reported(office: Office, sticks: StickMaker) -> None:
    """Expiry cannot be judged on a PC whose clock is earlier than the app's build."""
    office.updater.build_time = datetime.now(UTC) + timedelta(days=30)
    result = office.updater.update_from(_first_stick(sticks))
    assert result.kind == UpdateKind.CLOCK_BEHIND_BUILD
    assert "ngày giờ" in result.message
    shipped = json.loads((REPO_ROOT / "resources" / "procedures.json").read_text("utf-8"))
    assert office.services.catalogue_version() == shipped["version"]  # the catalogue shipped with the app


def test_invalid_package_content_applies_no_part(office: Office, sticks: StickMaker) -> None:
    """Valid holidays next to a broken catalogue: neither part is applied."""
    broken = catalogue(5)
    broken["procedures"][0]["day_kind"] = "whenever"
    sticks.reference_data(
        ReferenceDataPackage(procedures=broken, holidays=holidays(1, "2027-09-03")), "bad.json"
    )
    assert_refused(office, sticks.write(), UpdateKind.APPLY_FAILED)


def test_folder_without_update_is_reported(office: Office, tmp_path: Path) -> None:
    """A stick with only documents on it."""
    (tmp_path / "docs").mkdir()
    assert_refused(office, tmp_path / "docs", UpdateKind.NO_UPDATE_FOUND)


def test_rotated_key_is_followed_and_the_leaked_one_refused(
    office: Office, sticks: StickMaker, release: ReleaseRepository, tmp_path: Path
) -> None:
    """After a targets-key rotation the office walks to root v2; the old key no longer works."""
    office.updater.update_from(_first_stick(sticks))
    leaked = release.signer("targets")
    assert release.rotate_key("targets") == 2
    stick = _second_stick(sticks)
    result = office.updater.update_from(stick)
    assert result.kind == UpdateKind.STAGED_NOT_INSTALLED, result
    assert (office.updater.trusted_metadata_dir / "root_history" / "2.root.json").exists()

    # Whoever holds the leaked key re-signs the targets list, pointing at a newer MSI
    # version. An office that has not seen this release yet (fresh state) reads it.
    path = stick / UPDATE_FOLDER / "metadata" / "targets.json"
    forged = Metadata[Targets].from_file(str(path))
    for info in forged.signed.targets.values():
        info.unrecognized_fields["custom"]["commune_desk"]["version"] = "9.9.9"
    forged.signatures.clear()
    forged.sign(leaked)
    forged.to_file(str(path))
    office.updater = dataclasses.replace(office.updater, machine=MachineUpdates(tmp_path / "fresh-state"))
    assert_refused(office, stick, UpdateKind.TAMPERED)
