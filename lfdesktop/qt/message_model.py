"""The Inbox and Sent tables: a model over a list of messages and a proxy that filters them as the user types.

Sorting happens in the source model with Python's sort on precomputed keys (10,000 rows in milliseconds);
the proxy only filters, on a lower-case text precomputed per message (sender, recipients, subject, message
text, file names), so typing never reaches back into the messages. Rows are keyed by message id: a refresh
adds what is new and updates what changed, and the selection follows its messages through sorts.
"""

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from lfdesktop.api.models import Message

from .downloadlog import local_time
from .formatting import human_size
from .tablemodel import AnyIndex

MessageRole = Qt.ItemDataRole.UserRole + 1  # the row's Message
ExpiryRole = Qt.ItemDataRole.UserRole + 2  # "expired", "soon" or ""
SOON_DAYS = 3  # a message expiring within this many days is highlighted


class Column(IntEnum):
    PEOPLE = 0  # the sender in the Inbox, the recipients in Sent
    SUBJECT = 1
    DATE = 2
    EXPIRES = 3
    SIZE = 4
    FILES = 5
    PERMISSION = 6


def expiry_state(message: Message, today: date) -> str:
    if message.expires_at is None:
        return ""
    if message.expires_at < today:
        return "expired"
    return "soon" if message.expires_at <= today + timedelta(days=SOON_DAYS) else ""


def recipients_text(message: Message) -> str:
    return ", ".join((*message.recipients, *message.ccs))


def permission_text(message: Message) -> str:
    return message.authorization_description or f"Permission level {message.authorization}"


_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class _Row:
    """A message and what the table needs of it, computed once when it arrives."""

    message: Message
    people: str
    haystack: str  # lower case: what the search box looks in
    keys: tuple[Any, ...]  # one sort key per column
    texts: tuple[str, ...] | None = None  # what the columns show, once painted

    @classmethod
    def of(cls, message: Message, sent: bool) -> "_Row":
        people = recipients_text(message) if sent else message.sender
        names = " ".join(file.filename for file in message.attachments)
        haystack = "\n".join((message.sender, recipients_text(message), message.subject, message.message or "",
                              names)).lower()
        keys = (people.lower(), message.subject.lower(), message.created_at or _EPOCH,
                message.expires_at or date.max, message.size, len(message.attachments), message.authorization)
        return cls(message, people, haystack, keys)


def _texts(row: "_Row") -> tuple[str, ...]:
    """What each column shows, made the first time the row is painted (not for all rows on arrival)."""
    message = row.message
    return (
        row.people, message.subject or "(no subject)", local_time(message.created_at),
        message.expires_at.isoformat() if message.expires_at else "Never", human_size(message.size),
        str(len(message.attachments)), permission_text(message),
    )


_DISPLAY, _TOOLTIP = Qt.ItemDataRole.DisplayRole.value, Qt.ItemDataRole.ToolTipRole.value
_FONT, _FOREGROUND = Qt.ItemDataRole.FontRole.value, Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_ACCESSIBLE_DESCRIPTION = Qt.ItemDataRole.AccessibleDescriptionRole.value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_PEOPLE, _EXPIRES, _SIZE, _FILES = Column.PEOPLE.value, Column.EXPIRES.value, Column.SIZE.value, Column.FILES.value
COLUMN_COUNT = len(Column)


