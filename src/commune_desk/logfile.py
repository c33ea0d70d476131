"""The rotating log file in the data folder, shared by the desktop app and the CLI.

No Qt here: the command line (``commune-desk update``, ``install-staged``) and the
launcher's refusal write to the same ``logs/commune-desk.log`` as the window, so
IT staff find every refusal in one place.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "commune-desk.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send log records to a rotating file in ``logs_dir``; return the file's path."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_commune_desk", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler._commune_desk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return path


def try_setup_logging(logs_dir: Path) -> Path | None:
    """:func:`setup_logging`, or ``None`` when the folder cannot be written (never raises)."""
    try:
        return setup_logging(logs_dir)
    except OSError:
        return None
