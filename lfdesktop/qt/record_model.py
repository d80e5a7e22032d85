"""A read-only table over records (each with an id) that a controller keeps: one row per record, the columns from
an ``IntEnum`` whose members have a ``title``. Subclasses say where the records are and what a cell shows."""

from collections.abc import Sequence
from enum import IntEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex


class Record(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Record)


class Titled(Protocol):
    @property
    def title(self) -> str: ...


class RecordTableModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: type[IntEnum], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = columns

    def records(self) -> Sequence[T]:
        raise NotImplementedError

    def item(self, row: int) -> T | None:
        records = self.records()
        return records[row] if 0 <= row < len(records) else None

    def row_of(self, record_id: str) -> int | None:
        return next((row for row, item in enumerate(self.records()) if item.id == record_id), None)

    def reset(self) -> None:
        """The list was replaced: every row may have changed."""
        self.beginResetModel()
        self.endResetModel()

    def rows_changed(self, rows: list[int]) -> None:
        for row in rows:
            if 0 <= row < self.rowCount():
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def item_at(self, index: AnyIndex) -> T | None:
        return self.item(index.row()) if index.isValid() and not index.parent().isValid() else None

    # ---- QAbstractTableModel ----

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self.records())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation is Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            column: Titled = self._columns(section)  # type: ignore[assignment]
            return column.title
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
