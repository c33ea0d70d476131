"""``commune-desk update`` and the update task's commands (IT staff, scripts, the MSI).

* ``update --from E:\\`` verifies a stick and applies it: reference data into the
  store, the MSI staged per machine (``--install`` asks the update task to install it);
* ``install-staged`` is what the elevated update task runs;
* ``update-task register|unregister|run`` is what the MSI runs on install/uninstall.

Every outcome, refusals included, is written to ``logs/commune-desk.log``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from commune_desk.logfile import try_setup_logging
from commune_desk.paths import AppPaths

if TYPE_CHECKING:
    from commune_desk.update.reference_data import ServicesReferenceData

log = logging.getLogger(__name__)

#: Exit status when the stick was refused (tampered, replayed, expired, ...).
EXIT_REFUSED = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    update = subparsers.add_parser(
        "update",
        help="verify and apply an update from a USB stick",
        description=(
            "Verify the update on a USB stick (TUF signatures, versions, expiry, hashes) "
            "and only then apply it: reference data into the store, the MSI staged for "
            "the update task (which installs it at the next start-up, or now with --install)."
        ),
    )
    update.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="PATH",
        help="the stick (e.g. E:\\) or its CommuneDesk-update folder",
    )
    update.add_argument(
        "--verify-only", action="store_true", help="check the stick without applying anything"
    )
    update.add_argument(
        "--install", action="store_true", help="on Windows, ask the update task to install the staged MSI now"
    )
    update.add_argument("--json", action="store_true", help="print the result as JSON")
    update.set_defaults(handler=run_update)

    staged = subparsers.add_parser(
        "install-staged",
        help="install the verified MSI staged on this PC (run by the update task as SYSTEM)",
    )
    staged.add_argument(
        "--retry", action="store_true", help="hand over again an MSI whose install failed before"
    )
    staged.add_argument("--json", action="store_true", help="print the outcome as JSON")
    staged.set_defaults(handler=run_install_staged)

    task = subparsers.add_parser("update-task", help="register, remove or start the update task")
    task.add_argument("action", choices=("register", "unregister", "run"))
    task.set_defaults(handler=run_update_task)


def run_update(args: argparse.Namespace) -> int:
    """Handler of ``commune-desk update``; 0 verified, 2 refused, 1 failed to apply."""
    from commune_desk.update import StickUpdater, UpdateKind  # keep `--help` light

    paths = AppPaths.resolve(args.data_dir).ensure()
    try_setup_logging(paths.logs_dir)
    if args.verify_only:
        result = StickUpdater.for_installation(paths).verify(args.source)
    else:
        with open_reference_data(paths) as sink:
            updater = StickUpdater.for_installation(paths, reference_data=sink, start_installer=args.install)
            result = updater.update_from(args.source)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        stream = sys.stdout if result.ok else sys.stderr
        print(result.message, file=stream)
        for item in result.items:
            print(f"  {item.kind} {item.version}: {item.action}", file=stream)
        if result.staged_installer:
            print(f"  MSI: {result.staged_installer}", file=stream)
        if not result.ok:
            print(f"  [{result.kind.value}] {result.detail}", file=stream)
    if result.ok:
        return 0
    return 1 if result.kind in (UpdateKind.APPLY_FAILED, UpdateKind.INSTALL_FAILED) else EXIT_REFUSED


def run_install_staged(args: argparse.Namespace) -> int:
    """Handler of ``commune-desk install-staged``: 0 unless a staged MSI was refused or failed."""
    from commune_desk.update import StickUpdater
    from commune_desk.update.machine import MachineUpdates
    from commune_desk.update.stick import KIND_MSI
    from commune_desk.update.update_task import MsiexecInstaller, install_staged

    paths = AppPaths.resolve(args.data_dir)
    machine = MachineUpdates.for_paths(paths)
    try_setup_logging(machine.state_dir / "logs")
    verifier = StickUpdater.for_installation(paths)
    verifier.kinds = (KIND_MSI,)
    if sys.platform != "win32":  # no Windows Installer: only reconcile and clean up
        machine.reconcile(verifier.app_version)
        print("Chỉ cài được bộ cài đặt MSI trên Windows; đã dọn các bản đã cài.")
        return 0
    outcomes = install_staged(machine, verifier, MsiexecInstaller(), retry=args.retry)
    if args.json:
        print(json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1))
    else:
        for outcome in outcomes:
            print(f"{outcome.version}: {outcome.action} {outcome.detail}".rstrip())
        if not outcomes:
            print("Không có bản cài đặt nào đang chờ.")
    return 1 if any(o.action in ("refused", "failed") for o in outcomes) else 0


def run_update_task(args: argparse.Namespace) -> int:
    """Handler of ``commune-desk update-task``: schtasks' exit status."""
    from commune_desk.update.machine import MachineUpdates
    from commune_desk.update.update_task import manage_task

    paths = AppPaths.resolve(args.data_dir)
    try_setup_logging(MachineUpdates.for_paths(paths).state_dir / "logs")
    return manage_task(args.action)


@contextmanager
def open_reference_data(paths: AppPaths) -> Iterator[ServicesReferenceData]:
    """The store's reference-data services for this installation, closed afterwards."""
    from commune_desk.app import AppContext
    from commune_desk.update.reference_data import ServicesReferenceData

    context = AppContext.open(paths)
    try:
        yield ServicesReferenceData(context.services)
    finally:
        context.close()
