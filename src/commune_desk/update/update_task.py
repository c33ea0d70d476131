"""The elevated update task: install staged MSIs without an administrator at the counter.

The MSI registers a scheduled task (``TASK_NAME``) that runs as SYSTEM at every
start-up and whenever a clerk asks (the task's security descriptor lets the
local Users group start it, not change it)::

    "C:\\Program Files\\CommuneDesk\\CommuneDesk.exe" install-staged

:func:`install_staged` is what that runs. For each version staged in the
machine folder, newest first, and newer than the running program:

1. it is verified again with TUF from the root shipped in Program Files (which
   clerks cannot write), into a private folder, so a file swapped in the
   user-writable staging folder is never installed;
2. it is handed to Windows Installer once (``msiexec /i ... /qn /norestart``,
   started detached so this program's own files are free to be replaced), and
   that is recorded with the SHA-256, so the same file is never handed over
   again unless IT says ``--retry``;
3. the next run (or the app, or ``commune-desk update``) reconciles: installed
   -> files deleted; failed -> recorded with Windows Installer's exit code.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from commune_desk.update.machine import (
    MSI_SUCCESS,
    Installer,
    InstallRecord,
    MachineUpdates,
    sha256_of,
    version_tuple,
)
from commune_desk.update.stick import KIND_MSI, RefusedUpdate, StickUpdater

log = logging.getLogger(__name__)

#: Task Scheduler path of the update task.
TASK_NAME = "\\CommuneDesk\\Cap nhat CommuneDesk"
#: SYSTEM and Administrators: full control; Users (BU): read and run (``schtasks /Run``).
TASK_SECURITY = "D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;GRGX;;;BU)"


@dataclass(frozen=True)
class TaskOutcome:
    """What one run of the task did with one staged version."""

    version: str
    action: str  # "handed-over", "skipped-handed-over", "skipped-failed", "refused", "removed"
    detail: str = ""


def install_staged(
    machine: MachineUpdates,
    verifier: StickUpdater,
    installer: Installer,
    *,
    retry: bool = False,
    scratch: Path | None = None,
) -> list[TaskOutcome]:
    """Verify and hand over the newest staged MSI; reconcile and clean up the rest."""
    installed = verifier.app_version
    machine.reconcile(installed)
    private_dir = scratch or Path(tempfile.gettempdir())
    for copy in private_dir.glob("CommuneDesk-*.msi"):  # private copies handed over before
        if version_tuple(copy.stem.removeprefix("CommuneDesk-")) <= version_tuple(installed):
            copy.unlink(missing_ok=True)
    outcomes: list[TaskOutcome] = []
    newer = [v for v in machine.staged_versions() if version_tuple(v) > version_tuple(installed)]
    for obsolete in newer[1:]:  # a newer one supersedes them
        machine.remove_staged(obsolete)
        outcomes.append(TaskOutcome(obsolete, "removed", f"superseded by {newer[0]}"))
    if newer:
        outcomes.append(_install_one(machine, verifier, installer, newer[0], retry, scratch))
    for outcome in outcomes:
        log.info("update task: %s %s %s", outcome.version, outcome.action, outcome.detail)
    return outcomes


def _install_one(
    machine: MachineUpdates,
    verifier: StickUpdater,
    installer: Installer,
    version: str,
    retry: bool,
    scratch: Path | None,
) -> TaskOutcome:
    staged = machine.staged_msi(version)
    if staged is None:
        return TaskOutcome(version, "refused", "no complete staging")
    record = machine.record(version)
    if (
        record is not None
        and record.sha256 == sha256_of(staged)
        and not retry
        and record.state in ("handed-over", "failed")
    ):
        return TaskOutcome(
            version, f"skipped-{record.state}", f"exit code {record.exit_code}" if record.exit_code else ""
        )
    with tempfile.TemporaryDirectory(prefix="commune-install-", dir=scratch) as name:
        work = Path(name)
        try:
            verified = [
                t for t in verifier.verify_into(machine.staged_folder(version), work) if t.kind == KIND_MSI
            ]
        except RefusedUpdate as refused:
            log.error("staged %s refused: %s", version, refused)
            return TaskOutcome(version, "refused", f"{refused.result.kind.value}: {refused.result.detail}")
        if len(verified) != 1 or verified[0].version != version:
            return TaskOutcome(version, "refused", "staged metadata does not offer this MSI")
        private = (scratch or Path(tempfile.gettempdir())) / f"CommuneDesk-{version}.msi"
        shutil.copyfile(verified[0].local_file, private)
    if sha256_of(private) != sha256_of(staged):
        return TaskOutcome(version, "refused", "staged file changed while it was verified")
    machine.state_dir.mkdir(parents=True, exist_ok=True)
    log_file = machine.state_dir / "logs" / f"install-{version}-{_stamp()}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    code = installer.hand_over(private, log_file)
    state = "handed-over" if code is None or code in MSI_SUCCESS else "failed"
    machine.save_record(
        InstallRecord(
            version=version,
            sha256=sha256_of(staged),
            state=state,
            at=_stamp(iso=True),
            log=str(log_file),
            exit_code=code,
        )
    )
    machine.reconcile(verifier.app_version)
    return TaskOutcome(
        version,
        "handed-over" if state == "handed-over" else "failed",
        f"exit code {code}" if code is not None else "running",
    )


def _stamp(*, iso: bool = False) -> str:
    now = datetime.now(UTC)
    return now.isoformat(timespec="seconds") if iso else now.strftime("%Y%m%d-%H%M%S")


class MsiexecInstaller:
    """Windows: start ``msiexec /i`` detached (this program's files must be replaceable)."""

    def __init__(self, *, wait_for_app_s: float = 60.0) -> None:
        self.wait_for_app_s = wait_for_app_s

    def hand_over(self, msi: Path, log_file: Path) -> int | None:
        """Start Windows Installer and return at once (``None``: outcome in ``log_file``).

        A clerk who pressed "install now" is closing the program; wait a little for it
        to go, so its files are not in use (Windows Installer would then need a restart).
        """
        deadline = time.monotonic() + self.wait_for_app_s
        while _other_app_processes() and time.monotonic() < deadline:
            time.sleep(2)
        flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
            subprocess, "CREATE_NEW_PROCESS_GROUP", 0
        )
        command = ["msiexec.exe", "/i", str(msi), "/qn", "/norestart", "/l*v", str(log_file)]
        breakaway = getattr(subprocess, "CREATE_BREAKAWAY_FROM_JOB", 0)
        try:  # leave the task's job object, so ending the task does not end the install
            subprocess.Popen(command, creationflags=flags | breakaway, close_fds=True)  # noqa: S603
        except OSError:
            subprocess.Popen(command, creationflags=flags, close_fds=True)  # noqa: S603
        return None


