"""Cập nhật từ USB: find an update stick, verify it with TUF and apply it (settings page).

The verification and the store write run on the store thread
(``commune_desk.update.update_from_stick`` through ``ui/api.py``); this box
only picks the stick and shows the outcome. Refusals are shown in red and
leave everything as it was; an applied reference-data package is broadcast as
a store change so the intake page reloads its procedures.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commune_desk.messages import CONTEXT, fill, source_text
from commune_desk.ui import api
from commune_desk.ui.context import UiContext
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label

_CTX = "UsbUpdate"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def result_message(result: Any) -> str:
    """The clerk's sentence for an ``UpdateResult``, translated and filled with its dates and
    versions (its own text for a kind not listed)."""
    source = source_text(f"update.{getattr(result.kind, 'value', result.kind)}")
    if not source:
        return str(result.message)
    return fill(QCoreApplication.translate(CONTEXT, source), result)


def _set_role(label: QLabel, role: str) -> None:
    """Switch a label between the stylesheet roles (error red, ok green, hint grey)."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)


class UsbUpdateBox(QGroupBox):
    """The "Cập nhật từ USB" group of the settings page.

    Signals:
        finished(object): the ``UpdateResult`` of an attempt (GUI thread).
        applied(): new reference data is in the store (views reload their copies).
        installer_started(): Windows Installer is running; the app is about to close.
    """

    finished = Signal(object)
    applied = Signal()
    installer_started = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cập nhật từ USB"), parent)
        self.ctx = ctx
        self.busy = False
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Cắm USB cập nhật do cán bộ CNTT chuẩn bị, bấm “Tìm USB” rồi "
                    "“Kiểm tra và cập nhật”. Bản cập nhật bị sửa đổi, cũ hoặc hết hạn "
                    "sẽ bị từ chối."
                ),
                self,
            )
        )
        pick = QHBoxLayout()
        self.stick_combo = QComboBox(self)
        self.stick_combo.setObjectName("updateStick")
        self.stick_combo.setMinimumContentsLength(16)
        self.stick_combo.currentIndexChanged.connect(lambda _i: self._sync_buttons())
        self.find_button = QPushButton(self.tr("Tìm USB"), self)
        self.find_button.clicked.connect(lambda: self.find_sticks())
        self.choose_button = QPushButton(self.tr("Chọn thư mục…"), self)
        self.choose_button.clicked.connect(self.choose_folder)
        pick.addWidget(self.stick_combo, 1)
        pick.addWidget(self.find_button)
        pick.addWidget(self.choose_button)
        layout.addLayout(pick)
        self.apply_button = QPushButton(self.tr("Kiểm tra và cập nhật"), self)
        self.apply_button.setObjectName("applyUpdate")
        self.apply_button.clicked.connect(self.apply_update)
        layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setObjectName("updateResult")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        self._sync_buttons()

    # -- choosing the stick ----------------------------------------------------------

    def find_sticks(self, *, quiet: bool = False) -> None:
        """Look for plugged-in sticks carrying an update (in the background)."""
        if self.busy:
            return
        self._set_busy(True)
        StoreOp(self.ctx, lambda _s: api.find_update_sticks(), parent=self).success(
            lambda sticks: self._show_sticks(sticks, quiet=quiet)
        ).finally_(lambda: self._set_busy(False)).run_in_background()

    def _show_sticks(self, sticks: list[Path], *, quiet: bool) -> None:
        chosen = self.stick()
        self.stick_combo.clear()
        for stick in sticks:
            self.stick_combo.addItem(str(stick), str(stick))
        if chosen is not None and self.stick_combo.findData(str(chosen)) < 0:
            self.stick_combo.addItem(str(chosen), str(chosen))  # a folder chosen by hand
        if sticks:
            self.stick_combo.setCurrentIndex(0)
            self._show(self.tr("Đã thấy USB cập nhật. Bấm “Kiểm tra và cập nhật”."), "hint")
        elif not quiet:
            self._show(
                self.tr(
                    "Không thấy USB cập nhật nào. Hãy cắm USB rồi bấm “Tìm USB”, hoặc bấm “Chọn thư mục…”."
                ),
                "hint",
            )
        self._sync_buttons()

    def ask_folder(self) -> str:
        """Ask for the stick's folder (a separate method so tests can answer it)."""
        return QFileDialog.getExistingDirectory(self, self.tr("Chọn USB hoặc thư mục cập nhật"))

    def choose_folder(self) -> None:
        """Let the clerk (or IT staff) point at the stick or its update folder."""
        folder = self.ask_folder()
        if folder:
            self.set_stick(Path(folder))

    def set_stick(self, stick: Path) -> None:
        """Offer ``stick`` and select it."""
        index = self.stick_combo.findData(str(stick))
        if index < 0:
            self.stick_combo.addItem(str(stick), str(stick))
            index = self.stick_combo.count() - 1
        self.stick_combo.setCurrentIndex(index)
        self.result_label.clear()
        self._sync_buttons()

    def stick(self) -> Path | None:
        """The stick chosen, if any."""
        data = self.stick_combo.currentData()
        return Path(data) if data else None

    # -- verify and apply ------------------------------------------------------------

    def apply_update(self) -> None:
        """Verify the chosen stick and apply it, on the store thread."""
        stick = self.stick()
        if stick is None or self.busy:
            return
        ctx = self.ctx
        start_installer = sys.platform == "win32"  # elsewhere: verify and stage only
        self._set_busy(True)
        self._show(self.tr("Đang kiểm tra bản cập nhật trên USB…"), "hint")
        StoreOp(
            ctx,
            # ``ctx.app_context`` is read on the store thread, where the opening set it.
            lambda _s: api.update_from_stick(ctx.app_context, stick, start_installer=start_installer),
            parent=self,
        ).success(self._show_update).failure(self._failed).finally_(
            lambda: self._set_busy(False)
        ).run_in_background()

    def _failed(self, error: BaseException) -> None:
        self.result_label.clear()
        self.ctx.errors.report(error, parent=self)

    def _show_update(self, update: Any) -> None:
        result = update.result
        lines = [result_message(result)]
        started = [i for i in result.items if i.action == "installer-started"]
        for item in result.items:
            if item.kind == "reference-data" and item.action == "applied":
                lines.append(self.tr("Đã thay: {parts}.").format(parts=self._reference_parts(item.version)))
        if started:
            lines.append(
                self.tr(
                    "Đang cài đặt phiên bản {version}. Phần mềm sẽ tự đóng lại "
                    "để cài đặt; hãy mở lại sau khi cài xong."
                ).format(version=started[0].version)
            )
        self._show("\n".join(lines), "ok" if result.ok else "error")
        emit(self.finished, result)
        if update.changes is not None:
            emit(self.ctx.events.settings_changed)  # the intake page reloads the procedures
            emit(self.applied)
        if started:
            self._close_for_installer()

    def _reference_parts(self, label: str) -> str:
        """``procedures-7+holidays-3`` in words: what was replaced, and its version."""
        names = {"procedures": self.tr("danh mục thủ tục"), "holidays": self.tr("ngày nghỉ, ngày làm bù")}
        parts = []
        for part in label.split("+"):
            name, _, version = part.rpartition("-")
            parts.append(
                self.tr("{name} (bản {version})").format(name=names.get(name, name), version=version)
            )
        return "; ".join(parts)

    def _close_for_installer(self) -> None:
        """Tell the clerk, then close the window so msiexec can replace the files."""
        emit(self.installer_started)
        if self.ctx.errors.show_dialogs:
            QMessageBox.information(
                self,
                self.tr("Cập nhật phần mềm"),
                self.tr("Phần mềm sẽ đóng lại để cài đặt phiên bản mới. Hãy mở lại sau khi cài đặt xong."),
            )
        window = self.window()
        QTimer.singleShot(0, window.close)

    # -- helpers ---------------------------------------------------------------------

    def _show(self, text: str, role: str) -> None:
        self.result_label.setText(text)
        _set_role(self.result_label, role)
        if role == "error":
            self.result_label.setStyleSheet("font-weight: bold;")
        else:
            self.result_label.setStyleSheet("")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.find_button.setEnabled(not self.busy)
        self.choose_button.setEnabled(not self.busy)
        self.apply_button.setEnabled(not self.busy and self.stick() is not None)
