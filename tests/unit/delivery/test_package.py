"""Reference-data packages: shape checks, round trip, and content validation before apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commune_desk.update.package import (
    FORMAT,
    PackageError,
    ReferenceDataPackage,
    build_package,
    parse_package,
)
from commune_desk.update.reference_data import ServicesReferenceData

ROOT = Path(__file__).resolve().parents[3]


def _catalogue() -> dict:  # type: ignore[type-arg]
    return json.loads((ROOT / "resources" / "procedures.json").read_text("utf-8"))


def test_round_trip_keeps_vietnamese_text(tmp_path: Path) -> None:
    """Written as UTF-8 and parsed back identically, with the version label."""
    package = ReferenceDataPackage(
        procedures=_catalogue(),
        holidays={
            "version": 2,
            "overrides": [{"date": "2027-02-15", "kind": "day_off", "note": "Nghỉ bù Tết Nguyên đán"}],
        },
    )
    path = package.write(tmp_path / "p.json")
    assert "Nghỉ bù Tết Nguyên đán" in path.read_text("utf-8")
    parsed = parse_package(path.read_bytes())
    assert parsed == package
    assert parsed.label == f"procedures-{_catalogue()['version']}+holidays-2"


def test_build_from_files(tmp_path: Path) -> None:
    """The release tool's ``package`` command reads a catalogue and an overrides file."""
    holidays = tmp_path / "h.json"
    holidays.write_text(json.dumps({"version": 1, "overrides": []}))
    package = build_package(procedures_file=ROOT / "resources" / "procedures.json", holidays_file=holidays)
    assert package.versions == {"procedures": _catalogue()["version"], "holidays": 1}


@pytest.mark.parametrize(
    "document",
    [
        b"\xff\xfe not utf-8",
        b"[]",
        json.dumps({"format": "something-else/1"}).encode(),
        json.dumps({"format": FORMAT}).encode(),
        json.dumps({"format": FORMAT, "holidays": {"version": 0, "overrides": []}}).encode(),
        json.dumps({"format": FORMAT, "holidays": {"version": True, "overrides": []}}).encode(),
        json.dumps({"format": FORMAT, "procedures": {"version": 3}}).encode(),
    ],
)
def test_malformed_packages_are_refused(document: bytes) -> None:
    """Wrong encoding, wrong format tag, nothing inside, bad versions, missing lists."""
    with pytest.raises(PackageError):
        parse_package(document)


@pytest.mark.parametrize(
    "holidays",
    [
        {"version": 1, "overrides": [{"date": "2027-13-01", "kind": "day_off"}]},
        {"version": 1, "overrides": [{"date": "2027-01-01", "kind": "holiday"}]},
        {
            "version": 1,
            "overrides": [
                {"date": "2027-01-01", "kind": "day_off"},
                {"date": "2027-01-01", "kind": "working_day"},
            ],
        },
    ],
)
def test_bad_holiday_content_is_caught_before_apply(holidays: dict) -> None:  # type: ignore[type-arg]
    """Content errors surface in ``check``, before any service is called."""
    sink = ServicesReferenceData(services=None)  # type: ignore[arg-type]  # never reached
    with pytest.raises(PackageError):
        sink.check(ReferenceDataPackage(procedures=None, holidays=holidays))


def test_bad_catalogue_content_is_caught_before_apply() -> None:
    """The foundation's own catalogue validation runs during ``check``."""
    broken = _catalogue()
    broken["procedures"][0]["day_kind"] = "someday"
    sink = ServicesReferenceData(services=None)  # type: ignore[arg-type]  # never reached
    with pytest.raises(PackageError):
        sink.check(ReferenceDataPackage(procedures=broken, holidays=None))
