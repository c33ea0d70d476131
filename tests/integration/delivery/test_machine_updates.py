"""Per-machine updates: staged by a clerk, installed once by the elevated task, cleaned up.

Real sticks, real TUF verification, real folders. Windows Installer itself is the
one part that cannot run here: :class:`RecordingInstaller` stands in for
``msiexec`` at that boundary, writing a verbose log ending the way msiexec's does.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.integration.delivery.support import Office, StickMaker, catalogue, holidays

from commune_desk.update import UpdateKind
from commune_desk.update.machine import MachineUpdates, installer_log_exit_code
from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.stick import KIND_MSI, StickUpdater
from commune_desk.update.update_task import TASK_SECURITY, install_staged, task_xml

PAYLOAD = b"MSI stand-in payload " * 4000


class RecordingInstaller:
    """Stands in for msiexec: records each hand-over, writes a log, returns ``code``."""

    def __init__(self, code: int | None = 0, log_code: int | None = None) -> None:
        self.code, self.log_code = code, log_code
        self.calls: list[bytes] = []

    def hand_over(self, msi: Path, log_file: Path) -> int | None:
        """Record the MSI's bytes; write a log ending like msiexec's."""
        self.calls.append(msi.read_bytes())
        final = self.code if self.code is not None else self.log_code
        tail = f"MainEngineThread is returning {final}\r\n" if final is not None else ""
        log_file.write_text(f"=== Verbose logging started ===\r\n{tail}", encoding="utf-16")
        return self.code


def _stick(sticks: StickMaker, version: str = "0.2.0", payload: bytes = PAYLOAD) -> Path:
    sticks.reference_data(
        ReferenceDataPackage(procedures=catalogue(2), holidays=holidays(1)), "reference-data-2.json"
    )
    sticks.msi(version, payload)
    return sticks.write()


def _task_verifier(office: Office, app_version: str = "0.1.0") -> StickUpdater:
    """What the task runs with: the shipped root, MSI targets only, no store."""
    return dataclasses.replace(
        office.updater, reference_data=None, kinds=(KIND_MSI,), app_version=app_version
    )


def _machine(office: Office) -> MachineUpdates:
    return office.updater.machine


def test_msi_is_staged_per_machine_not_per_user(office: Office, sticks: StickMaker) -> None:
    """The staged MSI and the trusted metadata are in the machine folder, not the user's."""
    result = office.updater.update_from(_stick(sticks))
    assert result.kind == UpdateKind.STAGED_NOT_INSTALLED
    machine = _machine(office)
    assert result.staged_installer == machine.staged_msi("0.2.0")
    assert result.staged_installer.read_bytes() == PAYLOAD
    assert (machine.state_dir / "tuf" / "timestamp.json").is_file()
    assert not (office.root / "updates").exists() and not (office.root / "update").exists()


