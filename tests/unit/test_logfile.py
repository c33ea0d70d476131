"""The log file: one file for the window and the command line, rotated, and nothing lost
when the window arms the rotation only after its first paint.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commune_desk.logfile import BACKUP_COUNT, LOG_FILE_NAME, MAX_BYTES, setup_logging, start_rotation

ROOT = Path(__file__).resolve().parents[2]


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "_commune_desk", False)]


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in _ours():
        root.removeHandler(handler)
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


MESSAGES = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40), min_size=1, max_size=8
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=MESSAGES, after=MESSAGES)
def test_no_record_is_lost_when_the_rotation_is_armed(
    tmp_path_factory: pytest.TempPathFactory, before: list[str], after: list[str]
) -> None:
    """Records written before ``start_rotation`` and after it land in the one file, in order."""
    logs = tmp_path_factory.mktemp("logs")
    path = setup_logging(logs, rotate=False)
    log = logging.getLogger("commune_desk.test")
    for text in before:
        log.warning("before %s", text)
    assert [type(h) for h in _ours()] == [logging.FileHandler]
    start_rotation()
    assert [type(h) for h in _ours()] == [logging.handlers.RotatingFileHandler]
    for text in after:
        log.warning("after %s", text)
    for handler in _ours():
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    wanted = [f"before {t}" for t in before] + [f"after {t}" for t in after]
    assert [line.split(": ", 1)[1] for line in lines] == wanted


def test_arming_twice_or_without_a_plain_file_changes_nothing(tmp_path: Path) -> None:
    setup_logging(tmp_path, rotate=False)
    start_rotation()
    first = _ours()
    start_rotation()
    assert _ours() == first  # the same rotating handler, not a second one
    setup_logging(tmp_path / "again")  # rotating from the start (the command line)
    rotating = _ours()
    start_rotation()
    assert _ours() == rotating and len(rotating) == 1


def test_the_armed_file_rotates_past_its_size(tmp_path: Path) -> None:
    """A file grown past MAX_BYTES before the window started is rotated at the first record
    once armed; the older files are kept up to BACKUP_COUNT."""
    path = tmp_path / LOG_FILE_NAME
    path.write_text("x" * (MAX_BYTES + 10), encoding="utf-8")
    setup_logging(tmp_path, rotate=False)
    logging.getLogger("commune_desk.test").warning("still in the big file")
    assert path.stat().st_size > MAX_BYTES
    start_rotation()
    logging.getLogger("commune_desk.test").warning("in a new file")
    for handler in _ours():
        handler.flush()
    assert (tmp_path / f"{LOG_FILE_NAME}.1").read_text(encoding="utf-8").startswith("x" * 100)
    assert "in a new file" in path.read_text(encoding="utf-8")
    assert path.stat().st_size < 1000
    assert BACKUP_COUNT >= 1


def test_the_window_paints_without_the_rotating_handler_and_arms_it_after(tmp_path: Path) -> None:
    """The path to the first paint does not load ``logging.handlers`` (nor ``socket``); once the
    store's opening starts, the rotating handler writes the file."""
    (tmp_path / "data").mkdir()  # a data folder that exists: its own logs/ folder is used
    code = (
        "import sys, json, logging\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from commune_desk.paths import AppPaths\n"
        "from commune_desk.ui.app import DesktopApp\n"
        f"data = Path({str(tmp_path / 'data')!r})\n"
        "desk = DesktopApp(AppPaths(data_dir=data, backup_dir=data / 'backups'), show_dialogs=False,"
        " first_run=False)\n"
        "window = desk.create_window(); window.show(); app.processEvents(); window.grab()\n"
        "painted = sorted({'logging.handlers', 'socket'} & set(sys.modules))\n"
        "desk.wait_ready()\n"
        "kinds = [type(h).__name__ for h in logging.getLogger().handlers"
        " if getattr(h, '_commune_desk', False)]\n"
        "logging.getLogger('commune_desk.test').warning('after the opening')\n"
        "desk.close()\n"
        "print(json.dumps([painted, kinds]))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    painted, kinds = json.loads(result.stdout.strip().splitlines()[-1])
    assert painted == []
    assert kinds == ["RotatingFileHandler"]
    assert "after the opening" in (tmp_path / "data" / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
