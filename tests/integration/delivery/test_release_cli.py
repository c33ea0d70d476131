"""The release officer's commands and the office's ``commune-desk update``, as processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.integration.delivery.support import REPO_ROOT, catalogue

BIN = Path(sys.executable).parent


def _run(tool: str, *args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_release_tool_to_office_update(tmp_path: Path) -> None:
    """init -> package -> add -> write-stick, then verify-only, update, and update again."""
    repo, stick = tmp_path / "repo", tmp_path / "E"
    stick.mkdir()
    assert _run("commune-desk-release", "init", repo, "--timestamp-days", "120").returncode == 0
    (tmp_path / "procedures.json").write_text(json.dumps(catalogue(7)), "utf-8")
    (tmp_path / "holidays.json").write_text(
        json.dumps({"version": 3, "overrides": [{"date": "2027-04-30", "kind": "working_day"}]}),
        "utf-8",
    )
    package = tmp_path / "reference-data-7.json"
    made = _run(
        "commune-desk-release",
        "package",
        "--procedures",
        tmp_path / "procedures.json",
        "--holidays",
        tmp_path / "holidays.json",
        "-o",
        package,
    )
    assert made.returncode == 0, made.stderr
    assert _run("commune-desk-release", "add", repo, package, "--kind", "reference-data").returncode == 0
    not_msi = _run("commune-desk-release", "add", repo, package, "--kind", "msi", "--version", "9.9.9")
    assert not_msi.returncode == 1 and "is not an MSI" in not_msi.stderr
    wrong = _run(
        "commune-desk-release", "add", repo, package, "--kind", "reference-data", "--version", "procedures-8"
    )
    assert wrong.returncode == 1 and "holds procedures-7+holidays-3" in wrong.stderr
    assert _run("commune-desk-release", "write-stick", repo, stick).returncode == 0
    shown = json.loads(_run("commune-desk-release", "show", repo).stdout)
    assert shown["offered"]["reference-data/reference-data-7.json"]["version"] == ("procedures-7+holidays-3")
    assert shown["root"]["version"] == 1 and shown["timestamp"]["version"] == 2

    resources = tmp_path / "resources"  # an install whose shipped root is this repository's
    shutil.copytree(REPO_ROOT / "resources", resources)
    shutil.copyfile(repo / "metadata" / "1.root.json", resources / "update" / "root.json")
    env = {"COMMUNE_DESK_RESOURCES_DIR": str(resources), "COMMUNE_DESK_DATA_DIR": str(tmp_path / "d")}

    checked = _run("commune-desk", "update", "--from", stick, "--verify-only", "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    verified = json.loads(checked.stdout)
    assert verified["kind"] == "verified" and verified["items"][0]["action"] == "verified"

    applied = _run("commune-desk", "update", "--from", stick, env=env)
    assert applied.returncode == 0, applied.stderr
    assert "Đã cập nhật thành công" in applied.stdout

    again = _run("commune-desk", "update", "--from", stick, "--json", env=env)
    assert json.loads(again.stdout)["kind"] == "up_to_date"


def test_update_refuses_a_stick_signed_elsewhere(tmp_path: Path) -> None:
    """The shipped DEV root does not trust a freshly made repository: exit 2, Vietnamese text."""
    repo, stick = tmp_path / "repo", tmp_path / "E"
    stick.mkdir()
    _run("commune-desk-release", "init", repo)
    _run("commune-desk-release", "write-stick", repo, stick)
    refused = _run(
        "commune-desk", "update", "--from", stick, env={"COMMUNE_DESK_DATA_DIR": str(tmp_path / "d")}
    )
    assert refused.returncode == 2
    assert "KHÔNG được cài" in refused.stderr
    assert "[tampered]" in refused.stderr


def test_release_tool_refuses_a_package_the_office_would_refuse(tmp_path: Path) -> None:
    """A catalogue with a bad field is caught when signing, not at the counter."""
    repo = tmp_path / "repo"
    assert _run("commune-desk-release", "init", repo).returncode == 0
    broken = catalogue(8)
    broken["procedures"][0]["day_kind"] = "whenever"
    (tmp_path / "procedures.json").write_text(json.dumps(broken), "utf-8")
    package = tmp_path / "reference-data-8.json"
    assert (
        _run(
            "commune-desk-release", "package", "--procedures", tmp_path / "procedures.json", "-o", package
        ).returncode
        == 0
    )
    refused = _run("commune-desk-release", "add", repo, package, "--kind", "reference-data")
    assert refused.returncode == 1 and "procedure catalogue" in refused.stderr
    assert json.loads(_run("commune-desk-release", "show", repo).stdout)["offered"] == {}
