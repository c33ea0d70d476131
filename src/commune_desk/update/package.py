"""The reference-data package: procedure catalogue and holiday overrides in one file.

A package is one UTF-8 JSON file, signed as a TUF target::

    {
      "format": "commune-desk-reference-data/1",
      "procedures": {"version": 3, "issued_on": "2026-11-20", "procedures": [...]},
      "holidays": {"version": 2, "overrides": [{"date": "2027-02-15", "kind": "day_off",
                                                "note": "..."}]}
    }

``procedures`` has exactly the shape of ``resources/procedures.json`` (the
catalogue shipped with the app); either part may be absent. Each part carries
its own version: the store refuses a part older than what it holds. Only the
shape is checked here; the foundation's catalogue service validates content
when it replaces the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

FORMAT = "commune-desk-reference-data/1"


class PackageError(ValueError):
    """The file is not a well-formed reference-data package."""


@dataclass(frozen=True)
class ReferenceDataPackage:
    """A parsed package; ``procedures``/``holidays`` are ``None`` when absent."""

    procedures: dict[str, Any] | None
    holidays: dict[str, Any] | None

    @property
    def versions(self) -> dict[str, int]:
        """Version of each part present, e.g. ``{"procedures": 3, "holidays": 2}``."""
        found: dict[str, int] = {}
        if self.procedures is not None:
            found["procedures"] = int(self.procedures["version"])
        if self.holidays is not None:
            found["holidays"] = int(self.holidays["version"])
        return found

    @property
    def label(self) -> str:
        """Human-readable version label, e.g. ``procedures-3+holidays-2``."""
        return "+".join(f"{name}-{version}" for name, version in self.versions.items())

    def to_json(self) -> dict[str, Any]:
        """The package as a JSON object."""
        data: dict[str, Any] = {"format": FORMAT}
        if self.procedures is not None:
            data["procedures"] = self.procedures
        if self.holidays is not None:
            data["holidays"] = self.holidays
        return data

    def write(self, path: Path) -> Path:
        """Write the package file (UTF-8, stable key order) and return its path."""
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        return path


def parse_package(data: bytes) -> ReferenceDataPackage:
    """Parse and shape-check package bytes; raise :class:`PackageError` if malformed."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"not UTF-8 JSON: {exc}") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise PackageError(f"not a {FORMAT} package")
    procedures = _part(obj, "procedures", "procedures")
    holidays = _part(obj, "holidays", "overrides")
    if procedures is None and holidays is None:
        raise PackageError("package carries neither procedures nor holidays")
    return ReferenceDataPackage(procedures=procedures, holidays=holidays)


def _part(obj: dict[str, Any], name: str, list_key: str) -> dict[str, Any] | None:
    part = obj.get(name)
    if part is None:
        return None
    if not isinstance(part, dict):
        raise PackageError(f"{name} must be an object")
    version = part.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError(f"{name}.version must be a positive integer")
    if not isinstance(part.get(list_key), list):
        raise PackageError(f"{name}.{list_key} must be a list")
    return part


def build_package(
    *, procedures_file: Path | None = None, holidays_file: Path | None = None
) -> ReferenceDataPackage:
    """Assemble a package from a catalogue file and/or a holiday-overrides file."""
    obj: dict[str, Any] = {"format": FORMAT}
    if procedures_file is not None:
        obj["procedures"] = json.loads(procedures_file.read_text("utf-8"))
    if holidays_file is not None:
        obj["holidays"] = json.loads(holidays_file.read_text("utf-8"))
    return parse_package(json.dumps(obj, ensure_ascii=False).encode("utf-8"))


class ReferenceDataSink(Protocol):
    """Where a verified package goes: the store, through the foundation's services."""

    def check(self, package: ReferenceDataPackage) -> None:
        """Validate the content before anything is applied; raise :class:`PackageError`."""
        ...

    def replace(self, package: ReferenceDataPackage) -> dict[str, str]:
        """Replace each part as a whole; return ``{part: "applied" | "not-newer"}``."""
        ...
