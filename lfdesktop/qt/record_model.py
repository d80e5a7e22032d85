"""A read-only table over records (each with an id) that a controller keeps: one row per record, the columns from
an ``IntEnum`` whose members have a ``title``. Subclasses say where the records are and what a cell shows."""

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from .tablemodel import AnyIndex, ColumnsTableModel


class Record(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Record)


class RecordTableModel(ColumnsTableModel, Generic[T]):

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

    # ---- Qt ----

    def row_count(self) -> int:
        return len(self.records())
