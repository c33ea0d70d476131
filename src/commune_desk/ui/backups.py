"""Automatic backups of the desktop app, the settings page's backup box, the restore offer.

``BackupScheduler`` makes a verified backup at start when the newest one is a
day old (otherwise it runs SQLite's ``quick_check`` on the store), and checks
every hour while the app stays open. What reads the store runs on the store
thread; packing the copy runs on a backup thread of its own; the GUI thread
only shows the outcome. A damaged store is announced once in a dialog and
stays on the settings page until a restore.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from commune_desk.ui.context import UiContext
from commune_desk.ui.errors import message_for
from commune_desk.ui.format import format_datetime
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import error_label

log = logging.getLogger(__name__)

#: Thread-name prefix of the backup worker (tests check every ``cd-`` thread stops).
BACKUP_THREAD = "cd-backup"
#: How often the app looks whether the daily backup is due (milliseconds).
CHECK_INTERVAL_MS = 60 * 60 * 1000


@dataclass(frozen=True)
class BackupState:
    """What the settings page shows about backups."""

    last_at: datetime | None = None
    last_path: str = ""
    next_at: datetime | None = None
    running: bool = False
    #: the Vietnamese sentence of the last failure ("" when the last attempt worked)
    error: str = ""
    #: the sentence saying the store is damaged ("" when it is sound)
    damaged: str = ""


def _status(paths: Any) -> tuple[Any, datetime | None]:
    from commune_desk.services.backup import last_backup, next_backup_due

    return last_backup(paths), next_backup_due(paths)


class BackupScheduler(QObject):
    """Runs the automatic backups and the start-up health check.

    What reads the store runs on the store thread: whether a backup is due, the
    consistent snapshot (about a second), or else ``quick_check``. Packing the
    snapshot (integrity check of the copy, zip, read-back) reads only the copy and
    runs on this object's own backup thread, so the counter never waits for it.

    Signals:
        changed(object): a new ``BackupState``.
        _packed(object): internal; ``(mode, info, error, status)`` from the backup thread
            to the GUI thread (queued).
    """

    changed = Signal(object)
    _packed = Signal(object)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state = BackupState()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.run_if_due)
        self._alerted = False
        self._closing = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=BACKUP_THREAD)
        self._packed.connect(self._on_packed, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """First run now (backup if due, else a quick health check), then hourly."""
        self._run("startup")
        self._timer.start()

    def stop(self) -> None:
        """No more runs; an archive being packed is abandoned (its scratch folder removed)."""
        self._timer.stop()
        self._closing.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def refresh(self) -> None:
        """Re-read the last backup from the folder (store thread)."""
        self.ctx.tasks.run_on_store(lambda: _status(self.ctx.paths), self._on_status)

    def run_if_due(self) -> None:
        """The hourly tick: a backup when the newest is a day old."""
        self._run("due")

    def backup_now(self) -> None:
        """The settings page's button."""
        self._run("now")

    # -- internals ----------------------------------------------------------------------

    def _run(self, mode: str) -> None:
        if self.state.running or self._closing.is_set():
            return
        self._set(replace(self.state, running=True))
        self.ctx.before_store()
        paths = self.ctx.paths

        def snapshot() -> Any:  # store thread
            from commune_desk.services.backup import backup_due, take_snapshot
            from commune_desk.services.data_folder import offering_backup, quick_check

            with offering_backup(paths):
                if mode != "now" and not backup_due(paths):
                    if mode == "startup":
                        quick_check(self.ctx.app_context.store, paths)
                    return None
                return take_snapshot(paths)

        self.ctx.tasks.run_on_store(snapshot, lambda snap, error: self._on_snapshot(snap, error, mode))

    def _on_snapshot(self, snap: Any, error: BaseException | None, mode: str) -> None:
        if error is not None:
            self._failed(error, mode)
            return
        if snap is None:  # not due (and, at start, the store passed its quick check)
            self.refresh()
            return
        if self._closing.is_set():
            snap.discard()
            return
        paths = self.ctx.paths

        def pack() -> None:  # backup thread
            from commune_desk.services.backup import finish_backup
            from commune_desk.services.data_folder import offering_backup

            try:
                with offering_backup(paths):
                    info = finish_backup(snap, cancelled=self._closing.is_set)
                emit(self._packed, (mode, info, None, _status(paths)))
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
                emit(self._packed, (mode, None, exc, None))

        self._pool.submit(pack)

    def _on_packed(self, payload: tuple[str, Any, BaseException | None, Any]) -> None:
        mode, _info, error, status = payload
        if error is not None:
            self._failed(error, mode)
        else:
            self._on_status(status, None, error_text="")

    def _failed(self, error: BaseException, mode: str) -> None:
        if getattr(error, "kind", None) == "backup_cancelled":
            return  # the app is closing
        text = message_for(error)
        if text is None:
            log.error("backup failed", exc_info=error)
            text = self.ctx.errors.apology()
        damaged = text if getattr(error, "kind", None) == "store_damaged" else self.state.damaged
        self._set(replace(self.state, running=False, error=text, damaged=damaged))
        if damaged and not self._alerted:
            self._alerted = True
            self.ctx.errors.report(error)
        elif mode == "now":
            self.ctx.errors.report(error)

    def _on_status(self, status: Any, error: BaseException | None, error_text: str | None = None) -> None:
        if error is not None or status is None:
            self._set(replace(self.state, running=False))
            return
        last, next_at = status
        self._set(
            replace(
                self.state,
                running=False,
                last_at=last.created_at if last is not None else None,
                last_path=str(last.path) if last is not None else "",
                next_at=next_at,
                error=self.state.error if error_text is None else error_text,
            )
        )

    def _set(self, state: BackupState) -> None:
        self.state = state
        emit(self.changed, state)


