"""What the release tool checks before it signs a file: it must be what it claims to be.

* an MSI: read back with ``msiinfo`` (Debian package ``msitools``, on a Linux
  release machine; Windows Installer itself on Windows): our UpgradeCode, a
  ProductVersion that matches ``--version`` (if given) and the file name
  ``CommuneDesk-<version>.msi``, and a production update root unless ``--dev``
  (a DEV-root MSI trusts keys whose private half is public);
* a reference-data package: the package format and every part's content, validated
  by the same code the office PC applies it with.

The signed version is then the one read from the file, never a number typed by hand.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from commune_desk.update.package import PackageError, parse_package
from commune_desk.update.reference_data import validate_package

#: The MSI's UpgradeCode (installer/commune-desk.wxs); fixed forever.
UPGRADE_CODE = "{6F1C9A0E-4D1B-4C53-9A57-2E0B7D3C51A8}"
_VERSION = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,5}$")


class ReleaseCheckError(ValueError):
    """The file is not what the release officer says it is."""


def msi_properties(msi: Path) -> dict[str, str]:
    """The MSI's Property table (``msiinfo export``; Windows Installer itself on Windows);
    refuse a file that is not an MSI."""
    if sys.platform == "win32":
        return _msi_properties_windows(msi)
    tool = shutil.which("msiinfo")
    if tool is None:
        raise ReleaseCheckError(
            "msiinfo not found: apt-get install msitools (it reads the MSI back before it is signed)"
        )
    result = subprocess.run(
        [tool, "export", str(msi), "Property"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or "\t" not in result.stdout:
        raise ReleaseCheckError(f"{msi.name} is not an MSI (msiinfo cannot read it)")
    rows = (line.split("\t", 1) for line in result.stdout.splitlines()[3:] if "\t" in line)
    return {key: value.rstrip("\r") for key, value in rows}


def _msi_properties_windows(msi: Path) -> dict[str, str]:
    """Read the Property table through Windows Installer (``msilib``, CPython 3.11/3.12)."""
    msilib: Any = importlib.import_module("msilib")  # Windows-only standard module

    try:
        database = msilib.OpenDatabase(str(msi), msilib.MSIDBOPEN_READONLY)
        view = database.OpenView("SELECT `Property`, `Value` FROM `Property`")
        view.Execute(None)
        props: dict[str, str] = {}
        while (record := view.Fetch()) is not None:
            props[record.GetString(1)] = record.GetString(2)
        view.Close()
        return props
    except msilib.MSIError as exc:
        raise ReleaseCheckError(f"{msi.name} is not an MSI ({exc})") from exc


def check_msi(msi: Path, *, version: str | None, allow_dev: bool = False) -> str:
    """Check an MSI before signing; return its ProductVersion."""
    props = msi_properties(msi)
    if props.get("UpgradeCode", "").upper() != UPGRADE_CODE:
        raise ReleaseCheckError(
            f"{msi.name} is not a CommuneDesk MSI (UpgradeCode {props.get('UpgradeCode')})"
        )
    found = props.get("ProductVersion", "")
    if not _VERSION.match(found):
        raise ReleaseCheckError(f"{msi.name}: ProductVersion {found!r} is not major.minor.patch")
    if version is not None and version != found:
        raise ReleaseCheckError(f"{msi.name} holds version {found}, not {version}")
    if props.get("COMMUNEDESK_UPDATE_ROOT") != "production" and not allow_dev:
        raise ReleaseCheckError(
            f"{msi.name} trusts the DEV update root; build it with "
            "--trusted-root (or pass --dev for a test repository)"
        )
    expected = {f"CommuneDesk-{found}.msi", f"CommuneDesk-{found}-DEV.msi"}
    if msi.name not in expected:
        raise ReleaseCheckError(f"{msi.name} holds version {found}: name it CommuneDesk-{found}.msi")
    return found


def check_reference_data(package_file: Path, *, version: str | None) -> str:
    """Check a reference-data package before signing; return its version label."""
    try:
        package = parse_package(package_file.read_bytes())
        validate_package(package)
    except PackageError as exc:
        raise ReleaseCheckError(f"{package_file.name}: {exc}") from exc
    if version is not None and version != package.label:
        raise ReleaseCheckError(f"{package_file.name} holds {package.label}, not {version}")
    return package.label
