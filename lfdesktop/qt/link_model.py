"""The link manager's table: one row per FileLink, with its expiry state, its two switches (sign-in required,
download receipt) as check boxes, and how often it was downloaded.

Ticking a switch does not change the row here: the model asks (``toggle_requested``) and the controller
decides, changing the row at once and back again if the server refuses (``links.LinksController``)."""

from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from lfdesktop.api.models import FileLink

from . import formatting
from .downloadlog import local_time, safe_tooltip
from .tablemodel import AnyIndex, ColumnsTableModel

LinkRole = Qt.ItemDataRole.UserRole + 1  # the row's FileLink
SortRole = Qt.ItemDataRole.UserRole + 2  # the cell's raw value
SOON_DAYS = 3  # a link expiring within this many days is flagged


class Column(IntEnum):
    FILE = 0
    SIZE = 1
    CREATED = 2
    EXPIRES = 3
    AUTHENTICATION = 4
    RECEIPT = 5
    DOWNLOADS = 6

    @property
    def title(self) -> str:
        return {Column.AUTHENTICATION: "Sign-in required", Column.RECEIPT: "Download receipt"}.get(
            self, self.name.capitalize())


class Expiry(Enum):
    FINE = "fine"
    SOON = "soon"
    EXPIRED = "expired"


def expiry_state(link: FileLink, today: date | None = None) -> Expiry:
    today = today or date.today()
    if link.expires_at is None:
        return Expiry.FINE
    if link.expires_at < today:
        return Expiry.EXPIRED
    return Expiry.SOON if link.expires_at <= today + timedelta(days=SOON_DAYS) else Expiry.FINE


def expiry_text(link: FileLink, today: date | None = None) -> str:
    if link.expires_at is None:
        return "Never"
    state = expiry_state(link, today)
    shown = link.expires_at.isoformat()
    return {Expiry.EXPIRED: f"{shown} (expired)", Expiry.SOON: f"{shown} (soon)"}.get(state, shown)


_SWITCHES = {Column.AUTHENTICATION: "require_authentication", Column.RECEIPT: "send_download_confirmation"}


class LinkTableModel(ColumnsTableModel):
    toggle_requested = Signal(str, str, bool)  # link id, FileLink field, wanted value

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(Column, parent)
        self._links: list[FileLink] = []
        self._downloads: dict[str, int] = {}
        self._colors: dict[Expiry, QColor] = {}

    @property
    def links(self) -> Sequence[FileLink]:
        return self._links

    def set_colors(self, soon: QColor, expired: QColor) -> None:
        """The theme's warning and error colours, for expiry dates (the widgets own the theme)."""
        self._colors = {Expiry.SOON: soon, Expiry.EXPIRED: expired}
        self._changed_all()

    def set_links(self, links: Sequence[FileLink], downloads: dict[str, int]) -> None:
        self.beginResetModel()
        self._links = list(links)
        self._downloads = dict(downloads)
        self.endResetModel()

    def row_of(self, link_id: str) -> int | None:
        return next((row for row, link in enumerate(self._links) if link.id == link_id), None)

    def replace(self, link: FileLink) -> None:
        """The same link with new values (an update or its rollback)."""
        row = self.row_of(link.id)
        if row is not None:
            self._links[row] = link
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def remove(self, link_id: str) -> None:
        row = self.row_of(link_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._links[row]
            self.endRemoveRows()

    def insert(self, row: int, link: FileLink) -> None:
        row = max(0, min(row, len(self._links)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._links.insert(row, link)
        self.endInsertRows()

    # ---- Qt ----

    def row_count(self) -> int:
        return len(self._links)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in _SWITCHES:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        link = self._links[index.row()]
        column = Column(index.column())
        if role == LinkRole:
            return link
        if role == Qt.ItemDataRole.CheckStateRole and column in _SWITCHES:
            checked = getattr(link, _SWITCHES[column])
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.EXPIRES:
            return self._colors.get(expiry_state(link))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(link, column, role)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.FILE:
            return safe_tooltip(link.url)
        if role == SortRole:
            return self._sort_value(link, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.SIZE, Column.DOWNLOADS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or index.column() not in _SWITCHES:
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        self.toggle_requested.emit(self._links[index.row()].id, _SWITCHES[Column(index.column())], wanted)
        return True

    def _text(self, link: FileLink, column: Column, role: int) -> str | None:
        if column is Column.FILE:
            return link.filename
        if column is Column.SIZE:
            return formatting.human_size(link.size)
        if column is Column.CREATED:
            return local_time(link.created_at)
        if column is Column.EXPIRES:
            return expiry_text(link)
        if column is Column.DOWNLOADS:
            return str(self._downloads.get(link.id, 0))
        if role == Qt.ItemDataRole.AccessibleTextRole:  # a check box's state in words
            return "Yes" if getattr(link, _SWITCHES[column]) else "No"
        return None

    def _sort_value(self, link: FileLink, column: Column) -> Any:
        if column is Column.FILE:
            return link.filename.casefold()
        if column is Column.SIZE:
            return link.size
        if column is Column.CREATED:
            return link.created_at.timestamp() if link.created_at else 0.0
        if column is Column.EXPIRES:
            return link.expires_at.toordinal() if link.expires_at else 10**9
        if column is Column.DOWNLOADS:
            return self._downloads.get(link.id, 0)
        return int(getattr(link, _SWITCHES[column]))

    def _changed_all(self) -> None:
        if self._links:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._links) - 1, len(Column) - 1))