class MessageTableModel(QAbstractTableModel):
    """One row per message. ``sent`` shows recipients instead of the sender; in the Inbox a message the user has
    not opened (``is_opened``) is bold."""

    def __init__(
        self, *, sent: bool = False, is_opened: Callable[[str], bool] | None = None,
        today: Callable[[], date] = date.today, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sent = sent
        self._is_opened = is_opened or (lambda _id: True)
        self._today = today
        self._rows: list[_Row] = []
        self._row_of: dict[str, int] = {}
        self._sorted_by: tuple[int, Qt.SortOrder] = (Column.DATE, Qt.SortOrder.DescendingOrder)
        self._colors: dict[str, QColor] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_expiry_colors(self, soon: QColor, expired: QColor) -> None:
        """The widgets' palette colours for messages about to expire and expired ones."""
        self._colors = {"soon": soon, "expired": expired}
        self._announce_all([Qt.ItemDataRole.ForegroundRole])

    # ---- contents ----

    def set_messages(self, messages: Iterable[Message]) -> None:
        """Show exactly these messages (a new account or period)."""
        self.beginResetModel()
        self._rows = [_Row.of(message, self.sent) for message in messages]
        self._rows.sort(key=self._key(), reverse=self._reversed())
        self._reindex()
        self.endResetModel()

    def merge(self, messages: Iterable[Message]) -> list[Message]:
        """Add the messages not shown yet (in sorted place) and update those that changed; the new ones."""
        new: list[_Row] = []
        for message in messages:
            row = self._row_of.get(message.id)
            if row is None:
                new.append(_Row.of(message, self.sent))
            elif self._rows[row].message != message:
                self._rows[row] = _Row.of(message, self.sent)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        if new:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(new) - 1)
            self._rows.extend(new)
            self._reindex()
            self.endInsertRows()
            self.sort(*self._sorted_by)
        return [row.message for row in new]

    def replace(self, message: Message) -> None:
        """A message read again (its files deleted, fresh URLs)."""
        self.merge([message])

    def opened_changed(self, message_id: str) -> None:
        row = self._row_of.get(message_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1), [Qt.ItemDataRole.FontRole])

    def messages(self) -> list[Message]:
        return [row.message for row in self._rows]

    def message(self, message_id: str) -> Message | None:
        row = self._row_of.get(message_id)
        return self._rows[row].message if row is not None else None

    def row_of(self, message_id: str) -> int | None:
        return self._row_of.get(message_id)

    def unread_count(self) -> int:
        return sum(1 for row in self._rows if not self._is_opened(row.message.id)) if not self.sent else 0

    def newest(self) -> datetime | None:
        return max((row.message.created_at for row in self._rows if row.message.created_at), default=None)

    def latest(self, count: int) -> list[Message]:
        """The ``count`` newest messages, newest first."""
        dated = [(row.message.created_at, row.message) for row in self._rows if row.message.created_at]
        return [message for _, message in heapq.nlargest(count, dated, key=lambda pair: pair[0])]

    def haystack(self, row: int) -> str:
        return self._rows[row].haystack

    # ---- QAbstractTableModel ----

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # One Python call instead of Qt's index() calling rowCount() and columnCount() back: the proxy asks for
        # an index for every cell it paints.
        if 0 <= row < len(self._rows) and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(
                Column):
            return self._titles()[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every visible cell and role on every paint: plain ints and cached texts, no enums made here.
        number = index.row()
        if not index.isValid() or not 0 <= number < len(self._rows):
            return None
        row = self._rows[number]
        column = index.column()
        if role in (_DISPLAY, _TOOLTIP):
            texts = row.texts
            if texts is None:
                texts = row.texts = _texts(row)
            return texts[column]
        if role == _FONT:
            return None if self.sent or self._is_opened(row.message.id) else self._bold
        if role == _FOREGROUND:
            return self._colors.get(expiry_state(row.message, self._today())) if column == _EXPIRES else None
        if role == _ALIGNMENT:
            return _RIGHT if column in (_SIZE, _FILES) else None
        if role == MessageRole:
            return row.message
        if role == ExpiryRole:
            return expiry_state(row.message, self._today())
        if role == _ACCESSIBLE_DESCRIPTION and column == _PEOPLE:
            return "" if self.sent or self._is_opened(row.message.id) else "new"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()  # the selection and the current row follow their messages
        held = [(index, self._rows[index.row()].message.id) for index in kept]
        self._sorted_by = (column, order)
        self._rows.sort(key=self._key(), reverse=self._reversed())
        self._reindex()
        for index, message_id in held:
            self.changePersistentIndex(index, self.index(self._row_of[message_id], index.column()))
        self.layoutChanged.emit()

    # ---- inside ----

    def _titles(self) -> Sequence[str]:
        people, moment = ("To", "Sent") if self.sent else ("From", "Received")
        return (people, "Subject", moment, "Expires", "Size", "Files", "Permission")

    def _key(self) -> Callable[[_Row], Any]:
        column = self._sorted_by[0]
        return lambda row: row.keys[column]

    def _reversed(self) -> bool:
        return self._sorted_by[1] is Qt.SortOrder.DescendingOrder

    def _reindex(self) -> None:
        self._row_of = {row.message.id: number for number, row in enumerate(self._rows)}

    def _announce_all(self, roles: list[int]) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1), roles)


class MessageFilterProxy(QSortFilterProxyModel):
    """Filters by the search box (every word must appear); sorting is passed on to the source model."""

    def __init__(self, source: MessageTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._source = source
        self._words: tuple[str, ...] = ()

    def set_search(self, text: str) -> None:
        words = tuple(text.lower().split())
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        haystack = self._source.haystack(source_row)
        return all(word in haystack for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)