def test_a_second_windows_user_shares_the_rollback_guard(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """Another clerk's account (own data folder, same PC) refuses an older stick too."""
    old = _stick(sticks, "0.2.0")
    office.updater.update_from(_stick(sticks, "0.3.0", PAYLOAD + b"3"))
    other_user = dataclasses.replace(office.updater, reference_data=None)
    assert other_user.update_from(old).kind == UpdateKind.REPLAYED


def test_task_installs_once_then_cleans_up(office: Office, sticks: StickMaker, tmp_path: Path) -> None:
    """Handed over exactly once however often the task runs; gone once installed."""
    stick = _stick(sticks)
    office.updater.update_from(stick)
    machine, installer = _machine(office), RecordingInstaller(code=None)  # runs on, detached
    outcomes = install_staged(machine, _task_verifier(office), installer, scratch=tmp_path)
    assert [o.action for o in outcomes] == ["handed-over"] and installer.calls == [PAYLOAD]
    for _ in range(3):  # start-ups, clerks pressing "install" again, the same stick again
        install_staged(machine, _task_verifier(office), installer, scratch=tmp_path)
        again = office.updater.update_from(stick)
        assert again.kind == UpdateKind.STAGED_NOT_INSTALLED
        assert {i.action for i in again.items} >= {"install-pending"}
    assert len(installer.calls) == 1
    # The PC restarts into 0.2.0: whoever looks next records it and deletes the files.
    install_staged(machine, _task_verifier(office, "0.2.0"), installer, scratch=tmp_path)
    assert machine.record("0.2.0").state == "installed"
    assert machine.staged_versions() == [] and not list(machine.staging_dir.iterdir())
    assert not list(tmp_path.glob("CommuneDesk-*.msi"))  # the private copy too


def test_failed_install_is_reported_and_not_retried_alone(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """Exit code 1603: recorded, named to the clerk, not handed over again until IT retries."""
    stick = _stick(sticks)
    office.updater.update_from(stick)
    machine, installer = _machine(office), RecordingInstaller(code=1603)
    assert install_staged(machine, _task_verifier(office), installer, scratch=tmp_path)[0].action == "failed"
    install_staged(machine, _task_verifier(office), installer, scratch=tmp_path)
    assert len(installer.calls) == 1
    result = office.updater.update_from(stick)
    assert result.kind == UpdateKind.INSTALL_FAILED and not result.ok
    assert "1603" in result.message and "0.2.0" in result.message and "0.1.0" in result.message
    install_staged(machine, _task_verifier(office), installer, retry=True, scratch=tmp_path)
    assert len(installer.calls) == 2


def test_failure_read_from_the_installer_log(office: Office, sticks: StickMaker, tmp_path: Path) -> None:
    """A detached install's outcome comes from its log at the next look."""
    office.updater.update_from(_stick(sticks))
    machine = _machine(office)
    install_staged(
        machine, _task_verifier(office), RecordingInstaller(code=None, log_code=1618), scratch=tmp_path
    )
    machine.reconcile("0.1.0")
    record = machine.record("0.2.0")
    assert record.state == "failed" and record.exit_code == 1618
    assert installer_log_exit_code(Path(record.log)) == 1618


def test_swapped_staged_file_is_never_installed(office: Office, sticks: StickMaker, tmp_path: Path) -> None:
    """The staging folder is writable by clerks: the task verifies again from the root."""
    office.updater.update_from(_stick(sticks))
    machine, installer = _machine(office), RecordingInstaller()
    staged = machine.staged_msi("0.2.0")
    staged.write_bytes(b"not what was signed" * 10)
    outcome = install_staged(machine, _task_verifier(office), installer, scratch=tmp_path)[0]
    assert outcome.action == "refused" and installer.calls == []


def test_only_the_newest_staged_version_is_installed(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """Two sticks staged before a restart: the older staging goes, the newer is installed."""
    office.updater.update_from(_stick(sticks, "0.2.0"))
    office.updater.update_from(_stick(sticks, "0.3.0", PAYLOAD + b"3"))
    installer = RecordingInstaller()
    outcomes = install_staged(_machine(office), _task_verifier(office), installer, scratch=tmp_path)
    assert {(o.version, o.action) for o in outcomes} == {("0.2.0", "removed"), ("0.3.0", "handed-over")}
    assert installer.calls == [PAYLOAD + b"3"]


def test_old_per_user_staging_is_emptied(office: Office, sticks: StickMaker) -> None:
    """MSIs earlier versions left in <data>/updates are deleted once installed."""
    legacy = office.root / "updates"
    legacy.mkdir()
    (legacy / "CommuneDesk-0.1.0.msi").write_bytes(b"x" * 1000)
    (legacy / "CommuneDesk-0.5.0.msi").write_bytes(b"y")
    office.updater = dataclasses.replace(office.updater, legacy_staging_dir=legacy)
    office.updater.update_from(_stick(sticks))
    assert sorted(p.name for p in legacy.iterdir()) == ["CommuneDesk-0.5.0.msi"]


def test_task_definition_runs_as_system_and_users_may_start_it() -> None:
    """Task Scheduler XML: SYSTEM, highest rights, at start-up, Users read+execute only."""
    root = ET.fromstring(task_xml(Path("C:/Program Files/CommuneDesk/CommuneDesk.exe")).split("\n", 1)[1])
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert root.findtext("t:Principals/t:Principal/t:UserId", namespaces=ns) == "S-1-5-18"
    assert root.findtext("t:RegistrationInfo/t:SecurityDescriptor", namespaces=ns) == TASK_SECURITY
    assert "(A;;GRGX;;;BU)" in TASK_SECURITY and "(A;;FA;;;BU)" not in TASK_SECURITY
    assert root.find("t:Triggers/t:BootTrigger", ns) is not None
    assert root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=ns) == "install-staged"
    assert root.findtext("t:Actions/t:Exec/t:Command", namespaces=ns) == (
        '"C:/Program Files/CommuneDesk/CommuneDesk.exe"'
    )


def test_rollback_guard_of_an_earlier_version_is_carried_over(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """Upgrading from a version that kept the trusted metadata per user does not reset it."""
    old, new = _stick(sticks, "0.2.0"), _stick(sticks, "0.3.0", PAYLOAD + b"3")
    earlier = dataclasses.replace(office.updater, machine=MachineUpdates(tmp_path / "user-state"))
    assert earlier.update_from(new).ok  # what 0.1.0 did: state in <data>/update
    upgraded = dataclasses.replace(
        office.updater, legacy_trusted_dir=tmp_path / "user-state" / "update-state" / "tuf"
    )
    assert upgraded.update_from(old).kind == UpdateKind.REPLAYED


def test_machine_folder_that_cannot_be_written_is_an_answer_not_a_crash(
    office: Office, sticks: StickMaker, tmp_path: Path
) -> None:
    """An account that cannot write the machine folder gets a sentence, and the log a trace."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the machine folder should be", "utf-8")
    office.updater = dataclasses.replace(office.updater, machine=MachineUpdates(blocked))
    result = office.updater.update_from(_stick(sticks))
    assert result.kind == UpdateKind.APPLY_FAILED and "cán bộ CNTT" in result.message
