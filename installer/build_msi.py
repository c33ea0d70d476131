"""Build the CommuneDesk MSI from a one-folder bundle with wixl (msitools), on Linux.

    python installer/build_msi.py --bundle dist/CommuneDesk --version 0.2.0 \
        --output dist/CommuneDesk-0.2.0.msi

Steps: list every file of the bundle, harvest them into a WiX fragment with
``wixl-heat`` (component group ``BundleFiles`` under ``INSTALLDIR``), then
compile ``installer/commune-desk.wxs`` plus the fragment with ``wixl``.
On Windows the same two sources build with WiX 3 (``heat``/``candle``/``light``),
see ``.github/workflows/windows-build.yml``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
WXS = INSTALLER_DIR / "commune-desk.wxs"
_MSI_VERSION = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,5}$")


class MsiBuildError(RuntimeError):
    """The MSI could not be built (missing tool, bad version, wixl failure)."""


def msi_version(version: str) -> str:
    """Check a version is what Windows Installer compares: three numeric parts."""
    if not _MSI_VERSION.match(version):
        raise MsiBuildError(f"MSI versions are major.minor.patch numbers, got {version!r}")
    major, minor, _ = (int(p) for p in version.split("."))
    if major > 255 or minor > 255:
        raise MsiBuildError("MSI major and minor versions must be at most 255")
    return version


def bundle_files(bundle: Path) -> list[str]:
    """Every regular file of the bundle, relative, sorted.

    Symlinks are left out: PyInstaller makes them only on Linux/macOS (to avoid
    duplicate Qt libraries), a Windows bundle has none, and an MSI cannot
    carry one, so the stand-in MSI built here matches the Windows one's shape.
    """
    return sorted(
        str(p.relative_to(bundle)).replace("\\", "/")
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


def harvest(bundle: Path, fragment: Path) -> Path:
    """Write the WiX fragment listing the bundle's files (``wixl-heat``)."""
    tool = _require("wixl-heat")
    prefix = bundle.as_posix().rstrip("/") + "/"
    listing = "".join(prefix + rel + "\n" for rel in bundle_files(bundle))
    result = subprocess.run(
        [
            tool,
            "--var",
            "var.BundleDir",
            "-p",
            prefix,
            "--component-group",
            "BundleFiles",
            "--directory-ref",
            "INSTALLDIR",
            "--win64",
        ],
        input=listing,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise MsiBuildError(f"wixl-heat failed: {result.stderr.strip()}")
    fragment.write_text(result.stdout, encoding="utf-8")
    return fragment


def build_msi(bundle: Path, version: str, output: Path, *, wxs: Path = WXS) -> Path:
    """Harvest ``bundle`` and build ``output`` (an x64, per-machine MSI); return its path."""
    bundle = bundle.resolve()
    if not bundle.is_dir() or not bundle_files(bundle):
        raise MsiBuildError(f"{bundle} is not a bundle folder")
    version = msi_version(version)
    tool = _require("wixl")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="commune-msi-") as work:
        fragment = harvest(bundle, Path(work) / "bundle-files.wxs")
        partial = output.with_name(output.name + ".partial")
        # wixl resolves File/@Source relative to the working directory and rejects
        # absolute paths, so it runs next to the bundle with a relative BundleDir.
        result = subprocess.run(
            [
                tool,
                "-a",
                "x64",
                "-D",
                f"Version={version}",
                "-D",
                f"BundleDir={bundle.name}",
                "-D",
                "Win64=yes",
                "-o",
                str(partial.resolve()),
                str(wxs.resolve()),
                str(fragment.resolve()),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=bundle.parent,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise MsiBuildError(f"wixl failed: {result.stderr.strip()}")
        partial.replace(output)
    return output


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise MsiBuildError(f"{tool} not found: apt-get install msitools wixl")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--bundle DIR --version X.Y.Z --output FILE.msi``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="dist/CommuneDesk")
    parser.add_argument("--version", required=True, help="major.minor.patch")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        path = build_msi(args.bundle, args.version, args.output)
    except MsiBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
