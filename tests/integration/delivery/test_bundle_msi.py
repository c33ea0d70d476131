"""The real chain on Linux: PyInstaller bundle -> self-test -> MSI (wixl) -> msiinfo -> stick.

The bundle is built once per session (about a minute on two cores); the MSI
is built from it twice, as two versions, and read back with ``msiinfo``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from installer.build_bundle import build_bundle, cli_executable
from installer.build_msi import build_msi, bundle_files
from tests.integration.delivery.support import (
    REPO_ROOT,
    catalogue,
    holidays,
    msi_installed_files,
    msi_property,
    msi_table,
)

from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.repository import ReleaseRepository
from commune_desk.update.stick import UPDATE_FOLDER, StickUpdater

#: Building the bundle (session fixture) counts against the first test's timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

WXS = REPO_ROOT / "installer" / "commune-desk.wxs"
UPGRADE_CODE = re.search(r'UpgradeCode="([0-9A-F-]+)"', WXS.read_text("utf-8")).group(1)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Built:
    """The session's bundle and the two MSIs made from it."""

    bundle: Path
    msi_old: Path
    msi_new: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Build the bundle once, then MSIs 0.1.0 and 0.2.0 from it."""
    for tool in ("wixl", "wixl-heat", "msiinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: apt-get install msitools wixl (see .ci/run)")
    base = tmp_path_factory.mktemp("delivery-build")
    bundle = build_bundle(base / "dist", base / "work")
    yield Built(
        bundle=bundle,
        msi_old=build_msi(bundle, "0.1.0", base / "CommuneDesk-0.1.0.msi"),
        msi_new=build_msi(bundle, "0.2.0", base / "CommuneDesk-0.2.0.msi"),
    )


def _run_bundle(
    built: Built, *args: str, env: dict[str, str] | None = None, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    environment.update({"COMMUNE_DESK_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run(
        [str(cli_executable(built.bundle)), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


# -- bundle -----------------------------------------------------------------------------------


def test_bundle_self_test_passes(built: Built, tmp_path: Path) -> None:
    """The frozen app starts offscreen, opens a store, renders the main window, exits 0."""
    result = _run_bundle(built, "--self-test", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "self-test: ok" in result.stdout


def test_bundle_is_one_folder_with_resources_and_trimmed_qt(built: Built) -> None:
    """Resources and translations ship; unused Qt modules do not; no one-file archive."""
    files = set(bundle_files(built.bundle))
    suffix = ".exe" if sys.platform == "win32" else ""
    assert {f"CommuneDesk{suffix}", f"commune-desk-cli{suffix}"} <= files
    for resource in sorted((REPO_ROOT / "resources").rglob("*")):
        if resource.is_file():
            rel = resource.relative_to(REPO_ROOT).as_posix()
            assert f"_internal/{rel}" in files, rel
    assert "_internal/resources/update/build-info.json" in files
    assert "_internal/commune_desk/store/migrations/env.py" in files  # Alembic reads files
    qt_modules = {
        Path(f).name.split(".")[0]
        for f in files
        if f.startswith("_internal/PySide6/Qt") and "/" not in f.removeprefix("_internal/PySide6/")
    }
    assert qt_modules <= {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg"}, qt_modules
    assert not any("/qml/" in f or "QtQuick" in f or "qmltooling" in f for f in files)
    assert not any(f.startswith("_internal/city_server") or "fastapi" in f for f in files)


def test_bundle_verifies_and_applies_a_stick(built: Built, tmp_path: Path) -> None:
    """The frozen CLI verifies a stick with the root it ships, then refuses a tampered copy."""
    release = ReleaseRepository.init(tmp_path / "release")
    package = ReferenceDataPackage(procedures=catalogue(4), holidays=holidays(1, "2027-01-02"))
    release.add_target(
        package.write(tmp_path / "reference-data-4.json"), kind="reference-data", version=package.label
    )
    good = tmp_path / "good"
    good.mkdir()
    release.write_stick(good)
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    target = next((bad / UPDATE_FOLDER / "targets" / "reference-data").iterdir())
    target.write_bytes(target.read_bytes().replace(b'"version": 4', b'"version": 5'))

    resources = tmp_path / "resources"  # the bundle's resources, with this test's root
    shutil.copytree(built.bundle / "_internal" / "resources", resources)
    shutil.copyfile(release.folder / "metadata" / "1.root.json", resources / "update" / "root.json")
    env = {"COMMUNE_DESK_RESOURCES_DIR": str(resources)}

    tampered = _run_bundle(built, "update", "--from", str(bad), "--json", env=env, data_dir=tmp_path / "data")
    assert tampered.returncode == 2, tampered.stderr[-3000:]
    assert json.loads(tampered.stdout)["kind"] == "tampered"

    applied = _run_bundle(built, "update", "--from", str(good), "--json", env=env, data_dir=tmp_path / "data")
    assert applied.returncode == 0, applied.stderr[-3000:]
    outcome = json.loads(applied.stdout)
    assert outcome["kind"] == "applied"
    assert outcome["items"][0]["version"] == "holidays-1+procedures-4"


# -- MSI --------------------------------------------------------------------------------------


def test_msi_upgrade_code_is_stable_and_product_code_new(built: Built) -> None:
    """Two versions share the fixed UpgradeCode; each build is a new product."""
    for msi, version in ((built.msi_old, "0.1.0"), (built.msi_new, "0.2.0")):
        assert msi_property(msi, "UpgradeCode") == "{" + UPGRADE_CODE + "}"
        assert msi_property(msi, "ProductVersion") == version
        assert msi_property(msi, "ALLUSERS") == "1"  # per machine
    assert msi_property(built.msi_old, "ProductCode") != msi_property(built.msi_new, "ProductCode")


def test_msi_has_major_upgrade_rows(built: Built) -> None:
    """Older versions are removed on upgrade; installing an older MSI over a newer one stops."""
    rows = msi_table(built.msi_new, "Upgrade")
    code = "{" + UPGRADE_CODE + "}"
    upgrade = [r for r in rows if r["ActionProperty"] == "WIX_UPGRADE_DETECTED"]
    downgrade = [r for r in rows if r["ActionProperty"] == "WIX_DOWNGRADE_DETECTED"]
    assert len(upgrade) == 1 and upgrade[0]["UpgradeCode"] == code
    assert upgrade[0]["VersionMax"] == "0.2.0" and upgrade[0]["VersionMin"] == ""
    assert len(downgrade) == 1 and downgrade[0]["VersionMin"] == "0.2.0"
    assert int(downgrade[0]["Attributes"]) & 2  # msidbUpgradeAttributesOnlyDetect
    conditions = {r["Condition"]: r["Description"] for r in msi_table(built.msi_new, "LaunchCondition")}
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    assert "moi hon" in conditions["NOT WIX_DOWNGRADE_DETECTED"]
    actions = {r["Action"] for r in msi_table(built.msi_new, "InstallExecuteSequence")}
    assert {"FindRelatedProducts", "RemoveExistingProducts"} <= actions


def test_msi_contains_every_bundle_file(built: Built) -> None:
    """Every file of the bundle is in the File table, at its path and with its size."""
    installed = msi_installed_files(built.msi_new)
    expected = {rel: (built.bundle / rel).stat().st_size for rel in bundle_files(built.bundle)}
    assert installed == expected


def test_msi_installs_under_program_files_with_a_start_menu_shortcut(built: Built) -> None:
    """Program Files (x64) for the code, a Start-menu shortcut, nothing in the data folder."""
    directories = {r["Directory"]: r for r in msi_table(built.msi_new, "Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"].split("|")[-1] == "CommuneDesk"
    assert not {"LocalAppDataFolder", "AppDataFolder", "CommonAppDataFolder"} & set(directories)
    shortcuts = msi_table(built.msi_new, "Shortcut")
    assert len(shortcuts) == 1
    assert shortcuts[0]["Target"] == "[INSTALLDIR]CommuneDesk.exe"
    assert directories[shortcuts[0]["Directory_"]]["Directory_Parent"] == "ProgramMenuFolder"
    summary = subprocess.run(
        ["msiinfo", "suminfo", str(built.msi_new)], capture_output=True, text=True, check=True
    ).stdout
    assert "x64" in summary


def test_verified_msi_from_a_stick_is_staged_intact(built: Built, tmp_path: Path) -> None:
    """The real MSI travels through TUF and is staged byte for byte (msiexec is Windows-only)."""
    release = ReleaseRepository.init(tmp_path / "release")
    release.add_target(built.msi_new, kind="msi", version="0.2.0")
    stick = tmp_path / "stick"
    stick.mkdir()
    release.write_stick(stick)
    updater = StickUpdater(
        state_dir=tmp_path / "state",
        staging_dir=tmp_path / "staging",
        trusted_root=(release.folder / "metadata" / "1.root.json").read_bytes(),
        app_version="0.1.0",
    )
    result = updater.update_from(stick)
    assert result.ok, result
    assert result.staged_installer is not None
    assert result.staged_installer.read_bytes() == built.msi_new.read_bytes()
    assert msi_property(result.staged_installer, "ProductVersion") == "0.2.0"
