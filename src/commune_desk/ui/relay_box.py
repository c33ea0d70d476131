"""The "Mất mạng nhiều ngày" group of the settings page: office relay and USB carry.

- "Máy này làm máy chủ nội bộ": this PC runs the office relay (started in
  its own process; a leader registers it once) and its counter syncs with it;
- the relay's address, or finding it on the LAN;
- carry: write this PC's pending work to a stick, read the city's reply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from commune_desk.messages import message_for
from commune_desk.ui.context import UiContext
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit


def _load(services: Any) -> Any:
    from commune_desk.sync.relay_link import relay_settings

    with services.store.read() as session:
        return relay_settings(session)


def _save(services: Any, url: str, discovery: bool, host: bool) -> str | None:
    """Save the relay settings; start this PC's relay when it is the host. Returns its state."""
    from commune_desk.sync.relay_link import (
        LOCAL_RELAY_PORT,
        RelaySettings,
        save_relay_settings,
        start_local_relay,
    )

    if host:
        url = f"http://127.0.0.1:{LOCAL_RELAY_PORT}"
    save_relay_settings(services.store, RelaySettings(url=url or None, discovery=discovery, host=host))
    if not host:
        return None
    server = services.get_settings().server_url
    if not server:
        return "no_server"
    return start_local_relay(services.store.path.parent, server)


def _export(services: Any, folder: str) -> Any:
    from commune_desk.sync.carry import export_bundle

    return export_bundle(services.store, services.blobs, Path(folder))


def _import(services: Any, file: str) -> Any:
    from commune_desk.sync.carry import import_reply

    return import_reply(services.store, services.blobs, Path(file).read_bytes())


