"""The main window: a navigation rail, one page per module, and the status bar.

Kept deliberately small: each page lives in ``ui/pages/`` and is built the
first time it is shown, so start-up stays quick on old PCs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from commune_desk.ui.context import UiContext
from commune_desk.ui.first_paint import after_first_paint
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.status_bar import SyncStatusBar
from commune_desk.ui.widgets import APP_STYLE

#: (key, untranslated title, "module:Class") of every page, in rail order. Page modules
#: are imported when the page is first shown, so the shell paints before the heavy
#: imports (services, SQLAlchemy) are done.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("intake", QT_TRANSLATE_NOOP("MainWindow", "Tiếp nhận"), "intake:IntakePage"),
    ("dossiers", QT_TRANSLATE_NOOP("MainWindow", "Hồ sơ"), "dossiers:DossiersPage"),
    ("incoming", QT_TRANSLATE_NOOP("MainWindow", "Văn bản đến"), "incoming:IncomingPage"),
    ("outgoing", QT_TRANSLATE_NOOP("MainWindow", "Văn bản đi"), "outgoing:OutgoingPage"),
    ("sync", QT_TRANSLATE_NOOP("MainWindow", "Đồng bộ"), "sync_page:SyncPage"),
    ("reports", QT_TRANSLATE_NOOP("MainWindow", "Báo cáo"), "reports:ReportsPage"),
    ("settings", QT_TRANSLATE_NOOP("MainWindow", "Cài đặt"), "settings:SettingsPage"),
)


def _page_class(spec: str) -> Callable[[UiContext], QWidget]:
    module, name = spec.split(":")
    return getattr(importlib.import_module(f"commune_desk.ui.pages.{module}"), name)


#: The first page is built this long after the window's first paint.
FIRST_PAGE_DELAY_MS = 15


class MainWindow(QMainWindow):
    """The application shell.

    Signals:
        page_changed(str): the key of the page now shown.
    """

    page_changed = Signal(str)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("CommuneDesk – Một cửa xã/phường"))
        self.setMinimumSize(QSize(1000, 640))
        self._factories = PAGES
        self._pages: dict[str, QWidget] = {}

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.rail = QListWidget(central)
        self.rail.setObjectName("navRail")
        self.rail.setFixedWidth(150)
        self._rail_done = False
        self.stack = QStackedWidget(central)
        for index, (key, title, _factory) in enumerate(self._factories, start=1):
            item = QListWidgetItem(QCoreApplication.translate("MainWindow", title))
            item.setToolTip(self.tr("Phím tắt: Ctrl+{n}").format(n=index))
            self.rail.addItem(item)
            placeholder = QWidget(self.stack)
            self.stack.addWidget(placeholder)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index}"), self)
            shortcut.activated.connect(lambda k=key: self.show_page(k))
        layout.addWidget(self.rail)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.rail.currentRowChanged.connect(self._on_row_changed)

        self.status = SyncStatusBar(ctx, self)
        self.setStatusBar(self.status)
        self.setStyleSheet(APP_STYLE)
        # Select the first page now but build it just after the shell's first paint.
        self.rail.blockSignals(True)
        self.rail.setCurrentRow(0)
        self.rail.blockSignals(False)
        after_first_paint(self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # Called as the first paint event arrives, before the painting: only timers here.
        QTimer.singleShot(0, self, self._finish_rail)
        QTimer.singleShot(FIRST_PAGE_DELAY_MS, self, self._show_first_page)

    def _finish_rail(self) -> None:
        """The rail's focus policy and each item's page key. Set after the first paint
        (or at the first page shown, if sooner): naming ``Qt`` builds all its enum types
        (about 15 ms), which the first paint does not need."""
        if self._rail_done:
            return
        from PySide6.QtCore import Qt

        self._rail_done = True
        self.rail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for index, key in enumerate(self.page_keys()):
            self.rail.item(index).setData(Qt.ItemDataRole.UserRole, key)

    # -- navigation -------------------------------------------------------------

    def page_keys(self) -> list[str]:
        """Keys of every page in rail order."""
        return [key for key, _title, _factory in self._factories]

    def page(self, key: str) -> QWidget:
        """The page widget for ``key``, building it on first use."""
        self._finish_rail()
        if key not in self._pages:
            index = self.page_keys().index(key)
            widget = _page_class(self._factories[index][2])(self.ctx)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self._pages[key] = widget
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        """Switch to the page ``key`` and return it."""
        index = self.page_keys().index(key)
        if self.rail.currentRow() != index:
            self.rail.setCurrentRow(index)
        elif self.stack.currentWidget() is not self._pages.get(key):
            self._on_row_changed(index)  # the first page, asked for before its delayed build
        return self.page(key)

    def _show_first_page(self) -> None:
        if self.rail.currentRow() not in (-1,) and not self._pages:
            self._on_row_changed(self.rail.currentRow())

    def _on_row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.page_keys()[row]
        widget = self.page(key)
        self.stack.setCurrentIndex(row)
        activated = getattr(widget, "on_shown", None)
        if callable(activated):
            activated()
        emit(self.page_changed, key)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Stop the status timer; the application object shuts the workers down."""
        self.status.stop()
        super().closeEvent(event)
