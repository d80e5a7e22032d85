"""A table model over the account's attachments, and what their attributes (seeds/003) say in words: pure
functions of an ``Attachment``, shared by the table and the Files pane's detail panel."""

from collections.abc import Callable
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QIcon

from lfdesktop.api.models import Attachment

from . import formatting
from .attachments import AttachmentsController
from .record_model import RecordTableModel
from .tablemodel import AnyIndex

IconProvider = Callable[[str], QIcon]

ItemRole = Qt.ItemDataRole.UserRole + 1  # the row's Attachment


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    TYPE = 2
    CREATED = 3
    EXPIRES = 4
    STATE = 5

    @property
    def title(self) -> str:
        return self.name.capitalize()


def moment_text(moment: datetime | None) -> str:
    """Local time to the minute: "2026-11-22 11:20"."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def day_text(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def expiry_text(attachment: Attachment) -> str:
    """An attachment expires with the last message or FileLink it belongs to; unsent, the server decides."""
    return day_text(attachment.expires_at) or "Not sent yet"


def state_text(attachment: Attachment) -> str:
    """The one thing to know first: "Ready", "Scanning for viruses", "Blocked: Virus found: ..."."""
    if not attachment.assembled:
        return "Assembling"
    if not attachment.processed:
        scanning = attachment.virus_scan_required and not attachment.virus_scanned
        return "Scanning for viruses" if scanning else "Processing"
    if attachment.content_blocked:
        return f"Blocked: {attachment.content_blocked_message}" if attachment.content_blocked_message else "Blocked"
    if not attachment.available:
        return "Not available for download"
    return "Ready"


def state_icon(attachment: Attachment) -> str:
    if attachment.content_blocked:
        return "error"
    if not (attachment.assembled and attachment.processed):
        return "clock"
    return "check" if attachment.available else "warning"


def scan_text(attachment: Attachment) -> str:
    """"Required; scanned 2026-11-22 11:20", "Required; not scanned yet", "Not required"."""
    if not attachment.virus_scan_required:
        return "Not required" + ("; scanned " + moment_text(attachment.virus_scanned_at)
                                 if attachment.virus_scanned_at else "")
    if attachment.virus_scanned:
        when = moment_text(attachment.virus_scanned_at)
        return f"Required; scanned {when}" if when else "Required; scanned"
    return "Required; not scanned yet"


def processed_text(attachment: Attachment) -> str:
    if not attachment.processed:
        return "Not yet"
    when = moment_text(attachment.processed_at)
    return f"Yes, {when}" if when else "Yes"


def may_delete(attachment: Attachment) -> bool:
    """The server deletes only files that were never sent or shared."""
    return not attachment.messages and not attachment.filelinks


def may_send(attachment: Attachment) -> bool:
    """Processed and not blocked: what the server takes in a message or FileLink."""
    return attachment.processed and not attachment.content_blocked


class AttachmentTableModel(RecordTableModel[Attachment]):
    """Follows an ``AttachmentsController``: reset when the list is read again, rows updated as processing ends."""

    def __init__(
        self, controller: AttachmentsController, *, icons: IconProvider | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(Column, parent)
        self.controller = controller
        self._icons = icons
        controller.listed.connect(self.reset)
        controller.updated.connect(self.rows_changed)

    def records(self) -> list[Attachment]:
        return self.controller.items

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        column = Column(index.column())
        if role == ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return _text(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.STATE and self._icons is not None:
            return self._icons(state_icon(item))
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _text(item: Attachment, column: Column) -> str:
    match column:
        case Column.NAME:
            return item.filename
        case Column.SIZE:
            return formatting.human_size(item.size)
        case Column.TYPE:
            return item.content_type
        case Column.CREATED:
            return moment_text(item.created_at)
        case Column.EXPIRES:
            return expiry_text(item)
        case Column.STATE:
            return state_text(item)
