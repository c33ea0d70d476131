"""The intake page's "3. Giấy tờ đã nhận": what the citizen handed in, and the time limit.

One row per paper the procedure requires: a tick (received or not), the form
it came in (bản chính / bản sao chứng thực / bản chụp) and how many. The form
and count are plain table items edited through delegates, never widgets
parked in cells: a cleared table holds nothing, so nothing of one citizen can
show up in the next citizen's form. Below the table, the statutory extensions
of the procedure (with their legal basis) can be applied from the start.

Keys: Space ticks, F2 (or typing) edits the form or count, Tab leaves the table.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commune_desk.domain.intake import MAX_PAPER_COUNT, PaperForm
from commune_desk.ui.labels import paper_form_name
from commune_desk.ui.qt_compat import emit
from commune_desk.ui.widgets import hint_label

NAME, FORM, COUNT = 0, 1, 2
#: Where a row keeps its paper form key.
FORM_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex


class PaperFormDelegate(QStyledItemDelegate):
    """Edits the form column with a drop-down that exists only while editing.

    Signals: the standard QStyledItemDelegate ones.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for form in PaperForm:
            combo.addItem(paper_form_name(form.value), form.value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(FORM_ROLE))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        key = str(editor.currentData())
        model.setData(index, key, FORM_ROLE)
        model.setData(index, paper_form_name(key), Qt.ItemDataRole.DisplayRole)


class PaperCountDelegate(QStyledItemDelegate):
    """Edits the count column with a 1..99 spin box that exists only while editing.

    Signals: the standard QStyledItemDelegate ones.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        spin = QSpinBox(parent)
        spin.setRange(1, MAX_PAPER_COUNT)
        return spin

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QSpinBox)
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 1))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QSpinBox)
        editor.interpretText()
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class ReceivedPapersBox(QGroupBox):
    """The checklist of received papers and the procedure's statutory extensions.

    Signals:
        extension_changed(str): the code of the extension now chosen ("" for none).
    """

    extension_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("3. Giấy tờ đã nhận"), parent)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("papersTable")
        self.table.setHorizontalHeaderLabels([self.tr("Giấy tờ"), self.tr("Hình thức"), self.tr("Số bản")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FORM, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons, arrows move in the table
        self._form_delegate = PaperFormDelegate(self.table)
        self._count_delegate = PaperCountDelegate(self.table)
        self.table.setItemDelegateForColumn(FORM, self._form_delegate)
        self.table.setItemDelegateForColumn(COUNT, self._count_delegate)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            hint_label(self.tr("Dấu tích = đã nhận (phím cách). F2 để đổi hình thức hoặc số bản."), self)
        )
        self.extension_label = QLabel(self.tr("Thời hạn giải quyết:"), self)
        self.extension_combo = QComboBox(self)
        self.extension_combo.setObjectName("extensionCombo")
        self.extension_label.setBuddy(self.extension_combo)
        self.extension_combo.currentIndexChanged.connect(
            lambda _i: emit(self.extension_changed, self.extension())
        )
        layout.addWidget(self.extension_label)
        layout.addWidget(self.extension_combo)
        self.set_procedure(None)

    # -- filling ----------------------------------------------------------------------

    def set_procedure(self, procedure: Any) -> None:
        """Show ``procedure``'s papers, all ticked as originals, one copy each (None: empty)."""
        self.table.setRowCount(0)  # items only: nothing of the last citizen survives this
        papers = list(getattr(procedure, "required_papers", ()) or ())
        self.table.setRowCount(len(papers))
        for row, paper in enumerate(papers):
            name, form = _paper_default(paper)
            item = QTableWidgetItem(name)
            item.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, NAME, item)
            form_item = QTableWidgetItem(paper_form_name(form))
            form_item.setData(FORM_ROLE, form)
            self.table.setItem(row, FORM, form_item)
            count_item = QTableWidgetItem()
            count_item.setData(Qt.ItemDataRole.EditRole, 1)
            self.table.setItem(row, COUNT, count_item)
        self._fill_extensions(getattr(procedure, "extensions", ()) or ())

    def _fill_extensions(self, extensions: Any) -> None:
        self.extension_combo.blockSignals(True)
        self.extension_combo.clear()
        self.extension_combo.addItem(self.tr("Theo thời hạn của thủ tục"), "")
        for ext in extensions:
            self.extension_combo.addItem(
                self.tr("{name} — {basis}").format(name=ext.name, basis=ext.legal_basis), ext.code
            )
        self.extension_combo.setCurrentIndex(0)
        self.extension_combo.blockSignals(False)
        shown = bool(extensions)
        self.extension_label.setVisible(shown)
        self.extension_combo.setVisible(shown)

    # -- reading ----------------------------------------------------------------------

    def rows(self) -> list[tuple[str, str, int, bool]]:
        """(paper, form key, count, received?) for each row."""
        result = []
        for row in range(self.table.rowCount()):
            name, form, count = (self.table.item(row, c) for c in (NAME, FORM, COUNT))
            assert name is not None and form is not None and count is not None
            result.append(
                (
                    name.text(),
                    str(form.data(FORM_ROLE)),
                    int(count.data(Qt.ItemDataRole.EditRole) or 1),
                    name.checkState() == Qt.CheckState.Checked,
                )
            )
        return result

    def received(self) -> list[tuple[str, str, int]]:
        """The ticked papers: (paper, form key, count) — exactly what form 01 prints."""
        return [(name, form, count) for name, form, count, ticked in self.rows() if ticked]

    def extension(self) -> str:
        """Code of the statutory extension chosen ("" for the procedure's own time limit)."""
        return str(self.extension_combo.currentData() or "")


def _paper_default(paper: Any) -> tuple[str, str]:
    """(name, default form) of a required paper (a name, or ``{"name", "form"}``)."""
    if isinstance(paper, dict):
        return str(paper.get("name", "")), str(paper.get("form", PaperForm.ORIGINAL.value))
    return str(paper), PaperForm.ORIGINAL.value
