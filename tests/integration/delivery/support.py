"""Helpers for the delivery tests: real services over a real store, catalogue builders, sticks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from installer.build_msi import export_table

from commune_desk.services import Services
from commune_desk.update.package import ReferenceDataPackage
from commune_desk.update.repository import ReleaseRepository
from commune_desk.update.stick import StickUpdater

REPO_ROOT = Path(__file__).resolve().parents[3]


def catalogue(version: int, *, extra_name: str = "") -> dict[str, Any]:
    """The shipped catalogue, re-versioned (and optionally with one procedure renamed)."""
    raw = json.loads((REPO_ROOT / "resources" / "procedures.json").read_text("utf-8"))
    raw["version"] = version
    if extra_name:
        raw["procedures"][0]["name"] = extra_name
    return raw


def holidays(version: int, *days_off: str) -> dict[str, Any]:
    """Holiday overrides: the given ISO dates become days off."""
    return {
        "version": version,
        "overrides": [{"date": d, "kind": "day_off", "note": "nghỉ bù"} for d in days_off],
    }


@dataclass
class Office:
    """One installed CommuneDesk: its store, its update state, its updater."""

    root: Path
    services: Services
    updater: StickUpdater

    def state(self) -> dict[str, Any]:
        """Everything an update may change, for before/after comparisons."""
        settings = self.services.get_settings()
        files = {}
        for folder in (self.updater.trusted_metadata_dir, self.updater.machine.staging_dir):
            if folder.exists():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        files[str(path.relative_to(self.root))] = hashlib.sha256(
                            path.read_bytes()
                        ).hexdigest()
        return {
            "catalogue_version": self.services.catalogue_version(),
            "procedures": [(p.code, p.name) for p in self.services.list_procedures()],
            "days_off": sorted(settings.extra_days_off),
            "files": files,
        }


def assert_refused(office: Office, stick: Path, kind: Any) -> str:
    """Update ``office`` from ``stick``: refused as ``kind``, nothing changed; the message."""
    before = office.state()
    result = office.updater.update_from(stick)
    assert result.kind == kind, result
    assert not result.ok
    assert result.message and "{" not in result.message  # a full sentence, fields filled
    assert office.state() == before
    return result.message


class StickMaker:
    """Makes numbered sticks from the release repository."""

    def __init__(self, tmp_path: Path, release: ReleaseRepository) -> None:
        self.tmp_path = tmp_path
        self.release = release
        self.count = 0

    def reference_data(self, package: ReferenceDataPackage, name: str) -> str:
        """Sign a reference-data package into the repository."""
        file = package.write(self.tmp_path / name)
        return self.release.add_target(file, kind="reference-data", version=package.label)

    def msi(self, version: str, payload: bytes) -> str:
        """Sign an MSI-kind file into the repository."""
        file = self.tmp_path / f"CommuneDesk-{version}.msi"
        file.write_bytes(payload)
        return self.release.add_target(file, kind="msi", version=version)

    def write(self) -> Path:
        """Write the current repository onto a new stick; return the stick root."""
        self.count += 1
        stick = self.tmp_path / f"stick-{self.count}"
        stick.mkdir()
        self.release.write_stick(stick)
        return stick


def msi_table(msi: Path, table: str) -> list[dict[str, str]]:
    """Rows of one MSI table as read back by ``msiinfo export`` (column name -> value)."""
    columns, _types, _keys, rows = export_table(msi, table)
    return [dict(zip(columns, row, strict=False)) for row in rows]


def msi_property(msi: Path, name: str) -> str:
    """One row of the Property table."""
    return {r["Property"]: r["Value"] for r in msi_table(msi, "Property")}[name]


def msi_installed_files(msi: Path) -> dict[str, int]:
    """Path below INSTALLDIR -> size, rebuilt from the File, Component and Directory tables."""
    directories = {r["Directory"]: r for r in msi_table(msi, "Directory")}

    def below_installdir(directory: str) -> list[str]:
        parts: list[str] = []
        while directory != "INSTALLDIR":
            row = directories[directory]
            name = row["DefaultDir"].split(":")[-1].split("|")[-1]
            if name != ".":
                parts.append(name)
            directory = row["Directory_Parent"]
        return list(reversed(parts))

    component_dir = {r["Component"]: r["Directory_"] for r in msi_table(msi, "Component")}
    files = {}
    for row in msi_table(msi, "File"):
        name = row["FileName"].split("|")[-1]
        folder = below_installdir(component_dir[row["Component_"]])
        files["/".join([*folder, name])] = int(row["FileSize"])
    return files
