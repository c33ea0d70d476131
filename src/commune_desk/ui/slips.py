"""The slips the law requires (forms 01–07), rendered with Qt and printed or saved as PDF.

A slip is a plain :class:`Slip` value (built by ``ui/slip_builders.py`` from
service values); this module turns it into HTML for a ``QTextDocument``, with
the dossier code's QR code drawn by segno, and sends it to a printer, a print
preview or a PDF file. Paper: A5 portrait for slips, A4 landscape for the
log book and registers.

segno and Qt's print support are imported when a slip is drawn or printed: the
pages that print import this module, and a clerk who browses the list never
needs them (about 3 MB of the desktop's memory).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

translate = QCoreApplication.translate


@dataclass(frozen=True)
class Slip:
    """One printable form: heading, key/value lines, optional table and QR code."""

    form: str
    title: str
    office_name: str = ""
    code: str = ""
    lines: tuple[tuple[str, str], ...] = ()
    table_header: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, ...], ...] = ()
    paragraphs: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    landscape: bool = False
    qr: bool = True
    place_date: str = ""
    extra_css: str = field(default="", compare=False)
    #: What the QR code holds: the office's tracking link, or the code itself when empty.
    qr_text: str = ""


def qr_image(text: str, *, scale: int = 4) -> QImage:
    """The QR code of ``text`` as a QImage (segno, PNG in memory)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    image = QImage()
    image.loadFromData(buffer.getvalue(), "PNG")
    return image


def slip_html(slip: Slip) -> str:
    """The slip as HTML for QTextDocument (a subset of HTML 4 with simple CSS)."""
    esc = html.escape
    code_label = translate("Slips", "Mã hồ sơ")
    one_stop = translate("Slips", "BỘ PHẬN MỘT CỬA")
    republic = translate("Slips", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = translate("Slips", "Độc lập - Tự do - Hạnh phúc")
    form_label = translate("Slips", "Mẫu số {form}").format(form=slip.form)
    sign_hint = translate("Slips", "(Ký, ghi rõ họ tên)")
    parts: list[str] = [
        "<html><head><style>",
        "body { font-family: 'Noto Sans', 'DejaVu Sans'; font-size: 9pt; }",
        "h2 { text-align: center; font-size: 12pt; margin: 4px 0; }",
        "td.k { color: #333; padding-right: 6px; white-space: nowrap; }",
        "table.grid { border-collapse: collapse; }",
        "table.grid td, table.grid th { border: 1px solid #444; padding: 2px 4px; }",
        slip.extra_css,
        "</style></head><body>",
        '<table width="100%"><tr>',
        f'<td width="50%" align="center"><b>{esc(slip.office_name.upper())}</b><br/>{esc(one_stop)}</td>',
        f'<td width="50%" align="center"><b>{esc(republic)}</b><br/><u>{esc(motto)}</u></td>',
        "</tr></table>",
        f'<p align="right"><i>{esc(slip.place_date)}</i></p>' if slip.place_date else "",
        f"<h2>{esc(slip.title.upper())}</h2>",
        f'<p align="center">{esc(form_label)}'
        + (f" &nbsp; · &nbsp; {esc(code_label)}: <b>{esc(slip.code)}</b>" if slip.code else "")
        + "</p>",
    ]
    if slip.qr and slip.code:
        parts.append('<p align="center"><img src="qr://code" width="90" height="90"/></p>')
    if slip.lines:
        parts.append('<table width="100%">')
        for key, value in slip.lines:
            parts.append(f'<tr><td class="k">{esc(key)}:</td><td><b>{esc(value)}</b></td></tr>')
        parts.append("</table>")
    for paragraph in slip.paragraphs:
        parts.append(f"<p>{esc(paragraph)}</p>")
    if slip.table_header:
        parts.append('<table class="grid" width="100%" cellspacing="0"><tr>')
        parts.extend(f"<th>{esc(h)}</th>" for h in slip.table_header)
        parts.append("</tr>")
        for row in slip.table_rows:
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    if slip.signatures:
        parts.append('<br/><table width="100%"><tr>')
        for who in slip.signatures:
            parts.append(
                f'<td align="center"><b>{esc(who)}</b><br/><i>{esc(sign_hint)}</i><br/><br/><br/></td>'
            )
        parts.append("</tr></table>")
    parts.append("</body></html>")
    return "".join(parts)


def slip_document(slip: Slip) -> QTextDocument:
    """A QTextDocument holding the slip (with its QR image registered as a resource)."""
    document = QTextDocument()
    if slip.qr and slip.code:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("qr://code"), qr_image(slip.code))
    document.setHtml(slip_html(slip))
    return document


def configure_printer(printer: QPrinter, slip: Slip) -> None:
    """A5 portrait for slips; A4 landscape for books and registers; 12 mm margins."""
    size = QPageSize(QPageSize.PageSizeId.A4 if slip.landscape else QPageSize.PageSizeId.A5)
    orientation = QPageLayout.Orientation.Landscape if slip.landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(
        QPageLayout(size, orientation, QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    )


#: Resolution of QTextDocument's own units (Qt's default logical DPI).
DOCUMENT_DPI = 96


def _print_to(printer: QPrinter, slip: Slip) -> None:
    # The page size is given in the document's own units (96 per inch); print_() scales
    # to the printer's resolution and breaks the document into pages. Without it, Qt
    # adds its own 2 cm margins and page numbers, which waste half an A5 slip.
    from PySide6.QtPrintSupport import QPrinter

    document = slip_document(slip)
    page = printer.pageRect(QPrinter.Unit.Point)
    scale = DOCUMENT_DPI / 72
    document.setPageSize(QSizeF(page.width() * scale, page.height() * scale))
    document.setDocumentMargin(0)
    document.print_(printer)


def write_pdf(slip: Slip, path: Path) -> Path:
    """Save the slip as a PDF file; returns ``path``."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setDocName(slip.title)
    configure_printer(printer, slip)
    _print_to(printer, slip)
    return path


def preview(slip: Slip, parent: QWidget | None = None) -> None:
    """Open the print preview (the clerk prints from there)."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, slip)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(slip.title)
    dialog.paintRequested.connect(lambda p: _print_to(p, slip))
    dialog.resize(900, 700)
    dialog.exec()


def print_slip(slip: Slip, parent: QWidget | None = None) -> bool:
    """Ask for a printer and print; returns False if the clerk cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, slip)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _print_to(printer, slip)
    return True


def pdf_page_count(path: Path) -> int:
    """Count the pages of a PDF written by Qt (for tests and sanity checks)."""
    data = path.read_bytes()
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/")
