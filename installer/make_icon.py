"""Draw the CommuneDesk icon and write ``installer/CommuneDesk.ico`` (run once, result committed).

    QT_QPA_PLATFORM=offscreen python installer/make_icon.py

A rounded dark-teal square with a white counter window and the letters "CD";
16, 24, 32, 48, 64 and 256 pixel images, each stored as PNG inside the ICO
(supported by every Windows since Vista). The exe (PyInstaller ``icon=``), the
MSI's Add/Remove Programs entry and the Start-menu shortcut use it.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 256)
ICON = Path(__file__).resolve().parent / "CommuneDesk.ico"


def render_png(size: int) -> bytes:
    """One square image of the icon as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#0f5c6e"))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    painter.setBrush(QColor("#f2c14e"))  # the counter: a band across the lower third
    painter.drawRect(QRectF(size * 0.12, size * 0.68, size * 0.76, size * 0.1))
    painter.setPen(QColor("white"))
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(max(6, int(size * 0.42)))
    painter.setFont(font)
    painter.drawText(QRectF(0, size * 0.06, size, size * 0.6), Qt.AlignmentFlag.AlignCenter, "CD")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file holding each PNG image (ICONDIR + ICONDIRENTRY table + data)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    """Render every size and write the ICO file."""
    from PySide6.QtGui import QGuiApplication

    QGuiApplication(sys.argv[:1])
    ICON.write_bytes(ico_bytes({size: render_png(size) for size in SIZES}))
    print(f"{ICON} ({ICON.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
