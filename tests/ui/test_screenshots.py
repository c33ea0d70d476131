"""Screenshots of every main screen at 1366×768, saved to docs/screenshots/ for the README,
and each one shows its page filled (a page grabbed before it was built is a blank area)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage, QPainter

HERE = Path(__file__).resolve().parent
#: The navigation rail on the left and the status bar at the bottom are there even when
#: the page is empty: only the area between them tells a filled page from a blank one.
RAIL_WIDTH, STATUS_HEIGHT = 150, 30
STEP = 3


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("make_screenshots", HERE / "make_screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def filled_fraction(image: QImage, *, left: int = 0, bottom: int = 0) -> float:
    """Share of the page area's sampled pixels that differ from its most common colour."""
    colours = Counter(
        image.pixel(x, y)
        for x in range(left, image.width(), STEP)
        for y in range(0, image.height() - bottom, STEP)
    )
    total = sum(colours.values())
    return 1 - colours.most_common(1)[0][1] / total


def test_a_blank_page_is_told_from_a_filled_one(qapp: Any) -> None:
    blank = QImage(1366, 768, QImage.Format.Format_RGB32)
    blank.fill(QColor("#efefef"))
    painter = QPainter(blank)  # the rail alone, as in the README's empty first screenshot
    painter.fillRect(0, 0, RAIL_WIDTH, 768, QColor("#1f3b5a"))
    painter.end()
    assert filled_fraction(blank, left=RAIL_WIDTH, bottom=STATUS_HEIGHT) == 0
    painter = QPainter(blank)
    painter.drawText(400, 300, "Tiếp nhận hồ sơ: Đặng Thị Đào, 001190012345")
    painter.end()
    assert 0 < filled_fraction(blank, left=RAIL_WIDTH, bottom=STATUS_HEIGHT) < 0.08  # one line is not a page


def test_screenshots_of_every_screen_show_their_page_filled(qapp: Any) -> None:
    script = _script()
    written = script.main(script.DEFAULT_OUT, dossiers=300)
    assert len(written) == 11
    dialogs = ("thiet-lap", "can-bo", "chan-doan")
    for path in written:
        image = QImage(str(path))
        assert not image.isNull(), path
        if any(name in path.name for name in dialogs):
            assert filled_fraction(image) > 0.05, path
            continue
        assert (image.width(), image.height()) == script.SIZE, path
        filled = filled_fraction(image, left=RAIL_WIDTH, bottom=STATUS_HEIGHT)
        assert filled > 0.08, f"{path.name}: the page looks empty ({filled:.1%} drawn)"


def test_two_runs_at_once_take_the_scratch_folders_in_turn(tmp_path: Path) -> None:
    """A second run waits while another process renders in the fixed scratch folders."""
    import subprocess
    import sys
    import time

    held, release, leaving = tmp_path / "held", tmp_path / "release", tmp_path / "leaving"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import importlib.util, pathlib, time, sys\n"
            f"spec = importlib.util.spec_from_file_location('m', {str(HERE / 'make_screenshots.py')!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "with m._scratch_folders_held():\n"
            f"    pathlib.Path({str(held)!r}).touch()\n"
            f"    while not pathlib.Path({str(release)!r}).exists(): time.sleep(0.02)\n"
            "    time.sleep(0.3)\n"
            f"    pathlib.Path({str(leaving)!r}).touch()\n",
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not held.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        release.touch()
        with _script()._scratch_folders_held():
            # The holder marks its way out just before it lets go, after its pause.
            assert leaving.exists()
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
