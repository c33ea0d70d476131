"""Browsing the counter's pages loads neither the QR library nor Qt's print support; a slip
drawn or printed loads them then (about 3 MB a clerk who only browses never pays)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
import commune_desk.ui.pages.intake, commune_desk.ui.pages.dossiers, commune_desk.ui.dossier_detail
heavy = ("segno", "PySide6.QtPrintSupport")
browsing = [name for name in heavy if name in sys.modules]
from commune_desk.ui import slips
image = slips.qr_image("HS-0001")
printing = [name for name in heavy if name in sys.modules]
print(json.dumps({"browsing": browsing, "printing": printing, "qr": [image.width(), image.height()]}))
"""


def test_pages_do_not_load_the_printing_stack_until_a_slip_is_drawn() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["browsing"] == []
    assert "segno" in result["printing"]
    assert result["qr"][0] > 0 and result["qr"][1] > 0
