"""``commune-desk-release``: keep the update repository and write update sticks.

Typical release (see README, "Updating from a USB stick")::

    commune-desk-release init  REPO                      # once, at the key ceremony
    commune-desk-release package --procedures p.json --holidays h.json -o reference-data-7.json
    commune-desk-release add   REPO reference-data-7.json --kind reference-data
    commune-desk-release add   REPO CommuneDesk-0.2.0.msi --kind msi   # version read from it
    commune-desk-release write-stick REPO E:\\
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tuf.api.metadata import Root, Snapshot, Targets, Timestamp

from commune_desk.update.inspect_release import (
    ReleaseCheckError,
    check_msi,
    check_reference_data,
)
from commune_desk.update.package import PackageError, build_package
from commune_desk.update.repository import KINDS, Expiries, ReleaseError, ReleaseRepository
from commune_desk.update.stick import KIND_REFERENCE_DATA


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of the release tool."""
    parser = argparse.ArgumentParser(
        prog="commune-desk-release",
        description="Sign CommuneDesk updates (TUF) and write them onto USB sticks.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="create a repository: keys and first metadata")
    init.add_argument("repo", type=Path)
    init.add_argument("--root-keys", type=int, default=3, help="number of root keys (3)")
    init.add_argument("--root-threshold", type=int, default=2, help="root signatures needed (2)")
    defaults = Expiries()
    for role in ("root", "targets", "snapshot", "timestamp"):
        init.add_argument(
            f"--{role}-days",
            type=int,
            default=getattr(defaults, role),
            help=f"days {role} metadata stays valid ({getattr(defaults, role)})",
        )
    init.set_defaults(handler=_init)

    package = sub.add_parser("package", help="build a reference-data package file")
    package.add_argument("--procedures", type=Path, help="catalogue JSON (procedures.json shape)")
    package.add_argument("--holidays", type=Path, help="holiday overrides JSON")
    package.add_argument("-o", "--output", type=Path, required=True)
    package.set_defaults(handler=_package)

    add = sub.add_parser(
        "add",
        help="check a file, then offer it (replaces the previous one of its kind)",
        description="The version signed is read from the file itself (an MSI's ProductVersion, "
        "a package's part versions); --version only double-checks it.",
    )
    add.add_argument("repo", type=Path)
    add.add_argument("file", type=Path)
    add.add_argument("--kind", choices=KINDS, required=True)
    add.add_argument("--version", help="fail unless the file holds this version")
    add.add_argument(
        "--dev", action="store_true", help="accept an MSI that trusts the DEV update root (test repositories)"
    )
    add.set_defaults(handler=_add)

    renew = sub.add_parser("renew", help="re-sign with fresh expiry dates")
    renew.add_argument("repo", type=Path)
    renew.set_defaults(handler=_renew)

    rotate = sub.add_parser("rotate-key", help="replace an online key (needs the root keys)")
    rotate.add_argument("repo", type=Path)
    rotate.add_argument("role", choices=("targets", "snapshot", "timestamp"))
    rotate.set_defaults(handler=_rotate)

    stick = sub.add_parser("write-stick", help="write the update folder onto a stick")
    stick.add_argument("repo", type=Path)
    stick.add_argument("stick", type=Path, help="the stick's drive or folder, e.g. E:\\")
    stick.set_defaults(handler=_write_stick)

    show = sub.add_parser("show", help="list what the repository offers and when it expires")
    show.add_argument("repo", type=Path)
    show.set_defaults(handler=_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ReleaseError, PackageError, ReleaseCheckError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _init(args: argparse.Namespace) -> int:
    expiries = Expiries(
        root=args.root_days,
        targets=args.targets_days,
        snapshot=args.snapshot_days,
        timestamp=args.timestamp_days,
    )
    ReleaseRepository.init(
        args.repo, root_keys=args.root_keys, root_threshold=args.root_threshold, expiries=expiries
    )
    print(f"repository created in {args.repo}")
    print(f"trusted root to ship with the app: {args.repo / 'metadata' / '1.root.json'}")
    print(f"move {args.repo / 'keys' / 'root'} to offline storage now (see README)")
    return 0


def _package(args: argparse.Namespace) -> int:
    if args.procedures is None and args.holidays is None:
        raise ReleaseError("give --procedures and/or --holidays")
    package = build_package(procedures_file=args.procedures, holidays_file=args.holidays)
    package.write(args.output)
    print(f"{args.output}: {package.label}")
    return 0


def _add(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise ReleaseError(f"{args.file} does not exist")
    if args.kind == KIND_REFERENCE_DATA:
        version = check_reference_data(args.file, version=args.version)
    else:
        version = check_msi(args.file, version=args.version, allow_dev=args.dev)
    path = ReleaseRepository(args.repo).add_target(args.file, kind=args.kind, version=version)
    print(f"added {path} ({version})")
    return 0


def _renew(args: argparse.Namespace) -> int:
    ReleaseRepository(args.repo).renew()
    print("targets, snapshot and timestamp re-signed")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    version = ReleaseRepository(args.repo).rotate_key(args.role)
    print(f"new {args.role} key; root version {version} written; rewrite the sticks")
    return 0


def _write_stick(args: argparse.Namespace) -> int:
    folder = ReleaseRepository(args.repo).write_stick(args.stick)
    print(f"update written to {folder} and read back")
    return 0


def _show(args: argparse.Namespace) -> int:
    repo = ReleaseRepository(args.repo)
    report = {
        role.type: {"version": md.signed.version, "expires": md.signed.expires.isoformat()}
        for role in (Root, Targets, Snapshot, Timestamp)
        for md in [repo.load(role)]
    }
    report["offered"] = {
        path: info.unrecognized_fields.get("custom", {}).get("commune_desk", {})
        for path, info in repo.load(Targets).signed.targets.items()
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
