"""Build the one-folder PyInstaller bundle from ``installer/commune-desk.spec``.

    python installer/build_bundle.py --trusted-root prod/1.root.json   # a release
    python installer/build_bundle.py --dev                              # development only

Result: ``dist/CommuneDesk/`` with one program, ``CommuneDesk`` (windowed on
Windows), the console wrapper ``commune-desk-cli.cmd`` (Windows) and the
``_internal/`` folder. Check it with ``dist/CommuneDesk/CommuneDesk --self-test``
(on Windows: ``commune-desk-cli.cmd --self-test``).

The update root is never chosen by default: a release names its production
root, a development build says ``--dev`` (the DEV root's private keys are in
this repository, so such a bundle must never reach an office).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SPEC = Path(__file__).resolve().parent / "commune-desk.spec"
BUNDLE_NAME = "CommuneDesk"
CLI_WRAPPER = "commune-desk-cli.cmd"


class BundleBuildError(RuntimeError):
    """The bundle could not be built (no root chosen, PyInstaller failed)."""


def build_bundle(
    dist: Path,
    work: Path,
    *,
    trusted_root: Path | None = None,
    dev: bool = False,
    python: str = sys.executable,
) -> Path:
    """Run PyInstaller on the spec and return the bundle folder.

    Exactly one of ``trusted_root`` (a release) and ``dev`` (development) must be given.
    """
    if (trusted_root is None) == (not dev):
        raise BundleBuildError(
            "choose the update root: --trusted-root PATH/1.root.json for a release, "
            "or --dev for a development build (never shipped to offices)"
        )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COMMUNE_DESK_TRUSTED_ROOT", "COMMUNE_DESK_DEV_BUILD")
    }
    if trusted_root is not None:
        env["COMMUNE_DESK_TRUSTED_ROOT"] = str(trusted_root.resolve())
    else:
        env["COMMUNE_DESK_DEV_BUILD"] = "1"
    result = subprocess.run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise BundleBuildError(f"PyInstaller failed (exit {result.returncode})")
    return dist / BUNDLE_NAME


def app_executable(bundle: Path) -> Path:
    """The one program of a bundle (``CommuneDesk.exe`` on Windows)."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return bundle / f"{BUNDLE_NAME}{suffix}"


def cli_executable(bundle: Path) -> Path:
    """What IT staff run for commands: the console wrapper on Windows, the program elsewhere."""
    return bundle / CLI_WRAPPER if sys.platform == "win32" else app_executable(bundle)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--dist DIR --work DIR (--trusted-root FILE | --dev)``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--work", type=Path, default=Path("build/pyinstaller"))
    root = parser.add_mutually_exclusive_group()
    root.add_argument(
        "--trusted-root",
        type=Path,
        metavar="ROOT_JSON",
        help="production TUF root (the release repository's metadata/1.root.json)",
    )
    root.add_argument("--dev", action="store_true", help="ship the DEV update root (development builds only)")
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(args.dist, args.work, trusted_root=args.trusted_root, dev=args.dev)
    except BundleBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
