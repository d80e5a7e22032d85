"""The Files pane: every attachment of the account with what the server says of it (size, type, dates,
processing and virus scan, blocked and why, the messages and FileLinks it belongs to), files still being
processed followed until they are done, and three actions: make a FileLink, attach to a new message (without
uploading again), delete an unsent file."""

import html

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Attachment, FileLink
from lfdesktop.qt import formatting
from lfdesktop.qt.attachment_model import (
    AttachmentTableModel,
    Column,
    expiry_text,
    may_delete,
    may_send,
    moment_text,
    processed_text,
    scan_text,
)
from lfdesktop.qt.attachments import AttachmentsController, Reference
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.session import SignedIn

from .icons import icon
from .labels import hint_label, title_label
from .layouts import split
from .notices import Notices
from .tables import read_only_table


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


class AttachmentDetails(QWidget):
    """Every attribute of one attachment in words, and links to what it belongs to."""

    FIELDS = ("Name", "Size", "Type", "Created", "Expires", "Assembled", "Processed", "Virus scan", "Blocked",
              "Downloadable", "SHA-256", "CRC32")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(300)
        self.setAccessibleName("File details")
        inside = QWidget()
        form = QGridLayout(inside)  # QFormLayout keeps stale heights for rows whose wrapped text changed
        form.setContentsMargins(0, 0, 0, 0)
        form.setColumnStretch(1, 1)
        self.values: dict[str, QLabel | QLineEdit] = {}
        for name in self.FIELDS:
            value: QLabel | QLineEdit
            if name == "SHA-256":  # too long to wrap nicely: it scrolls, and copies exactly
                value = QLineEdit()
                value.setReadOnly(True)
                value.setFrame(False)
                value.setStyleSheet("background: transparent")
            else:
                value = QLabel()
                value.setTextFormat(Qt.TextFormat.PlainText)  # server text is never HTML
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(name)
            self._add_row(form, name, value)
            self.values[name] = value
        self.references = QLabel()
        self.references.setWordWrap(True)
        self.references.setTextFormat(Qt.TextFormat.RichText)  # our own anchors; every server word is escaped
        self.references.setOpenExternalLinks(True)
        self.references.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.references.setAccessibleName("Sent in")
        self._add_row(form, "Sent in", self.references)
        self.empty = hint_label("Select a file to see its details.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)  # not a scroll area: wrapped labels get the height they need
        layout.addWidget(self.empty)
        layout.addWidget(inside)
        layout.addStretch(1)
        self.fields = inside
        self.show_attachment(None)

    @staticmethod
    def _add_row(grid: QGridLayout, name: str, value: QWidget) -> None:
        row = grid.rowCount()
        grid.addWidget(QLabel(f"{name}:"), row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value, row, 1)

    def show_attachment(self, attachment: Attachment | None) -> None:
        self.attachment_id = attachment.id if attachment else None
        self.empty.setVisible(attachment is None)
        self.fields.setVisible(attachment is not None)
        if attachment is None:
            return
        blocked = (attachment.content_blocked_message or "Yes") if attachment.content_blocked else "No"
        texts = {
            "Name": attachment.filename,
            "Size": f"{formatting.human_size(attachment.size)} ({attachment.size:,} bytes)",
            "Type": attachment.content_type,
            "Created": moment_text(attachment.created_at),
            "Expires": expiry_text(attachment),
            "Assembled": _yes_no(attachment.assembled),
            "Processed": processed_text(attachment),
            "Virus scan": scan_text(attachment),
            "Blocked": blocked,
            "Downloadable": _yes_no(attachment.available),
            "SHA-256": attachment.checksum,
            "CRC32": attachment.crc32,
        }
        for name, text in texts.items():
            value = self.values[name]
            value.setText(text)
            if isinstance(value, QLineEdit):
                value.setCursorPosition(0)  # its start in view
        count = len(attachment.messages) + len(attachment.filelinks)
        self.references.setText("Not sent or shared yet." if not count else "Looking up…")

    def show_references(self, attachment_id: str, references: list[Reference]) -> None:
        if attachment_id != self.attachment_id:
            return  # another file was selected meanwhile
        lines = []
        for reference in references:
            text = html.escape(reference.text)
            lines.append(f'<a href="{html.escape(reference.url)}">{text}</a>' if reference.url else text)
        self.references.setText("<br>".join(lines))
        self.references.setAccessibleDescription("; ".join(reference.text for reference in references))


class FilesPane(QWidget):
    title = "Files"
    attach_requested = Signal(list)  # list[Attachment]: the lead shows the Send pane and stages them there

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = AttachmentsController(context, parent=self)
        self.model = AttachmentTableModel(self.controller, icons=icon, parent=self)

        heading = title_label("Your files")
        self.hint = hint_label(name="About your files")
        self.notices = Notices()
        self.refresh_button = QPushButton(icon("retry"), "Refresh")
        self.refresh_button.setAccessibleName("Refresh the list of files")
        self.refresh_button.clicked.connect(self.controller.refresh)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.refresh_button)

        self.table = read_only_table(QTableView(), "Files", sortable=False)
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the state, which may quote a scanner's message
        for column, width in ((Column.NAME, 170), (Column.SIZE, 64), (Column.TYPE, 100), (Column.CREATED, 118),
                              (Column.EXPIRES, 84)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.details = AttachmentDetails()
        body = split(Qt.Orientation.Horizontal, (self.table, 3), (self.details, 2))
        body.setSizes([600, 400])  # the details get room from the start (the table would take it all)

        self.link_button = QPushButton(icon("link"), "Make FileLink")
        self.link_button.setAccessibleName("Make a FileLink for the selected file")
        self.link_button.clicked.connect(self.make_link)
        self.attach_button = QPushButton(icon("send"), "Attach to a new message")
        self.attach_button.setAccessibleName("Attach the selected files to a new message")
        self.attach_button.clicked.connect(self.attach)
        self.delete_button = QPushButton(icon("remove"), "Delete")
        self.delete_button.setAccessibleName("Delete the selected unsent files")
        self.delete_button.setToolTip("Delete the selected files from the server (only files never sent or shared)")
        self.delete_button.clicked.connect(self.delete)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setAccessibleName("Files status")
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        for button in (self.link_button, self.attach_button, self.delete_button):
            actions.addWidget(button)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.delete)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.notices)
        layout.addWidget(body, 1)
        layout.addLayout(actions)

        self._kept: list[str] = []  # the ids selected when the list is read again, selected again after
        self.model.modelAboutToBeReset.connect(lambda: setattr(self, "_kept", [item.id for item in self.selected()]))
        controller = self.controller
        controller.listed.connect(self._on_listed)
        controller.updated.connect(self._on_updated)
        controller.loading_changed.connect(self._update_status)
        controller.failed.connect(lambda reason: self.notices.show_notice(reason, "error"))
        controller.link_made.connect(self._on_link_made)
        controller.deleted.connect(lambda name: self.notices.show_notice(f"{name} was deleted.", "info"))
        controller.references_ready.connect(self.details.show_references)
        context.sessions.active_changed.connect(self._on_active_changed)
        self._on_active_changed(context.sessions.active)

    # ---- the pane API ----

    def selected(self) -> list[Attachment]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [item for row in rows if (item := self.model.item(row)) is not None]

    def select(self, *attachment_ids: str) -> bool:
        """Select these files (those still listed); whether any was."""
        selection = self.table.selectionModel()
        rows = [row for attachment_id in attachment_ids if (row := self.model.row_of(attachment_id)) is not None]
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0),
                             QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        return bool(rows)

    def make_link(self) -> None:
        for attachment in self.selected():
            if may_send(attachment):
                self.controller.make_link(attachment.id)

    def attach(self) -> None:
        chosen = [attachment for attachment in self.selected() if may_send(attachment)]
        if chosen:
            self.attach_requested.emit(chosen)

    def delete(self) -> None:
        for attachment in self.selected():
            if may_delete(attachment):
                self.controller.delete(attachment.id)

    def showEvent(self, event: QShowEvent) -> None:
        """Read again whenever the pane comes into view: the list changes as the user sends and shares."""
        super().showEvent(event)
        self.controller.refresh()

    # ---- keeping up ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        self.setEnabled(signed_in is not None)
        self.hint.setText(
            "Sign in to see your files." if signed_in is None else
            "Files you uploaded that have not expired. A file stays until the last message or FileLink it is in "
            "expires; files never sent can be deleted."
        )
        self._update_actions()

    def _on_listed(self) -> None:
        self._update_status()
        if not self.select(*self._kept):  # what was selected stays so; selecting shows it
            self._on_selection()

    def _on_updated(self, rows: list[int]) -> None:
        self._update_status()
        current = self.details.attachment_id
        if any((item := self.model.item(row)) is not None and item.id == current for row in rows):
            self._on_selection()

    def _on_selection(self) -> None:
        chosen = self.selected()
        shown = chosen[0] if len(chosen) == 1 else None
        self.details.show_attachment(shown)
        if shown is not None:
            self.controller.describe(shown.id)
        self._update_actions()

    def _update_actions(self) -> None:
        chosen = self.selected()
        self.link_button.setEnabled(any(may_send(item) for item in chosen))
        self.attach_button.setEnabled(any(may_send(item) for item in chosen))
        self.delete_button.setEnabled(any(may_delete(item) for item in chosen))

    def _update_status(self) -> None:
        items = self.controller.items
        if self.controller.loading and not items:
            self.status.setText("Reading your files…")
            return
        processing = sum(1 for item in items if not item.processed)
        text = f"{len(items)} file{'s' if len(items) != 1 else ''}, {formatting.human_size(sum(i.size for i in items))}"
        self.status.setText(text + (f"; {processing} being processed" if processing else ""))

    def _on_link_made(self, link: FileLink) -> None:
        QGuiApplication.clipboard().setText(link.url)
        self.notices.show_notice(f"FileLink for {link.filename} made and copied: {link.url}", "info")

