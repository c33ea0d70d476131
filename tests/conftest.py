"""Settings shared by every test: nothing here may touch the real user folders."""

from __future__ import annotations

import os

# Qt draws offscreen in every test; set before any PySide6 import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the real keyring of the machine running them.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default data folder at a temporary one so no test writes to the user's."""
    monkeypatch.setenv("COMMUNE_DESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("COMMUNE_DESK_BACKUP_DIR", raising=False)
    # The per-user list of known data folders (vanished-store detection) is per test too.
    monkeypatch.setenv("COMMUNE_DESK_STATE_DIR", str(tmp_path_factory.mktemp("state")))
