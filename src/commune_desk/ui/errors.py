"""What the clerk sees when something goes wrong: never a stack trace.

Typed errors (anything with a machine-readable ``.kind``) become a clear
sentence in the clerk's language. Anything else is written with its traceback
to a rotating log file in the data folder, and the clerk gets a short apology
naming that file.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from commune_desk.logfile import LOG_FILE_NAME, setup_logging  # noqa: F401 - re-exported
from commune_desk.messages import CONTEXT, UNKNOWN_KIND_FOR_CLERK, kind_of, render, source_text

log = logging.getLogger("commune_desk.ui")


def error_kind(exc: object) -> str | None:
    """The machine-readable kind of a typed error, or of a raw SQLite/OS error that says
    something the clerk can act on (full disk, read-only folder...); None otherwise."""
    kind = kind_of(exc)
    if kind is None and isinstance(exc, BaseException):
        from commune_desk.services.errors import store_error_kind  # only once something failed

        return store_error_kind(exc)
    return kind


def kind_message(kind: str) -> str:
    """The catalogue's sentence for an error kind, in the interface language.

    Neither ``str(exc)`` (English, for logs) nor an unknown kind (a code) means anything
    to a clerk: an unknown kind gets a general sentence, and the kind goes to the log.
    """
    source = source_text(kind)
    if source is None:
        log.warning("no message for error kind %r", kind)
        return QCoreApplication.translate(CONTEXT, UNKNOWN_KIND_FOR_CLERK)
    return QCoreApplication.translate(CONTEXT, source)


def message_for(exc: object) -> str | None:
    """A clerk-facing sentence for a typed error, its parameters filled in (the folder, the
    newest verified backup...); None when the error is unexpected."""
    kind = error_kind(exc)
    if kind is None:
        return None
    if source_text(kind) is None:
        return kind_message(kind)  # a general sentence; the code goes to the log only
    params = getattr(exc, "params", None)
    if not isinstance(params, dict):
        # a raw SQLite/OS error classified above: its sentence names "the data folder"
        params = {} if kind_of(exc) is None else None
    return render(kind, params, lambda source: QCoreApplication.translate(CONTEXT, source))


class ErrorReporter:
    """Turns exceptions into dialogs: typed ones explained, unexpected ones logged and apologised for."""

    def __init__(self, log_path: Path, *, show_dialogs: bool = True) -> None:
        self.log_path = log_path
        self.show_dialogs = show_dialogs
        #: Every message shown (tests read it instead of clicking dialogs).
        self.shown: list[str] = []
        self.dialog_hook: Callable[[str, str], None] | None = None
        #: Set once a fatal error was shown: later failures (work queued behind a store
        #: that never opened) are only logged, so the clerk sees one apology, not ten.
        self.silenced = False

    def report(self, exc: BaseException, *, parent: QWidget | None = None) -> str:
        """Show ``exc`` to the clerk; return the text shown."""
        if self.silenced:
            log.info("after a fatal error: %r", exc)
            return ""
        text = message_for(exc)
        if text is None:
            log.error(
                "unexpected error\n%s",
                "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
            text = self.apology()
            title = QCoreApplication.translate("Errors", "Xin lỗi, đã có lỗi")
            icon = QMessageBox.Icon.Critical
        else:
            log.info("typed error %s: %s", error_kind(exc), exc)
            title = QCoreApplication.translate("Errors", "Không thực hiện được")
            icon = QMessageBox.Icon.Warning
        self._show(title, text, icon, parent)
        return text

    def apology(self) -> str:
        """The short apology naming the log file."""
        return QCoreApplication.translate(
            "Errors",
            "Xin lỗi, phần mềm gặp lỗi ngoài dự kiến. Dữ liệu đã lưu không bị ảnh hưởng.\n"
            "Chi tiết đã được ghi vào tệp nhật ký:\n{path}\n"
            "Hãy gửi tệp này cho cán bộ CNTT.",
        ).format(path=str(self.log_path))

    def _show(self, title: str, text: str, icon: QMessageBox.Icon, parent: QWidget | None) -> None:
        self.shown.append(text)
        if self.dialog_hook is not None:
            self.dialog_hook(title, text)
            return
        if not self.show_dialogs or QApplication.instance() is None:
            return
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.exec()

    def install_excepthook(self) -> None:
        """Route uncaught exceptions (e.g. in a slot) to the log and an apology, never a crash."""

        def hook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
            if issubclass(etype, KeyboardInterrupt):
                sys.__excepthook__(etype, value, tb)
                return
            try:
                self.report(value)
            except Exception:  # noqa: BLE001 - last resort, never raise from the hook
                log.exception("error while reporting an error")

        sys.excepthook = hook