def _other_app_processes() -> int:
    """How many other ``CommuneDesk.exe`` processes run (Windows ``tasklist``; 0 elsewhere)."""
    if sys.platform != "win32":
        return 0
    result = subprocess.run(  # noqa: S603 - fixed program
        ["tasklist.exe", "/FI", "IMAGENAME eq CommuneDesk.exe", "/FO", "CSV", "/NH"],
        capture_output=True,
        text=True,
        check=False,
    )
    running = sum(1 for line in result.stdout.splitlines() if "CommuneDesk.exe" in line)
    return max(0, running - 1)  # this process is one of them


# -- the scheduled task itself ------------------------------------------------------------------


def task_xml(executable: Path) -> str:
    """Task Scheduler definition: SYSTEM, at start-up and on request, Users may run it."""
    command = escape(str(executable))
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>CommuneDesk: installs the updates staged in its ProgramData folder</Description>
    <SecurityDescriptor>{TASK_SECURITY}</SecurityDescriptor>
  </RegistrationInfo>
  <Triggers>
    <BootTrigger><Enabled>true</Enabled></BootTrigger>
  </Triggers>
  <Principals>
    <Principal id="LocalSystem"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <StartWhenAvailable>true</StartWhenAvailable>
    <ExecutionTimeLimit>PT30M</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="LocalSystem">
    <Exec><Command>"{command}"</Command><Arguments>install-staged</Arguments></Exec>
  </Actions>
</Task>
"""


def schtasks_commands(action: str, xml_file: Path | None = None) -> list[list[str]]:
    """The ``schtasks.exe`` command lines for ``register``, ``unregister`` or ``run``."""
    if action == "register":
        return [["schtasks.exe", "/Create", "/F", "/TN", TASK_NAME, "/XML", str(xml_file)]]
    if action == "unregister":
        return [["schtasks.exe", "/Delete", "/F", "/TN", TASK_NAME]]
    if action == "run":
        return [["schtasks.exe", "/Run", "/TN", TASK_NAME]]
    raise ValueError(action)


def manage_task(action: str) -> int:
    """Register (MSI install), unregister (MSI uninstall) or run the task; schtasks' status."""
    if sys.platform != "win32":
        log.info("update task %s: only on Windows", action)
        return 0
    with tempfile.TemporaryDirectory(prefix="commune-task-") as name:
        xml_file = Path(name) / "task.xml"
        xml_file.write_text(task_xml(Path(sys.executable)), encoding="utf-16")
        status = 0
        for command in schtasks_commands(action, xml_file):
            result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            log.info(
                "%s -> %s %s", " ".join(command), result.returncode, (result.stdout + result.stderr).strip()
            )
            status = status or result.returncode
        return status


def request_install() -> bool:
    """Ask the update task to run now (clerk's side); False where there is none."""
    return sys.platform == "win32" and manage_task("run") == 0
