"""The stick fetcher never reads outside its folder and reports missing files as 404."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tuf.api import exceptions

from commune_desk.update.fetcher import FolderFetcher, UnsafePathError, is_safe_relative_path


@pytest.mark.parametrize(
    "path",
    ["a.json", "msi/CommuneDesk-0.2.0.msi", "reference-data/r-1.json", "a/b/c"],
)
def test_plain_relative_paths_are_safe(path: str) -> None:
    """Ordinary target names pass."""
    assert is_safe_relative_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "../x",
        "a/../../x",
        "/etc/passwd",
        "a//b",
        "./a",
        "a/.",
        "C:x",
        "c:/windows",
        "a\\..\\b",
        "msi\\x.msi",
        "a\nb",
        "a/",
    ],
)
def test_escaping_or_ambiguous_paths_are_refused(path: str) -> None:
    """``..``, absolute, drive letters, backslashes, empty segments, control characters."""
    assert not is_safe_relative_path(path)


def test_reads_files_and_reports_missing_as_404(tmp_path: Path) -> None:
    """A present file is read in full; an absent one is HTTP 404 (no newer root)."""
    (tmp_path / "metadata").mkdir()
    (tmp_path / "metadata" / "timestamp.json").write_bytes(b"x" * 3_000_000)
    fetcher = FolderFetcher(tmp_path)
    assert fetcher.download_bytes("stick:/metadata/timestamp.json", 3_000_000) == b"x" * 3_000_000
    with pytest.raises(exceptions.DownloadHTTPError) as info:
        fetcher.download_bytes("stick:/metadata/2.root.json", 1000)
    assert info.value.status_code == 404


def test_length_limit_is_enforced(tmp_path: Path) -> None:
    """A file longer than the signed length is not read to the end."""
    (tmp_path / "big").write_bytes(b"y" * 5000)
    with pytest.raises(exceptions.DownloadLengthMismatchError):
        FolderFetcher(tmp_path).download_bytes("stick:/big", 100)


@pytest.mark.parametrize(
    "url",
    [
        "stick:/targets/../../secret",
        "stick:/targets/%2e%2e/%2e%2e/secret",
        "file:///etc/passwd",
        "stick://host/targets/x",
        "stick:/targets/a%5c..%5c..%5csecret",
    ],
)
def test_escaping_urls_are_refused(tmp_path: Path, url: str) -> None:
    """Raw and percent-encoded ``..``, other schemes, hosts and backslashes."""
    (tmp_path.parent / "secret").write_text("do not read")
    (tmp_path / "targets").mkdir()
    with pytest.raises(UnsafePathError):
        FolderFetcher(tmp_path).download_bytes(url, 100)


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A link on the stick pointing elsewhere is not followed."""
    stick = tmp_path / "stick"
    (stick / "targets").mkdir(parents=True)
    (tmp_path / "outside.json").write_text("{}")
    os.symlink(tmp_path / "outside.json", stick / "targets" / "x.json")
    with pytest.raises(UnsafePathError):
        FolderFetcher(stick).download_bytes("stick:/targets/x.json", 100)
