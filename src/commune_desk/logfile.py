"""The rotating log file in the data folder, shared by the desktop app and the CLI.

No Qt here: the command line (``commune-desk update``, ``install-staged``) and the
launcher's refusal write to the same ``logs/commune-desk.log`` as the window, so
IT staff find every refusal in one place.

The window's start writes to the file at once but arms its rotation only after
the first paint (``rotate=False``, then :func:`start_rotation`): the rotating
handler's module (``logging.handlers``, which loads ``socket`` and ``pickle``)
costs ~9 ms of import on the path to the first paint; the plain file handler
costs none.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE_NAME = "commune-desk.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
#: The file is rotated past this size; this many older files are kept (``.1`` ... ``.5``).
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5


def _ours(handler: logging.Handler) -> bool:
    return bool(getattr(handler, "_commune_desk", False))


def _install(handler: logging.Handler) -> None:
    """Replace our handler on the root logger by ``handler`` (others' handlers stay)."""
    handler._commune_desk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    old = [h for h in root.handlers if _ours(h)]
    root.addHandler(handler)  # before the old one goes: no record falls between the two
    for h in old:
        root.removeHandler(h)
        h.close()


def _rotating(path: Path) -> logging.Handler:
    import logging.handlers

    return logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )


def setup_logging(logs_dir: Path, *, level: int = logging.INFO, rotate: bool = True) -> Path:
    """Send log records to a rotating file in ``logs_dir``; return the file's path.

    ``rotate=False``: append to the same file without rotation until
    :func:`start_rotation` (the window calls it after its first paint).
    """
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / LOG_FILE_NAME
    _install(_rotating(path) if rotate else logging.FileHandler(path, encoding="utf-8"))
    logging.getLogger().setLevel(level)
    return path


def start_rotation() -> None:
    """Swap a plain file handler left by ``setup_logging(rotate=False)`` for the rotating
    one on the same file (a no-op when rotation already runs or there is no log file)."""
    plain = [
        h
        for h in logging.getLogger().handlers
        if _ours(h) and type(h) is logging.FileHandler  # not its rotating subclass
    ]
    for handler in plain:
        assert isinstance(handler, logging.FileHandler)
        _install(_rotating(Path(handler.baseFilename)))


def try_setup_logging(logs_dir: Path) -> Path | None:
    """:func:`setup_logging`, or ``None`` when the folder cannot be written (never raises)."""
    try:
        return setup_logging(logs_dir)
    except OSError:
        return None
