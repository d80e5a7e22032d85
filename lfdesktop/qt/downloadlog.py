"""The download log as a table model: one row per ``Download`` (seeds/000), one column per field of the seed.

The rows are a plain list the pane replaces whole (``set_rows``): filtering happens on that list before it gets
here (``logfilter``), so the table and the charts always show the same rows. Sorting is done by the model on a
key per column (a Python sort of 100,000 rows is a few tens of milliseconds, far quicker than a proxy model
comparing indexes one pair at a time). ``SortRole`` gives each cell's raw value (a number or a date as a
timestamp) for a proxy or a test that wants it.
"""

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from lfdesktop.api.models import Download

from . import formatting
from .tablemodel import AnyIndex

SortKey = str | int | float

SortRole = Qt.ItemDataRole.UserRole + 1  # the cell's raw value: text, a number, a timestamp
DownloadRole = Qt.ItemDataRole.UserRole + 2  # the row's Download


def safe_tooltip(text: str) -> str:
    """Tooltips guess rich text from a leading tag: server text (a file named "<b>x") is escaped inside one."""
    return f"<span style='white-space:pre-wrap'>{html.escape(text)}</span>" if text else ""


def local_time(moment: datetime | None) -> str:
    """"2026-11-22 12:56" in this computer's time zone; nothing when the server gave no time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.2f} s" if seconds < 60 else formatting.human_duration(seconds)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@dataclass(frozen=True)
class Field:
    """A column: its title, the setting key that remembers it (the seed's field name), what a cell shows and
    what it sorts by."""

    key: str
    title: str
    text: Callable[[Download], str]
    sort: Callable[[Download], SortKey]
    numeric: bool = False


def _plain(key: str, title: str) -> Field:
    def text(row: Download) -> str:
        return str(getattr(row, key) or "")
    return Field(key, title, text, lambda row: text(row).casefold())


FIELDS: tuple[Field, ...] = (
    Field("downloaded_at", "When", lambda r: local_time(r.downloaded_at), lambda r: _timestamp(r.downloaded_at)),
    _plain("filename", "File"),
    Field("size", "Size", lambda r: formatting.human_size(r.size), lambda r: r.size, numeric=True),
    _plain("recipient", "Recipient"),
    _plain("remote_ip", "IP"),
    _plain("remote_host", "Host"),
    _plain("location", "Location"),
    _plain("city", "City"),
    _plain("region_name", "Region"),
    _plain("region_code", "Region code"),
    _plain("country_name", "Country"),
    _plain("country_code", "Country code"),
    Field("latitude", "Latitude", lambda r: _number(r.latitude), lambda r: r.latitude or 0.0, numeric=True),
    Field("longitude", "Longitude", lambda r: _number(r.longitude), lambda r: r.longitude or 0.0, numeric=True),
    _plain("browser", "Browser"),
    _plain("os", "OS"),
    _plain("platform", "Platform"),
    _plain("user_agent", "User agent"),
    Field("download_time", "Duration", lambda r: _duration(r.download_time), lambda r: r.download_time or 0.0,
          numeric=True),
    Field("download_speed", "Speed", lambda r: formatting.human_speed(r.download_speed) if r.download_speed else "",
          lambda r: r.download_speed, numeric=True),
    _plain("message_id", "Message"),
    _plain("filelink_id", "Link"),
    _plain("content_type", "Content type"),
    _plain("checksum", "SHA-256"),
    _plain("crc32", "CRC32"),
    _plain("user_id", "Owner"),
    _plain("attachment_id", "Attachment"),
    _plain("id", "Download ID"),
)

# Shown until the user chooses (``Settings.download_log_columns``): the compliance question's answer.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "downloaded_at", "filename", "size", "recipient", "remote_host", "location", "browser", "os",
    "download_time", "download_speed",
)
FIELD_KEYS: tuple[str, ...] = tuple(field.key for field in FIELDS)


def column_of(key: str) -> int:
    return FIELD_KEYS.index(key)


class DownloadLogModel(QAbstractTableModel):
    """Every field of a list of downloads; sortable by any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Download] = []
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    @property
    def rows(self) -> Sequence[Download]:
        """The rows in the order shown."""
        return self._rows

    def set_rows(self, rows: Sequence[Download]) -> None:
        """Show these downloads instead, kept in the order the user last sorted by."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted_by is not None:
            self._sort_rows(*self._sorted_by)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(FIELDS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if shown and orientation is Qt.Orientation.Horizontal and 0 <= section < len(FIELDS):
            return FIELDS[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self._rows[index.row()]
        field = FIELDS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return field.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe_tooltip(field.text(row))
        if role == SortRole:
            return field.sort(row)
        if role == DownloadRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and field.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(FIELDS):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()  # the selection and the current row follow their downloads
        held = [(index, self._rows[index.row()]) for index in kept]
        self._sorted_by = (column, order)
        self._sort_rows(column, order)
        if held:
            position = {id(row): number for number, row in enumerate(self._rows)}
            for index, row in held:
                self.changePersistentIndex(index, self.index(position[id(row)], index.column()))
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        self._rows.sort(key=FIELDS[column].sort, reverse=order is Qt.SortOrder.DescendingOrder)
