"""``commune-desk update``: verify an update stick and apply it (IT staff, scripts)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from commune_desk.paths import AppPaths

if TYPE_CHECKING:
    from commune_desk.update.reference_data import ServicesReferenceData

#: Exit status when the stick was refused (tampered, replayed, expired, ...).
EXIT_REFUSED = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the parser."""
    update = subparsers.add_parser(
        "update",
        help="verify and apply an update from a USB stick",
        description=(
            "Verify the update on a USB stick (TUF signatures, versions, expiry, hashes) "
            "and only then apply it: reference data into the store, the MSI staged "
            "(and started with --install on Windows)."
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
        "--install", action="store_true", help="on Windows, start the verified MSI with msiexec"
    )
    update.add_argument("--json", action="store_true", help="print the result as JSON")
    update.set_defaults(handler=run_update)


def run_update(args: argparse.Namespace) -> int:
    """Handler of ``commune-desk update``; 0 verified, 2 refused, 1 failed to apply."""
    from commune_desk.update import StickUpdater, UpdateKind  # keep `--help` light

    paths = AppPaths.resolve(args.data_dir).ensure()
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
    return 1 if result.kind == UpdateKind.APPLY_FAILED else EXIT_REFUSED


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
