"""A lazy table model of the dossier list: pages fetched in the background as the view scrolls.

Only the rows scrolled to are ever loaded (keyset paging over the services),
so the list stays smooth on a 200,000-dossier store. Each filter or search
change starts a new *generation*; late answers for an older one are dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from commune_desk.ui import api
from commune_desk.ui.context import UiContext
from commune_desk.ui.format import format_datetime
from commune_desk.ui.i18n import QT_TRANSLATE_NOOP
from commune_desk.ui.labels import status_name
from commune_desk.ui.ops import StoreOp
from commune_desk.ui.qt_compat import emit

if TYPE_CHECKING:
    from commune_desk.services.values import DossierQuery

PAGE_SIZE = 200

#: (key, title) of each column, in the order a clerk reads them: which dossier, who,
#: what, when due, where it stands; then what fits on wider screens.
COLUMN_DEFS = (
    ("code", QT_TRANSLATE_NOOP("DossierModel", "Mã hồ sơ")),
    ("applicant", QT_TRANSLATE_NOOP("DossierModel", "Người nộp")),
    ("procedure", QT_TRANSLATE_NOOP("DossierModel", "Thủ tục")),
    ("appointment", QT_TRANSLATE_NOOP("DossierModel", "Hẹn trả")),
    ("status", QT_TRANSLATE_NOOP("DossierModel", "Trạng thái")),
    ("received", QT_TRANSLATE_NOOP("DossierModel", "Tiếp nhận")),
    ("id_number", QT_TRANSLATE_NOOP("DossierModel", "Số CCCD")),
    ("clerk", QT_TRANSLATE_NOOP("DossierModel", "Cán bộ")),
)
COLUMN_KEYS = tuple(key for key, _title in COLUMN_DEFS)
COLUMNS = tuple(title for _key, title in COLUMN_DEFS)
#: Columns shown until the clerk chooses: the full code and due time fit at 1366 px.
DEFAULT_COLUMNS = ("code", "applicant", "procedure", "appointment", "status")

_OVERDUE_BG = QBrush(QColor("#fde0e0"))
_OVERDUE_FG = QBrush(QColor("#8b0000"))

Index = QModelIndex | QPersistentModelIndex


class DossierTableModel(QAbstractTableModel):
    """Rows of ``DossierSummary`` loaded page by page.

    Signals:
        loading_changed(bool): a page request started (True) or finished (False).
        count_known(object): total matching rows (int; ``api.COUNT_CAP + 1`` means more).
        page_loaded(int): rows now loaded, after each page arrives.
    """

    loading_changed = Signal(bool)
    count_known = Signal(object)
    page_loaded = Signal(int)

    def __init__(self, ctx: UiContext, parent: Any = None) -> None:
        super().__init__(parent)
        from commune_desk.services.values import DossierQuery

        self.ctx = ctx
        self.rows: list[Any] = []
        self.query = DossierQuery()
        self.text = ""
        self._cursor: Any = None
        self._has_more = True
        self._loading = False
        self._generation = 0

    # -- Qt model API -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("DossierModel", COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, plus red marking for overdue dossiers."""
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            return _OVERDUE_BG
        if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
            return _OVERDUE_FG
        if role == Qt.ItemDataRole.ToolTipRole and row.overdue:
            return QCoreApplication.translate("DossierModel", "Quá hạn trả kết quả")
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def _cell(self, row: Any, column: int) -> str:
        if column == 0:
            return row.code
        if column == 1:
            return row.applicant_name
        if column == 2:
            return row.procedure_name
        if column == 3:
            return format_datetime(row.appointment_at)
        if column == 4:
            mark = "⚠ " if row.overdue else ""
            return mark + status_name(row.status)
        if column == 5:
            return format_datetime(row.received_at)
        if column == 6:
            return row.applicant_id_number
        return row.received_by

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008,N802
        """True while more pages exist (the view then calls fetchMore as it scrolls)."""
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008,N802
        """Request the next page in the background."""
        if parent.isValid() or not self._has_more or self._loading:
            return
        self._request_page()

    # -- filtering and refresh ------------------------------------------------------

    def set_filter(self, query: DossierQuery, text: str) -> None:
        """Show the dossiers matching ``query`` and the search ``text`` (from the top)."""
        self.query = query
        self.text = text
        self.reload()

    def row_of(self, dossier_id: str) -> int:
        """The loaded row showing ``dossier_id``, or -1."""
        return next((n for n, row in enumerate(self.rows) if row.id == dossier_id), -1)

    def reload(self) -> None:
        """Drop loaded rows and fetch the first page again (views get ``modelReset``)."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self._cursor = None
        self._has_more = True
        self._loading = False
        self.endResetModel()
        self._request_page()
        self._request_count()

    def _request_page(self) -> None:
        generation = self._generation
        query, text, cursor = self.query, self.text, self._cursor
        self._set_loading(True)
        StoreOp(self.ctx, lambda s: api.list_dossiers(s, query, cursor, PAGE_SIZE, text)).success(
            lambda page: self._on_page(generation, page)
        ).failure(lambda error: self._on_failed(generation, error)).run_in_background()

    def _request_count(self) -> None:
        generation = self._generation
        query, text = self.query, self.text
        StoreOp(self.ctx, lambda s: api.count_dossiers(s, query, text)).success(
            lambda n: emit(self.count_known, n) if generation == self._generation else None
        ).failure(lambda _e: None).run_in_background()

    def _on_page(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        rows = list(page.rows)
        if rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self._cursor = page.next_cursor
        self._has_more = page.next_cursor is not None
        emit(self.page_loaded, len(self.rows))

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._set_loading(False)
            self._has_more = False
        self.ctx.errors.report(error)

    def _set_loading(self, loading: bool) -> None:
        if self._loading != loading:
            self._loading = loading
            emit(self.loading_changed, loading)

    def apply_changes(self, changes: Any) -> None:
        """Refresh after a write: update loaded rows in place, reload if new dossiers appeared.

        A sync round that brought records names no ids (``Changes.ANY``): that reloads too.
        """
        ids = set(changes.ids("dossier")) if hasattr(changes, "ids") else set()
        if not ids:
            return
        positions = {row.id: n for n, row in enumerate(self.rows)}
        unknown = [i for i in ids if i not in positions]
        if unknown:
            self.reload()
            return
        for dossier_id in ids:
            self._refresh_row(dossier_id)

    def _refresh_row(self, dossier_id: str) -> None:
        StoreOp(self.ctx, lambda s: api.get_dossier(s, dossier_id)).success(self._replace_row).failure(
            lambda _e: None
        ).run_in_background()

    def _replace_row(self, detail: Any) -> None:
        summary = detail.summary
        for n, row in enumerate(self.rows):
            if row.id == summary.id:
                self.rows[n] = summary
                emit(self.dataChanged, self.index(n, 0), self.index(n, len(COLUMNS) - 1))
                return

    @property
    def loading(self) -> bool:
        """Whether a page request is in flight."""
        return self._loading