class OfficeRelayBox(QGroupBox):
    """Office relay settings and USB carry.

    Signals:
        imported(): a reply bundle changed the store (views refresh).
    """

    imported = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Khi mất mạng nhiều ngày"), parent)
        self.ctx = ctx
        form = QFormLayout(self)
        form.setVerticalSpacing(4)  # three rows that fit under the left column at 1366×768
        form.setContentsMargins(9, 4, 9, 4)
        self.host_check = QCheckBox(self.tr("Máy này làm máy chủ nội bộ"), self)
        self.host_check.setObjectName("relayHost")
        self.url_edit: QLineEdit = QLineEdit(self)
        self.url_edit.setObjectName("relayUrl")
        self.url_edit.setPlaceholderText(self.tr("http://192.168.1.10:8765 (máy chủ nội bộ của xã)"))
        self.host_check.toggled.connect(lambda on: self.url_edit.setEnabled(not on))
        self.discover_check = QCheckBox(self.tr("Tự tìm máy chủ nội bộ trong mạng LAN"), self)
        self.save_button = QPushButton(self.tr("Lưu"), self)
        self.save_button.clicked.connect(self.save)
        checks = QHBoxLayout()
        checks.addWidget(self.host_check)
        checks.addWidget(self.discover_check, 1)
        form.addRow(checks)
        address = QHBoxLayout()
        address.addWidget(self.url_edit, 1)
        address.addWidget(self.save_button)
        form.addRow(QLabel(self.tr("Máy chủ nội bộ"), self), address)
        carry = QHBoxLayout()
        self.export_button = QPushButton(self.tr("Chép dữ liệu chờ gửi ra USB…"), self)
        self.export_button.setObjectName("carryExport")
        self.export_button.setToolTip(
            self.tr(
                "Mất mạng nhiều ngày: chép dữ liệu ra USB, nhập ở máy chủ thành phố, "
                "rồi nhập gói trả lời vào máy này."
            )
        )
        self.export_button.clicked.connect(self.export_to_stick)
        self.import_button = QPushButton(self.tr("Nhập gói trả lời từ USB…"), self)
        self.import_button.setObjectName("carryImport")
        self.import_button.clicked.connect(self.import_from_stick)
        carry.addWidget(self.export_button)
        carry.addWidget(self.import_button)
        form.addRow(carry)
        self.result_label = QLabel("", self)
        self.result_label.setObjectName("relayResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()  # shown with the outcome of an action
        form.addRow(self.result_label)
        self.load()

    def _say(self, text: str) -> None:
        self.result_label.setText(text)
        self.result_label.setVisible(bool(text))

    def load(self) -> None:
        """Show the stored relay settings (read on the store thread)."""
        StoreOp(self.ctx, _load, parent=self).success(self._show).run_in_background()

    def _show(self, settings: Any) -> None:
        self.host_check.setChecked(settings.host)
        self.url_edit.setText("" if settings.host else settings.url or "")
        self.discover_check.setChecked(settings.discovery)

    def save(self) -> None:
        """Save; when this PC is the relay, start it."""
        url = self.url_edit.text().strip()
        if url and not url.startswith(("http://", "https://")):
            self._say(self.tr("Địa chỉ máy chủ nội bộ phải bắt đầu bằng http:// hoặc https://"))
            return
        host, discovery = self.host_check.isChecked(), self.discover_check.isChecked()
        StoreOp(self.ctx, lambda s: _save(s, url, discovery, host), parent=self).success(
            self._saved
        ).run_in_background()

    def _saved(self, state: str | None) -> None:
        texts = {
            None: self.tr("Đã lưu."),
            "running": self.tr("Đã lưu. Máy chủ nội bộ đang chạy trên máy này."),
            "started": self.tr("Đã lưu. Đã khởi động máy chủ nội bộ trên máy này."),
            "not_registered": self.tr(
                "Đã lưu, nhưng máy chủ nội bộ chưa được đăng ký: trưởng bộ phận cần đăng ký "
                "một lần khi có mạng (xem hướng dẫn sử dụng)."
            ),
            "no_server": self.tr("Đã lưu, nhưng máy này chưa có địa chỉ máy chủ thành phố."),
        }
        self._say(texts.get(state, texts[None]))

    def ask_folder(self) -> str:
        """The stick's folder (a method so tests can answer it)."""
        return QFileDialog.getExistingDirectory(self, self.tr("Chọn USB để chép dữ liệu"))

    def ask_file(self) -> str:
        """The reply bundle (a method so tests can answer it)."""
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Chọn gói trả lời"), "", self.tr("Gói dữ liệu (*.cdcarry)")
        )
        return name

    def export_to_stick(self) -> None:
        """Write this PC's pending work to the chosen folder."""
        folder = self.ask_folder()
        if not folder:
            return
        StoreOp(self.ctx, lambda s: _export(s, folder), parent=self).success(self._exported).failure(
            self._refused
        ).run_in_background()

    def _exported(self, report: Any) -> None:
        self._say(
            self.tr(
                "Đã chép {ops} thao tác và {files} tệp vào {path}. Mang USB lên máy chủ thành phố."
            ).format(ops=report.operations, files=report.attachments, path=report.path)
        )

    def import_from_stick(self) -> None:
        """Apply the city's reply bundle."""
        file = self.ask_file()
        if not file:
            return
        StoreOp(self.ctx, lambda s: _import(s, file), parent=self).success(self._imported).failure(
            self._refused
        ).run_in_background()

    def _imported(self, report: Any) -> None:
        if report.already:
            self._say(self.tr("Gói trả lời này đã được nhập trước đây; không có gì thay đổi."))
            return
        self._say(
            self.tr(
                "Đã nhận kết quả của {settled} thao tác và {changes} thay đổi; còn {left} thao tác chờ gửi."
            ).format(settled=report.settled, changes=report.changes, left=report.still_open)
        )
        emit(self.ctx.events.store_changed, None)
        emit(self.imported)

    def _refused(self, error: BaseException) -> None:
        if type(error).__name__ == "BundleError":
            self._say(message_for(error))
        elif isinstance(error, OSError):
            self._say(self.tr("Không đọc hoặc ghi được USB: {e}").format(e=error.strerror or error))
        else:
            self.ctx.errors.report(error, parent=self)
