"""Build the one-folder PyInstaller bundle from ``installer/commune-desk.spec``.

    python installer/build_bundle.py --dist dist --work build/pyinstaller

Result: ``dist/CommuneDesk/`` with ``CommuneDesk`` (windowed on Windows) and
``commune-desk-cli`` (console) sharing one ``_internal/`` folder. Then check it
with ``dist/CommuneDesk/commune-desk-cli --self-test``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SPEC = Path(__file__).resolve().parent / "commune-desk.spec"
BUNDLE_NAME = "CommuneDesk"
CLI_NAME = "commune-desk-cli"


def build_bundle(dist: Path, work: Path, *, python: str = sys.executable) -> Path:
    """Run PyInstaller on the spec and return the bundle folder."""
    subprocess.run(
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
        check=True,
    )
    return dist / BUNDLE_NAME


def cli_executable(bundle: Path) -> Path:
    """The console launcher inside a bundle (``.exe`` on Windows)."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return bundle / f"{CLI_NAME}{suffix}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--dist DIR --work DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--work", type=Path, default=Path("build/pyinstaller"))
    args = parser.parse_args(argv)
    bundle = build_bundle(args.dist, args.work)
    print(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
