"""When the store cannot be opened the clerk gets an apology and the process exits 1."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _args(data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), lang=None, self_test=False, demo=False)


def test_damaged_store_is_explained_and_exits_1(qapp: Any, tmp_path: Path, dialogs: list[str]) -> None:
    from commune_desk.ui.app import run_app

    data = tmp_path / "data"
    data.mkdir()
    (data / "commune-desk.sqlite3").write_bytes(b"this is not a database" * 100)
    assert run_app(_args(data)) == 1
    assert len(dialogs) == 1, [d[:40] for d in dialogs]  # one message, not one per task
    assert "bị hỏng, không đọc được" in dialogs[0] and "commune-desk.sqlite3" in dialogs[0]
    assert "Traceback" in (data / "logs" / "commune-desk.log").read_text(encoding="utf-8")
    # nothing was written over it
    assert (data / "commune-desk.sqlite3").read_bytes() == b"this is not a database" * 100


def test_unusable_data_folder_apologises_and_exits_1(qapp: Any, tmp_path: Path, dialogs: list[str]) -> None:
    from commune_desk.ui.app import run_app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert run_app(_args(blocker / "data")) == 1
    assert dialogs and "Xin lỗi" in dialogs[-1]
