"""CI never ships the DEV update root by default: the decision and the workflow that uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from installer.release_root import RootChoiceError, bundle_root_args, main

REPO_ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "windows-build.yml"


@pytest.fixture()
def root_file(tmp_path: Path) -> Path:
    path = tmp_path / "prod-root.json"
    path.write_text('{"signed": {}}', "utf-8")
    return path


@pytest.mark.parametrize(
    ("ref_type", "secret", "dev", "expected"),
    [
        ("tag", True, False, "--trusted-root"),
        ("tag", False, False, "secret"),  # a release without the secret stops
        ("tag", True, True, "never ships the DEV"),  # and never takes --dev
        ("branch", True, False, "--trusted-root"),
        ("branch", False, True, "--dev"),  # DEV only when asked for
        ("branch", True, True, "--dev"),
        ("branch", False, False, "refusing to ship the DEV root"),  # the old default
    ],
)
def test_root_choice(
    ref_type: str, secret: bool, dev: bool, expected: str, root_file: Path, tmp_path: Path
) -> None:
    """Every combination of ref, secret and dev_build input."""
    file = root_file if secret else tmp_path / "missing.json"
    try:
        args = bundle_root_args(ref_type=ref_type, root_file=file, dev_requested=dev)
    except RootChoiceError as exc:
        assert expected in str(exc)
    else:
        assert args[0] == expected


def test_command_line_exit_status(root_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The workflow reads the arguments from stdout and stops on exit status 2."""
    assert main(["--ref-type", "branch", "--root-file", str(root_file)]) == 0
    assert capsys.readouterr().out.split() == ["--trusted-root", str(root_file)]
    assert main(["--ref-type", "branch", "--root-file", "nowhere.json", "--dev", "false"]) == 2


def test_workflow_builds_with_the_decided_root_only() -> None:
    """The Windows workflow asks release_root.py, passes what it says, and never --dev itself."""
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    dispatch = workflow[True]["workflow_dispatch"]["inputs"]["dev_build"]  # "on" parses as True
    assert dispatch["default"] is False and dispatch["type"] == "boolean"
    steps = {s.get("name"): s for s in workflow["jobs"]["bundle-and-msi"]["steps"]}
    bundle = steps["Bundle"]["run"]
    assert "installer/release_root.py" in bundle and "@rootArgs" in bundle
    assert 'if ($LASTEXITCODE -ne 0) { throw "no acceptable update root' in bundle
    assert "--dev " not in bundle.replace('--dev "${{ inputs.dev_build }}"', "")
    assert "COMMUNE_DESK_RELEASE_BUILD" not in WORKFLOW.read_text("utf-8")
