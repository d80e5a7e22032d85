"""A table model over the server's filedrops (Admin pane): name, title, owner, and who can download in words."""

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from lfdesktop.api.models import Filedrop

from .filedrops import FiledropsController
from .record_model import RecordTableModel
from .tablemodel import AnyIndex

ItemRole = Qt.ItemDataRole.UserRole + 1  # the row's Filedrop

# The two download permissions of a filedrop's messages (seeds/004): in words, in short (the table), and meant.
AUTHORIZATION = {
    2: ("The recipients and users of this server", "Recipients and users",
        "The filedrop's owner and CC addresses, and anyone with an account on this server."),
    3: ("Only the recipients", "Recipients only", "Only the filedrop's owner and its CC addresses."),
}


def authorization_text(level: int) -> str:
    return AUTHORIZATION[level][1] if level in AUTHORIZATION else f"Level {level}"


class Column(IntEnum):
    NAME = 0
    TITLE = 1
    OWNER = 2
    DOWNLOAD = 3

    @property
    def title(self) -> str:
        return "Who can download" if self is Column.DOWNLOAD else self.name.capitalize()


class FiledropTableModel(RecordTableModel[Filedrop]):
    def __init__(self, controller: FiledropsController, parent: QObject | None = None) -> None:
        super().__init__(Column, parent)
        self.controller = controller
        controller.listed.connect(self.reset)

    def records(self) -> list[Filedrop]:
        return self.controller.items

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        if role == ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            match Column(index.column()):
                case Column.NAME:
                    return item.name
                case Column.TITLE:
                    return item.title
                case Column.OWNER:
                    return item.owner
                case Column.DOWNLOAD:
                    return authorization_text(item.authorization)
        return None
