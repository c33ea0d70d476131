"""Data at rest on POSIX: the data folder is the PC user's alone (folders 0700, files 0600)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

WRITERS = """
import sys
from pathlib import Path
from commune_desk.paths import AppPaths, private_files
from commune_desk.ui.errors import setup_logging
from commune_desk.ui.settings_store import UiSettings
import logging
paths = AppPaths.resolve(sys.argv[1])
with private_files():  # what commune-desk's entry point wraps the GUI and every command in
    setup_logging(paths.logs_dir)
    logging.getLogger("test").warning("a log line")
    settings = UiSettings.load(paths.settings_path)
    settings.save()
"""


def _modes(root: Path) -> dict[str, int]:
    found = {}
    for path in [root, *root.rglob("*")]:
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def _cli(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "commune_desk", *args],
        check=True,
        capture_output=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )


def test_a_fresh_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "pc"
    _cli("--data-dir", str(data), "demo", "--dossiers", "3")
    _cli("--data-dir", str(data), "backup")
    subprocess.run(
        [sys.executable, "-c", WRITERS, str(data)],
        check=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )
    modes = _modes(data)
    names = set(modes)
    assert {"commune-desk.sqlite3", "settings.json", "logs", "backups", "blobs"} <= names
    assert any(n.startswith("logs/") for n in names) and any(n.endswith(".zip") for n in names)
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (data / name).is_dir() else 0o600)
    }
    assert not wrong, wrong


def test_an_older_data_folder_is_tightened_when_opened(tmp_path: Path) -> None:
    data = tmp_path / "old"
    AppContext.open(AppPaths.resolve(data)).close()
    (data / "settings.json").write_text("{}", encoding="utf-8")
    (data / "logs" / "commune-desk.log").write_text("x", encoding="utf-8")
    (data / "backups" / "old.zip").write_bytes(b"zip")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    AppContext.open(AppPaths.resolve(data)).close()
    modes = _modes(data)
    assert modes["."] == 0o700 and modes["logs"] == 0o700 and modes["blobs"] == 0o700
    for name in ("commune-desk.sqlite3", "settings.json", "logs/commune-desk.log", "backups/old.zip"):
        assert modes[name] == 0o600, name