class _ElidedLabel(QLabel):
    """A one-line label that shortens a long path in the middle to fit (full text as tooltip).

    Signals: none.
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self.setToolTip(text)
        self.setMinimumWidth(80)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Re-elide to the new width."""
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.width()))


class BackupBox(QGroupBox):
    """The settings page's backup group: folder, last and next backup, a button, alerts.

    Signals: none.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sao lưu"), parent)
        self.ctx = ctx
        form = QFormLayout(self)
        self.folder_label = _ElidedLabel(str(ctx.paths.backup_dir), self)
        self.folder_label.setToolTip(
            self.tr(
                "{folder}\nĐổi thư mục bằng biến môi trường COMMUNE_DESK_BACKUP_DIR (cán bộ CNTT)."
            ).format(folder=ctx.paths.backup_dir)
        )
        self.last_label = QLabel(self)
        self.last_label.setObjectName("lastBackup")
        self.next_label = QLabel(self)
        self.next_label.setObjectName("nextBackup")
        self.alert = error_label(self)
        self.alert.setObjectName("backupAlert")
        self.alert.hide()
        self.button = QPushButton(self.tr("Sao lưu ngay"), self)
        self.button.setObjectName("backupNow")
        self.button.setToolTip(
            self.tr("Phần mềm tự sao lưu mỗi ngày, kiểm tra từng bản sao lưu và giữ 10 bản gần nhất.")
        )
        next_row = QHBoxLayout()
        next_row.addWidget(self.next_label, 1)
        next_row.addWidget(self.button)
        form.addRow(QLabel(self.tr("Thư mục sao lưu"), self), self.folder_label)
        form.addRow(QLabel(self.tr("Lần gần nhất"), self), self.last_label)
        form.addRow(QLabel(self.tr("Lần tới"), self), next_row)
        form.addRow(self.alert)
        desktop = ctx.extras.get("desktop")  # the app builds its scheduler on first use
        self.scheduler: BackupScheduler | None = (
            desktop.backups if desktop is not None else ctx.extras.get("backups")
        )
        if self.scheduler is not None:
            self.button.clicked.connect(self.scheduler.backup_now)
            self.scheduler.changed.connect(self.show_state)
            self.show_state(self.scheduler.state)
            self.scheduler.refresh()
        else:
            self.button.setEnabled(False)
            self.show_state(BackupState())

    def show_state(self, state: BackupState) -> None:
        """Show ``state``."""
        if state.running:
            self.last_label.setText(self.tr("Đang sao lưu và kiểm tra…"))
        elif state.last_at is not None:
            when = format_datetime(state.last_at)
            self.last_label.setText(self.tr("{time} (đã kiểm tra)").format(time=when))
            self.last_label.setToolTip(state.last_path)
        else:
            self.last_label.setText(self.tr("Chưa có bản sao lưu nào"))
        if state.next_at is None:
            self.next_label.setText(self.tr("Ngay khi mở phần mềm"))
        else:
            self.next_label.setText(format_datetime(state.next_at))
        self.button.setEnabled(self.scheduler is not None and not state.running)
        if state.damaged:  # the whole story was in the dialog; here a line that stays
            self.alert.setText(
                self.tr(
                    "Dữ liệu bị hỏng một phần: ngừng nhập hồ sơ mới và gọi cán bộ "
                    "CNTT (đưa chuột vào đây để xem chi tiết)."
                )
            )
        else:
            self.alert.setText(state.error)
        self.alert.setToolTip(state.damaged or state.error)
        self.alert.setVisible(bool(self.alert.text()))


def ask_restore(parent: QWidget | None, text: str) -> bool:
    """Ask the clerk whether to restore the offered backup now (True: restore)."""
    title = QCoreApplication.translate("Backups", "Không mở được dữ liệu")
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.NoButton, parent)
    restore = box.addButton(
        QCoreApplication.translate("Backups", "Khôi phục bản sao lưu này"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(QCoreApplication.translate("Backups", "Thoát"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is restore
