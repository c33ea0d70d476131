"""Render every main screen at 1366×768 and save PNGs (docs, manual checks, tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

SCREEN_SIZE = (1366, 768)


def wait_idle(desktop: Any, timeout: float = 30.0) -> None:
    """Process events until the background workers have nothing left to deliver."""
    deadline = time.monotonic() + timeout
    app = QCoreApplication.instance()
    assert app is not None
    quiet = 0
    while time.monotonic() < deadline:
        app.processEvents()
        if desktop.tasks.busy:
            quiet = 0
        else:
            quiet += 1
            if quiet > 5:
                return
        time.sleep(0.01)


def wait_page(
    desktop: Any, window: Any, key: str, ready: Callable[[], bool] | None = None, timeout: float = 30.0
) -> None:
    """Wait until page ``key`` is built, on screen, and ``ready()`` (its data shown).

    A page is built on the first turn of the event loop after it is chosen, and fills
    itself from background reads: grabbing before both have happened shows a blank page.
    Raises TimeoutError rather than let an empty screen be saved.
    """
    deadline = time.monotonic() + timeout
    app = QCoreApplication.instance()
    assert app is not None
    while time.monotonic() < deadline:
        wait_idle(desktop, max(0.1, deadline - time.monotonic()))
        page = window._pages.get(key)  # noqa: SLF001 - same package
        shown = page is not None and window.stack.currentWidget() is page and page.isVisible()
        if shown and (ready is None or ready()):
            return
        app.processEvents()
        time.sleep(0.02)
    raise TimeoutError(f"page {key!r} was not ready after {timeout} s")


def save_screenshots(desktop: Any, folder: Path, *, prefix: str = "") -> list[Path]:
    """Show each page of the main window and save ``<folder>/<prefix><n>-<page>.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    window = desktop.window
    window.resize(*SCREEN_SIZE)
    window.show()
    saved = []
    for n, key in enumerate(window.page_keys(), start=1):
        window.show_page(key)
        wait_page(desktop, window, key)
        path = folder / f"{prefix}{n:02d}-{key}.png"
        window.grab().save(str(path))
        saved.append(path)
    return saved
