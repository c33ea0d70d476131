"""Save a screenshot of every main screen at 1366×768 into docs/screenshots/.

    .venv/bin/python tests/ui/make_screenshots.py [OUTPUT_FOLDER]

Runs offscreen on a temporary demo store; ``test_screenshots.py`` runs it too.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)


def _type(widget: object, text: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()  # type: ignore[attr-defined]
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def main(out: Path = DEFAULT_OUT, *, dossiers: int = 600, lang: str = "vi") -> list[Path]:
    """Render each page with demo data; return the PNG paths written."""
    from commune_desk.paths import AppPaths
    from commune_desk.ui.app import DesktopApp
    from commune_desk.ui.demo import DEMO_CLERK, _fill
    from commune_desk.ui.screenshots import wait_idle

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # A fixed folder name, so the paths shown (Settings → backup folder) and therefore
    # the images do not change from one run to the next.
    base = Path(tempfile.gettempdir()) / "CommuneDesk-screenshots"
    shutil.rmtree(base, ignore_errors=True)
    try:
        desktop = DesktopApp(
            AppPaths(data_dir=base, backup_dir=base / "backups"),
            lang=lang, show_dialogs=False, first_run=False,
        )
        try:
            desktop.wait_ready()
            desktop.call_on_store(lambda: _fill(desktop.ctx.services, dossiers))
            desktop.ctx.clerk = DEMO_CLERK
            window = desktop.create_window()
            window.resize(*SIZE)
            window.show()
            suffix = "" if lang == "vi" else f"-{lang}"

            def shot(name: str) -> None:
                wait_idle(desktop)
                path = out / f"{name}{suffix}.png"
                window.grab().save(str(path))
                written.append(path)

            intake = window.show_page("intake")
            wait_idle(desktop)
            _type(intake.procedure_search, "khai sinh")
            _type(intake.name_edit, "Đặng Thị Đào")
            _type(intake.id_edit, "001190012345")
            _type(intake.phone_edit, "0912345678")
            _type(intake.address_edit, "Thôn Đoài, xã Đông Anh, Hà Nội")
            intake._appointment_debounce.flush()  # noqa: SLF001 - show the live date now
            shot("01-tiep-nhan")

            dossiers_page = window.show_page("dossiers")
            wait_idle(desktop)
            dossiers_page.table.selectRow(2)
            shot("02-ho-so")

            for n, key in enumerate(("incoming", "outgoing", "sync", "reports", "settings"), 3):
                window.show_page(key)
                names = {
                    "incoming": "van-ban-den", "outgoing": "van-ban-di", "sync": "dong-bo",
                    "reports": "bao-cao", "settings": "cai-dat",
                }
                shot(f"{n:02d}-{names[key]}")

            from commune_desk.ui.first_run import FirstRunWizard

            wizard = FirstRunWizard(desktop.ctx, window)
            wizard.show()
            wizard.next()
            wait_idle(desktop)
            path = out / f"08-thiet-lap-lan-dau{suffix}.png"
            wizard.grab().save(str(path))
            written.append(path)
            wizard.close()
        finally:
            desktop.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return written


if __name__ == "__main__":
    for written_path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT):
        print(written_path)
