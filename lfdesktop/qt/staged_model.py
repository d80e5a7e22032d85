"""A table model over the files staged in a pane: name, size, the file's own compact status (a progress
fraction while it uploads, then "Verified" or why not), its FileLink, and the actions its row offers."""

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QIcon

from lfdesktop.transfer.events import ChecksumState, TransferState

from . import formatting
from .staged import StagedUpload, StagedUploads
from .tablemodel import AnyIndex, ColumnsTableModel

IconProvider = Callable[[str], QIcon]

ItemRole = Qt.ItemDataRole.UserRole + 1  # the row's StagedUpload
ProgressRole = Qt.ItemDataRole.UserRole + 2  # 0..1 while the file uploads, else None
ActionsRole = Qt.ItemDataRole.UserRole + 3  # the row's actions (list[RowAction]), for the Actions column

_MOVING = (TransferState.QUEUED, TransferState.RUNNING, TransferState.PAUSED, TransferState.VERIFYING)


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    STATUS = 2
    LINK = 3  # the FileLink pane only
    ACTIONS = 4

    @property
    def title(self) -> str:
        return "" if self is Column.ACTIONS else self.name.capitalize()


class RowAction(IntEnum):
    COPY = 0
    OPEN = 1
    REMOVE = 2

    @property
    def label(self) -> str:
        return {RowAction.COPY: "Copy link", RowAction.OPEN: "Open link", RowAction.REMOVE: "Remove"}[self]

    @property
    def icon_name(self) -> str:
        return {RowAction.COPY: "copy", RowAction.OPEN: "open-external", RowAction.REMOVE: "remove"}[self]


def row_actions(item: StagedUpload) -> list[RowAction]:
    return [RowAction.COPY, RowAction.OPEN, RowAction.REMOVE] if item.link else [RowAction.REMOVE]


def status_text(item: StagedUpload, *, link: bool = False) -> str:
    """"Uploading 45%", "Verified", "Link ready", "Failed: ..."; ``link`` in the FileLink pane."""
    if item.reused:
        return "Already on the server"
    snapshot = item.snapshot
    state = item.state
    if snapshot is None or state is TransferState.QUEUED:
        return "Waiting"
    if state is TransferState.RUNNING:
        return f"Uploading {formatting.percent_text(snapshot)}"
    if state is TransferState.FAILED:
        return f"Failed: {snapshot.error}" if snapshot.error else "Failed"
    if state is not TransferState.DONE:
        return state.value.capitalize()  # paused, verifying, cancelled
    if link:
        if item.link is not None:
            return "Link ready"
        return f"No link: {item.link_error}" if item.link_error else "Making the link"
    return "Verified" if snapshot.checksum is ChecksumState.VERIFIED else "Uploaded (size checked)"


def status_icon(item: StagedUpload, *, link: bool = False) -> str | None:
    if item.state is TransferState.FAILED or item.link_error:
        return "error"
    if item.state is TransferState.DONE and (item.link is not None or not link):
        return "check"
    return None


class StagedFilesModel(ColumnsTableModel):
    """Follows a ``StagedUploads``: rebuilt when files are added or removed, rows updated as uploads move on."""

    def __init__(
        self, staged: StagedUploads, *, icons: IconProvider | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(Column, parent)
        self.staged = staged
        self._icons = icons
        staged.changed.connect(self._reset)
        staged.progressed.connect(self.rows_changed)

    def set_icons(self, icons: IconProvider | None) -> None:
        """Icons by name (the widgets own them), shown beside a row's status."""
        self._icons = icons
        self.rows_changed(list(range(self.rowCount())))

    def item(self, row: int) -> StagedUpload | None:
        items = self.staged.items
        return items[row] if 0 <= row < len(items) else None

    def rows_changed(self, rows: list[int]) -> None:
        for row in rows:
            if 0 <= row < self.rowCount():
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def row_of(self, transfer_id: int) -> int | None:
        return next((row for row, item in enumerate(self.staged.items) if item.transfer_id == transfer_id), None)

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    # ---- Qt ----

    def row_count(self) -> int:
        return len(self.staged.items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() and not index.parent().isValid() else None
        if item is None:
            return None
        column = Column(index.column())
        link = self.staged.link
        if role == ItemRole:
            return item
        if role == ProgressRole:
            moving = column is Column.STATUS and item.snapshot is not None and item.state in _MOVING
            return formatting.fraction(item.snapshot) if moving and item.snapshot is not None else None
        if role == ActionsRole:
            return row_actions(item) if column is Column.ACTIONS else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(item, column, link)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(item.file.path) if column is Column.NAME else _text(item, column, link) or None
        if role == Qt.ItemDataRole.DecorationRole and column is Column.STATUS and self._icons is not None:
            name = status_icon(item, link=link)
            return self._icons(name) if name else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _text(item: StagedUpload, column: Column, link: bool) -> str:
    match column:
        case Column.NAME:
            return item.file.name
        case Column.SIZE:
            return formatting.human_size(item.file.size)
        case Column.STATUS:
            return status_text(item, link=link)
        case Column.LINK:
            return item.link.url if item.link else ""
        case Column.ACTIONS:
            return ", ".join(action.label for action in row_actions(item))
