"""Screenshots of every main screen at 1366×768, saved to docs/screenshots/ for the README."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

HERE = Path(__file__).resolve().parent


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("make_screenshots", HERE / "make_screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_of_every_screen(qapp: Any) -> None:
    script = _script()
    written = script.main(script.DEFAULT_OUT, dossiers=300)
    assert len(written) == 11
    dialogs = ("thiet-lap", "can-bo", "chan-doan")
    for path in written:
        image = QImage(str(path))
        assert not image.isNull(), path
        if not any(name in path.name for name in dialogs):
            assert (image.width(), image.height()) == script.SIZE, path
