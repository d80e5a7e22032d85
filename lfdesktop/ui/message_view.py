"""One message: who, when, the permission in words, the text (plain, links clickable, never the server's HTML)
and its files with their checksums and download state. Download one or all into the chosen folder, open what
arrived. For a sent message also who downloaded what, and the sender's actions: delete the files, resend."""

import html
import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Message, MessageFile
from lfdesktop.qt.downloadlog import DownloadLogModel, column_of, local_time
from lfdesktop.qt.formatting import human_size
from lfdesktop.qt.message_actions import MessageActions, file_state_text
from lfdesktop.qt.message_model import permission_text
from lfdesktop.transfer.events import ChecksumState, TransferSnapshot, TransferState

from .icons import icon
from .labels import hint_label, title_label
from .send import AUTHORIZATION_LEVELS
from .theme import colors

STATE_MS = 400  # how often the files' download states are read while some are moving
FILE_COLUMNS = ("Name", "Size", "Type", "Download")
STATE_COLUMN = FILE_COLUMNS.index("Download")
LOG_COLUMNS = ("downloaded_at", "recipient", "filename", "remote_host", "location")
_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def linked_html(text: str) -> str:
    """Plain text as HTML with every character escaped and web addresses made links (only http(s))."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        address = match.group(0)
        target = address if address.lower().startswith("http") else f"https://{address}"
        parts.append(html.escape(text[last:match.start()]))
        parts.append(f'<a href="{html.escape(target, quote=True)}">{html.escape(address)}</a>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return f'<div style="white-space: pre-wrap">{"".join(parts)}</div>'


def permission_words(message: Message) -> tuple[str, str]:
    """The permission as the Send pane names it, and what it means."""
    for level, title, meaning in AUTHORIZATION_LEVELS:
        if level == message.authorization:
            return title, meaning
    return permission_text(message), ""


def _plain(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # server text is never rendered as HTML
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


class MessageView(QWidget):
    def __init__(self, actions: MessageActions, *, sent: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_actions = actions
        self.sent = sent
        self.message: Message | None = None
        self._dialog: QFileDialog | None = None
        self._confirm: QMessageBox | None = None

        self.empty = hint_label("Choose a message to see it here.")
        self.subject = title_label("")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        self.subject.setWordWrap(True)
        self.sender_label, self.recipients, self.ccs = _plain(name="From"), _plain(name="To"), _plain(name="CC")
        self.dates, self.permission = _plain(name="Dates"), _plain(name="Permission")
        form = QFormLayout()
        for title, field in (("From:", self.sender_label), ("To:", self.recipients), ("CC:", self.ccs),
                             ("Dates:", self.dates), ("Permission:", self.permission)):
            form.addRow(title, field)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setAccessibleName("Message text")
        self.text.setMaximumHeight(110)
        self.files = self._build_files()
        self.file_checksum, self.file_crc32 = _plain(name="SHA-256"), _plain(name="CRC32")
        self.file_state = _plain(name="Download state")
        file_form = QFormLayout()
        for title, field in (("SHA-256:", self.file_checksum), ("CRC32:", self.file_crc32),
                             ("Download:", self.file_state)):
            file_form.addRow(title, field)
        self.folder_label = hint_label(name="Download folder")

        self.details = QWidget()
        column = QVBoxLayout(self.details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.subject)
        column.addLayout(form)
        column.addWidget(self.text)
        column.addWidget(self.files)
        column.addLayout(file_form)
        column.addLayout(self._build_download_buttons())
        if sent:
            column.addLayout(self._build_sender_section(), 1)
        else:
            column.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.details, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(STATE_MS)
        self._timer.timeout.connect(self.update_states)
        actions.downloads_started.connect(self._on_downloads_started)
        actions.download_log_loaded.connect(self._on_download_log)
        actions.context.sessions.settings_changed.connect(lambda _settings: self._show_folder())
        self._show_folder()
        self.show_message(None)

    # ---- building ----

    def _build_files(self) -> QTableWidget:
        table = QTableWidget(0, len(FILE_COLUMNS))
        table.setHorizontalHeaderLabels(FILE_COLUMNS)
        table.setAccessibleName("Files")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setMaximumHeight(170)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATE_COLUMN, QHeaderView.ResizeMode.Stretch)
        table.itemSelectionChanged.connect(self._show_chosen_file)
        table.doubleClicked.connect(lambda _index: self.download_selected())
        return table

    def _button(self, text: str, icon_name: str, slot: object, tip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("."))
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())  # type: ignore[operator]
        return button

    def _build_download_buttons(self) -> QVBoxLayout:
        self.download_button = self._button("&Download", "download", self.download_selected,
                                            "Download the chosen file, verified against its checksums")
        self.download_all_button = self._button("Download &All", "download", self.download_all,
                                                "Download every file of the message, each verified")
        self.open_button = self._button("&Open File", "open-external", self.open_file, "Open the downloaded file")
        self.show_folder_button = self._button("Show in &Folder", "folder", self.open_folder,
                                               "Open the folder the file was saved in")
        self.change_folder_button = self._button("C&hange Folder...", "folder", self.choose_folder,
                                                 "Choose where downloads are saved (remembered)")
        buttons = QHBoxLayout()
        for button in (self.download_button, self.download_all_button, self.open_button, self.show_folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        where = QHBoxLayout()
        where.addWidget(self.folder_label, 1)
        where.addWidget(self.change_folder_button)
        rows = QVBoxLayout()
        rows.addLayout(buttons)
        rows.addLayout(where)
        return rows

    def _build_sender_section(self) -> QVBoxLayout:
        self.log_model = DownloadLogModel(self)
        self.download_log = QTableView()
        self.download_log.setModel(self.log_model)
        self.download_log.setAccessibleName("Downloads of this message")
        self.download_log.verticalHeader().hide()
        self.download_log.setSortingEnabled(True)
        self.download_log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.download_log.horizontalHeader().setStretchLastSection(True)
        self.download_log.setWordWrap(False)
        shown = {column_of(key) for key in LOG_COLUMNS}
        for number in range(self.log_model.columnCount()):
            self.download_log.setColumnHidden(number, number not in shown)
        self.log_hint = hint_label(name="Downloads summary")
        self.delete_button = self._button("Delete Files...", "remove", self.confirm_delete,
                                          "Withdraw the files: nobody can download them any more")
        self.resend_to = QLineEdit()
        self.resend_to.setPlaceholderText("name@example.com, ...")
        self.resend_to.setAccessibleName("Resend to")
        self.resend_to.returnPressed.connect(self.resend)
        self.resend_button = self._button("&Resend", "send", self.resend,
                                          "Send the same files in a new message to these people")
        actions = QHBoxLayout()
        resend_label = QLabel("Send the files to:")
        resend_label.setBuddy(self.resend_to)
        actions.addWidget(resend_label)
        actions.addWidget(self.resend_to, 1)
        actions.addWidget(self.resend_button)
        actions.addSpacing(16)
        actions.addWidget(self.delete_button)
        self.deleted_hint = hint_label("You deleted these files: nobody can download them any more.",
                                       name="Files deleted")
        section = QVBoxLayout()
        section.addWidget(self.deleted_hint)
        section.addWidget(QLabel("Downloads"))
        section.addWidget(self.log_hint)
        section.addWidget(self.download_log, 1)
        section.addLayout(actions)
        return section

    # ---- showing a message ----

    def show_message(self, message: Message | None) -> None:
        same = message is not None and self.message is not None and message.id == self.message.id
        self.message = message
        self.empty.setVisible(message is None)
        self.details.setVisible(message is not None)
        if message is None:
            self._timer.stop()
            return
        self.subject.setText(message.subject or "(no subject)")
        self.sender_label.setText(message.sender)
        self.recipients.setText(", ".join(message.recipients) or "—")
        self.ccs.setText(", ".join(message.ccs) or "—")
        expires = message.expires_at.isoformat() if message.expires_at else "never"
        self.dates.setText(f"Sent {local_time(message.created_at)}, expires {expires}")
        title, meaning = permission_words(message)
        self.permission.setText(title)
        self.permission.setToolTip(meaning)
        self.text.setHtml(linked_html(message.message or ""))
        self._fill_files(message.attachments, keep_selection=same)
        if self.sent:
            live = bool(message.attachments) and message.id not in self.message_actions.files_deleted
            for widget in (self.resend_to, self.resend_button, self.delete_button):
                widget.setEnabled(live)
            self.deleted_hint.setVisible(message.id in self.message_actions.files_deleted)
            if not same:
                self.log_model.set_rows([])
                self.log_hint.setText("Reading who downloaded the files...")
            self.message_actions.load_download_log(message.id)
        self.update_states()

    def _fill_files(self, files: tuple[MessageFile, ...], keep_selection: bool) -> None:
        selected = self.selected_rows() if keep_selection else []
        self.files.setRowCount(len(files))
        for row, file in enumerate(files):
            cells = (file.filename, human_size(file.size), file.content_type, "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = f"{file.filename}\nSHA-256 {file.checksum}\nCRC32 {file.crc32}"
                item.setToolTip(tip if column == 0 else text)
                self.files.setItem(row, column, item)
        self.files.clearSelection()
        for row in selected:
            if row < len(files):
                self.files.selectRow(row)
        if not selected and files:
            self.files.selectRow(0)
        self._show_chosen_file()

    def update_states(self) -> None:
        """Each file's download state; keeps polling while one of them moves."""
        message = self.message
        if message is None:
            return
        states = self.message_actions.file_states(message)
        moving = False
        palette = colors()
        for row, file in enumerate(message.attachments):
            snapshot = states.get(file.id)
            item = self.files.item(row, STATE_COLUMN)
            if item is None:
                continue
            text = file_state_text(snapshot)
            item.setText(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, snapshot)
            mark = self._mark(snapshot)
            item.setIcon(icon(mark) if mark else QIcon())
            failed = snapshot is not None and snapshot.state is TransferState.FAILED
            item.setForeground(QColor(palette.error if failed else palette.text))
            moving = moving or (snapshot is not None and not snapshot.state.finished)
        if moving:
            self._timer.start()
        else:
            self._timer.stop()
        self._show_chosen_file()

    @staticmethod
    def _mark(snapshot: TransferSnapshot | None) -> str:
        if snapshot is None:
            return ""
        if snapshot.state is TransferState.FAILED:
            return "error"
        return "check" if snapshot.checksum is ChecksumState.VERIFIED else ""

    # ---- the actions ----

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.files.selectionModel().selectedRows()})

    def selected_files(self) -> list[MessageFile]:
        if self.message is None:
            return []
        return [self.message.attachments[row] for row in self.selected_rows() if row < len(self.message.attachments)]

    def download_selected(self) -> None:
        if self.message is not None and (files := self.selected_files()):
            self.message_actions.download(self.message, files)

    def download_all(self) -> None:
        if self.message is not None and self.message.attachments:
            self.message_actions.download(self.message, self.message.attachments)

    def saved_path(self) -> Path | None:
        """Where the chosen file was saved, once it is."""
        rows = self.selected_rows()
        item = self.files.item(rows[0], STATE_COLUMN) if rows else None
        snapshot = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(snapshot, TransferSnapshot) and snapshot.state is TransferState.DONE and snapshot.result:
            return Path(snapshot.result)
        return None

    def open_file(self) -> None:
        if (path := self.saved_path()) is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_folder(self) -> None:
        path = self.saved_path()
        folder = path.parent if path is not None else self.message_actions.folder()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def choose_folder(self) -> None:
        """A folder picker opened with ``open()`` (never a nested event loop)."""
        if self._dialog is None:
            self._dialog = QFileDialog(self, "Save downloads in")
            self._dialog.setFileMode(QFileDialog.FileMode.Directory)
            self._dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            self._dialog.fileSelected.connect(lambda chosen: self.message_actions.set_folder(Path(chosen)))
        self._dialog.setDirectory(str(self.message_actions.folder()))
        self._dialog.open()

    def confirm_delete(self) -> None:
        if self.message is None:
            return
        message_id = self.message.id
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete files",
                          "Delete this message's files from the server? Nobody will be able to download them.",
                          QMessageBox.StandardButton.Cancel, self)
        delete = box.addButton("Delete Files", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        actions = self.message_actions
        box.buttonClicked.connect(lambda button: actions.delete_files(message_id) if button is delete else None)
        self._confirm = box
        box.open()

    def resend(self) -> None:
        recipients = [part.strip() for part in re.split(r"[,;\s]+", self.resend_to.text()) if part.strip()]
        if self.message is not None and recipients:
            self.message_actions.resend(self.message, recipients)

    # ---- keeping up ----

    def _show_chosen_file(self) -> None:
        """The chosen file's checksums and download state in full (the table has no room for them)."""
        files = self.selected_files()
        rows = self.selected_rows()
        chosen = files[0] if files else None
        item = self.files.item(rows[0], STATE_COLUMN) if rows else None
        self.file_checksum.setText(chosen.checksum or "not given by the server" if chosen else "")
        self.file_crc32.setText(chosen.crc32 or "not given by the server" if chosen else "")
        self.file_state.setText(item.text() if item is not None and item.text() else "Not downloaded")
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        has_files = self.message is not None and bool(self.message.attachments)
        chosen = bool(self.selected_rows())
        self.download_button.setEnabled(has_files and chosen)
        self.download_all_button.setEnabled(has_files)
        self.open_button.setEnabled(self.saved_path() is not None)
        self.show_folder_button.setEnabled(has_files)

    def _show_folder(self) -> None:
        self.folder_label.setText(f"Saving to {self.message_actions.folder()}")

    def _on_downloads_started(self, message_id: str) -> None:
        if self.message is not None and self.message.id == message_id:
            self.update_states()

    def _on_download_log(self, message_id: str, downloads: list[object]) -> None:
        if self.message is None or self.message.id != message_id:
            return
        self.log_model.set_rows(downloads)  # type: ignore[arg-type]
        count = len(downloads)
        self.log_hint.setText("Nobody has downloaded the files yet." if not count else
                              f"{count} download{'s' if count != 1 else ''}:")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.update_states()

